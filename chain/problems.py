"""Problems found in a workbook: one catalogue of codes, each with its severity and zh/en message.

A :class:`Problem` says where (sheet as named in the file, Excel row counting the header as row 1,
column as headed in the file), what (the cell's value and a code) and what to do (a message in zh and en).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Literal

import pandas as pd

from chain import columns as cat

__all__ = [
    "CATALOGUE",
    "EXPORT_COLUMNS",
    "REPORT_COLUMNS",
    "TITLES",
    "Problem",
    "Severity",
    "problem",
    "problem_table",
]

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a workbook, located as precisely as the data allows."""

    sheet: str
    row: int | None
    column: str | None
    value: str | None
    code: str
    severity: Severity
    message_zh: str
    message_en: str

    def message(self, lang: str = "zh") -> str:
        return self.message_zh if lang == "zh" else self.message_en

    def to_dict(self, lang: str = "zh") -> dict[str, object]:
        """The JSON form of the command-line contract: sheet, row, column, value, code, message."""
        record = asdict(self)
        return {
            "sheet": record["sheet"],
            "row": record["row"],
            "column": record["column"],
            "value": record["value"],
            "code": record["code"],
            "message": self.message(lang),
        }


#: code -> (severity, zh template, en template). Templates use str.format with the params of `problem`.
CATALOGUE: dict[str, tuple[Severity, str, str]] = {
    # Refusals of the byte guard and of the isolated parse: the file as a whole.
    "file_empty": (
        "error",
        "文件为空，请重新选择工作簿（.xlsx、.xls 或 .ods）。",
        "The file is empty: choose a workbook (.xlsx, .xls or .ods).",
    ),
    "file_too_large": (
        "error",
        "文件 {size_mb:.1f} MB，超过上限 {limit_mb} MB。请删去无关工作表或拆分后再上传。",
        "The file is {size_mb:.1f} MB, over the {limit_mb} MB limit: remove unrelated sheets or split it.",
    ),
    "not_xlsx": (
        "error",
        "这不是工作簿：可上传 .xlsx、.xls 或 .ods 文件。其他格式请在 Excel 或 WPS 中"
        "“另存为 → Excel 工作簿(*.xlsx)”后再上传。",
        "This is not a workbook: upload an .xlsx, .xls or .ods file. Convert other files in Excel or WPS "
        "with Save As -> Excel Workbook (*.xlsx).",
    ),
    "zip_corrupt": (
        "error",
        "工作簿文件已损坏，无法打开（{detail}）。请在 Excel 中重新保存。",
        "The workbook is damaged and cannot be opened ({detail}). Re-save it in Excel.",
    ),
    "unpacked_too_large": (
        "error",
        "工作簿解压后约 {size_mb:.0f} MB，超过上限 {limit_mb} MB。",
        "The workbook unpacks to about {size_mb:.0f} MB, over the {limit_mb} MB limit.",
    ),
    "compression_ratio": (
        "error",
        "工作簿中的 {member} 压缩比异常（{ratio:.0f} 倍，上限 {limit:.0f} 倍），疑似压缩炸弹，已拒绝。",
        "{member} in the workbook is compressed {ratio:.0f}x (limit {limit:.0f}x), like a zip bomb: refused.",
    ),
    "dtd_forbidden": (
        "error",
        "工作簿中的 {member} 含有 DTD 声明，可能是恶意文件，已拒绝。请在 Excel 中重新保存。",
        "{member} in the workbook declares a DTD, which a real workbook never does: refused. Re-save in Excel.",
    ),
    "sheet_too_large": (
        "error",
        "工作表“{sheet}”声明的范围 {dimension} 约 {cells:,} 个单元格，超过上限 {limit:,}。"
        "请删除表中远处的空白格式或多余行列后再上传。",
        "Sheet '{sheet}' declares the range {dimension}, about {cells:,} cells, over the {limit:,} limit: "
        "delete stray formatting or unused rows and columns far from the data.",
    ),
    "parse_failed": (
        "error",
        "读取工作簿时出错：{detail}。请在 Excel 中重新保存后再试。",
        "The workbook could not be read: {detail}. Re-save it in Excel and try again.",
    ),
    "parse_timeout": (
        "error",
        "读取工作簿超过 {seconds:.0f} 秒，已停止。请删除无关工作表或拆分文件。",
        "Reading the workbook took over {seconds:.0f} s and was stopped: remove unrelated sheets or split it.",
    ),
    "parse_memory": (
        "error",
        "读取工作簿所需内存超过 {limit_mb} MB，已停止。请删除无关工作表或拆分文件。",
        "Reading the workbook needed over {limit_mb} MB of memory and was stopped: split the file.",
    ),
    "encrypted": (
        "error",
        "工作簿设置了打开密码（已加密），无法读取。请在 Excel 或 WPS 中打开它，取消密码后保存，再上传。",
        "The workbook is password-protected (encrypted) and cannot be read: open it in Excel or WPS, "
        "remove the password, save it and upload it again.",
    ),
    "html_or_xml_spreadsheet": (
        "error",
        "这个文件其实是网页或 XML 表格，只是文件名为 .xls（很多业务系统这样导出）。"
        "请用 Excel 或 WPS 打开，“另存为 → Excel 工作簿(*.xlsx)”后再上传。",
        "This file is a web page or an XML spreadsheet saved with an .xls name (many systems export "
        "these): open it in Excel or WPS and Save As -> Excel Workbook (*.xlsx), then upload that.",
    ),
    # Structure.
    "missing_sheet": (
        "error",
        "缺少工作表“{expected_zh}”（英文名 {expected_en}）。工作簿中的工作表：{found}；最接近的是“{closest}”。"
        "请把对应的工作表改名为“{expected_zh}”。",
        "The sheet '{expected_zh}' ('{expected_en}') is missing. Sheets in the workbook: {found}; the closest "
        "is '{closest}'. Rename the right sheet to '{expected_zh}'.",
    ),
    "duplicate_sheet": (
        "error",
        "有两个工作表都对应“{expected_zh}”：请只保留一个。",
        "Two sheets both stand for '{expected_en}': keep only one.",
    ),
    "missing_column": (
        "error",
        "缺少必填列“{expected_zh}”（英文名 {expected_en}）。",
        "The required column '{expected_zh}' ('{expected_en}') is missing.",
    ),
    "blank_header": (
        "error",
        "第 {col_letter} 列有数据但表头为空（合并单元格也会造成空表头）。请填写列名。",
        "Column {col_letter} has data but no header (merged header cells cause this too): name it.",
    ),
    "duplicate_header": (
        "error",
        "列名“{column}”与第 {other} 列重复。请删除或改名其中一列。",
        "The header '{column}' repeats column {other}: delete or rename one of them.",
    ),
    "blank_rows": (
        "warning",
        "数据中间有 {count} 个空行（第 {rows} 行），已忽略。",
        "{count} blank rows in the middle of the data (rows {rows}) were ignored.",
    ),
    "hidden_sheet": (
        "warning",
        "工作表“{sheet}”是隐藏的，但仍已读取。",
        "The sheet '{sheet}' is hidden; it was read all the same.",
    ),
    "formula_no_value": (
        "warning",
        "单元格是公式但没有保存计算结果，按空值处理。请在 Excel 中打开并保存一次。",
        "The cell holds a formula without a saved result and was read as blank: open and save it in Excel.",
    ),
    "error_value": (
        "warning",
        "单元格是错误值 {value}，按空值处理。请在 Excel 中修正公式或数据。",
        "The cell holds the error value {value} and was read as blank: fix the formula or the data in Excel.",
    ),
    # Cells.
    "required_blank": ("error", "必填项为空。", "A required value is blank."),
    "not_a_number": (
        "error",
        "“{value}”不是数字。请只填数字（可带千分位逗号），不要带“约”“万”等文字。",
        "'{value}' is not a number: write digits only (thousands commas are fine), no words or units.",
    ),
    "not_an_integer": ("error", "“{value}”不是整数。", "'{value}' is not a whole number."),
    "out_of_range": (
        "error",
        "“{value}”超出可处理的范围：整数不能超过 9,007,199,254,740,992。",
        "'{value}' is out of range: a whole number cannot exceed 9,007,199,254,740,992.",
    ),
    "negative": ("error", "“{value}”为负数，此列不能为负。", "'{value}' is negative; this column cannot be."),
    "not_a_date": (
        "error",
        "“{value}”不是日期。请填写如 2024-03-31 的日期。",
        "'{value}' is not a date: write a date such as 2024-03-31.",
    ),
    "bad_choice": (
        "error",
        "“{value}”不是可选值，可选：{allowed}。",
        "'{value}' is not one of the allowed values: {allowed}.",
    ),
    "bad_bool": ("error", "“{value}”应为 是/否。", "'{value}' should be yes/no (是/否, Y/N, 1/0)."),
    # Enterprises.
    "duplicate_name": (
        "error",
        "企业名称“{value}”与第 {other} 行重复。每家企业只填一行。",
        "The enterprise '{value}' is already on row {other}: one row per enterprise.",
    ),
    "unknown_segment": (
        "error",
        "环节“{value}”不在“产业链图谱”中。请改为图谱中的环节，或在图谱中增加该环节。",
        "The segment '{value}' is not in the template sheet: use one of its segments or add it there.",
    ),
    "bad_credit_code": (
        "warning",
        "统一社会信用代码“{value}”校验不通过（GB 32100-2015），请核对。",
        "The credit code '{value}' fails the GB 32100-2015 checksum: check it.",
    ),
    # Links.
    "self_link": ("error", "供应方与采购方相同。", "The supplier and the buyer are the same."),
    "region_missing": (
        "error",
        "“{value}”不在“企业”表中，视为外地企业，须填写“{expected_zh}”。",
        "'{value}' is not in the enterprises sheet, so it is external: fill in '{expected_en}'.",
    ),
    "unresolved_segment": (
        "error",
        "外地供应方“{value}”的产品未填“产品环节”，无法归入产业链。请填写产品环节。",
        "The external supplier '{value}' has no product segment, so the link can't be placed: fill it in.",
    ),
    # Template.
    "duplicate_segment": (
        "error",
        "环节“{value}”与第 {other} 行重复。",
        "The segment '{value}' is already on row {other}.",
    ),
    "unknown_input": (
        "error",
        "上游环节“{value}”不在本表的“环节”列中。",
        "The input '{value}' is not a segment of this sheet.",
    ),
    "self_loop": (
        "warning",
        "环节“{value}”把自己列为上游，已忽略。",
        "The segment '{value}' lists itself as an input; ignored.",
    ),
    "cycle": (
        "warning",
        "这些环节互为上下游，构成循环：{cycle}。分析照常进行，图中画在同一层。",
        "These segments feed each other in a cycle: {cycle}. Analysis goes on; they are drawn on one layer.",
    ),
    # Optional sheets.
    "unknown_setting": (
        "warning",
        "设置项“{value}”无法识别，已忽略。可用：{allowed}。",
        "The setting '{value}' is not known and was ignored. Known: {allowed}.",
    ),
    "duplicate_setting": (
        "error",
        "设置项“{value}”与第 {other} 行重复。请只保留一行。",
        "The setting '{value}' is already on row {other}: keep only one.",
    ),
    "unknown_enterprise": (
        "warning",
        "企业“{value}”不在“企业”表中。",
        "The enterprise '{value}' is not in the enterprises sheet.",
    ),
    # How a county workbook was read: each a located warning, so nothing is interpreted unseen.
    "sheet_read_as": (
        "warning",
        "工作表“{sheet}”按“{expected_zh}”读取（名称中含有“{expected_zh}”）。",
        "The sheet '{sheet}' was read as '{expected_en}' ('{expected_zh}'): its name contains it.",
    ),
    "sheet_ambiguous": (
        "warning",
        "工作表“{sheet}”的名称可对应多个工作表（{choices}），未读取。请改为其中一个标准名称。",
        "The sheet '{sheet}' could stand for several sheets ({choices}) and was not read: rename it to one.",
    ),
    "title_rows": (
        "warning",
        "第 {rows} 行是标题（“{value}”），表头从第 {header_row} 行读取。",
        "Rows {rows} above the header hold a title ('{value}'); the header was read from row {header_row}.",
    ),
    "units_row": (
        "warning",
        "第 {row} 行是单位行，已按其单位读取：{units}。",
        "Row {row} holds units and was read as such: {units}.",
    ),
    "merged_cells": (
        "warning",
        "{count} 处合并单元格（{ranges}）：其值已填入合并范围内的每一行。",
        "{count} merged ranges ({ranges}): their value was repeated into each row they span.",
    ),
    "total_rows": (
        "warning",
        "第 {rows} 行是合计/小计行，未计入（否则会重复计算）。",
        "Rows {rows} are total or subtotal rows and were left out (they would count twice).",
    ),
    "hidden_rows": (
        "warning",
        "有 {count} 个隐藏行（第 {rows} 行），已照常读取。如为已关停企业，请删除这些行。",
        "{count} hidden rows (rows {rows}) were read all the same: delete them if they are closed firms.",
    ),
    "bad_unit": (
        "error",
        "“{column}”的单位“{value}”无法识别，此列未读取。可用单位：{allowed}。",
        "The unit '{value}' of '{column}' is not one this column takes, so it was not read. Units: {allowed}.",
    ),
    "unknown_header": (
        "warning",
        "列“{value}”未被识别，已忽略。是否应为“{expected_zh}”？如是，请改为该列名。",
        "The column '{value}' is not known and was ignored. Did you mean '{expected_zh}' ({expected_en})?",
    ),
    "placeholder": (
        "warning",
        "{count} 个单元格填的是“{value}”等占位符（第 {rows} 行），按空值读取。",
        "{count} cells hold a placeholder such as '{value}' (rows {rows}) and were read as blank.",
    ),
    "unit_in_cell": (
        "warning",
        "{count} 个单元格带有单位（如“{value}”，第 {rows} 行），已按单位换算为本列单位。",
        "{count} cells carry a unit (such as '{value}', rows {rows}); they were converted to the column's unit.",
    ),
    "percent_format": (
        "warning",
        "{count} 个单元格是百分比格式（如 {value} 显示为百分数，第 {rows} 行），已按百分数读取（×100）。",
        "{count} cells are in a percentage format (such as {value}, rows {rows}) and were read as percent (x100).",
    ),
    "percent_fraction": (
        "warning",
        "本列 {count} 个值都在 ±1 之内（如 {value}）。如果 0.296 表示 29.6%，请改填 29.6。",
        "All {count} values of this column lie within ±1 (such as {value}). If 0.296 means 29.6%, write 29.6.",
    ),
    "serial_date": (
        "warning",
        "{count} 个日期是 Excel 日期序号（如 {value}，第 {rows} 行），已换算为日期。",
        "{count} dates are Excel serial numbers (such as {value}, rows {rows}) and were converted to dates.",
    ),
    "similar_to_local": (
        "error",
        "“{value}”不在“企业”表中，但与本地企业“{suggestion}”很相似。是否应为“{suggestion}”？"
        "如是，请改为与“企业”表完全一致的名称；如确为另一家企业，请在“企业”表中加入它，或填写其外地所在地。",
        "'{value}' is not in the enterprises sheet but is very like the local firm '{suggestion}'. Did you mean "
        "'{suggestion}'? If so, write the name exactly as in the enterprises sheet; if it is another firm, add it "
        "there or fill in its region outside the county.",
    ),
    "refers_to_left_out": (
        "error",
        "“{value}”所在的{sheet_left_out}第 {row_left_out} 行已按您的选择不纳入分析，因此本行也不纳入。",
        "'{value}' is on {sheet_left_out} row {row_left_out}, which you chose to leave out, so this row is "
        "left out too.",
    ),
    "county_parties": (
        "warning",
        "{count} 个交易方所在地为本县但不在“企业”表中（{names}）：视为本县其他单位，其采购计为本地最终需求，"
        "不计为外销或延链缺口。",
        "{count} parties are in the county ({county}) but not in the enterprises sheet ({names}): they count as "
        "other local units, whose purchases are local final demand, not exports or downstream gaps.",
    ),
    "several_regions": (
        "warning",
        "外地企业“{value}”出现在多个所在地（{regions}）。如为同一企业，请统一所在地。",
        "The outside company '{value}' appears in several regions ({regions}): if it is one company, use one.",
    ),
    "region_spellings": (
        "warning",
        "外地企业“{value}”的所在地有多种写法（{spellings}），视为同一地点，统一为“{chosen}”。",
        "The outside company '{value}' has one place written several ways ({spellings}): read as '{chosen}'.",
    ),
    # The gazetteer (#17): where a region is, and distances estimated from it.
    "region_unknown": (
        "warning",
        "所在地“{value}”在全国行政区划中找不到（{count} 行）：保留原文，该交易方不上地图，缺失的运输距离无法估算。"
        "请写明省、市、县，如“陕西省安康市紫阳县”。",
        "The region '{value}' names no administrative division ({count} rows): it is kept as written, left off "
        "the map, and a missing distance can't be estimated. Write province, city and county, e.g. "
        "陕西省安康市紫阳县.",
    ),
    "region_ambiguous": (
        "warning",
        "所在地“{value}”可能是以下任一地点：{candidates}（{count} 行）。未作猜测：请写上省、市以区分。",
        "The region '{value}' could be any of {candidates} ({count} rows); no guess was made: add the "
        "province and city to tell them apart.",
    ),
    "county_unknown": (
        "warning",
        "县名“{value}”在全国行政区划中找不到：本县所在地未知，缺失的运输距离无法估算，地图无法定位本县。"
        "请写明省、市、县，或在“设置”中填写“行政区划代码”（6 位）。",
        "The county '{value}' names no administrative division: its location is unknown, missing distances "
        "can't be estimated and the map can't place it. Write province, city and county, or give its "
        "6-digit 行政区划代码 (county_code) in the settings sheet.",
    ),
    "county_ambiguous": (
        "warning",
        "县名“{value}”可能是以下任一地点：{candidates}。请写上省、市，或在“设置”中填写“行政区划代码”（6 位）。"
        "在此之前本县所在地视为未知。",
        "The county '{value}' could be any of {candidates}: add its province and city, or give its 6-digit "
        "行政区划代码 (county_code) in the settings sheet. Until then its location is unknown.",
    ),
    "county_code_unknown": (
        "warning",
        "行政区划代码“{value}”不是已知的行政区划（应为 6 位，如 610921），已改按县名查找。",
        "The county code '{value}' is no known administrative division (6 digits, e.g. 610921): the county "
        "name is used instead.",
    ),
    "distance_far_from_estimate": (
        "warning",
        "运输距离 {typed:,.0f} 公里与按所在地估算的约 {estimate:,.0f} 公里（{place}）相差 {factor:g} 倍以上"
        "（{count} 行，此为第一行）：请核对距离单位（公里/米）或所在地。",
        "The distance {typed:,.0f} km is more than {factor:g} times off the estimate of about {estimate:,.0f} "
        "km from the places ({place}; {count} rows, this is the first): check the unit (km or m) or the region.",
    ),
    "optional_sheet_skipped": (
        "warning",
        "工作表“{sheet}”有 {count} 个问题（见下），本次分析未使用该表；产业链分析照常进行。",
        "The sheet '{sheet}' has {count} problems (listed below) and was skipped; the chain is analysed as usual.",
    ),
    "output_exceeds_county": (
        "warning",
        "企业产值合计 {total:,.0f} 万元，是县域工业总产值 {county_output:,.0f} 万元的 {ratio:.1f} 倍。"
        "请检查是否有企业按“元”填报。",
        "The firms' output adds up to {total_en}, {ratio:.1f}x the county's industrial output of "
        "{county_output_en}: check for firms that reported in yuan.",
    ),
    "output_per_employee": (
        "warning",
        "人均产值 {per_head:,.1f} 万元，是{scope_zh}中位数 {median:,.1f} 万元的 {ratio:,.4g} 倍。是否按“元”或“亿元”填报？",
        "Output per employee is {per_head_en}, {ratio:,.4g}x {scope_en} median of {median_en}: "
        "was it reported in yuan or 100M yuan?",
    ),
}


#: code -> (zh, en): what kind of problem, in a few words, for the validation report's 问题类型 column (a
#: reader who does not know the codes sees these; the code itself stays in the export and the JSON).
TITLES: dict[str, tuple[str, str]] = {
    "region_unknown": ("地区无法识别", "Unknown region"),
    "region_ambiguous": ("地区有重名", "Ambiguous region"),
    "county_unknown": ("本县位置未知", "County not located"),
    "county_ambiguous": ("县名有重名", "Ambiguous county name"),
    "county_code_unknown": ("行政区划代码无效", "Unknown division code"),
    "distance_far_from_estimate": ("运距与估算相差过大", "Distance far from estimate"),
    "file_empty": ("文件为空", "Empty file"),
    "file_too_large": ("文件过大", "File too large"),
    "not_xlsx": ("不是工作簿", "Not a workbook"),
    "zip_corrupt": ("文件损坏", "Damaged file"),
    "unpacked_too_large": ("解压后过大", "Unpacks too large"),
    "compression_ratio": ("压缩比异常", "Suspicious compression"),
    "dtd_forbidden": ("含DTD声明", "DTD declared"),
    "sheet_too_large": ("工作表范围过大", "Sheet range too large"),
    "parse_failed": ("无法读取", "Cannot be read"),
    "parse_timeout": ("读取超时", "Reading timed out"),
    "parse_memory": ("读取内存超限", "Reading ran out of memory"),
    "encrypted": ("文件已加密", "Password-protected"),
    "html_or_xml_spreadsheet": ("网页或XML表格", "Web page or XML spreadsheet"),
    "missing_sheet": ("缺少工作表", "Missing sheet"),
    "duplicate_sheet": ("工作表重复", "Duplicate sheet"),
    "missing_column": ("缺少必填列", "Missing column"),
    "blank_header": ("列无表头", "Column without header"),
    "duplicate_header": ("表头重复", "Duplicate header"),
    "blank_rows": ("中间有空行", "Blank rows"),
    "hidden_sheet": ("隐藏的工作表", "Hidden sheet"),
    "formula_no_value": ("公式无结果", "Formula without result"),
    "error_value": ("单元格错误值", "Error value"),
    "required_blank": ("必填项为空", "Required value blank"),
    "not_a_number": ("不是数字", "Not a number"),
    "not_an_integer": ("不是整数", "Not a whole number"),
    "out_of_range": ("数值超出范围", "Out of range"),
    "negative": ("数值为负", "Negative value"),
    "not_a_date": ("不是日期", "Not a date"),
    "bad_choice": ("不在可选值中", "Not an allowed value"),
    "bad_bool": ("应为是/否", "Not yes or no"),
    "duplicate_name": ("企业重复", "Duplicate enterprise"),
    "unknown_segment": ("环节不在图谱中", "Unknown segment"),
    "bad_credit_code": ("信用代码校验不符", "Invalid credit code"),
    "self_link": ("供需双方相同", "Supplier is the buyer"),
    "region_missing": ("缺少所在地", "Region missing"),
    "unresolved_segment": ("无法确定环节", "Segment unknown"),
    "duplicate_segment": ("环节重复", "Duplicate segment"),
    "unknown_input": ("上游环节不存在", "Unknown input"),
    "self_loop": ("环节以自身为上游", "Segment feeds itself"),
    "cycle": ("环节循环供应", "Segments in a cycle"),
    "unknown_setting": ("未知设置项", "Unknown setting"),
    "duplicate_setting": ("设置项重复", "Duplicate setting"),
    "unknown_enterprise": ("企业不在企业表中", "Unknown enterprise"),
    "sheet_read_as": ("工作表按近似名读取", "Sheet read by a similar name"),
    "sheet_ambiguous": ("工作表名有歧义", "Ambiguous sheet name"),
    "title_rows": ("表头上方有标题行", "Title rows above the header"),
    "units_row": ("单位行", "Units row"),
    "merged_cells": ("合并单元格", "Merged cells"),
    "total_rows": ("合计行", "Total rows"),
    "hidden_rows": ("隐藏行", "Hidden rows"),
    "bad_unit": ("单位无法识别", "Unknown unit"),
    "unknown_header": ("未知列", "Unknown column"),
    "placeholder": ("占位符", "Placeholders"),
    "unit_in_cell": ("单元格内带单位", "Units in cells"),
    "percent_format": ("百分比格式", "Percentage format"),
    "percent_fraction": ("疑似小数形式的百分比", "Percent written as a fraction?"),
    "serial_date": ("日期为序列号", "Dates as serial numbers"),
    "similar_to_local": ("疑似本地企业", "Like a local firm"),
    "refers_to_left_out": ("涉及未纳入的行", "Refers to a row left out"),
    "county_parties": ("本县其他单位", "Other local units"),
    "several_regions": ("同一企业多个所在地", "Several regions"),
    "region_spellings": ("所在地写法不一", "Region spelled several ways"),
    "optional_sheet_skipped": ("可选工作表已跳过", "Optional sheet skipped"),
    "output_exceeds_county": ("产值超过全县", "Output above the county's"),
    "output_per_employee": ("人均产值异常", "Output per employee unusual"),
}


def problem(
    code: str,
    sheet: str,
    row: int | None = None,
    column: str | None = None,
    value: object = None,
    **params: object,
) -> Problem:
    """A problem of a catalogued code, its messages filled from ``params`` (plus ``value`` and ``column``).

    >>> p = problem("negative", "企业", 3, "产值(万元)", "-5")
    >>> p.severity, p.row, p.message_en
    ('error', 3, "'-5' is negative; this column cannot be.")
    """
    severity, zh, en = CATALOGUE[code]
    text = None if value is None else str(value)
    fields = {"value": text, "column": column, "sheet": sheet, "row": row, **params}
    return Problem(sheet, row, column, text, code, severity, zh.format(**fields), en.format(**fields))


#: Columns of the validation report on the page, keys of :data:`chain.columns.CATALOGUE`: the catalogue's
#: ``problems`` table as shown (where, then what: the kind of problem in words and the message, then the
#: cell as written); no raw code, which means nothing to a reader.
REPORT_COLUMNS: tuple[str, ...] = cat.TABLES["problems"].screen
#: Columns of the validation report's download: those of the page, then the code, for whoever looks it
#: up in docs/workbook.md or writes a script.
EXPORT_COLUMNS: tuple[str, ...] = cat.TABLES["problems"].columns


def problem_table(
    errors: Iterable[Problem], excluded: Iterable[Problem] = (), warnings: Iterable[Problem] = ()
) -> pd.DataFrame:
    """The validation report: one row per problem, errors first, then the errors of rows the user chose to
    leave out (``ChainData.excluded``: errors of the workbook still), then warnings.

    Columns: severity (the key) and severity_zh / severity_en, sheet, row (``Int64``: a problem of the
    whole file or sheet has none, and the column stays numeric for sorting and Excel), column, cell_value
    (the cell as written), code, problem_zh / problem_en (the kind of problem in words, :data:`TITLES`),
    message_zh, message_en.

    >>> negative = problem("negative", "企业", 3, "产值(万元)", "-5")
    >>> table = problem_table([negative], warnings=[problem("self_loop", "供需关系")])
    >>> table[["severity_zh", "row", "cell_value"]].to_dict("list")
    {'severity_zh': ['错误', '提醒'], 'row': [3, None], 'cell_value': ['-5', '']}
    """
    rows = [
        {
            "severity": p.severity,
            "severity_zh": cat.value_name(cat.SEVERITIES, p.severity, "zh"),
            "severity_en": cat.value_name(cat.SEVERITIES, p.severity, "en"),
            "sheet": p.sheet,
            "row": pd.NA if p.row is None else int(p.row),
            "column": p.column or "",
            "cell_value": p.value or "",
            "code": p.code,
            "problem_zh": TITLES.get(p.code, (p.code, p.code))[0],
            "problem_en": TITLES.get(p.code, (p.code, p.code))[1],
            "message_zh": p.message_zh,
            "message_en": p.message_en,
        }
        for p in (*errors, *excluded, *warnings)
    ]
    columns = ["severity", "severity_zh", "severity_en", "sheet", "row", "column", "cell_value", "code"]
    table = pd.DataFrame(rows, columns=[*columns, "problem_zh", "problem_en", "message_zh", "message_en"])
    table["row"] = table["row"].astype("Int64")
    return table
