"""The column catalogue and the renderer: one name, kind and format per column, the same words everywhere."""

from __future__ import annotations

import math
import re
from pathlib import Path

import pandas as pd
import pytest

from chain import columns as cat
from chain import render
from chain.__main__ import main
from chain.gaps import analyze
from chain.load import load_workbook
from chain.pairing import local_pairs
from chain.problems import problem
from chain.targets import recruiting_targets
from tests.factory import make_workbook

SAMPLE = Path(__file__).resolve().parent.parent / "data" / "sample.xlsx"
_CJK = re.compile(r"[\u3000-\u9fff\uff00-\uffef]")


def test_every_table_view_and_json_key_is_a_catalogued_column() -> None:
    for table in cat.TABLES.values():
        for key in table.columns:
            cat.column(key)
        assert set(table.terminal) <= set(table.columns), table.key
        assert set(table.screen) <= set(table.columns), table.key
    for fields in (*cat.JSON_FIELDS.values(), cat.PROBLEM_JSON.values(), cat.COMPLETENESS_JSON.values()):
        for key in fields:
            cat.column(key)


def test_the_problem_json_keys_are_those_a_problem_prints() -> None:
    printed = problem("negative", "企业", 3, "产值(万元)", "-5").to_dict("en")
    assert list(printed) == list(cat.PROBLEM_JSON)


def test_the_analyses_give_every_column_of_their_table() -> None:
    data = load_workbook(make_workbook()).data
    assert data is not None
    report = analyze(data)
    frames = {
        "segments": report.segments,
        "targets": recruiting_targets(data, report),
        "pairs": local_pairs(data, report),
    }
    for key, frame in frames.items():
        for column in cat.TABLES[key].columns:
            for lang in ("zh", "en"):
                assert len(render.source(frame, column, lang)) == len(frame), (key, column)


@pytest.mark.parametrize("kind", sorted(cat.FORMATS))
def test_each_format_shows_the_same_digits_in_every_tool(kind: str) -> None:
    """Excel, Streamlit, plotly and Python are told the same number of decimals for one kind."""
    found = cat.FORMATS[kind]
    excel = found.excel.split(".")[1] if "." in found.excel else ""
    excel_digits = len(excel.rstrip("%"))
    shown = format(1234.56789, found.python).rstrip("%")
    python_digits = len(shown.split(".")[1]) if "." in shown else 0
    assert python_digits == excel_digits
    assert found.decimals == excel_digits + (2 if found.excel.endswith("%") else 0)
    if found.printf != "percent":
        assert re.search(rf"\.{excel_digits}f|%,?d", found.printf), found.printf
    assert (f".{excel_digits}" in found.d3) or (excel_digits == 0 and "d" in found.d3)
    assert ("," in found.excel) == ("," in found.python) == ("," in found.d3)


def test_headers_are_proper_in_english_and_chinese_in_chinese() -> None:
    for key, entry in cat.CATALOGUE.items():
        english = cat.header(key, "en")
        assert english[0].isupper(), english
        assert not _CJK.search(english), english
        assert not re.search(r"\b(km|yuan)\b", cat.header(key, "zh")), key
        assert entry.meaning, key
    assert [cat.header(k, "en") for k in ("segment", "name", "reasons", "local_share", "value")] == [
        "Segment",
        "Company",
        "Reasons",
        "Local share",
        "Annual value (10k yuan)",
    ]


def test_the_blank_stage_and_every_template_stage_are_named() -> None:
    from chain.schema import TEMPLATE

    choices = {c.key for c in TEMPLATE.column_by_key["stage"].choices}
    assert set(cat.STAGES) == choices | {""}


FRAME = pd.DataFrame(
    {
        "segment": ["煅烧", "包装"],
        "status": ["weak", "missing"],
        "stage": ["upstream", ""],
        "gaps": [("upstream", "downstream"), ()],
        "projects": [("扩能",), ()],
        "concentrated": [True, False],
        "local_share": [2 / 3, math.nan],
        "leakage_distance_km": [1400.0, math.nan],
        "firms": [3, 0],
        "reason_zh": ["本地配套率低于50%", "无本地企业"],
        "reason_en": ["local share below 50%", "no local firm"],
    }
)


def test_display_frame_names_words_and_keeps_numbers() -> None:
    keys = (
        "segment",
        "status",
        "stage",
        "gaps",
        "projects",
        "concentrated",
        "local_share",
        "firms",
        "reason",
    )
    zh = render.display_frame(FRAME, keys, "zh")
    assert zh["status"].tolist() == ["弱链", "缺链"]
    assert zh["stage"].tolist() == ["上游", "未填"]
    assert zh["gaps"].tolist() == ["补链(上游缺口)、延链(下游缺口)", ""]
    assert zh["concentrated"].tolist() == ["是", "否"]
    assert zh["reason"].tolist() == ["本地配套率低于50%", "无本地企业"]
    assert zh["firms"].tolist() == [3, 0]
    en = render.display_frame(FRAME, keys, "en")
    assert en["gaps"].tolist() == ["upstream gap; downstream gap", ""]
    assert en["concentrated"].tolist() == ["yes", "no"]
    assert en["reason"].tolist() == ["local share below 50%", "no local firm"]


def test_text_frame_formats_numbers_as_the_catalogue_says() -> None:
    keys = ("segment", "local_share", "leakage_distance_km", "firms", "status")
    en = render.text_frame(FRAME, keys, "en")
    assert list(en.columns) == [
        "Segment",
        "Local share",
        "Distance bought from (km)",
        "Local firms",
        "Status",
    ]
    assert en.iloc[0].tolist() == ["煅烧", "66.7%", "1,400", "3", "weak"]
    assert en.iloc[1].tolist() == ["包装", "", "", "0", "missing"]


def test_spreadsheet_cells_round_only_when_asked() -> None:
    assert render.cells(FRAME, "local_share", "zh") == [2 / 3, None]
    assert render.cells(FRAME, "local_share", "zh", rounded=True) == [0.667, None]
    assert render.cells(FRAME, "leakage_distance_km", "zh", rounded=True) == [1400, None]


@pytest.mark.parametrize(
    ("value", "zh", "en"),
    [
        (12345.4, "12,345 万元", "123.5 m yuan"),
        (3.25, "3.2 万元", "32.5 k yuan"),
        (0, "0 万元", "0 m yuan"),
        (250_000, "250,000 万元", "2.50 bn yuan"),
        (math.nan, "—", "—"),
    ],
)
def test_amounts_in_words(value: float, zh: str, en: str) -> None:
    assert render.amount(value, "zh") == zh
    assert render.amount(value, "en") == en
    assert "10k" not in render.amount(value, "en")


def test_one_word_for_a_warning_in_the_command_line_and_the_app(capsys) -> None:
    assert main(["check", str(SAMPLE)]) == 0
    printed = capsys.readouterr()
    text = printed.out + printed.err
    assert "提醒（2）：" in text and "2 条提醒" in text
    assert "提示" not in text
    assert main(["check", str(SAMPLE), "--lang", "en"]) == 0
    text = "".join(capsys.readouterr())
    assert "Warnings (2):" in text and "2 warnings" in text


def test_text_width_counts_wide_characters_twice() -> None:
    assert render.text_width("汉阴 ab") == 7
    assert render.text_width("ab\n碳素材料") == 8


def test_the_dashboard_chrome_holds_no_domain_word_and_takes_its_units_from_the_catalogue() -> None:
    from ui.i18n import TEXT, t

    vocabulary = {
        word
        for table in (cat.STATUSES, cat.GAP_KINDS, cat.STAGES, cat.SEVERITIES, cat.LOCALITY)
        for pair in table.values()
        for word in pair
    }
    # A label that names a column is the catalogue's name (i18n takes it from there); a header with its
    # unit, or a status, gap kind, stage, severity or locality word, is never a label of the chrome.
    headers = {cat.header(c.key, lang) for c in cat.CATALOGUE.values() if c.unit for lang in ("zh", "en")}
    assert not [key for key, pair in TEXT.items() if set(pair) & (vocabulary | headers)]
    assert t("gaps_filter_status", "en") == cat.name("status", "en") == "Status"
    for key, unit in (
        ("targets_min_value", "wan_yuan"),
        ("targets_max_distance", "km"),
        ("wi_output", "wan_yuan"),
    ):
        for lang in ("zh", "en"):
            assert cat.unit(unit, lang) in t(key, lang), (key, lang)


def test_a_partner_is_local_or_outside_in_the_readers_language() -> None:
    assert [cat.value_name(cat.LOCALITY, k, "zh") for k in cat.LOCALITY] == ["本地", "外地"]
    assert [cat.value_name(cat.LOCALITY, k, "en") for k in cat.LOCALITY] == ["local", "outside"]


# Numbers and words one way per language (#18)


@pytest.mark.parametrize(
    ("value", "zh", "zh_compact", "en"),
    [
        (123_456, (1, "万元"), (10_000, "亿元"), (100_000, "bn yuan")),
        (7666.1, (1, "万元"), (1, "万元"), (100, "m yuan")),
        (3.25, (1, "万元"), (1, "万元"), (0.1, "k yuan")),
        (-250.0, (1, "万元"), (1, "万元"), (100, "m yuan")),
        (0.0, (1, "万元"), (1, "万元"), (100, "m yuan")),
    ],
)
def test_a_charts_amount_unit_is_the_one_its_largest_amount_reads_in(value, zh, zh_compact, en) -> None:
    assert render.amount_scale(value, "zh") == zh
    assert render.amount_scale(value, "zh", compact=True) == zh_compact
    assert render.amount_scale(value, "en") == en
    # The figure amount() writes is value / divisor followed by that unit.
    for lang, compact, (divisor, unit) in (("zh", False, zh), ("zh", True, zh_compact), ("en", False, en)):
        written = render.amount(value, lang, compact=compact)
        assert written.endswith(f" {unit}")
        assert float(written.split(" ")[0].replace(",", "")) == pytest.approx(value / divisor, abs=0.51)


def test_a_change_of_a_share_reads_in_points_each_languages_way() -> None:
    assert render.point_change(0.029, "zh") == "+2.9 个百分点"
    assert render.point_change(0.029, "en") == "+2.9 pp"
    assert render.point_change(-0.1234, "zh") == "-12.3 个百分点"
    assert render.point_change(0.00001, "en") == "0.0 pp"  # no "+0.0" for what did not move
    assert render.point_change(float("nan"), "zh") == "—"
    assert "pp" not in render.point_change(0.5, "zh")


def test_known_categories_are_named_in_english_and_others_read_as_written() -> None:
    frame = pd.DataFrame({"category": ["碳素", "精细轻纺", "本县特色"]})
    assert render.cells(frame, "category", "en") == ["carbon", "fine light textiles", "本县特色"]
    assert render.cells(frame, "category", "zh") == ["碳素", "精细轻纺", "本县特色"]
    assert render.value("category", "新型建筑材料", "en") == "new building materials"
    assert render.display_frame(frame, ["category"], "en")["category"].tolist()[:2] == [
        "carbon",
        "fine light textiles",
    ]


def test_the_samples_categories_all_have_english_names() -> None:
    loaded = load_workbook(SAMPLE)
    assert loaded.data is not None
    categories = set(loaded.data.template["category"])
    assert categories <= set(cat.CATEGORIES)
    assert all(not _CJK.search(cat.value_name(cat.CATEGORIES, c, "en")) for c in categories)


def test_every_problem_code_has_a_name_and_the_report_on_screen_shows_names_not_codes() -> None:
    from chain import problems

    assert set(problems.TITLES) == set(problems.CATALOGUE)
    for code, (zh, en) in problems.TITLES.items():
        assert _CJK.search(zh), code
        assert not _CJK.search(en), code
        assert "_" not in en, code
    table = problems.problem_table(
        [problem("required_blank", "企业", 3, "企业名称", None)],
        warnings=[problem("cycle", "产业链图谱", cycle="甲→乙→甲")],
    )
    assert table["problem_zh"].tolist() == ["必填项为空", "环节循环供应"]
    assert table["problem_en"].tolist() == ["Required value blank", "Segments in a cycle"]
    assert "code" not in problems.REPORT_COLUMNS
    assert problems.REPORT_COLUMNS.index("problem") == problems.REPORT_COLUMNS.index("message") - 1
    assert problems.EXPORT_COLUMNS[-1] == "code"
    shown = render.display_frame(table, problems.REPORT_COLUMNS, "en")
    assert shown["problem"].tolist() == ["Required value blank", "Segments in a cycle"]
    assert not any(v in ("required_blank", "cycle") for v in shown.to_numpy().ravel().tolist())
