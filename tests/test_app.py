"""Every page of the dashboard, run headless with Streamlit's AppTest: on the sample, after an upload, after
an upload with errors, in both languages. Widgets are found by key; the upload goes through the real
file_uploader (``at.file_uploader[0].set_value``), so the isolated parse runs as it does for a user."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pytest
from streamlit.testing.v1 import AppTest

from chain import gaps, load, targets
from chain.columns import STATUSES
from chain.model import ChainData
from chain.render import severity_count
from chain.settings import AnalysisSettings, Limits
from tests.factory import TINY, make_workbook
from tests.markup import visible
from ui import facade
from ui.frame import PAGES
from ui.i18n import t

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "sample.xlsx"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


pytestmark = pytest.mark.usefixtures("fresh_caches")


@pytest.fixture(scope="module")
def sample_report() -> tuple[ChainData, gaps.ChainReport]:
    loaded = load.load_workbook(SAMPLE.read_bytes(), source_name=SAMPLE.name)
    assert loaded.ok, loaded.errors
    return loaded.data, gaps.analyze(loaded.data)


def open_page(path: str = "dashboard.py") -> AppTest:
    """The app after a first run, switched to ``path`` (relative to dashboard.py) and run."""
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60).run()
    if path != "dashboard.py":
        at.switch_page(path).run()
    return at


def assert_clean(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


def sidebar_text(at: AppTest) -> str:
    """The sidebar's captions as a reader sees them (file names and counties are escaped Markdown)."""
    return " ".join(visible(str(c.value)) for c in at.sidebar.caption)


def upload(at: AppTest, name: str, data: bytes) -> AppTest:
    """Upload through the data page's widget and run (the page reruns itself once the upload is in)."""
    at.switch_page("pages/7_data.py").run()
    return at.file_uploader[0].set_value((name, data, XLSX)).run()


@pytest.mark.parametrize("page", PAGES, ids=[p.key for p in PAGES])
def test_every_page_renders_the_sample_in_chinese(page) -> None:
    at = open_page(page.path)
    assert_clean(at)
    assert at.title[0].value == t(f"page_{page.key}", "zh")
    assert "内置样例数据" in sidebar_text(at)


@pytest.mark.parametrize("page", PAGES, ids=[p.key for p in PAGES])
def test_every_page_renders_the_sample_in_english(page) -> None:
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    at.session_state["lang"] = "en"
    at.run()
    if page.path != "dashboard.py":
        at.switch_page(page.path).run()
    assert_clean(at)
    assert at.title[0].value == t(f"page_{page.key}", "en")
    assert "bundled sample data" in sidebar_text(at)
    assert [link.label for link in at.sidebar.get("page_link")] == [t(f"page_{p.key}", "en") for p in PAGES]


def test_overview_shows_the_chain_totals_and_completeness(sample_report) -> None:
    _, report = sample_report
    at = open_page()
    assert_clean(at)
    values = {m.label: m.value for m in at.metric}
    output = float(report.segments["output"].sum())
    assert values["产业链总产值"] == f"{output / 10_000:,.2f} 亿元"
    assert values["从业人数"] == f"{int(report.segments['employees'].sum()):,} 人"
    assert values["环节完整度"] == f"{report.completeness.segments * 100:.1f}%"
    counts = report.segments["status"].value_counts()
    assert values["强弱缺分布"] == " / ".join(str(int(counts.get(s, 0))) for s in STATUSES)
    # The largest upstream gap is named among the top five.
    largest = report.segments.sort_values("leakage", ascending=False).iloc[0]["segment"]
    assert any(largest in str(m.value) for m in at.markdown)


def test_language_switch_translates_and_survives_a_page_switch() -> None:
    at = open_page()
    at.segmented_control(key="lang_switch").set_value("en").run()
    assert_clean(at)
    assert at.title[0].value == "Overview"
    assert "Chain output" in [m.label for m in at.metric]
    at.switch_page("pages/2_gaps.py").run()
    assert_clean(at)
    assert at.title[0].value == "Gaps"
    assert "bundled sample data" in sidebar_text(at)
    at.segmented_control(key="lang_switch").set_value("zh").run()
    assert at.title[0].value == "强弱缺分析"


def test_gaps_status_filter_and_threshold_apply_everywhere(sample_report) -> None:
    _, report = sample_report
    at = open_page("pages/2_gaps.py")
    total = len(report.segments)
    assert len(at.dataframe[0].value) == total
    at.multiselect(key="gaps_status").set_value(["missing"]).run()
    assert_clean(at)
    missing = int((report.segments["status"] == "missing").sum())
    assert len(at.dataframe[0].value) == missing
    assert set(at.dataframe[0].value["status"]) == {"缺链"}

    # A threshold of 100 % makes every segment with local firms and some outside purchase weak.
    at.slider(key="gaps_weak_share").set_value(100).run()
    assert_clean(at)
    assert at.session_state["weak_share"] == 1.0
    strict = gaps.analyze(sample_report[0], AnalysisSettings(weak_share=1.0))
    weak = int((strict.segments["status"] == "weak").sum())
    at.switch_page("dashboard.py").run()
    assert_clean(at)
    shown = {m.label: m.value for m in at.metric}["强弱缺分布"]
    assert shown.split(" / ")[1] == str(weak)


def test_targets_filters_narrow_the_list_and_offer_downloads(sample_report) -> None:
    data, report = sample_report
    at = open_page("pages/3_targets.py")
    assert_clean(at)
    everything = targets.recruiting_targets(data, report)
    assert len(at.dataframe[0].value) == len(everything)
    assert at.caption[1].value == t("targets_count", "zh", count=len(everything))
    at.selectbox(key="targets_gap").set_value("downstream").run()
    assert_clean(at)
    downstream = everything[everything["gap"] == "downstream"]
    assert len(at.dataframe[0].value) == len(downstream)
    assert set(at.dataframe[0].value["gap"]) <= {"延链(下游缺口)"}
    at.number_input(key="targets_min_value").set_value(1e12).run()
    assert_clean(at)
    assert any(t("empty_filtered", "zh") == i.value for i in at.info)
    at.number_input(key="targets_min_value").set_value(0.0).run()
    labels = [b.label for b in at.get("download_button")]
    assert labels == ["下载 Excel", "下载 CSV"]
    assert any(e.label == "得分如何计算" for e in at.expander)


def test_pairing_cards_are_one_per_outside_purchase(sample_report) -> None:
    at = open_page("pages/4_pairing.py")
    assert_clean(at)
    pairs = at.dataframe[0].value
    cards = [str(m.value) for m in at.markdown if "外购" in str(m.value)]
    purchases = list(dict.fromkeys(zip(pairs["buyer"], pairs["segment"], strict=True)))
    # One card for each of the best purchases (buyer, product segment), none twice. The cards fill two
    # columns, so the tree lists the left column's first.
    shown = purchases[:6]
    assert sorted(card.split(" · 外购")[0] for card in cards) == sorted(f"**{b}** · {s}" for b, s in shown)
    candidates = [str(c.value) for c in at.caption if str(c.value).startswith("本地可供货企业：")]
    assert len(candidates) == len(cards)
    buyer, segment = purchases[0]
    suppliers = pairs.loc[(pairs["buyer"] == buyer) & (pairs["segment"] == segment), "supplier"]
    assert len(suppliers) > 1, "the sample's best purchase should have several local candidates"
    assert all(name in candidates[0] for name in suppliers)


def test_data_page_states_the_upload_size_limit() -> None:
    at = open_page("pages/7_data.py")
    limit = f"{Limits().max_file_mb} MB"
    assert limit in at.file_uploader[0].help
    at.segmented_control(key="lang_switch").set_value("en").run()
    assert limit in at.file_uploader[0].help and "at most" in at.file_uploader[0].help


def test_english_counts_are_singular_for_one() -> None:
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    at.session_state["lang"] = "en"
    at.run()
    assert_clean(at)
    assert severity_count("warning", 1, "en") == "1 warning"
    assert severity_count("warning", 2, "en") == "2 warnings"
    # The sample has two warnings: a template cycle, and parties in the county that are not in 企业.
    assert sidebar_text(at).endswith("[validated] · 2 warnings")


def test_pairing_segment_filter(sample_report) -> None:
    at = open_page("pages/4_pairing.py")
    assert_clean(at)
    pairs = at.dataframe[0].value
    assert len(pairs) > 0
    segment = pairs["segment"].iloc[0]
    at.selectbox(key="pairing_segment").set_value(segment).run()
    assert_clean(at)
    assert set(at.dataframe[0].value["segment"]) == {segment}


def test_chain_map_selected_segment_shows_its_firms(sample_report) -> None:
    data, _ = sample_report
    busiest = data.enterprises["segment"].value_counts().index[0]
    at = open_page("pages/1_chain_map.py")
    at.selectbox(key="map_segment").set_value(busiest).run()
    assert_clean(at)
    assert any(busiest in s.value for s in at.subheader)
    firms = set(data.enterprises.loc[data.enterprises["segment"] == busiest, "name"])
    assert set(at.dataframe[0].value["name"]) == firms


def test_enterprise_page_follows_the_chosen_firm(sample_report) -> None:
    data, _ = sample_report
    firm = data.enterprises.sort_values("output").iloc[0]
    at = open_page("pages/5_enterprise.py")
    at.selectbox(key="ent_firm").set_value(firm["name"]).run()
    assert_clean(at)
    values = {m.label: m.value for m in at.metric}
    assert values["用工"] == f"{int(firm['employees']):,} 人"


def test_what_if_prefills_from_a_project_and_shows_before_and_after(sample_report) -> None:
    data, _ = sample_report
    assert not data.projects.empty, "the sample should carry 招商项目 rows"
    project = data.projects.iloc[0]
    at = open_page("pages/6_what_if.py")
    assert_clean(at)
    at.selectbox(key="wi_project").set_value(data.projects.index[0]).run()
    assert_clean(at)
    assert at.selectbox(key="wi_segment").value == project["segment"]
    assert at.text_input(key="wi_name").value == project["name"]
    # The first project is downstream (电极糊): the cards say what it changes, the gap sold outside for
    # processing, not the purchases from outside it does not touch.
    # (The pipeline's "signed projects on line" cards above it are the page's other cards.)
    projected = {t(f"wi_projected_{metric}") for metric in ("segments", "value")}
    cards = {m.label: (m.value, m.delta) for m in at.metric if m.label not in projected}
    assert project["segment"] == "电极糊", project["segment"]
    assert set(cards) == {"环节判定", "外流待加工额"}, cards
    assert cards["外流待加工额"] == ("0 万元", "引进前 15,670 万元")
    assert cards["环节判定"] == ("强链", "引进前 弱链")


def test_an_upload_replaces_the_data_everywhere(sample_report) -> None:
    data, _ = sample_report
    # Choices made on the sample name things the upload does not have; no page may trip over them.
    at = open_page("pages/6_what_if.py")
    at.selectbox(key="wi_project").set_value(data.projects.index[-1]).run()
    at.switch_page("pages/1_chain_map.py").run()
    at.selectbox(key="map_segment").set_value(data.enterprises["segment"].iloc[0]).run()
    assert_clean(at)

    at = upload(at, "tiny.xlsx", make_workbook())
    assert_clean(at)
    assert "文件：tiny.xlsx" in sidebar_text(at)
    assert "测试县" in sidebar_text(at)
    at.switch_page("dashboard.py").run()
    assert_clean(at)
    # TINY: 100 + 200 + 300 + 500 万元 of output, 110 employees, 3 of 4 segments with a local firm.
    values = {m.label: m.value for m in at.metric}
    assert values["产业链总产值"] == "1,100 万元"
    assert values["从业人数"] == "110 人"
    assert values["环节完整度"] == "75.0%"
    for page in PAGES:
        at.switch_page(page.path).run()
        assert_clean(at)
        assert "文件：tiny.xlsx" in sidebar_text(at), page.key

    at.switch_page("pages/7_data.py").run()
    at.button(key="back_to_sample").click().run()
    assert_clean(at)
    assert "内置样例数据" in sidebar_text(at)


def test_an_upload_with_errors_shows_the_report_and_no_analysis() -> None:
    rows = [list(row) for row in TINY["企业"]]
    rows[2][4] = -5  # 乙碳素's output, Excel row 3
    at = upload(open_page(), "bad.xlsx", make_workbook(**{"企业": rows}))
    assert not at.exception
    report = at.dataframe[0].value
    assert list(report["row"]) == ["3"]  # shown as text: a whole-file problem's row is blank, not None
    assert list(report["problem"]) == ["数值为负"]  # the kind of problem in words, not its code
    assert "1 个错误" in sidebar_text(at)
    banner = t("banner_errors", "zh", count=1)
    for page in PAGES[:-1]:
        at.switch_page(page.path).run()
        assert not at.exception, page.key
        assert [e.value for e in at.error] == [banner], page.key
        assert not at.metric or page.key == "data", page.key
        assert not at.get("plotly_chart"), page.key
    # Every banner offers the way back to the sample.
    at.button(key="banner_back").click().run()
    assert_clean(at)
    assert "内置样例数据" in sidebar_text(at)
    assert at.metric


def test_a_file_that_is_not_a_workbook_gets_one_clear_message() -> None:
    at = upload(open_page(), "notes.xlsx", b"these are not the bytes of a workbook")
    assert not at.exception
    assert any("1 个错误" in e.value for e in at.error)
    report = at.dataframe[0].value
    assert "不是工作簿" in set(report["problem"])
    # The upload's steps say what is wrong, not only how many errors; a whole-file problem has no row.
    message = report["message"].iloc[0]
    assert any(message in visible(str(m.value)) for m in at.markdown)
    assert list(report["row"]) == [""]


def test_an_unreadable_workbook_names_its_first_error_in_the_upload_steps() -> None:
    at = upload(open_page(), "no_firms.xlsx", make_workbook(**{"企业": None}))
    assert not at.exception
    report = at.dataframe[0].value
    first = report["message"].iloc[0]
    steps = [str(m.value) for m in at.markdown]
    assert any(step.startswith("校验：") and f"第一个错误：{first}" in step for step in steps), steps


def test_downloads_are_made_when_clicked_and_open_in_excel() -> None:
    xlsx, csv = facade.targets_downloads(facade.sample_source(), AnalysisSettings(), "zh", segment="石油焦")
    assert callable(xlsx) and callable(csv), "pages must not write a workbook on every rerun"
    book = openpyxl.load_workbook(io.BytesIO(xlsx()))
    assert book.sheetnames == ["说明", "招商目标"]
    sheet = book["招商目标"]
    header = [cell.value for cell in sheet[1]]
    assert header[:3] == ["排名", "企业名称", "所在地"]
    segment = header.index("环节")
    assert {row[segment].value for row in sheet.iter_rows(min_row=2)} == {"石油焦"}
    assert csv().startswith(b"\xef\xbb\xbf")


def test_gaps_table_shows_what_the_county_itself_buys() -> None:
    # The sample's building sites in the county buy 商品混凝土: local final demand, not exports.
    at = open_page("pages/2_gaps.py")
    assert_clean(at)
    table = at.dataframe[0].value.set_index("segment")
    assert table.loc["商品混凝土", "local_final_demand"] == pytest.approx(43398.5)
    assert table.loc["商品混凝土", "exports"] == pytest.approx(0.0)


def test_overview_offers_the_brief_made_only_when_clicked() -> None:
    """The overview's one-click brief (#19): a download button; the .docx is built when it is clicked, compared
    with the earlier period the workspace gives (asked only then)."""
    import docx

    at = open_page()
    assert_clean(at)
    buttons = [b for b in at.get("download_button") if b.proto.id.endswith("overview_brief")]
    assert [b.label for b in buttons] == [t("overview_brief", "zh")]

    asked: list[bool] = []
    earlier_bytes = (Path(facade.SAMPLE_PATH).parent / "sample_2022.xlsx").read_bytes()
    earlier = facade.upload_source("sample_2022.xlsx", earlier_bytes)

    def previous() -> tuple[str, facade.Source]:
        asked.append(True)
        return "2022", earlier

    build = facade.brief_download(facade.sample_source(), AnalysisSettings(), "zh", previous)
    assert callable(build) and not asked, "the brief must not be made, nor the workspace asked, on a rerun"
    texts = [p.text for p in docx.Document(io.BytesIO(build())).paragraphs]
    assert asked == [True]
    assert "六、与上期相比" in texts
    alone = facade.brief_download(facade.sample_source(), AnalysisSettings(), "en", lambda: None)
    texts = [p.text for p in docx.Document(io.BytesIO(alone())).paragraphs]
    assert "1. Overview" in texts and not any("previous period" in text for text in texts)


def test_flow_map_lists_the_place_picked_and_filters_by_gap(sample_report) -> None:
    """A click on the map keeps the place's adcode (the page's callback); the place's trade is listed."""
    data, _ = sample_report
    at = open_page("pages/8_flow_map.py")
    assert_clean(at)
    assert at.get("plotly_chart")
    assert t("flowmap_pick_hint", "zh") in [i.value for i in at.info]
    at.session_state["flowmap_place"] = "610700"  # 陕西汉中, as a click on it leaves it
    at.run()
    assert_clean(at)
    assert any("陕西省汉中市" in s.value for s in at.subheader)
    listed = at.dataframe[0].value
    in_hanzhong = data.links[
        (data.links["supplier_region"] == "陕西汉中") | (data.links["buyer_region"] == "陕西汉中")
    ]
    assert listed["value"].sum() == pytest.approx(in_hanzhong["value"].sum())
    at.selectbox(key="flowmap_gap").set_value("upstream").run()
    assert_clean(at)
    at.radio(key="flowmap_color").set_value("category").run()
    assert_clean(at)
