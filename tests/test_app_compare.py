"""The 期间对比 page (AppTest) on the two bundled periods (data/sample_2022.xlsx 2022年1-9月 and data/sample.xlsx
2023年1-9月; 电极糊 and 生物质颗粒燃料 have a local firm only in 2023), in zh and en, and on periods that do not
compare."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from chain.access import Actor
from chain.load import load_workbook
from chain.store import Store
from tests.factory import COMPARE_AFTER, COMPARE_BEFORE, make_workbook
from tests.markup import visible
from ui import workspace

ROOT = Path(__file__).resolve().parent.parent
PAGE = "pages/9_compare.py"

pytestmark = pytest.mark.usefixtures("fresh_caches")


@pytest.fixture(autouse=True)
def restart() -> None:
    workspace.clear()
    yield
    workspace.clear()


def start(lang: str = "zh") -> AppTest:
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=90)
    at.session_state["lang"] = lang
    at.run()
    at.switch_page(PAGE).run()
    return at


def assert_clean(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


def table_with(at: AppTest, column: str):
    """The first table showing ``column`` (AppTest finds no table by key): the segments have status_from,
    the firms added (the first tab) credit_code."""
    return next(frame.value for frame in at.dataframe if column in frame.value.columns)


def text(at: AppTest) -> str:
    return " ".join(visible(str(m.value)) for m in at.markdown)


def test_the_bundled_periods_compare_by_default_in_chinese() -> None:
    at = start()
    assert_clean(at)
    assert at.title[0].value == "期间对比"
    # Default: the current snapshot (2023) against the closest earlier one of its county (2022).
    assert at.selectbox(key="cmp_to").value == 2 and at.selectbox(key="cmp_from").value == 1
    assert "同期对比：金额直接相比" in [c.value for c in at.caption]
    summary = text(at)
    assert "电极糊：缺链 → 弱链 —— 本地新增 1 家企业" in summary
    assert "生物质颗粒燃料：缺链 → 弱链 —— 本地新增 1 家企业，本地配套率 0% → 60%" in summary
    segments = table_with(at, "status_from")
    assert list(segments["segment"]) == ["电极糊", "生物质颗粒燃料"]
    assert list(segments["status_from"]) == ["缺链", "缺链"] and list(segments["status_to"]) == [
        "弱链",
        "弱链",
    ]
    assert segments["reason_from"].tolist()[1].startswith("无本地企业")
    added = table_with(at, "credit_code")
    assert sorted(added["name"]) == ["汉阴县中晟电极材料有限公司", "汉阴县绿能生物质燃料有限公司"]
    assert len(at.get("plotly_chart")) == 1
    labels = [m.label for m in at.metric]
    assert labels[:2] == ["环节完整度", "全链本地配套率"]

    at.toggle(key="cmp_only_changed").set_value(False).run()
    assert_clean(at)
    assert len(table_with(at, "status_from")) == 34


def test_the_page_in_english() -> None:
    at = start("en")
    assert_clean(at)
    assert at.title[0].value == "Compare periods"
    summary = text(at)
    assert "电极糊: missing → weak — 1 new local firm" in summary
    assert "Whole chain — segments covered 59% → 65%" in summary
    assert "Same months of two years: amounts compared directly" in [c.value for c in at.caption]


def test_a_pair_that_does_not_compare_is_refused_with_the_reason() -> None:
    at = start()
    at.selectbox(key="cmp_from").set_value(2).run()
    assert not at.exception
    [warning] = at.warning
    assert "同一报告期" in warning.value
    assert not at.dataframe, "nothing is compared"
    assert len(at.get("plotly_chart")) == 1, "the trend is still drawn"


def test_periods_of_different_lengths_say_monthly_averages(own_data_dir: Path) -> None:
    at = start()  # seeds the bundled periods
    with Store.open(f"sqlite:///{own_data_dir / 'chain.sqlite3'}", create=False) as store:
        for sheets in (
            COMPARE_BEFORE,
            {**COMPARE_AFTER, "设置": [["项目", "值"], ["县名", "测试县"], ["报告期", "2025年上半年"]]},
        ):
            data = make_workbook(sheets)
            store.add(data, "t.xlsx", load_workbook(data), by=Actor.system("test"))
    at.run()  # the page lists the new snapshots
    at.selectbox(key="cmp_from").set_value(3).run()
    at.selectbox(key="cmp_to").set_value(4).run()
    assert_clean(at)
    [info] = [i.value for i in at.info]
    assert "期间长度或月份不同：金额按月平均后相比" in info and "基期 3 个月，本期 6 个月" in info
    segments = table_with(at, "status_from").set_index("segment")
    assert segments.loc["包装", "status_to"] == "弱链"
    # The trend is the county of the period compared to: 测试县's two periods only.
    assert "测试县的全部 2 个报告期" in " ".join(c.value for c in at.caption)


def test_one_snapshot_is_not_enough(own_data_dir: Path) -> None:
    with Store.open(f"sqlite:///{own_data_dir / 'chain.sqlite3'}") as store:
        data = make_workbook(COMPARE_BEFORE)
        store.add(data, "t.xlsx", load_workbook(data), by=Actor.system("test"), current=True)
    at = start("en")
    assert_clean(at)
    assert "The workspace holds 1 snapshot" in at.info[0].value
