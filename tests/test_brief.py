"""The brief (chain/brief.py): its words and numbers against the analysis, by hand on TINY and on the sample,
read back from the .docx with python-docx in both languages; its layout (A4, header, PAGE field, east-Asian
fonts, tables the text's width); figures, and what it says when one cannot be drawn; the command line; a PDF
rendered by LibreOffice and a page of it as PNG, for a person to look at."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import docx
import pandas as pd
import pytest
from docx.oxml.ns import qn
from docx.shared import Cm

from chain import brief, brief_charts, render, views
from chain import columns as cat
from chain import numbers as num
from chain.__main__ import main
from chain.access import Actor
from chain.compare import compare
from chain.gaps import analyze
from chain.load import load_workbook
from chain.model import ChainData, ChainReport
from chain.pairing import local_pairs
from chain.reasons import render_changes
from chain.settings import AnalysisSettings
from chain.store import Store
from chain.targets import recruiting_targets
from tests.factory import COMPARE_AFTER, COMPARE_BEFORE, TINY, make_workbook

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "sample.xlsx"
SAMPLE_2022 = ROOT / "data" / "sample_2022.xlsx"
ARTIFACTS = ROOT / ".artifacts" / "brief"


def _analysed(workbook: bytes, name: str = "book.xlsx", **options: object) -> tuple[ChainData, ChainReport]:
    result = load_workbook(workbook, source_name=name, **options)  # type: ignore[arg-type]
    assert result.data is not None, result.errors
    return result.data, analyze(result.data)


@pytest.fixture(scope="module")
def sample() -> tuple[ChainData, ChainReport]:
    return _analysed(SAMPLE.read_bytes(), SAMPLE.name)


@pytest.fixture(scope="module")
def sample_comparison(sample: tuple[ChainData, ChainReport]):  # type: ignore[no-untyped-def]
    data, report = sample
    before, before_report = _analysed(SAMPLE_2022.read_bytes(), SAMPLE_2022.name)
    return compare(brief.side("2022", before, before_report), brief.side("2023", data, report))


def _open(document: bytes) -> docx.document.Document:
    return docx.Document(io.BytesIO(document))


def _texts(document: docx.document.Document) -> list[str]:
    return [p.text for p in document.paragraphs if p.text.strip()]


def _cells(table: docx.table.Table) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows]


# ------------------------------------------------------------------------------------------ by hand: TINY


def test_the_summary_of_tiny_by_hand_in_both_languages() -> None:
    """TINY: 4 firms (3 above scale), output 100+200+300+500 = 1,100 万元 of the county's 2,000 (55.0%), 110
    people, growth (100·5 + 200·10 − 300·2 + 500·12) / 1,100 = +7.2%; 原料 weak (40/100), 煅烧 strong
    (100/150), 电极 weak (one firm), 包装 missing; completeness 3/4 = 75.0%, 140/260 = 53.8% met locally; the
    largest leakage 原料 60 万元; no export feeds a weak or missing segment, so no downstream gap."""
    data, report = _analysed(make_workbook())
    zh = brief.make_brief(data, report, "zh")
    assert zh.section("overview").blocks == (
        brief.Paragraph(
            "2024Q1，测试县产业链共有本地企业4 家，其中规上企业3 家，实现产值1,100 万元，用工110 人。"
            "产值同比增速为+7.2%（按企业产值加权）。产业链产值占全县工业总产值（2,000 万元）的55.0%。"
            "全链4个环节中，强链1个、弱链2个、缺链1个。"
            "链条完整度（有本地企业的环节占比）为75.0%，本地需求的53.8%由本县满足。"
            "外购最多的环节是原料（外购60 万元），没有外流待加工的产品。"
        ),
    )
    en = brief.make_brief(data, report, "en")
    assert en.section("overview").blocks[0].text == (  # type: ignore[union-attr]
        "In 2024Q1, the chain of 测试县 counted 4 firms locally (3 firms above scale), with an output of "
        "11.0 m yuan and 110 people employed. Output growth year on year: +7.2% (weighted by output). "
        "The chain makes 55.0% of the county's industrial output (20.0 m yuan). Of its 4 segments: 1 "
        "strong, 2 weak, 1 missing. Completeness (segments with a local firm) is 75.0%; 53.8% of local "
        "demand is met in the county. The largest purchase from outside is 原料 (600 k yuan); no local "
        "output leaves the county to be processed."
    )


def test_tiny_gaps_tables_and_figures_by_hand() -> None:
    data, report = _analysed(make_workbook())
    made = brief.make_brief(data, report, "zh")
    gaps = made.section("gaps").blocks
    kinds = [type(block).__name__ for block in gaps]
    # Upstream: heading, figure, table; downstream: heading and the sentence that there is none.
    assert kinds == ["Heading", "Figure", "Table", "Heading", "Paragraph"]
    upstream = gaps[2]
    assert isinstance(upstream, brief.Table)
    assert [row[0] for row in upstream.rows] == ["原料", "煅烧", "包装"]  # leakage 60, 50, 10
    assert [row[2] for row in upstream.rows] == ["60.0", "50.0", "10.0"]
    assert [row[1] for row in upstream.rows] == ["弱链", "强链", "缺链"]
    assert gaps[4] == brief.Paragraph("本期没有下游缺口。")
    assert [f.number for f in made.figures] == [1, 2]
    assert all(f.png is not None and f.png.startswith(b"\x89PNG") for f in made.figures)
    status = made.tables[0]
    # 碳素: 原料, 煅烧, 电极 (1 strong, 2 weak), 400 + ... output 1,100; 精细轻纺: 包装 missing.
    assert status.rows == (
        ("碳素", "3", "1", "2", "0", "4", "1,100.0", "110", "—"),
        ("精细轻纺", "1", "0", "0", "1", "0", "0.0", "0", "包装"),
    )


def test_comparing_two_periods_of_tiny_by_hand() -> None:
    """COMPARE_BEFORE -> COMPARE_AFTER (tests/factory.py): output 1,100 -> 1,240 万元, employees 110 -> 115,
    4 firms both times; 原料 weak -> missing, 包装 missing -> weak (counts unchanged); completeness 3/4 both
    times, 140/260 = 53.8% -> 104/250 = 41.6% met locally."""
    before, before_report = _analysed(make_workbook(COMPARE_BEFORE))
    after, after_report = _analysed(make_workbook(COMPARE_AFTER))
    comparison = compare(
        brief.side("Q1 2024", before, before_report), brief.side("Q1 2025", after, after_report)
    )
    made = brief.make_brief(after, after_report, "zh", comparison=comparison)
    keys = [section.key for section in made.sections]
    assert keys == ["overview", "status", "gaps", "targets", "pairing", "changes", "notes"]
    blocks = made.section("changes").blocks
    assert blocks[0] == brief.Paragraph("本期（2025年1-3月）与2024年1-3月同期对比，金额直接比较。")
    table = blocks[1]
    assert isinstance(table, brief.Table)
    assert table.headers == ("指标", "2024年1-3月", "2025年1-3月", "变化")
    rows = {row[0]: row[1:] for row in table.rows}
    assert rows["本地企业数"] == ("4", "4", "+0")
    assert rows["产值"] == ("1,100 万元", "1,240 万元", "+140 万元")
    assert rows["用工人数"] == ("110", "115", "+5")
    assert rows["强链"] == ("1", "1", "+0") and rows["弱链"] == ("2", "2", "+0")
    assert rows["链条完整度（有本地企业的环节占比）"] == ("75.0%", "75.0%", "持平")
    assert rows["本地需求本地满足比例"] == ("53.8%", "41.6%", "下降12.2个百分点")
    sentences = [block.text for block in blocks[2:]]  # type: ignore[union-attr]
    assert sentences == render_changes(comparison.changes[comparison.changes["segment"] != ""], "zh").tolist()
    assert any(s.startswith("原料：弱链 → 缺链") for s in sentences), sentences
    assert any(s.startswith("包装：缺链 → 弱链") for s in sentences), sentences
    summary = made.section("overview").blocks[0].text  # type: ignore[union-attr]
    chain_sentence = render_changes(comparison.changes[comparison.changes["segment"] == ""], "zh").iloc[0]
    assert f"与2024年1-3月相比：{chain_sentence}。" in summary


def test_rows_left_out_are_named_in_the_notes() -> None:
    rows = [list(row) for row in TINY["供需关系"]]
    rows[6][7] = "很多"  # 外地纸箱厂 -> 丁电极: not a number, an error on Excel row 7
    data, report = _analysed(make_workbook(**{"供需关系": rows}), skip_error_rows=True)
    assert data.excluded_rows == (("供需关系", 7),)
    notes = brief.make_brief(data, report, "zh").section("notes").blocks
    assert brief.Paragraph("以下1行有错误，未纳入本简报的分析：供需关系第7行。") in notes
    notes_en = brief.make_brief(data, report, "en").section("notes").blocks
    assert (
        brief.Paragraph("1 rows in error were left out of this brief's analysis: 供需关系 row 7.") in notes_en
    )


# ------------------------------------------------------------------------------ the sample, from the docx


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_sample_brief_read_back_from_the_docx(
    lang: str, sample: tuple[ChainData, ChainReport], sample_comparison
) -> None:  # type: ignore[no-untyped-def]
    data, report = sample
    document = _open(brief.brief_docx(data, report, lang, comparison=sample_comparison))
    texts = _texts(document)
    assert data.county in texts[0] and (texts[0].endswith("产业链分析简报") if lang == "zh" else True)
    assert any(data.period in line for line in texts[1:3])

    # Sections in order, numbered the customary way.
    headings = [
        t
        for t in texts
        if t[:2] in {f"{n}、" for n in "一二三四五六七"} or t[:3] in {f"{n}. " for n in "1234567"}
    ]
    expected = ["overview", "status", "gaps", "targets", "pairing", "changes", "notes"]
    words = [brief.WORDS[key][0 if lang == "zh" else 1] for key in expected]
    marks = [f"{n}、" for n in "一二三四五六七"] if lang == "zh" else [f"{n}. " for n in range(1, 8)]
    assert headings == [mark + word for mark, word in zip(marks, words, strict=True)]

    # The summary quotes the analysis' numbers as the app words them.
    totals, done = views.chain_totals(data, report), report.completeness
    summary = texts[texts.index(headings[0]) + 1]
    for figure in (
        num.amount(totals.output, lang, compact=True),
        num.count(totals.employees, "people", lang),
        num.percent(totals.county_share),
        num.percent(done.segments),
        num.percent(done.value),
        num.points(totals.growth_pct),
        views.top_gaps(report, "upstream", 1)["segment"].iloc[0],
    ):
        assert figure in summary, (figure, summary)

    # Three figures, at print resolution (300 dpi over 15 cm: about 1,800 pixels wide).
    assert len(document.inline_shapes) == 3
    for shape in document.inline_shapes:
        assert abs(shape.width - Cm(15)) < Cm(0.01)
    images = [p for p in document.part.package.parts if p.partname.startswith("/word/media/")]
    assert len(images) == 3 and all(p.blob.startswith(b"\x89PNG") for p in images)

    tables = document.tables
    assert len(tables) == 7  # status, upstream, downstream, targets ×2, pairing, changes

    status = _cells(tables[0])
    assert status[0][0] == cat.header("category", lang)
    by_category = report.segments.groupby("category", sort=False)
    assert [row[0] for row in status[1:]] == list(by_category.groups)
    for row, (_, group) in zip(status[1:], by_category, strict=True):
        assert row[1] == str(len(group))
        assert row[6] == render.number("output", group["output"].sum(), lang)

    upstream = _cells(tables[1])
    top_up = views.top_gaps(report, "upstream")
    assert [row[0] for row in upstream[1:]] == top_up["segment"].tolist()
    assert [row[2] for row in upstream[1:]] == [render.number("leakage", v, lang) for v in top_up["leakage"]]
    assert [row[-1] for row in upstream[1:]] == render.source(top_up, "reason", lang).tolist()

    downstream = _cells(tables[2])
    top_down = views.top_gaps(report, "downstream")
    assert [row[0] for row in downstream[1:]] == top_down["segment"].tolist()
    assert [row[2] for row in downstream[1:]] == [
        render.number("downstream_gap", v, lang) for v in top_down["downstream_gap"]
    ]

    targets = recruiting_targets(data, report)
    for table, kind, top in ((tables[3], "upstream", top_up), (tables[4], "downstream", top_down)):
        expected_names = [
            name
            for segment in top["segment"]
            for name in targets[(targets["gap"] == kind) & (targets["segment"] == segment)]["name"].head(3)
        ]
        assert [row[1] for row in _cells(table)[1:]] == expected_names

    groups = views.purchase_groups(local_pairs(data, report)).head(10)
    pairing = _cells(tables[5])
    assert [row[0] for row in pairing[1:]] == groups["buyer"].tolist()
    assert [row[3] for row in pairing[1:]] == [render.joined(s, lang) for s in groups["suppliers"]]


def test_the_layout_a4_header_page_numbers_fonts_and_table_widths(
    sample: tuple[ChainData, ChainReport],
) -> None:
    data, report = sample
    document_bytes = brief.brief_docx(data, report, "zh")
    document = _open(document_bytes)
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)  # A4
    assert section.header.paragraphs[0].text == f"{data.county}　{data.period}"
    footer = section.footer.paragraphs[0]._p.xml
    assert "<w:instrText" in footer and " PAGE " in footer and 'w:fldCharType="begin"' in footer

    # Body text in 仿宋 in the east-Asian slot of the run properties, headings in 黑体, the title in 小标宋.
    def east_asia(paragraph) -> str:  # type: ignore[no-untyped-def]
        return paragraph.runs[0]._r.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia"))

    paragraphs = [p for p in document.paragraphs if p.text.strip()]
    assert east_asia(paragraphs[0]) == "方正小标宋简体"
    heading = next(p for p in paragraphs if p.text.startswith("一、"))
    assert east_asia(heading) == "黑体"
    body = paragraphs[paragraphs.index(heading) + 1]
    assert east_asia(body) == "仿宋" and body.runs[0].font.size.pt == 16
    sub = next(p for p in paragraphs if p.text.startswith("（一）"))
    assert east_asia(sub) == "楷体"

    # Each face is declared in the font table with a fallback: an alternative name and the GB2312 charset.
    with zipfile.ZipFile(io.BytesIO(document_bytes)) as package:
        fonts = package.read("word/fontTable.xml").decode("utf-8")
    assert '<w:font w:name="仿宋"><w:altName w:val="FangSong"/>' in fonts
    assert fonts.count('<w:charset w:val="86"/>') >= len(brief._CJK_FACES)

    # Tables exactly the text's width (21 cm less 2.8 and 2.6 cm margins), header rows repeated.
    text_width = section.page_width - section.left_margin - section.right_margin
    for table in document.tables:
        widths = [cell.width for cell in table.rows[0].cells]
        assert abs(sum(widths) - text_width) < Cm(0.05)
        assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None


def test_the_same_brief_gives_the_same_bytes(sample: tuple[ChainData, ChainReport]) -> None:
    data, report = sample
    assert brief.brief_docx(data, report, "en") == brief.brief_docx(data, report, "en")


def test_a_figure_that_cannot_be_drawn_is_said_in_its_place(monkeypatch: pytest.MonkeyPatch) -> None:
    data, report = _analysed(make_workbook())
    monkeypatch.setattr(brief_charts, "font_path", lambda: None)
    brief_charts._font_family.cache_clear()
    try:
        made = brief.make_brief(data, report, "zh")
        document = _open(brief.docx_bytes(made))
    finally:
        brief_charts._font_family.cache_clear()
    assert [f.png for f in made.figures] == [None, None]
    texts = _texts(document)
    assert (
        "［此处应为图1“各材料类别环节状态与产值”：未安装中文字体包 mplfonts（NotoSansCJKsc-Regular.otf），图表无法生成。］"
        in texts
    )
    assert any(t.startswith("［此处应为图2“外购最多的环节”") for t in texts)
    assert len(document.inline_shapes) == 0


def test_workbook_text_stays_text_in_the_document_and_the_figures() -> None:
    """Characters XML cannot hold are shown escaped, never a failed save; a $ pair is not mathematics."""
    table = brief.Table(1, "表", ("环节",), (("丙\x00",),), (1.0,), (False,))
    made = brief.Brief("zh", "甲\x1b[31m乙", (), "县\x0b", (brief.Section("notes", "说明", (table,)),))
    document = _open(brief.docx_bytes(made))
    assert _texts(document)[0] == "甲\\x1b[31m乙"
    assert document.sections[0].header.paragraphs[0].text == "县\\x0b"
    assert _cells(document.tables[0])[1] == ["丙\\x00"]
    gaps = pd.DataFrame({"segment": ["a$b$c"], "downstream_gap": [10.0]})
    assert brief_charts.gap_chart(gaps, "downstream", "en").startswith(b"\x89PNG")


def test_the_previous_period_is_the_latest_comparable_one_of_the_county() -> None:
    candidates = [
        (1, "汉阴县", "2022年1-9月"),
        (2, "汉阴县", "2023年1-6月"),  # overlaps 2023年1-9月: running totals of the same months
        (3, "石泉县", "2022年1-12月"),  # another county
        (4, "汉阴县(示例数据)", "2021年1-9月"),  # the same place, older
        (5, "汉阴县", "2024年1-9月"),  # later
        (6, "汉阴县", "报告期不详"),
    ]
    assert brief.previous_period(candidates, "汉阴县", "2023年1-9月") == 1
    assert brief.previous_period(candidates, "汉阴县", "2022年1-9月") == 4
    assert brief.previous_period(candidates, "汉阴县", "2021年1-9月") is None
    assert brief.previous_period(candidates, "汉阴县", "") is None


def test_the_file_name_is_county_period_and_what_it_is(sample: tuple[ChainData, ChainReport]) -> None:
    data, _ = sample
    assert brief.file_stem(data, "zh") == "汉阴县(示例数据)_2023年1-9月_产业链分析简报"
    assert brief.file_stem(data, "en") == "汉阴县(示例数据)_2023年1-9月_chain-brief"


# ---------------------------------------------------------------------------------------- command line


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_report_writes_the_docx_of_a_workbook(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "tiny.xlsx"
    path.write_bytes(make_workbook())
    target = tmp_path / "brief.docx"
    code, _, err = _run(capsys, "report", str(path), "-o", str(target), "--lang", "en", "--top", "2")
    assert code == 0, err
    assert f"wrote {target}" in err
    document = _open(target.read_bytes())
    assert _texts(document)[0] == "Industrial chain brief: 测试县"
    assert [row[0] for row in _cells(document.tables[1])[1:]] == ["原料", "煅烧"]  # --top 2


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["-o", "b.docx"], "give a WORKBOOK or --snapshot ID"),
        (["book.xlsx", "--snapshot", "1", "-o", "b.docx"], "give a WORKBOOK or --snapshot ID"),
        (["book.xlsx", "-o", "b.pdf"], "-o must name a .docx file"),
        (["book.xlsx", "-o", "b.docx", "--top", "0"], "--top must be >= 1"),
        (["book.xlsx", "-o", "b.docx", "--weak-share", "2"], "--weak-share must be between 0 and 1"),
        (["missing.xlsx", "-o", "b.docx"], "无法读取文件 missing.xlsx"),
    ],
)
def test_report_usage_errors_exit_2(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    argv: list[str],
    said: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "book.xlsx").write_bytes(make_workbook())
    code, _, err = _run(capsys, "report", *argv)
    assert code == 2 and said in err, err
    assert not (tmp_path / "b.docx").exists()


def test_report_on_a_workbook_with_errors_exits_1(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    rows = [list(row) for row in TINY["企业"]]
    rows[2][4] = "很多"
    path = tmp_path / "bad.xlsx"
    path.write_bytes(make_workbook(**{"企业": rows}))
    code, _, err = _run(capsys, "report", str(path), "-o", str(tmp_path / "b.docx"))
    assert code == 1 and "企业 第3行" in err, err
    assert not (tmp_path / "b.docx").exists()


def test_report_of_a_snapshot_compares_with_the_countys_earlier_period(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'workspace.db'}"
    with Store.open(url) as store:
        for book in (COMPARE_BEFORE, COMPARE_AFTER):
            data = make_workbook(book)
            store.add(
                data, "book.xlsx", load_workbook(data, source_name="book.xlsx"), by=Actor.system("test")
            )
        ids = {s.period: s.id for s in store.snapshots()}
    target = tmp_path / "brief.docx"
    code, _, err = _run(
        capsys, "report", "--snapshot", str(ids["2025年1-3月"]), "--db", url, "-o", str(target)
    )
    assert code == 0, err
    texts = _texts(_open(target.read_bytes()))
    assert "六、与上期相比" in texts and "本期（2025年1-3月）与2024年1-3月同期对比，金额直接比较。" in texts
    # The earlier period has none before it: no comparison section, and no heading for one.
    code, _, err = _run(
        capsys, "report", "--snapshot", str(ids["2024年1-3月"]), "--db", url, "-o", str(target)
    )
    assert code == 0, err
    assert not any("与上期相比" in t for t in _texts(_open(target.read_bytes())))
    code, _, err = _run(capsys, "report", "--snapshot", "99", "--db", url, "-o", str(target))
    assert code == 2 and "没有编号为 99 的快照" in err


def test_pdf_without_libreoffice_writes_the_docx_and_says_so(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CHAIN_SOFFICE", "no-such-office-program")
    path = tmp_path / "tiny.xlsx"
    path.write_bytes(make_workbook())
    code, _, err = _run(capsys, "report", str(path), "-o", str(tmp_path / "b.docx"), "--pdf", "--lang", "en")
    assert code == 2 and "no PDF written: LibreOffice (soffice) is not installed" in err
    assert (tmp_path / "b.docx").is_file() and not (tmp_path / "b.pdf").exists()


# ----------------------------------------------------------------------------- LibreOffice: PDF and a page


def _libreoffice() -> None:
    """Skip (fail under REQUIRE_LIBREOFFICE=1, as CI sets it) where LibreOffice, or poppler's pdftotext and
    pdftoppm that read its PDF back, are not installed."""
    missing = [name for name in ("pdftotext", "pdftoppm") if shutil.which(name) is None]
    if brief.pdf_converter() is None or missing:
        message = (
            "LibreOffice (soffice) or poppler-utils is not installed: "
            "apt-get install libreoffice-writer-nogui poppler-utils"
        )
        if os.environ.get("REQUIRE_LIBREOFFICE") == "1":
            pytest.fail(message)
        pytest.skip(message)


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_libreoffice_renders_the_brief_as_pdf_and_a_page_as_png(
    lang: str, sample: tuple[ChainData, ChainReport], sample_comparison
) -> None:  # type: ignore[no-untyped-def]
    """The PDF of the brief, its text and its first page as a PNG (poppler's pdftoppm), kept in the git-ignored
    .artifacts/brief/ for a person to look at."""
    _libreoffice()
    data, report = sample
    pdf = brief.pdf_bytes(brief.brief_docx(data, report, lang, comparison=sample_comparison))
    assert pdf.startswith(b"%PDF")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    target = ARTIFACTS / f"brief_{lang}.pdf"
    target.write_bytes(pdf)
    text = subprocess.run(["pdftotext", str(target), "-"], capture_output=True, check=True, text=True).stdout
    assert brief.make_brief(data, report, lang).title in text
    assert re.search(r"—\s*2\s*—" if lang == "zh" else r"\n2\n", text)  # the PAGE field, filled in
    stem = ARTIFACTS / f"brief_{lang}_page"
    subprocess.run(
        ["pdftoppm", "-f", "1", "-l", "1", "-r", "100", "-png", str(target), str(stem)], check=True
    )
    page = next(ARTIFACTS.glob(f"brief_{lang}_page*.png")).read_bytes()
    assert page.startswith(b"\x89PNG")


@pytest.mark.slow
def test_report_pdf_on_the_command_line(tmp_path: Path) -> None:
    _libreoffice()
    path = tmp_path / "tiny.xlsx"
    path.write_bytes(make_workbook())
    done = subprocess.run(
        [sys.executable, "-m", "chain", "report", str(path), "-o", str(tmp_path / "b.docx"), "--pdf"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "b.pdf").read_bytes().startswith(b"%PDF")


def test_settings_reach_the_brief() -> None:
    """The weak-share threshold the analysis used is the one the notes state."""
    result = load_workbook(make_workbook(), source_name="t.xlsx")
    assert result.data is not None
    report = analyze(result.data, AnalysisSettings(weak_share=0.7))
    notes = brief.make_brief(result.data, report, "zh").section("notes").blocks
    assert notes[0] == brief.Paragraph("本地配套率低于70%的环节判为弱链；只有一家本地企业的环节也判为弱链。")
    assert isinstance(report.segments, pd.DataFrame)
