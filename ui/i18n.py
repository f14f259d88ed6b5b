"""The dashboard's own words (menu, buttons, headings, hints) in Chinese and English.

The words of the domain (report columns, statuses, gap kinds, stages, severities, units) live in
:mod:`chain.columns` and how values read in :mod:`chain.render`; input column and sheet names in
:mod:`chain.schema`. This catalogue holds only the chrome around them.
"""

from __future__ import annotations

import string

from chain import columns as cat

__all__ = ["LANGS", "TEXT", "t"]

#: Language code -> the name of that language written in itself (what the switch shows).
LANGS: dict[str, str] = {"zh": "中文", "en": "English"}

#: key -> (zh, en). Templates use str.format; every amount the UI writes carries its unit. English counts
#: pick singular or plural with the format spec ``plural:one|many``: ``{count} {count:plural:error|errors}``.
#: Units written inside labels, (zh, en), from the catalogue: an input in 万元 says so in its own words.
_WAN = cat.UNITS["wan_yuan"]
_KM = cat.UNITS["km"]


def _column(key: str) -> tuple[str, str]:
    """A label that is a report column's name (a filter, a metric): the catalogue's words, not a copy."""
    return cat.name(key, "zh"), cat.name(key, "en")


TEXT: dict[str, tuple[str, str]] = {
    # The app and its menu.
    "app_title": ("产业链补链招商看板", "Chain gap & recruiting dashboard"),
    "app_subtitle": ("新材料产业链 · 强链补链延链", "New-materials chain: strengthen, fill, extend"),
    "language": ("语言 / Language", "Language / 语言"),
    "menu": ("导航", "Pages"),
    "page_overview": ("概览", "Overview"),
    "page_chain_map": ("产业链图谱", "Chain map"),
    "page_gaps": ("强弱缺分析", "Gaps"),
    "page_targets": ("招商目标", "Targets"),
    "page_pairing": ("本地配套", "Local pairing"),
    "page_enterprise": ("企业画像", "Enterprise"),
    "page_what_if": ("项目模拟", "What-if"),
    "page_data": ("数据", "Data"),
    "page_overview_intro": (
        "全链条一览：规模、完整度、强弱缺分布，以及最值得关注的上下游缺口。",
        "The whole chain at a glance: size, completeness, strong/weak/missing, and the gaps that matter most.",
    ),
    "page_chain_map_intro": (
        "按上下游分层的环节图，颜色表示强链/弱链/缺链。选择一个环节，查看其企业、供应方和采购方。",
        "Segments laid out from upstream to downstream, coloured by status. Pick one to see its firms, "
        "suppliers and buyers.",
    ),
    "page_gaps_intro": (
        "每个环节的判定及依据。调整“弱链阈值”会改变所有页面的判定。",
        "Every segment's status and why. Changing the weak-share threshold changes statuses on every page.",
    ),
    "page_targets_intro": (
        "按得分排序的招商目标：上游缺口对应已向本县供货的外地企业，下游缺口对应外地采购方。",
        "Ranked recruiting targets: for upstream gaps, outside firms already selling into the county; for "
        "downstream gaps, the outside buyers of local output.",
    ),
    "page_pairing_intro": (
        "本地已有企业能生产、但本地采购方仍从外地采购的产品：可以马上安排对接。",
        "Products a local firm already makes that a local buyer still buys from outside: meetings to arrange.",
    ),
    "page_enterprise_intro": (
        "一家企业的规模、上下游、所在环节的状况、包联代表和诉求。",
        "One firm: its size, suppliers and customers, its segment's status, its deputy and its requests.",
    ),
    "page_what_if_intro": (
        "假设引进一个项目，看外购额、本地配套率、环节判定和链条完整度如何变化。",
        "Suppose a project comes on line: see how leakage, local share, status and completeness change.",
    ),
    "page_data_intro": (
        "上传本县工作簿、查看校验报告、下载模板和样例。",
        "Upload your county's workbook, read the validation report, download the template and the sample.",
    ),
    # Data source panel (sidebar) and banners.
    "source_title": ("当前数据", "Data in use"),
    "source_sample": ("内置样例数据", "bundled sample data"),
    "source_file": ("文件：{name}", "File: {name}"),
    "source_county_period": ("{county} · {period}", "{county} · {period}"),
    "source_ok": ("校验通过", "validated"),
    "banner_errors": (
        "上传的工作簿有 {count} 个错误，请到「数据」页查看。修正前不显示分析结果。",
        "The uploaded workbook has {count} {count:plural:error|errors}: see the Data page. No analysis is shown until they are fixed.",
    ),
    "banner_go_data": ("查看校验报告", "Open the validation report"),
    # Rows the user chose to leave out of the analysis: named on every page.
    "banner_excluded": (
        "本次分析未纳入 {count} 行有错误的数据：{rows}（详见「数据」页）",
        "This analysis leaves out {count} {count:plural:row|rows} with errors: {rows} (see the Data page)",
    ),
    "excluded_place": ("{sheet} 第{row}行", "{sheet} row {row}"),
    "source_excluded": ("未纳入 {count} 行", "{count} {count:plural:row|rows} left out"),
    "sample_missing": (
        "找不到内置样例数据 data/sample.xlsx。请到「数据」页上传工作簿。",
        "The bundled sample data/sample.xlsx is missing: upload a workbook on the Data page.",
    ),
    "loading": ("正在读取工作簿…", "Reading the workbook…"),
    "session_lost": (
        "此页面之前使用的工作簿（编号 {code}）已不在本次会话中：服务器可能已重启，或这是新打开的标签页。"
        "现在显示的是内置样例数据；请到「数据」页重新上传您的工作簿。",
        "The workbook this page was showing (reference {code}) is no longer in this session: the server may "
        "have restarted, or this is a new tab. The bundled sample is shown now; upload your workbook again on "
        "the Data page.",
    ),
    "session_lost_ok": ("知道了，使用样例数据", "OK, use the sample"),
    "data_tmp_full": (
        "服务器临时目录 {path} 只剩 {free:,.0f} MB 可用（需要约 {needed:,.0f} MB），大于 1 MB 的上传可能失败。"
        "请联系管理员清理该目录或调整 TMPDIR（见部署说明）。",
        "The server's temporary directory {path} has only {free:,.0f} MB free (about {needed:,.0f} MB needed): "
        "uploads over 1 MB may fail. Ask the administrator to free space there or set TMPDIR (see the "
        "deployment notes).",
    ),
    "analysing": ("正在分析产业链…", "Analysing the chain…"),
    "failed": (
        "处理数据时出错：{detail}。请检查工作簿后重新上传，或返回样例数据。",
        "Something went wrong while processing the data: {detail}. Check the workbook and upload it "
        "again, or go back to the sample.",
    ),
    "none": ("无", "none"),
    "all": ("全部", "all"),
    "download_xlsx": ("下载 Excel", "Download Excel"),
    "download_csv": ("下载 CSV", "Download CSV"),
    "empty_filtered": (
        "没有符合筛选条件的记录。请放宽筛选条件。",
        "Nothing matches these filters: widen them.",
    ),
    # Overview.
    "kpi_output": ("产业链总产值", "Chain output"),
    "kpi_output_help": ("本地企业产值合计：{amount}", "Sum of local firms' output: {amount}"),
    "kpi_share": ("占全县工业总产值", "Share of county industry"),
    "kpi_share_help": (
        "全县工业总产值 {amount}（来自“设置”表）",
        "County industrial output {amount}, from the settings sheet",
    ),
    "kpi_share_missing": ("“设置”表未填县域工业总产值", "county industrial output not given in settings"),
    "kpi_employees": ("从业人数", "Employment"),
    "kpi_growth": ("加权同比增长", "Output-weighted growth"),
    "kpi_growth_help": (
        "按产值加权的企业同比增长（未填增长率的企业不计入）",
        "Firms' year-on-year growth weighted by output (firms without a growth figure left out)",
    ),
    "kpi_above_scale": ("规上企业", "Above-scale firms"),
    "kpi_above_scale_delta": ("共 {total} 家企业", "of {total} firms"),
    "kpi_completeness_segments": _column("completeness_segments"),
    "kpi_completeness_segments_help": (
        "有本地企业的环节 {have}/{total}",
        "{have} of {total} template segments have a local firm",
    ),
    "kpi_completeness_value": ("本地配套率", "Demand met locally"),
    "kpi_completeness_value_help": (
        "本地需求 {demand} 中，本地供给 {supply}",
        "Of {demand} local demand, {supply} is supplied locally",
    ),
    "overview_structure": ("产值构成（材料类别 → 环节）", "Output by category and segment"),
    "overview_status": ("强弱缺分布", "Strong / weak / missing"),
    "overview_status_count": ("{count} 个环节", "{count} {count:plural:segment|segments}"),
    # No number in these headings: a small workbook may have fewer gaps than the cards the page can show.
    "overview_up_gaps": ("最大的上游缺口（补链）", "Largest upstream gaps (to fill)"),
    "overview_down_gaps": ("最大的下游缺口（延链）", "Largest downstream gaps (to extend)"),
    "overview_up_buyers": (
        "{count} 家本地企业从外地采购",
        "{count} local {count:plural:firm buys|firms buy} it from outside",
    ),
    "overview_up_distance": ("加权平均运距 {km}", "value-weighted distance {km}"),
    "overview_down_inputs": (
        "上游「{inputs}」的产品外销后在外地加工",
        "its inputs ({inputs}) are shipped out to be processed elsewhere",
    ),
    "overview_no_gaps": ("没有此类缺口。", "No gaps of this kind."),
    "overview_gap_line": ("外购 {leakage}", "{leakage} bought outside"),
    "overview_down_line": ("外流待加工 {value}", "{value} processed elsewhere"),
    "overview_more": ("详细分析", "In depth"),
    "overview_cycles": (
        "产业链图谱中有互为上下游的环节：{cycles}",
        "Some segments feed each other in a cycle: {cycles}",
    ),
    # Chain map.
    "map_category": _column("category"),
    "map_segment": ("选择环节", "Segment"),
    "map_segment_none": ("（不选）", "(none)"),
    "map_pick_hint": (
        "点击图中的环节，或在上方选择一个环节，查看其企业、供应方和采购方。",
        "Click a segment in the map, or pick one above, to see its firms, suppliers and buyers.",
    ),
    "map_firms": ("本环节企业", "Firms in this segment"),
    "map_suppliers": ("供应方（本地 / 外地）", "Suppliers (local / outside)"),
    "map_buyers": ("采购方（本地 / 外地）", "Buyers (local / outside)"),
    "map_flow": (
        f"外地来源 → 环节 → 市场（{_WAN[0]}）",
        f"Outside sources -> segments -> markets ({_WAN[1]})",
    ),
    "map_flow_hint": (
        "左侧是向本县供货的外地地区，右侧是本地产品销往的市场；宽度为年交易额。",
        "On the left, the regions selling into the county; on the right, where local output goes. Width is "
        "annual value.",
    ),
    "map_no_links": ("这个环节没有记录在案的供需关系。", "No supply relations recorded for this segment."),
    # Gaps.
    "gaps_threshold": ("弱链阈值（本地配套率低于此值为弱链）", "Weak-share threshold (below = weak)"),
    "gaps_threshold_help": (
        "本地供给占本地需求的比例低于此值的环节判为弱链。此设置作用于所有页面。",
        "A segment whose local supply covers less than this share of local demand is weak. Applies on every page.",
    ),
    "gaps_filter_category": _column("category"),
    "gaps_filter_stage": _column("stage"),
    "gaps_filter_status": _column("status"),
    "gaps_filter_gap": _column("gap"),
    "gaps_table": ("环节明细", "Segments"),
    "gaps_leakage_chart": ("外购额最大的环节", "Where the most is bought outside"),
    "gaps_exports_chart": ("外销额最大的环节", "Where the most is sold outside"),
    "gaps_count": ("显示 {shown} / {total} 个环节", "{shown} of {total} segments shown"),
    # Targets.
    "targets_segment": _column("segment"),
    "targets_gap": _column("gap"),
    "targets_region": _column("region"),
    "targets_min_value": (f"最低年交易额（{_WAN[0]}）", f"Minimum annual value ({_WAN[1]})"),
    "targets_max_distance": (f"最远运输距离（{_KM[0]}，0 = 不限）", f"Maximum distance ({_KM[1]}, 0 = any)"),
    "targets_count": ("{count} 个招商目标", "{count} recruiting {count:plural:target|targets}"),
    "targets_top": ("首选目标", "Top target"),
    "targets_how": ("得分如何计算", "How the score is computed"),
    "targets_how_text": (
        "每个因素先归一化到 0–1，再按下列权重加权求和；已有招商项目覆盖的环节，得分乘以 {penalty}。"
        "运输距离越远，得分越高：企业在本地建厂，就省下了这段运费。",
        "Each factor is scaled to 0–1, then weighted as below; where a recruiting project already covers the "
        "segment, the score is multiplied by {penalty}. A longer distance raises the score, because a plant "
        "in the county would save that freight.",
    ),
    "weight_value": ("已向本县的年交易额", "value already traded with the county"),
    "weight_partners": ("服务的本地企业数", "local firms served"),
    "weight_distance": ("运输距离（越远，本地建厂收益越大）", "distance (farther = more to gain locally)"),
    "weight_gap": ("所补缺口的大小", "size of the gap it would close"),
    "weight_factor": ("因素", "factor"),
    "weight_weight": ("权重", "weight"),
    "export_targets_title": ("招商目标清单", "Recruiting targets"),
    # Pairing.
    "pairing_segment": ("产品环节", "Product segment"),
    "pairing_count": ("{count} 组对接建议", "{count} suggested {count:plural:introduction|introductions}"),
    "pairing_evidence": ("依据", "Evidence"),
    "pairing_candidates": ("本地可供货企业：{suppliers}", "Local firms that make it: {suppliers}"),
    "pairing_candidate": ("{name}（产值 {output}）", "{name} (output {output})"),
    "pairing_replaces": ("可替代的外地采购：{suppliers}", "Would replace: {suppliers}"),
    "export_pairs_title": ("本地配套对接建议", "Local pairing suggestions"),
    # Enterprise.
    "ent_pick": ("选择企业（可输入名称搜索）", "Firm (type to search)"),
    "ent_output": ("产值", "Output"),
    "ent_employees": ("用工", "Employees"),
    "ent_growth": ("同比增长", "Growth"),
    "ent_segment": ("所在环节", "Segment"),
    "ent_town": ("所在镇", "Town"),
    "ent_deputy": ("包联代表", "Deputy"),
    "ent_above": ("规上企业", "Above-scale"),
    "ent_products": ("主要产品", "Products"),
    "ent_network": ("上下游关系", "Suppliers and customers"),
    "ent_suppliers": ("供应方", "Suppliers"),
    "ent_customers": ("客户", "Customers"),
    "ent_segment_status": ("所在环节：{segment} · {status}", "Segment: {segment} · {status}"),
    "ent_demands": ("企业诉求", "Requests"),
    "ent_no_demands": ("没有登记的诉求。", "No requests recorded."),
    "ent_projects": ("本环节的招商项目", "Recruiting projects in this segment"),
    "ent_no_projects": ("本环节没有登记的招商项目。", "No recruiting projects recorded in this segment."),
    "ent_none": ("工作簿中没有企业。", "The workbook has no enterprises."),
    # What-if.
    "wi_prefill": ("从招商项目预填", "Pre-fill from a recruiting project"),
    "wi_prefill_none": ("（自行填写）", "(enter by hand)"),
    "wi_segment": ("项目所在环节", "Segment of the project"),
    "wi_output": (f"预计产值（{_WAN[0]}）", f"Expected output ({_WAN[1]})"),
    "wi_name": ("项目名称", "Project name"),
    "wi_name_default": ("拟引进项目", "Proposed project"),
    "wi_before": ("引进前", "Before"),
    "wi_after": ("引进后", "After"),
    "wi_status": ("环节判定", "Segment status"),
    "wi_leakage": ("外购额", "Leakage"),
    "wi_share": _column("local_share"),
    "wi_completeness_segments": _column("completeness_segments"),
    "wi_completeness_value": _column("completeness_value"),
    "wi_changes": ("受影响的环节", "Segments affected"),
    "wi_metric": ("指标", "Metric"),
    "wi_hint": (
        "项目按预计产值满足本地需求：先替代外购，剩余产值不计入本地供给。",
        "The project meets local demand up to its expected output, replacing outside purchases first.",
    ),
    "wi_no_change": (
        "该项目不改变任何环节的判定或外购额。",
        "This project changes no segment's status or leakage.",
    ),
    "wi_name_taken": (
        "“{name}”已是本地企业的名称，请给项目另起一个名称。",
        "'{name}' is already a local enterprise: give the project another name.",
    ),
    "wi_output_positive": ("请填写大于 0 的预计产值。", "Enter an expected output above 0."),
    # Data.
    "data_upload": ("上传工作簿（.xlsx、.xls、.ods）", "Upload a workbook (.xlsx, .xls, .ods)"),
    "data_upload_help": (
        "按模板填写的 .xlsx（或 .xls、.ods）文件，不超过 {mb} MB；表名和列名中英文均可。",
        "An .xlsx (or .xls, .ods) file laid out like the template, at most {mb} MB; sheet and column names in "
        "Chinese or English.",
    ),
    "data_step_guard": ("检查文件安全", "Checking the file"),
    "data_step_parse": ("读取工作簿中的各张表", "Reading the workbook's sheets"),
    "data_step_validate": (
        "校验：{errors} 个错误，{warnings} 条提醒",
        "Validated: {errors} {errors:plural:error|errors}, {warnings} {warnings:plural:warning|warnings}",
    ),
    "data_step_first_error": (
        "校验：{errors} 个错误，{warnings} 条提醒。第一个错误：{message}",
        "Validated: {errors} {errors:plural:error|errors}, {warnings} {warnings:plural:warning|warnings}. "
        "First error: {message}",
    ),
    "data_step_analyse": ("分析产业链", "Analysing the chain"),
    "data_status_running": ("正在处理 {name}", "Processing {name}"),
    "data_status_ok": ("{name} 已载入", "{name} loaded"),
    "data_status_errors": (
        "{name} 有 {count} 个错误，未载入分析",
        "{name} has {count} {count:plural:error|errors}: not analysed",
    ),
    "data_refused": ("文件被拒绝：{message}", "File refused: {message}"),
    "data_loaded": ("已载入的数据", "What is loaded"),
    "data_report": ("校验报告", "Validation report"),
    "data_report_clean": ("没有发现问题。", "No problems found."),
    "data_report_summary": (
        "{errors} 个错误，{warnings} 条提醒",
        "{errors} {errors:plural:error|errors}, {warnings} {warnings:plural:warning|warnings}",
    ),
    "data_filter_sheet": _column("sheet"),
    "data_filter_severity": _column("severity"),
    "data_template": ("下载空白模板", "Download the blank template"),
    "data_sample": ("下载样例工作簿", "Download the sample workbook"),
    "data_back": ("返回工作区数据", "Back to the workspace's data"),
    # The workspace: snapshots of accepted uploads (ui/workspace.py).
    "ws_title": ("工作区快照", "Workspace snapshots"),
    "ws_hint": (
        "每个通过校验的上传都保存为一个快照（原始文件不变）。所有用户打开的是“当前”快照；在侧栏可切换查看其他快照。",
        "Every accepted upload is kept as a snapshot (the original file, unchanged). Every user opens on the "
        "current one; the sidebar switches to another.",
    ),
    "ws_empty": (
        "还没有快照：上传一个通过校验的工作簿即可保存。",
        "No snapshots yet: an accepted upload is kept as one.",
    ),
    "ws_open": ("快照：{name}", "Snapshot: {name}"),
    "ws_switch": ("打开快照", "Open snapshot"),
    "ws_switch_placeholder": ("（正在查看上传的文件）", "(viewing an upload)"),
    "ws_current_mark": ("（当前）", " (current)"),
    "ws_unavailable": ("工作区数据库不可用：{detail}", "The workspace database is unavailable: {detail}"),
    "ws_saved": ("已保存为快照 {id}（{label}）", "Kept as snapshot {id} ({label})"),
    "ws_already": (
        "此文件已是快照 {id}（{label}），未重复保存",
        "This file is already snapshot {id} ({label}): not kept twice",
    ),
    "ws_kept_as": ("已保存为快照 {id}（{label}）", "Kept as snapshot {id} ({label})"),
    "ws_not_kept": (
        "含错误行的工作簿不保存为快照（只保存没有错误的工作簿）",
        "Not kept as a snapshot: only a workbook without errors is kept",
    ),
    "ws_period_needed": (
        "报告期缺失或无法识别：填写报告期（如 2023年1-9月）后保存为快照。",
        "The reporting period is missing or not understood: give it (e.g. 2023年1-9月) to keep a snapshot.",
    ),
    "ws_period_missing": ("设置表没有报告期。", "The 设置 sheet has no reporting period."),
    "ws_period": ("报告期", "Reporting period"),
    "ws_label": ("名称", "Label"),
    "ws_save": ("保存为快照", "Keep as a snapshot"),
    "ws_pick": ("选择快照", "Snapshot"),
    "ws_download": ("下载原始文件", "Download the original"),
    "ws_download_all": ("下载全部快照（zip）", "Download every snapshot (zip)"),
    "ws_open_button": ("在本会话中打开", "Open in this session"),
    "ws_make_current": ("设为当前快照", "Make current"),
    "ws_rename": ("改名", "Rename"),
    "ws_delete_confirm": ("确认删除快照 {id}", "Yes, delete snapshot {id}"),
    "ws_delete": ("删除", "Delete"),
    "ws_col_id": ("编号", "ID"),
    "ws_col_current": ("当前", "Current"),
    "ws_col_period": ("报告期", "Period"),
    "ws_col_label": ("名称", "Label"),
    "ws_col_county": ("县名", "County"),
    "ws_col_file": ("原始文件", "Original file"),
    "ws_col_by": ("上传人", "Uploaded by"),
    "ws_col_at": ("上传时间", "Uploaded at"),
    "data_files": ("模板与样例", "Template and sample"),
    "data_files_hint": (
        "模板含全部工作表、列名和下拉选项，第一张“说明”表逐列解释填法并给出示例；样例是一个完整的县域新材料产业链。",
        "The template has every sheet, column and dropdown; its first sheet, 说明, explains each column with "
        "examples. The sample is a complete county new-materials chain.",
    ),
    "data_file_missing": ("文件 {name} 不存在。", "The file {name} is missing."),
    # Leaving the rows in error out, on the data page.
    "data_skip_explain": (
        "这些错误都在必填工作表的数据行上（{rows}），可以先不含这 {count} 行继续分析。"
        "这些行会在每个页面顶部和每个导出文件的“说明”表中逐行列明；引用了它们的其他行"
        "（如供需关系中被略去的企业）也会一并不纳入并列明。修正工作簿后重新上传，即可分析全部数据。",
        "Every error sits on a data row of a required sheet ({rows}), so the workbook can be analysed "
        "without those {count} {count:plural:row|rows}. They will be named at the top of every page and in the About sheet "
        "of every export; rows that refer to them (links to a firm left out) are left out and named too. "
        "Fix the workbook and upload it again to analyse every row.",
    ),
    "data_skip_button": (
        "不含这 {count} 行，继续分析",
        "Analyse without the {count} {count:plural:row|rows} in error",
    ),
    "data_excluded_notice": (
        "当前分析未纳入 {count} 行有错误的数据，它们的错误见下方检查报告。"
        "修正工作簿后重新上传，或包含全部行重新检查。",
        "The analysis in use leaves out {count} {count:plural:row|rows} with errors; their errors are in the "
        "report below. Fix the workbook and upload it again, or check it again with every row.",
    ),
    "data_include_all": ("包含全部行重新检查", "Check again with every row"),
    "data_step_excluded": (
        "未纳入 {count} 行有错误的数据，其余数据已校验",
        "Left out {count} {count:plural:row|rows} with errors; the rest validated",
    ),
    "data_status_excluded": (
        "{name} 已载入，未纳入 {count} 行",
        "{name} loaded, {count} {count:plural:row|rows} left out",
    ),
    "data_queue": (
        "排队中：前面还有 {ahead} 个文件，正在读取 {running} 个（已等待 {seconds:.0f} 秒）",
        "Queued: {ahead} {ahead:plural:file|files} ahead of yours, {running} being read (waited {seconds:.0f} s)",
    ),
    "data_retry": ("重试", "Retry"),
    "data_retry_hint": (
        "读取过程被中断（读取进程被终止、内存不足或超时），不一定是文件本身的问题，可以重试。",
        "Reading was interrupted (the reader was stopped, ran out of memory or out of time): not necessarily "
        "a problem of the file itself. You can retry.",
    ),
    "data_interpretations": (
        "读取时作了 {count} 项解读或提醒 —— 详见下方检查报告",
        "{count} {count:plural:interpretation or note|interpretations or notes} while reading — "
        "see the report below",
    ),
    # --- recruiting loop (#16) ---
    "page_pipeline": ("招商项目", "Pipeline"),
    "page_pipeline_intro": (
        "招商线索从接洽到投产的全过程：各阶段数量、逾期的下一步、每个缺口环节的跟进情况；可导出周报表，编辑后导回。",
        "Leads from first contact to production: how many at each stage, overdue next steps, what is being "
        "done about each gap; export the weekly list, edit it in Excel and import it back.",
    ),
    "page_demands": ("诉求台账", "Demands"),
    "page_demands_intro": (
        "企业诉求的办理台账：逾期和临期清单、按类型和包联代表的办结率与平均办结天数、代表包联企业名单。",
        "The ledger of enterprises' demands: overdue and due-soon lists, closure rate and average days to "
        "close per type and per deputy, and the firms each deputy looks after.",
    ),
    "loop_no_store": (
        "工作区数据库不可用，线索和诉求台账无法读取或保存（见数据页）。",
        "The workspace database is unavailable: leads and demands can be neither read nor saved (see the data page).",
    ),
    "loop_as_of": ("判断逾期的日期", "Overdue as of"),
    "loop_download": ("导出线索、跟进记录和诉求台账 (xlsx)", "Export leads, activity log and demands (xlsx)"),
    "loop_plan": (
        "导入将新增 {new} 条，修改 {changed} 条，{same} 条无变化。",
        "The import adds {new}, changes {changed}, leaves {same} unchanged.",
    ),
    "loop_plan_id": ("编号", "Id"),
    "loop_plan_field": ("字段", "Field"),
    "loop_plan_now": ("现值（系统中）", "Now (in the app)"),
    "loop_plan_incoming": ("导入值", "Incoming"),
    "loop_import_new": ("只新增，不改动已有记录", "Add the new ones only"),
    "loop_import_all": ("新增并用导入值覆盖修改", "Add and overwrite with the incoming values"),
    "pl_active": ("跟进中线索", "Active leads"),
    "pl_signed": ("已签约及以后", "Signed or later"),
    "pl_overdue": ("下一步逾期", "Overdue"),
    "pl_due_soon": ("{days} 天内到期", "Due in {days} days"),
    "pl_filter_segment": ("按环节", "By segment"),
    "pl_filter_owner": ("按负责人", "By owner"),
    "pl_filter_stage": ("按阶段", "By stage"),
    "pl_furthest": ("最远阶段", "Furthest stage"),
    "pl_companies": ("跟进企业", "Companies approached"),
    "pl_funnel": ("招商漏斗", "Funnel"),
    "pl_gap_work": ("缺口环节跟进情况", "What is done per gap"),
    "pl_table": ("线索清单", "Leads"),
    "pl_count": (
        "{count} 条线索，其中 {overdue} 条下一步已逾期",
        "{count} {count:plural:lead|leads}, {overdue} overdue",
    ),
    "pl_edit": ("更新线索", "Update a lead"),
    "pl_pick": ("选择线索", "Lead"),
    "pl_reason": ("原因（退回、终止或重启时必填）", "Reason (needed to go back, stop or reopen)"),
    "pl_reason_help": (
        "阶段只能向前推进；退回更早阶段、终止或重新启动都必须写明原因，原因记入跟进记录。",
        "Stages move forward; going back, stopping or reopening needs a reason, kept in the activity log.",
    ),
    "pl_save": ("保存", "Save"),
    "pl_saved": ("已保存", "Saved"),
    "pl_log": ("跟进记录", "Activity log"),
    "pl_log_add": ("添加记录", "Add to the log"),
    "pl_log_empty": ("还没有跟进记录。", "Nothing logged yet."),
    "pl_add_title": ("手工添加线索", "Add a lead by hand"),
    "pl_add_button": ("添加线索", "Add the lead"),
    "pl_import_title": ("导入线索", "Import leads"),
    "pl_import_from": ("导入来源", "Import from"),
    "pl_import_projects": ("当前数据的招商项目表", "The 招商项目 sheet of the data in use"),
    "pl_import_file": ("编辑后的导出表 (xlsx)", "An edited export (xlsx)"),
    "pl_import_no_projects": ("当前数据没有招商项目表。", "The data in use has no 招商项目 sheet."),
    "dm_open": ("未办结诉求", "Open demands"),
    "dm_overdue": ("逾期未办结", "Overdue"),
    "dm_due_soon": ("{days} 天内到期", "Due in {days} days"),
    "dm_rate_help": ("已办结 {closed} 件 / 共 {total} 件", "{closed} closed of {total}"),
    "dm_tab_ledger": ("台账", "Ledger"),
    "dm_tab_due": ("逾期与临期", "Overdue and due soon"),
    "dm_tab_stats": ("办结统计", "Closure statistics"),
    "dm_tab_deputies": ("代表包联", "Deputies"),
    "dm_count": ("{count} 件诉求", "{count} {count:plural:demand|demands}"),
    "dm_overdue_list": ("逾期未办结（督办）", "Overdue (to follow up)"),
    "dm_due_soon_list": ("{days} 天内到期", "Due within {days} days"),
    "dm_none": ("没有。", "None."),
    "dm_by_type": ("按诉求类型", "By type"),
    "dm_by_deputy": ("按包联代表", "By deputy"),
    "dm_total": ("合计", "All"),
    "dm_no_deputies": ("企业表没有填写包联代表。", "The 企业 sheet names no deputies."),
    "dm_firm_count": ("包联企业数", "Firms"),
    "dm_firms": ("包联企业", "Firms looked after"),
    "dm_edit": ("办理诉求", "Handle a demand"),
    "dm_pick": ("选择诉求", "Demand"),
    "dm_add_title": ("登记新诉求", "Record a new demand"),
    "dm_add_button": ("登记", "Record"),
    "dm_import_title": ("导入诉求", "Import demands"),
    "dm_import_sheet": ("当前数据的诉求表", "The 诉求 sheet of the data in use"),
    "dm_import_file": ("编辑后的导出表 (xlsx)", "An edited export (xlsx)"),
    "dm_import_no_sheet": ("当前数据没有诉求表。", "The data in use has no 诉求 sheet."),
    "tg_leads_title": ("加入线索库", "Add to the leads"),
    "tg_leads_placeholder": ("选择目标（可多选）", "Choose targets"),
    "tg_leads_pick": ("选择要加入线索库的目标", "Targets to add to the leads"),
    "tg_leads_button": ("加入线索库", "Add to the leads"),
    "tg_leads_added": ("已加入 {count} 条线索", "{count} {count:plural:lead|leads} added"),
    "tg_leads_all_in": ("列表中的目标都已在线索库中。", "Every target in the list is a lead already."),
    "tg_leads_stage": ("线索阶段", "Lead stage"),
    "wi_projected": ("签约项目投产后的产业链", "The chain when signed projects come on line"),
    "wi_projected_intro": (
        "把签约及以后阶段的全部项目按预计产值同时计入（已列入企业表的企业不重复计算）：",
        "Every project at 签约 or later, with its expected output, at once (a firm already in 企业 is not "
        "counted twice):",
    ),
    "wi_projected_segments": ("环节完整度：现在 → 签约项目投产后", "Segments covered: now → projected"),
    "wi_projected_value": (
        "全链本地配套率：现在 → 签约项目投产后",
        "Chain demand met locally: now → projected",
    ),
    "wi_projected_counted": ("计入的项目", "Projects counted"),
    "wi_projected_skipped": (
        "已在企业表中、不重复计入：{names}",
        "Already in 企业, not counted again: {names}",
    ),
    "wi_projected_none": ("还没有可计入的签约项目。", "No signed project to count yet."),
    "ov_loop": ("招商与服务闭环", "The recruiting and service loop"),
    "ov_leads_by_stage": ("招商线索", "Leads"),
    "ov_signed_year": ("本年签约项目", "Projects signed this year"),
    "ov_demands_open": ("未办结诉求", "Open demands"),
    "ov_demands_overdue": ("逾期诉求", "Overdue demands"),
    "ov_demands_closed": ("已办结诉求", "Closed demands"),
    "ent_ledger_demands": ("诉求台账", "Demand ledger"),
    "ent_deputy_firms": ("{deputy} 包联的企业：{firms}", "{deputy} looks after: {firms}"),
    "loop_in_pipeline": (
        "在招商管道中（已签约、未投产）：{projects}",
        "In the pipeline (signed, not yet producing): {projects}",
    ),
    "loop_export_hint": (
        "线索、跟进记录和诉求台账是在本系统中编辑的记录，与快照的原始文件分开导出：",
        "Leads, the activity log and the demand ledger are edited in the app and exported apart from the "
        "snapshots' original files:",
    ),
    "loop_read_only": (
        "您的角色只能查看和导出线索与诉求；修改需要编辑者角色。",
        "Your role reads and exports leads and demands; changing them needs the editor role.",
    ),
    "audit_action_lead.write": ("修改招商线索", "change a lead"),
    "audit_action_demand.write": ("修改企业诉求", "change a demand"),
    # --- end recruiting loop (#16) ---
    # --- access: login, roles and the audit trail (#15) ---
    "auth_login_needed": (
        "本系统的数据属于企业商业信息，请先登录。",
        "The data here is enterprises' commercial information: please sign in first.",
    ),
    "auth_login": ("登录", "Sign in"),
    "auth_logout": ("退出登录", "Sign out"),
    "auth_proxy_refused": (
        "无法确认您的身份：请通过单位的统一入口（反向代理）访问本系统，不要直接访问本机端口。",
        "Your identity cannot be confirmed: open the app through the office's sign-in gateway (the reverse "
        "proxy), not the server's port directly.",
    ),
    "auth_no_role": (
        "{user} 已登录，但还没有使用权限：请联系管理员分配角色。",
        "{user} is signed in but has no access yet: ask an administrator for a role.",
    ),
    "auth_signed_in": ("当前用户：{user}（{role}）", "Signed in: {user} ({role})"),
    "auth_role_viewer": ("查看", "viewer"),
    "auth_role_editor": ("编辑", "editor"),
    "auth_role_admin": ("管理员", "admin"),
    "auth_role_none": ("无权限", "no access"),
    "auth_viewer_upload": (
        "您的角色是“查看”：可以浏览和导出，上传和管理快照需要“编辑”角色。",
        "Your role is viewer: you can explore and export; uploading and managing snapshots needs the editor "
        "role.",
    ),
    "roles_title": ("用户与角色", "Users and roles"),
    "roles_hint": (
        "查看：浏览、导出；编辑：另可上传和管理快照；管理员：另可分配角色。未分配角色的登录用户：{unknown}。",
        "Viewer: explore and export; editor: also upload and manage snapshots; admin: also assign roles. "
        "Signed-in users without a role: {unknown}.",
    ),
    "roles_empty": ("还没有分配任何角色。", "No roles assigned yet."),
    "roles_user": ("用户（登录名或邮箱）", "User (login name or e-mail)"),
    "roles_role": ("角色", "Role"),
    "roles_none": ("取消分配", "Remove the assignment"),
    "roles_apply": ("保存角色", "Save the role"),
    "roles_col_user": ("用户", "User"),
    "roles_col_role": ("角色", "Role"),
    "roles_col_by": ("分配人", "Assigned by"),
    "roles_col_at": ("分配时间", "Assigned at"),
    "audit_title": ("操作记录", "Audit trail"),
    "audit_hint": (
        "每一次写入（导入、改名、删除、设为当前、角色变更）由谁、何时、做了什么、前后内容。",
        "Every write (import, rename, delete, make current, role change): who, when, what, before and after.",
    ),
    "audit_empty": ("还没有操作记录。", "Nothing has been written yet."),
    "audit_download": ("导出操作记录（Excel）", "Export the audit trail (Excel)"),
    "audit_col_at": ("时间", "When"),
    "audit_col_user": ("操作人", "Who"),
    "audit_col_source": ("身份来源", "Identity from"),
    "audit_col_action": ("操作", "Action"),
    "audit_col_target": ("对象", "What"),
    "audit_col_before": ("操作前", "Before"),
    "audit_col_after": ("操作后", "After"),
    "audit_action_snapshot.add": ("导入快照", "import a snapshot"),
    "audit_action_snapshot.rename": ("快照改名", "rename a snapshot"),
    "audit_action_snapshot.set_current": ("设为当前快照", "make a snapshot current"),
    "audit_action_snapshot.delete": ("删除快照", "delete a snapshot"),
    "audit_action_role.set": ("变更角色", "change a role"),
    "audit_source_local": ("本机单用户", "local single user"),
    "audit_source_system": ("命令行/系统", "command line / system"),
    "audit_source_oidc": ("统一登录", "sign-in (OIDC)"),
    "audit_source_proxy": ("反向代理", "reverse proxy"),
    # --- period comparison (#14) ---
    "page_compare": ("期间对比", "Compare periods"),
    "page_compare_intro": (
        "同一个县两个报告期之间，哪些环节补上了、哪些变弱了，原因是什么；以及历次报告期的完整度走势。",
        "Between two reporting periods of one county: which gaps closed, which opened, and why; and how "
        "complete the chain was in every period.",
    ),
    "cmp_need_two": (
        "工作区里只有 {count} 个快照：至少要有同一个县的两个报告期才能对比。请在“数据”页上传另一个报告期的工作簿。",
        "The workspace holds {count} {count:plural:snapshot|snapshots}: comparing needs two periods of one "
        "county. Upload another period's workbook on the Data page.",
    ),
    "cmp_from": ("基期（对比起点）", "Compare from"),
    "cmp_to": ("本期", "Compare to"),
    "cmp_uses_snapshots": (
        "对比的是工作区里保存的快照；上传的工作簿保存为快照后即可在此选择。",
        "Comparisons are between the workspace's snapshots; an upload can be picked here once it is kept.",
    ),
    "cmp_months": (
        "{how}。基期 {before} 个月，本期 {after} 个月：金额（产值、外购额、外销额）按月平均后相比；"
        "本地配套率、状态、企业数和用工人数直接相比。",
        "{how}. {before} months against {after}: amounts (output, bought outside, exports) are compared as monthly "
        "averages; local shares, statuses, firm counts and employees directly.",
    ),
    "cmp_summary": ("变化摘要", "What changed"),
    "cmp_no_change": (
        "两个报告期之间，没有环节的状态或本地企业发生变化。",
        "No segment's status or local firms changed between the two periods.",
    ),
    "cmp_segments": ("各环节对比", "Segments side by side"),
    "cmp_only_changed": ("只看有变化的环节", "Only segments that changed"),
    "cmp_changed_count": (
        "{shown} / {total} 个环节",
        "{shown} of {total} {total:plural:segment|segments}",
    ),
    "cmp_came_and_went": ("企业与供需关系的增减", "Firms and links that came and went"),
    "cmp_none": ("无", "None"),
    "cmp_trend_hint": (
        "{county}的全部 {count} 个报告期；同一报告期有多个快照时，取最新上传的一个。",
        "Every period of {county} ({count}); where a period has several snapshots, the latest upload.",
    ),
    "cmp_download": ("下载对比（Excel）", "Download the comparison (Excel)"),
    # --- the brief (#19) ---
    "overview_brief": ("下载分析简报（Word）", "Download the brief (Word)"),
    "overview_brief_help": (
        "本期产业链分析简报：概况、链条现状、主要缺口、招商目标、本地配套（有上期数据时含与上期对比），"
        ".docx 格式，可在 Word / WPS 中编辑。",
        "This period's chain brief: overview, status, main gaps, recruiting targets, local pairing (and the "
        "changes since the previous period where the workspace has one), as a .docx to edit in Word or WPS.",
    ),
    # --- screens: layout, language, print (#18) ---
    "labelled": ("{label}：{value}", "{label}: {value}"),
    "wi_heading": ("{segment}：引进项目后", "{segment}: after the project"),
    "wi_was": ("引进前 {value}", "before: {value}"),
    "data_upload_drop": (
        "把文件拖到下面的框里，或点“选择文件”；不超过 {mb} MB。",
        "Drag the file into the box below, or click “Choose file”; at most {mb} MB.",
    ),
    "data_in_use": ("正在使用：{name}", "In use: {name}"),
    # --- flow map and partner maps (#17) ---
    "page_flow_map": ("来源与去向地图", "Flow map"),
    "page_flow_map_intro": (
        "本县的原料从哪里来、产品到哪里去：按地点画出外购（流入）与外销（流出），线宽表示金额。点击一个地点查看那里的"
        "供应方和采购方。",
        "Where the county's inputs come from and where its products go: purchases flowing in and sales flowing "
        "out, by place, the width by value. Click a place to list its suppliers and buyers.",
    ),
    "flowmap_segment": ("环节", "Segment"),
    "flowmap_gap": ("缺口类型", "Gap kind"),
    "flowmap_color": ("颜色表示", "Colour by"),
    "flowmap_color_segment": ("产业链环节", "segment"),
    "flowmap_color_category": ("材料类别", "material category"),
    "flowmap_lawful": (
        "示意图：只画交易流向和地点（按经纬度），不画国界、省界等任何行政边界，省名标注在省会位置，仅供参考；"
        "地图完全离线生成。",
        "A diagram: flows and places on longitude and latitude, with no national or provincial boundary drawn; "
        "province names sit at their capitals for reference. Drawn entirely offline.",
    ),
    "flowmap_pick_hint": (
        "点击图中的地点，查看该地的供应方和采购方。",
        "Click a place on the map to list its suppliers and buyers.",
    ),
    "flowmap_place": ("{place}：与本县的交易", "{place}: trade with the county"),
    "flowmap_direction": ("方向", "Direction"),
    "flowmap_in": ("供应本县", "sells to the county"),
    "flowmap_out": ("采购本县产品", "buys from the county"),
    "flowmap_local": ("本县企业", "Local firm"),
    "flowmap_unlocated": (
        "{count} 个外地交易方的所在地无法定位，未画在图上（见检查报告）：{places}",
        "{count} outside {count:plural:party|parties} could not be placed and are not drawn (see the "
        "validation report): {places}",
    ),
    "flowmap_estimated": (
        "带 ≈ 的距离是按所在地估算的（直线距离 × 道路系数 {factor}），不是填报值。",
        "Distances marked ≈ are estimated from the places (great circle × road factor {factor}), not typed.",
    ),
    "flowmap_enterprise": ("上下游所在地", "Where its partners are"),
    "flowmap_target": ("该企业所在地与本县", "Where this company is"),
}


class _Formatter(string.Formatter):
    """str.format plus ``{n:plural:one|many}``: ``one`` when n is 1, else ``many``."""

    def format_field(self, value: object, format_spec: str) -> str:
        if format_spec.startswith("plural:"):
            one, _, many = format_spec.removeprefix("plural:").partition("|")
            return one if value == 1 else many
        return super().format_field(value, format_spec)


_FORMATTER = _Formatter()


def t(key: str, lang: str = "zh", **params: object) -> str:
    """The UI text of ``key`` in ``lang``, formatted with ``params``; the key itself when it is unknown.

    >>> t("targets_count", "en", count=3), t("targets_count", "en", count=1), t("targets_count", "zh", count=1)
    ('3 recruiting targets', '1 recruiting target', '1 个招商目标')
    """
    pair = TEXT.get(key)
    if pair is None:
        return key
    text = pair[0] if lang == "zh" else pair[1]
    return _FORMATTER.format(text, **params) if params else text
