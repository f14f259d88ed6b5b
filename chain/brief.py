"""产业链分析简报: the chain's brief as a Word document (.docx, python-docx) that a chain office takes into a
meeting and edits in Word or WPS, and a PDF of it where LibreOffice is installed.

:func:`make_brief` composes the brief from the analysis as data (:class:`Brief`: sections of paragraphs,
figures and tables, every value already in words), :func:`docx_bytes` lays it out: A4, a header with the
county and period, page numbers, tables the width of the text. In Chinese the layout is that of a 汇报材料
(title in a 小标宋 face, 一、 headings in 黑体, （一） headings in 楷体, body in 仿宋 at 三号 size); each
Chinese face is named in the run properties' east-Asian slot and declared in the font table with an
alternative name, the GB2312 character set and its PANOSE class, so that Word, WPS and LibreOffice fall
back to a like face where the customary one is not installed. Summary sentences come from
:mod:`chain.reasons`, column names from :mod:`chain.columns`, values from :mod:`chain.render`.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import tempfile
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import pandas as pd

from chain import brief_charts, render, views
from chain import columns as cat
from chain import numbers as num
from chain.compare import CompareError, Comparison, Side, comparability
from chain.model import ChainData, ChainReport
from chain.pairing import local_pairs
from chain.periods import Period, PeriodError, parse_period
from chain.reasons import render_changes, summary_change, summary_sentence
from chain.targets import recruiting_targets
from chain.xlsxfile import FIXED_TIME, zip_entry

__all__ = [
    "DOCX_MIME",
    "PDF_MIME",
    "WORDS",
    "Brief",
    "Figure",
    "Heading",
    "Paragraph",
    "Section",
    "Table",
    "brief_docx",
    "docx_bytes",
    "file_stem",
    "make_brief",
    "pdf_bytes",
    "pdf_converter",
    "previous_period",
    "side",
]

DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF_MIME = "application/pdf"

#: The brief's own words (zh, en): its title, headings, captions and notes. Column names come from the
#: catalogue (:mod:`chain.columns`), sentences about the chain from :mod:`chain.reasons`.
WORDS: dict[str, tuple[str, str]] = {
    "title": ("{county}产业链分析简报", "Industrial chain brief: {county}"),
    "period": ("报告期：{period}", "Reporting period: {period}"),
    "chain": ("产业链：{categories}（{segments}个环节）", "Chain: {categories} ({segments} segments)"),
    "source": ("数据来源：{source}", "Data: {source}"),
    "header": ("{county}　{period}", "{county} · {period}"),
    "overview": ("总体情况", "Overview"),
    "status": ("链条现状", "Status of the chain"),
    "gaps": ("主要缺口", "Main gaps"),
    "upstream": ("上游缺口（补链）", "Upstream gaps (inputs bought from outside)"),
    "downstream": ("下游缺口（延链）", "Downstream gaps (output processed elsewhere)"),
    "targets": ("招商目标", "Recruiting targets"),
    "pairing": ("本地配套", "Local pairing"),
    "changes": ("与上期相比", "Changes since the previous period"),
    "notes": ("数据说明", "About the data"),
    "figure": ("图{n}　{caption}", "Figure {n}. {caption}"),
    "table": ("表{n}　{caption}", "Table {n}. {caption}"),
    "status_figure": ("各材料类别环节状态与产值", "Segments by status and output, per material category"),
    "status_table": ("各材料类别概况", "Material categories"),
    "upstream_figure": ("外购最多的环节", "Segments bought most from outside"),
    "upstream_table": ("上游缺口", "Upstream gaps"),
    "downstream_figure": ("外流待加工最多的环节", "Segments whose inputs are processed elsewhere most"),
    "downstream_table": ("下游缺口", "Downstream gaps"),
    "targets_upstream_table": ("上游缺口的招商目标", "Recruiting targets of the upstream gaps"),
    "targets_downstream_table": ("下游缺口的招商目标", "Recruiting targets of the downstream gaps"),
    "targets_intro": (
        "以下为每个缺口排名靠前的{n}家外地企业：它们已与本县企业有交易，是最现实的招商对象。",
        "The first {n} outside companies of each gap: they already trade with local firms, the warmest leads.",
    ),
    "pairing_table": ("本地配套对接建议", "Local pairing suggestions"),
    "pairing_intro": (
        "以下本地企业现从外地采购的产品，本县已有企业生产，可组织供需对接。",
        "These local firms buy from outside what local firms already make: a meeting can be arranged.",
    ),
    "changes_table": ("主要指标变化", "Key figures compared"),
    "segments_col": ("环节数", "Segments"),
    "missing_col": ("缺链环节", "Missing segments"),
    "inputs_col": ("上游环节", "Input segments"),
    "suppliers_col": ("可对接的本地企业", "Local firms that make it"),
    "measure_col": ("指标", "Measure"),
    "period_col": ("{period}", "{period}"),
    "compared_same_months": (
        "本期（{after}）与{before}同期对比，金额直接比较。",
        "This period ({after}) is compared with the same months of {before}; amounts compare directly.",
    ),
    "compared_monthly_average": (
        "本期（{after}）与{before}所含月份不同，金额按月均值比较。",
        "This period ({after}) and {before} cover different months: amounts compare as monthly averages.",
    ),
    "change_col": ("变化", "Change"),
    "completeness_segments": (
        "链条完整度（有本地企业的环节占比）",
        "Completeness (segments with a local firm)",
    ),
    "completeness_value": ("本地需求本地满足比例", "Local demand met locally"),
    "no_upstream": (
        "本期没有上游缺口：本地需求均由本县满足。",
        "No upstream gap: all local demand is met locally.",
    ),
    "no_downstream": ("本期没有下游缺口。", "No downstream gap this period."),
    "no_targets": ("没有可列出的招商目标。", "No recruiting target to list."),
    "no_pairs": ("没有本地配套建议。", "No local pairing to suggest."),
    "figure_missing": (
        "［此处应为图{n}“{caption}”：{why}］",
        "[Figure {n}, “{caption}”, is not shown: {why}]",
    ),
    "settings_note": (
        "本地配套率低于{threshold}的环节判为弱链；只有一家本地企业的环节也判为弱链。",
        "A segment is weak when its local share is below {threshold}, or when it has one local firm only.",
    ),
    "excluded_note": (
        "以下{n}行有错误，未纳入本简报的分析：{rows}。",
        "{n} rows in error were left out of this brief's analysis: {rows}.",
    ),
    "row": ("{sheet}第{row}行", "{sheet} row {row}"),
    # Between a target's reasons: whole sentences, which may hold commas (a list's 、 would blur them).
    "reasons_joiner": ("；", "; "),
}

_NUMERALS = "一二三四五六七八九十"


def _capitalised(text: str) -> str:
    """A header's first letter capitalised (as every table's English headers are); Chinese unchanged."""
    return text[:1].upper() + text[1:]


def _word(key: str, lang: str, **fields: object) -> str:
    zh, en = WORDS[key]
    return (zh if lang == "zh" else en).format(**fields)


# ------------------------------------------------------------------------------------------- the content


@dataclass(frozen=True)
class Paragraph:
    """A paragraph of body text."""

    text: str


@dataclass(frozen=True)
class Heading:
    """A second-level heading inside a section: （一）… in Chinese."""

    text: str


@dataclass(frozen=True)
class Figure:
    """A numbered figure: its PNG, or why it could not be drawn (then the brief says so in its place)."""

    number: int
    caption: str
    png: bytes | None
    missing: str = ""


@dataclass(frozen=True)
class Table:
    """A numbered table, every cell in words; ``widths`` are relative column widths, ``numeric`` the columns
    aligned right."""

    number: int
    caption: str
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    widths: tuple[float, ...]
    numeric: tuple[bool, ...]


Block = Paragraph | Heading | Figure | Table


@dataclass(frozen=True)
class Section:
    """A first-level section: its key (``overview``, ``status`` ...), its heading and its blocks in order."""

    key: str
    heading: str
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class Brief:
    """The whole brief, in one language, ready to lay out."""

    lang: Literal["zh", "en"]
    title: str
    lines: tuple[str, ...]
    header: str
    sections: tuple[Section, ...]

    def section(self, key: str) -> Section:
        return next(section for section in self.sections if section.key == key)

    @property
    def figures(self) -> tuple[Figure, ...]:
        return tuple(b for s in self.sections for b in s.blocks if isinstance(b, Figure))

    @property
    def tables(self) -> tuple[Table, ...]:
        return tuple(b for s in self.sections for b in s.blocks if isinstance(b, Table))


def side(label: str, data: ChainData, report: ChainReport) -> Side:
    """One period of a comparison (:class:`chain.compare.Side`) from a workbook's data and analysis, its period
    read from the 设置 sheet's 报告期 (:class:`chain.periods.PeriodError` when it says no year and months)."""
    return Side(label, data.county, parse_period(data.period), data, report)


def previous_period(candidates: Sequence[tuple[object, str, str]], county: str, period: str) -> object | None:
    """The key of the latest candidate before ``period`` that compares with it (:func:`chain.compare.comparability`:
    the same county, no overlapping months), among ``candidates`` given as (key, county, period text): the
    workspace's snapshots, say. None when there is none, or when ``period`` itself cannot be read."""
    try:
        now = parse_period(period)
    except PeriodError:
        return None
    best: tuple[Period, object] | None = None
    for key, other_county, text in candidates:
        try:
            then = parse_period(text)
            comparability(("", other_county, then), ("", county, now))
        except (PeriodError, CompareError):
            continue
        order = (then.year, then.last_month, then.first_month)
        if order < (now.year, now.last_month, now.first_month) and (
            best is None or order > (best[0].year, best[0].last_month, best[0].first_month)
        ):
            best = (then, key)
    return None if best is None else best[1]


@dataclass
class _Numbering:
    figures: int = 0
    tables: int = 0


@dataclass
class _Composer:
    data: ChainData
    report: ChainReport
    lang: Literal["zh", "en"]
    top: int
    per_gap: int
    numbering: _Numbering = field(default_factory=_Numbering)

    def figure(self, caption_key: str, draw) -> Figure:  # type: ignore[no-untyped-def]
        self.numbering.figures += 1
        n, caption = self.numbering.figures, _word(caption_key, self.lang)
        try:
            return Figure(n, caption, draw())
        except brief_charts.ChartUnavailable as why:
            return Figure(
                n,
                caption,
                None,
                _word("figure_missing", self.lang, n=n, caption=caption, why=why.message(self.lang)),
            )

    def table(
        self,
        caption_key: str,
        headers: Sequence[str],
        rows: Sequence[Sequence[str]],
        widths: Sequence[float],
        numeric: Sequence[bool],
    ) -> Table:
        self.numbering.tables += 1
        return Table(
            self.numbering.tables,
            _word(caption_key, self.lang),
            tuple(headers),
            tuple(tuple(row) for row in rows),
            tuple(widths),
            tuple(numeric),
        )


def _amount(value: object, lang: str) -> str:
    return num.amount(value, lang, compact=True)


def _signed(change: float, lang: str) -> str:
    """A change of an amount, with its sign: +9.41 亿元, -300 万元."""
    return ("+" if change > 0 else "") + _amount(change, lang)


def _summary(data: ChainData, report: ChainReport, lang: str, comparison: Comparison | None) -> str:
    """The summary paragraph: the chain's scale, its share of the county's industry, jobs, growth, status
    counts, completeness (and its change since the previous period) and its largest gaps."""
    totals = views.chain_totals(data, report)
    counts = views.status_counts(report)
    done = report.completeness
    sentences = [
        summary_sentence(
            "scale",
            lang,
            county=data.county or data.source,
            period=data.period or "—",
            firms=num.count(totals.firms, "firms", lang),
            above_scale=num.count(totals.above_scale_firms, "firms", lang),
            output=_amount(totals.output, lang),
            employees=num.count(totals.employees, "people", lang),
        )
    ]
    if totals.growth_pct == totals.growth_pct:
        sentences.append(summary_sentence("growth", lang, growth=num.points(totals.growth_pct)))
    if totals.county_share == totals.county_share:
        sentences.append(
            summary_sentence(
                "county_share",
                lang,
                share=num.percent(totals.county_share),
                county_output=_amount(totals.county_output, lang),
            )
        )
    sentences.append(summary_sentence("status", lang, total=done.segments_total, **counts))
    sentences.append(
        summary_sentence(
            "completeness", lang, segments=num.percent(done.segments), value=num.percent(done.value)
        )
    )
    if comparison is not None:
        chain_rows = comparison.changes[comparison.changes["segment"] == ""]
        if len(chain_rows):
            sentences.append(
                summary_sentence(
                    "compared",
                    lang,
                    previous=comparison.before.data.period or comparison.before.label,
                    change=render_changes(chain_rows, lang).iloc[0],
                )
            )
    up = views.top_gaps(report, "upstream", 1)
    down = views.top_gaps(report, "downstream", 1)
    if len(up):
        row = up.iloc[0]
        sentences.append(
            summary_sentence(
                "top_upstream", lang, segment=row["segment"], amount=_amount(row["leakage"], lang)
            )
        )
    else:
        sentences.append(summary_sentence("no_upstream", lang))
    if len(down):
        row = down.iloc[0]
        sentences.append(
            summary_sentence(
                "top_downstream", lang, segment=row["segment"], amount=_amount(row["downstream_gap"], lang)
            )
        )
    else:
        sentences.append(summary_sentence("no_downstream", lang))
    return ("" if lang == "zh" else " ").join(sentences)


def _status_section(c: _Composer) -> tuple[Block, ...]:
    lang, segments = c.lang, c.report.segments
    figure = c.figure("status_figure", lambda: brief_charts.status_chart(segments, lang))
    rows = []
    for category, group in segments.groupby("category", sort=False):
        statuses = group["status"].value_counts()
        missing = group.loc[group["status"] == "missing", "segment"].tolist()
        rows.append(
            (
                str(category),
                str(len(group)),
                *(str(int(statuses.get(s, 0))) for s in ("strong", "weak", "missing")),
                render.number("firms", group["firms"].sum(), lang),
                render.number("output", group["output"].sum(), lang),
                render.number("employees", group["employees"].sum(), lang),
                render.joined(missing, lang) if missing else num.DASH,
            )
        )
    headers = (
        cat.header("category", lang),
        _word("segments_col", lang),
        *(_capitalised(cat.value_name(cat.STATUSES, s, lang)) for s in ("strong", "weak", "missing")),
        cat.header("firms", lang),
        cat.header("output", lang),
        cat.header("employees", lang),
        _word("missing_col", lang),
    )
    table = c.table(
        "status_table",
        headers,
        rows,
        (1.9, 1.75, 1.3, 1.2, 1.4, 1.3, 1.8, 1.85, 2.3),
        (False, True, True, True, True, True, True, True, False),
    )
    return figure, table


def _gap_blocks(c: _Composer, kind: str) -> tuple[Block, ...]:
    lang = c.lang
    gaps = views.top_gaps(c.report, kind, c.top)
    if gaps.empty:
        return (Paragraph(_word(f"no_{kind}", lang)),)
    figure = c.figure(f"{kind}_figure", lambda: brief_charts.gap_chart(gaps, kind, lang))
    reasons = render.source(gaps, "reason", lang).tolist()
    status = [cat.value_name(cat.STATUSES, s, lang) for s in gaps["status"]]
    if kind == "upstream":
        keys = ("leakage", "local_share", "local_buyers")
        extra = [[render.number(k, v, lang) for k in keys for v in [row[k]]] for _, row in gaps.iterrows()]
        headers = tuple(cat.header(k, lang) for k in keys)
        widths, numeric = (1.6, 1.3, 1.4), (True, True, True)
    else:
        extra = [
            [
                render.number("downstream_gap", row["downstream_gap"], lang),
                render.joined(views.segment_inputs(c.data, row["segment"]), lang) or num.DASH,
            ]
            for _, row in gaps.iterrows()
        ]
        headers = (cat.header("downstream_gap", lang), _word("inputs_col", lang))
        widths, numeric = (1.8, 2.2), (True, False)
    rows = [
        (segment, s, *values, reason)
        for segment, s, values, reason in zip(gaps["segment"], status, extra, reasons, strict=True)
    ]
    table = c.table(
        f"{kind}_table",
        (cat.header("segment", lang), cat.header("status", lang), *headers, cat.header("reason", lang)),
        rows,
        (2.0, 1.1, *widths, 4.6),
        (False, False, *numeric, False),
    )
    return figure, table


def _targets_blocks(c: _Composer) -> tuple[Block, ...]:
    """Per gap kind, a table of the first targets of each of its largest gaps."""
    lang = c.lang
    targets = recruiting_targets(c.data, c.report)
    keys = ("segment", "name", "region", "value", "distance_km", "reasons")
    blocks: list[Block] = []
    for kind in ("upstream", "downstream"):
        gaps = views.top_gaps(c.report, kind, c.top)["segment"].tolist()
        of_kind = targets[targets["gap"] == kind]
        parts = [of_kind[of_kind["segment"] == segment].head(c.per_gap) for segment in gaps]
        shown = pd.concat(parts) if parts else of_kind.head(0)
        if shown.empty:
            continue
        reasons = render.source(shown, "reasons", lang).tolist()
        rows = [
            (
                row["segment"],
                row["name"],
                row["region"] or num.DASH,
                render.number("value", row["value"], lang),
                render.number("distance_km", row["distance_km"], lang),
                _word("reasons_joiner", lang).join(why[:2]),
            )
            for (_, row), why in zip(shown.iterrows(), reasons, strict=True)
        ]
        blocks.append(Heading(_word(kind, lang)))
        blocks.append(
            c.table(
                f"targets_{kind}_table",
                tuple(cat.header(k, lang) for k in keys),
                rows,
                (1.6, 2.8, 1.3, 1.7, 1.2, 4.6),
                (False, False, False, True, True, False),
            )
        )
    if not blocks:
        return (Paragraph(_word("no_targets", lang)),)
    return (Paragraph(_word("targets_intro", lang, n=c.per_gap)), *blocks)


def _pairing_blocks(c: _Composer) -> tuple[Block, ...]:
    lang = c.lang
    groups = views.purchase_groups(local_pairs(c.data, c.report)).head(c.top * 2)
    if groups.empty:
        return (Paragraph(_word("no_pairs", lang)),)
    rows = [
        (
            row["buyer"],
            row["segment"],
            render.number("value_from_outside", row["value_from_outside"], lang),
            render.joined(row["suppliers"], lang),
        )
        for _, row in groups.iterrows()
    ]
    table = c.table(
        "pairing_table",
        (
            cat.header("buyer", lang),
            cat.header("segment", lang),
            cat.header("value_from_outside", lang),
            _word("suppliers_col", lang),
        ),
        rows,
        (3.0, 1.6, 1.8, 4.6),
        (False, False, True, False),
    )
    return Paragraph(_word("pairing_intro", lang)), table


def _changes_blocks(c: _Composer, comparison: Comparison) -> tuple[Block, ...]:
    """What changed since the previous period, as :mod:`chain.compare` finds it: the chain's figures side by
    side (amounts as monthly averages when the periods cover different months) and a sentence per segment
    whose status changed."""
    lang = c.lang
    segments, done = comparison.segments, comparison.completeness.set_index("side")
    rows: list[tuple[str, str, str, str]] = []
    for metric in ("firms", "output", "employees", "leakage", "exports"):
        before = float(segments[f"{metric}_from"].fillna(0.0).sum())
        after = float(segments[f"{metric}_to"].fillna(0.0).sum())
        if cat.column(metric).kind == "money":
            rows.append(
                (
                    cat.name(metric, lang),
                    _amount(before, lang),
                    _amount(after, lang),
                    _signed(after - before, lang),
                )
            )
        else:
            rows.append(
                (cat.name(metric, lang), f"{before:,.0f}", f"{after:,.0f}", f"{after - before:+,.0f}")
            )
    for status in ("strong", "weak", "missing"):
        before_n = int((segments["status_from"] == status).sum())
        after_n = int((segments["status_to"] == status).sum())
        rows.append(
            (
                _capitalised(cat.value_name(cat.STATUSES, status, lang)),
                str(before_n),
                str(after_n),
                f"{after_n - before_n:+d}",
            )
        )
    for key in ("completeness_segments", "completeness_value"):
        before_share, after_share = float(done.loc["from", key]), float(done.loc["to", key])
        rows.append(
            (
                _word(key, lang),
                num.percent(before_share),
                num.percent(after_share),
                summary_change(before_share, after_share, lang),
            )
        )
    periods = [
        comparison.before.data.period or comparison.before.label,
        comparison.after.data.period or comparison.after.label,
    ]
    headers = (
        _word("measure_col", lang),
        _word("period_col", lang, period=periods[0]),
        _word("period_col", lang, period=periods[1]),
        _word("change_col", lang),
    )
    blocks: list[Block] = [
        Paragraph(_word(f"compared_{comparison.comparable}", lang, before=periods[0], after=periods[1])),
        c.table("changes_table", headers, rows, (3.6, 2.4, 2.4, 2.6), (False, True, True, True)),
    ]
    per_segment = comparison.changes[comparison.changes["segment"] != ""]
    blocks.extend(Paragraph(sentence) for sentence in render_changes(per_segment, lang))
    return tuple(blocks)


def _notes(data: ChainData, report: ChainReport, lang: str) -> tuple[Block, ...]:
    threshold = num.percent(report.settings.weak_share, 0)
    notes = [Paragraph(_word("settings_note", lang, threshold=threshold))]
    rows = data.excluded_rows
    if rows:
        listed = render.joined([_word("row", lang, sheet=sheet, row=row) for sheet, row in rows], lang)
        notes.append(Paragraph(_word("excluded_note", lang, n=len(rows), rows=listed)))
    return tuple(notes)


def make_brief(
    data: ChainData,
    report: ChainReport,
    lang: str = "zh",
    *,
    comparison: Comparison | None = None,
    top: int = 5,
    per_gap: int = 3,
) -> Brief:
    """The brief of one chain and period as data, in ``lang``: a summary, the chain's status, its ``top``
    largest upstream and downstream gaps, the first ``per_gap`` recruiting targets of each of them, the best
    local pairings, what changed since the earlier period of ``comparison`` (when given: :func:`chain.compare.compare`
    of the same county's earlier period and this one) and notes
    on the data (the weak-share threshold, rows left out)."""
    if lang not in ("zh", "en"):
        raise ValueError(f"lang must be 'zh' or 'en', not {lang!r}")
    c = _Composer(data, report, lang, top, per_gap)  # type: ignore[arg-type]
    county = data.county or data.source
    categories = list(dict.fromkeys(report.segments["category"].tolist()))
    lines = (
        _word("period", lang, period=data.period or num.DASH),
        _word("chain", lang, categories=render.joined(categories, lang), segments=len(report.segments)),
        _word("source", lang, source=data.source or num.DASH),
    )
    sections = [
        Section("overview", _word("overview", lang), (Paragraph(_summary(data, report, lang, comparison)),)),
        Section("status", _word("status", lang), _status_section(c)),
        Section(
            "gaps",
            _word("gaps", lang),
            (
                Heading(_word("upstream", lang)),
                *_gap_blocks(c, "upstream"),
                Heading(_word("downstream", lang)),
                *_gap_blocks(c, "downstream"),
            ),
        ),
        Section("targets", _word("targets", lang), _targets_blocks(c)),
        Section("pairing", _word("pairing", lang), _pairing_blocks(c)),
    ]
    if comparison is not None:
        sections.append(Section("changes", _word("changes", lang), _changes_blocks(c, comparison)))
    sections.append(Section("notes", _word("notes", lang), _notes(data, report, lang)))
    return Brief(
        lang,  # type: ignore[arg-type]
        _word("title", lang, county=county),
        lines,
        _word("header", lang, county=county, period=data.period or num.DASH),
        tuple(sections),
    )


def file_stem(data: ChainData, lang: str) -> str:
    """A file name (without extension) for the brief: county, period and what it is, safe on every system."""
    what = "产业链分析简报" if lang == "zh" else "chain-brief"
    parts = [p for p in (data.county, data.period, what) if p]
    return re.sub(r'[\\/:*?"<>|\s]+', "_", "_".join(parts)).strip("_")


# ------------------------------------------------------------------------------------------ the layout

#: East-Asian faces of the Chinese layout -> (alternative name, PANOSE) declared in the font table: Word and
#: WPS use the alternative name, then the GB2312 character set and the PANOSE class, when a face is missing.
_CJK_FACES: dict[str, tuple[str, str]] = {
    "方正小标宋简体": ("宋体", "02000000000000000000"),
    "仿宋": ("FangSong", "02010609060101010101"),
    "黑体": ("SimHei", "02010609060101010101"),
    "楷体": ("KaiTi", "02010609060101010101"),
    "宋体": ("SimSun", "02010600030101010101"),
}


@dataclass(frozen=True)
class _Style:
    """Faces and sizes (points) of one language's layout."""

    latin: str
    title_face: str
    body_face: str
    h1_face: str
    h2_face: str
    title_size: float
    body_size: float
    table_size: float
    line_pt: float | None
    margins_cm: tuple[float, float, float, float]  # top, bottom, left, right
    indent: bool
    h1_bold: bool


_STYLES = {
    # 党政机关公文格式 (GB/T 9704): 2号小标宋 title, 3号仿宋 body on a fixed 28-point line, 3号黑体 and 楷体
    # headings; its margins (天头 37 mm, 订口 28 mm).
    "zh": _Style(
        "Times New Roman",
        "方正小标宋简体",
        "仿宋",
        "黑体",
        "楷体",
        22,
        16,
        10.5,
        28,
        (3.7, 3.5, 2.8, 2.6),
        True,
        False,
    ),
    "en": _Style(
        "Times New Roman",
        "宋体",
        "宋体",
        "宋体",
        "宋体",
        18,
        11,
        9,
        None,
        (2.54, 2.54, 2.5, 2.5),
        False,
        True,
    ),
}


def _qn(tag: str) -> str:
    from docx.oxml.ns import qn

    return qn(tag)


def _fonts(rpr, latin: str, east_asia: str) -> None:  # type: ignore[no-untyped-def]
    """Name the Latin and east-Asian faces of a run or style explicitly (no theme font left to override
    them): python-docx's ``font.name`` sets only the Latin slots, so Chinese text would take the theme's."""
    from docx.oxml import OxmlElement

    fonts = rpr.find(_qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attribute in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(_qn(attribute), None)
    for attribute, face in (
        ("w:ascii", latin),
        ("w:hAnsi", latin),
        ("w:cs", latin),
        ("w:eastAsia", east_asia),
    ):
        fonts.set(_qn(attribute), face)
    fonts.set(_qn("w:hint"), "eastAsia")


def _languages(rpr, lang: str) -> None:  # type: ignore[no-untyped-def]
    """Mark east-Asian text as simplified Chinese (and Latin text as the brief's language): spell checkers
    and font substitution (LibreOffice asks fontconfig for a face of that language) go by it."""
    from docx.oxml import OxmlElement

    language = rpr.find(_qn("w:lang"))
    if language is None:
        language = OxmlElement("w:lang")
        rpr.append(language)
    language.set(_qn("w:val"), "zh-CN" if lang == "zh" else "en-GB")
    language.set(_qn("w:eastAsia"), "zh-CN")


#: Characters an XML document cannot hold (C0 controls other than tab, line feed and carriage return; the
#: non-characters U+FFFE and U+FFFF): a workbook read from .xls or .ods may carry them.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml_text(text: str) -> str:
    r"""``text`` as a document can hold it: each character XML cannot hold shown as its Python escape, as the
    command line shows it (never dropped, never a failed save).

    >>> _xml_text("甲\x1b[31m乙\x00")
    '甲\\x1b[31m乙\\x00'
    """
    return _NOT_XML.sub(lambda match: ascii(match.group())[1:-1], text)


def _style_run(run, style: _Style, face: str, size: float, *, bold: bool = False) -> None:  # type: ignore[no-untyped-def]
    from docx.shared import Pt

    run.font.size = Pt(size)
    run.font.bold = bold
    _fonts(run._r.get_or_add_rPr(), style.latin, face)


def _paragraph(
    document,
    text: str,
    style: _Style,
    face: str,
    size: float,
    *,
    align=None,
    bold=False,
    indent=False,
    before=0.0,
    after=0.0,
    keep=False,
):  # type: ignore[no-untyped-def]
    from docx.enum.text import WD_LINE_SPACING
    from docx.shared import Pt

    paragraph = document.add_paragraph()
    run = paragraph.add_run(_xml_text(text))
    _style_run(run, style, face, size, bold=bold)
    fmt = paragraph.paragraph_format
    if align is not None:
        paragraph.alignment = align
    if style.line_pt is not None:
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = Pt(style.line_pt)
    fmt.space_before, fmt.space_after = Pt(before), Pt(after)
    if keep:
        fmt.keep_with_next = True
    if indent:
        # Two characters of the body's size: the customary first-line indent of Chinese prose.
        fmt.first_line_indent = Pt(2 * size)
    return paragraph


def _page_field(paragraph, style: _Style, size: float) -> None:  # type: ignore[no-untyped-def]
    """A PAGE field: Word, WPS and LibreOffice fill in the page number."""
    from docx.oxml import OxmlElement

    def field_char(kind: str):  # type: ignore[no-untyped-def]
        element = OxmlElement("w:fldChar")
        element.set(_qn("w:fldCharType"), kind)
        return element

    begin = paragraph.add_run()
    begin._r.append(field_char("begin"))
    code = paragraph.add_run()
    instruction = OxmlElement("w:instrText")
    instruction.set(_qn("xml:space"), "preserve")
    instruction.text = " PAGE "
    code._r.append(instruction)
    paragraph.add_run()._r.append(field_char("separate"))
    shown = paragraph.add_run("1")
    paragraph.add_run()._r.append(field_char("end"))
    for run in (begin, code, shown):
        _style_run(run, style, style.body_face, size)


def _row_flags(row, *, header: bool) -> None:  # type: ignore[no-untyped-def]
    """A row never split over two pages; the header row repeated at the top of each page a table runs on."""
    from docx.oxml import OxmlElement

    properties = row._tr.get_or_add_trPr()
    for flag in ("w:cantSplit", "w:tblHeader") if header else ("w:cantSplit",):
        element = OxmlElement(flag)
        element.set(_qn("w:val"), "true")
        properties.append(element)


def _shade(cell, fill: str) -> None:  # type: ignore[no-untyped-def]
    from docx.oxml import OxmlElement

    shading = OxmlElement("w:shd")
    shading.set(_qn("w:val"), "clear")
    shading.set(_qn("w:color"), "auto")
    shading.set(_qn("w:fill"), fill)
    cell._tc.get_or_add_tcPr().append(shading)


def _table(document, table: Table, style: _Style, width_cm: float) -> None:  # type: ignore[no-untyped-def]
    """A table exactly the width of the text: fixed layout, each column its share of the width, the header row
    repeated on every page it runs over."""
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    grid = document.add_table(rows=1 + len(table.rows), cols=len(table.headers))
    grid.style = "Table Grid"
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    grid.autofit = False
    total = sum(table.widths)
    widths = [Cm(width_cm * w / total) for w in table.widths]
    for index, column in enumerate(grid.columns):
        column.width = widths[index]
    for r, values in enumerate((table.headers, *table.rows)):
        row = grid.rows[r]
        for index, (cell, text) in enumerate(zip(row.cells, values, strict=True)):
            cell.width = widths[index]
            paragraph = cell.paragraphs[0]
            run = paragraph.add_run(_xml_text(str(text)))
            _style_run(
                run,
                style,
                style.h1_face if r == 0 else style.body_face,
                style.table_size,
                bold=r == 0 and style.h1_bold,
            )
            paragraph.paragraph_format.space_before = paragraph.paragraph_format.space_after = Pt(1)
            if r == 0:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
                _shade(cell, "E7E6E6")
            elif table.numeric[index]:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    for r, row in enumerate(grid.rows):
        _row_flags(row, header=r == 0)


def _font_table(xml: bytes) -> bytes:
    """The font table with each Chinese face declared (alternative name, GB2312 character set, PANOSE), so a
    reader without the face substitutes a like one rather than a Latin default."""
    text = xml.decode("utf-8")
    entries = "".join(
        f'<w:font w:name="{face}"><w:altName w:val="{alt}"/><w:panose1 w:val="{panose}"/>'
        f'<w:charset w:val="86"/><w:family w:val="{"roman" if face in ("宋体", "方正小标宋简体") else "modern"}"/>'
        f'<w:pitch w:val="variable"/></w:font>'
        for face, (alt, panose) in _CJK_FACES.items()
        if f'w:name="{face}"' not in text
    )
    return text.replace("</w:fonts>", entries + "</w:fonts>").encode("utf-8")


def _repack(document_bytes: bytes) -> bytes:
    """The package again with fixed zip dates (the same brief gives the same bytes) and the font table
    completed (:func:`_font_table`)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(document_bytes)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            payload = source.read(info.filename)
            if info.filename == "word/fontTable.xml":
                payload = _font_table(payload)
            target.writestr(zip_entry(info.filename), payload)
    return out.getvalue()


def docx_bytes(brief: Brief) -> bytes:
    """The brief laid out as a .docx: A4, header and page numbers, numbered figures and tables."""
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    style = _STYLES[brief.lang]
    document = docx.Document()
    properties = document.core_properties
    properties.title, properties.author, properties.language = _xml_text(brief.title), "", brief.lang
    properties.created = properties.modified = FIXED_TIME
    properties.last_modified_by = ""
    properties.revision = 1
    normal = document.styles["Normal"]
    normal.font.size = Pt(style.body_size)
    _fonts(normal.element.get_or_add_rPr(), style.latin, style.body_face)
    _languages(normal.element.get_or_add_rPr(), brief.lang)

    section = document.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    top, bottom, left, right = style.margins_cm
    section.top_margin, section.bottom_margin = Cm(top), Cm(bottom)
    section.left_margin, section.right_margin = Cm(left), Cm(right)
    width_cm = 21.0 - left - right
    head = section.header.paragraphs[0]
    head.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _style_run(head.add_run(_xml_text(brief.header)), style, style.body_face, 9)
    foot = section.footer.paragraphs[0]
    foot.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if brief.lang == "zh":
        _style_run(foot.add_run("— "), style, style.body_face, 14)
        _page_field(foot, style, 14)
        _style_run(foot.add_run(" —"), style, style.body_face, 14)
    else:
        _page_field(foot, style, 10)

    _paragraph(
        document,
        brief.title,
        style,
        style.title_face,
        style.title_size,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        bold=style.h1_bold,
        after=6,
    )
    for line in brief.lines:
        _paragraph(document, line, style, style.h2_face, style.body_size - 2, align=WD_ALIGN_PARAGRAPH.CENTER)
    _paragraph(document, "", style, style.body_face, style.body_size)
    for number, section_content in enumerate(brief.sections, start=1):
        heading = (
            f"{_NUMERALS[number - 1]}、{section_content.heading}"
            if brief.lang == "zh"
            else f"{number}. {section_content.heading}"
        )
        _paragraph(
            document,
            heading,
            style,
            style.h1_face,
            style.body_size + (0 if brief.lang == "zh" else 2),
            bold=style.h1_bold,
            keep=True,
            before=6,
        )
        sub = 0
        for block in section_content.blocks:
            if isinstance(block, Heading):
                sub += 1
                text = (
                    f"（{_NUMERALS[sub - 1]}）{block.text}"
                    if brief.lang == "zh"
                    else f"{number}.{sub} {block.text}"
                )
                _paragraph(
                    document,
                    text,
                    style,
                    style.h2_face,
                    style.body_size,
                    bold=style.h1_bold,
                    keep=True,
                    indent=style.indent,
                )
            elif isinstance(block, Paragraph):
                _paragraph(
                    document,
                    block.text,
                    style,
                    style.body_face,
                    style.body_size,
                    indent=style.indent,
                    align=WD_ALIGN_PARAGRAPH.JUSTIFY,
                )
            elif isinstance(block, Figure):
                caption = _word("figure", brief.lang, n=block.number, caption=block.caption)
                if block.png is None:
                    _paragraph(
                        document,
                        block.missing,
                        style,
                        style.h2_face,
                        style.table_size + 1.5,
                        align=WD_ALIGN_PARAGRAPH.CENTER,
                    )
                else:
                    picture = document.add_paragraph()
                    picture.alignment = WD_ALIGN_PARAGRAPH.CENTER
                    picture.paragraph_format.keep_with_next = True
                    picture.add_run().add_picture(io.BytesIO(block.png), width=Cm(min(width_cm, 15.0)))
                    _paragraph(
                        document,
                        caption,
                        style,
                        style.h2_face,
                        style.table_size + 1.5,
                        align=WD_ALIGN_PARAGRAPH.CENTER,
                        after=6,
                    )
            else:
                caption = _word("table", brief.lang, n=block.number, caption=block.caption)
                _paragraph(
                    document,
                    caption,
                    style,
                    style.h1_face,
                    style.table_size + 1.5,
                    align=WD_ALIGN_PARAGRAPH.CENTER,
                    keep=True,
                    before=6,
                )
                _table(document, block, style, width_cm)
    buffer = io.BytesIO()
    document.save(buffer)
    return _repack(buffer.getvalue())


def brief_docx(
    data: ChainData,
    report: ChainReport,
    lang: str = "zh",
    *,
    comparison: Comparison | None = None,
    top: int = 5,
) -> bytes:
    """The brief of ``data`` as .docx bytes: :func:`make_brief` laid out by :func:`docx_bytes`."""
    return docx_bytes(make_brief(data, report, lang, comparison=comparison, top=top))


# -------------------------------------------------------------------------------------------------- PDF

#: How long LibreOffice may take to convert one brief (its first start in a fresh profile is the slow part).
PDF_TIMEOUT_S = 180


def pdf_converter() -> str | None:
    """The LibreOffice program that converts a .docx to PDF here (``$CHAIN_SOFFICE``, else ``soffice`` or
    ``libreoffice`` on the PATH); None when there is none: the PDF is offered only where it can be made."""
    named = os.environ.get("CHAIN_SOFFICE")
    if named:
        return named if shutil.which(named) else None
    return shutil.which("soffice") or shutil.which("libreoffice")


def pdf_bytes(document: bytes, *, timeout: float = PDF_TIMEOUT_S) -> bytes:
    """A .docx converted to PDF by LibreOffice headless.

    Each conversion runs in a temporary profile of its own, so conversions never share (or lock) a user's
    LibreOffice profile. Raises RuntimeError (with LibreOffice's words) when there is no converter or the
    conversion fails or overruns ``timeout`` seconds.
    """
    program = pdf_converter()
    if program is None:
        raise RuntimeError("LibreOffice (soffice) is not installed")
    with tempfile.TemporaryDirectory(prefix="chain-brief-") as folder:
        work = Path(folder)
        source = work / "brief.docx"
        source.write_bytes(document)
        profile = (work / "profile").as_uri()
        command = [
            program,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
            str(work / "out"),
            str(source),
        ]
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
        except subprocess.TimeoutExpired as exc:
            raise RuntimeError(f"LibreOffice took longer than {timeout:g} s") from exc
        result = work / "out" / "brief.pdf"
        if done.returncode != 0 or not result.is_file():
            raise RuntimeError(
                f"LibreOffice could not convert the brief: {(done.stderr or done.stdout).strip()}"
            )
        return result.read_bytes()
