"""What a figure writes: chart words (zh/en), escaping of workbook text, number formats and hover boxes.

The hover and label formats of every chart live here (:func:`format_amount`, :func:`format_number` and the
key sets that choose between them), so that one place can later follow a shared column catalogue.
"""

from __future__ import annotations

import html
import unicodedata
from collections.abc import Iterable, Mapping, Sequence

import pandas as pd

from chain.labels import STATUSES, label
from chain.reasons import segment_reason

__all__ = [
    "COUNT_KEYS",
    "PLAIN_KEYS",
    "SEGMENT_HOVER",
    "SHARE_KEYS",
    "WORDS",
    "chart_word",
    "display_width",
    "esc",
    "format_amount",
    "format_number",
    "hover_box",
    "is_blank",
    "segment_rows",
    "status_name",
    "to_float",
    "wrap_items",
]


#: Chart chrome, (zh, en); analysis vocabulary comes from :mod:`chain.labels`.
WORDS: dict[str, tuple[str, str]] = {
    "no_data": ("暂无数据", "no data"),
    "no_output": ("暂无产值数据", "no output recorded"),
    "no_flows": ("暂无与外地的交易记录", "no trade with outside parties recorded"),
    "unit": ("万元", "10k yuan"),
    "other_regions": ("其他地区", "other regions"),
    "region_unknown": ("未注明地区", "region not given"),
    "local_sales": ("本县企业销售", "local firms' sales"),
    "local_purchases": ("本县企业采购", "local firms' purchases"),
    "local_units": ("本县其他单位", "other local units"),
    "local_units_sales": ("本县其他单位供货", "other local units' supplies"),
    "includes": ("包括", "includes"),
    "whole_chain": ("全链", "whole chain"),
    "upstream_to_downstream": ("上游 → 下游", "upstream → downstream"),
    "no_trade": ("无交易记录", "no recorded trade"),
    "trade": ("交易额", "trade"),
    "trade_amount": ("交易额(万元)", "value (10k yuan)"),
    "neighbours": ("相邻环节(其他类别)", "neighbouring segments (other categories)"),
    "unsized": ("无产值、未按面积显示的环节", "segments without output, not drawn to size"),
    "unsized_short": ("无产值环节", "without output"),
    "segment_count": ("环节数", "segments"),
    "before": ("现状", "before"),
    "after": ("项目投产后", "after the project"),
    "suppliers": ("供应方", "suppliers"),
    "customers": ("客户", "customers"),
    "links_away": ("间接伙伴({k}级)", "partners {k} links away"),
    "local": ("本县企业", "local firm"),
    "local_unit": ("本县其他单位", "other local unit"),
    "external": ("外地企业", "outside company"),
    "this_firm": ("本企业", "this firm"),
    "sells_to_firm": ("向本企业供货(万元)", "sells to this firm (10k yuan)"),
    "buys_from_firm": ("从本企业采购(万元)", "buys from this firm (10k yuan)"),
    "status_change": ("状态", "status"),
    "etc": ("等", "etc."),
}


def chart_word(key: str, lang: str) -> str:
    """A word of the charts' own chrome (:data:`WORDS`) in ``lang``."""
    return label(key, lang, WORDS)


def esc(text: object) -> str:
    """User text as plotly pseudo-HTML: names like ``<b>`` or ``A&B`` must show as typed, and a name like
    ``<a href="http://host">`` or ``<img ...>`` can make no link or image.

    Every workbook string a figure draws (labels, text, tick categories, legend names, annotations) goes
    through here or :func:`hover_box`. Hover templates are constants (``%{hovertext}`` /
    ``%{customdata}``) and plotly fills a template once, so a ``%{...}`` inside a name shows as typed;
    ``$...$`` would be typeset only where the host page loads MathJax, which Streamlit does not.
    """
    return html.escape(str(text), quote=False)


def is_blank(value: object) -> bool:
    """True for None, NaN and NA, which a chart shows as "—" or leaves out; False for any other value."""
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def to_float(value: object) -> float | None:
    """A cell as a number, or None when it is blank (None, NaN, NA) or not a number."""
    if is_blank(value):
        return None
    try:
        return float(value)  # type: ignore[arg-type]  # numbers and numeric strings; others -> None below
    except (TypeError, ValueError):
        return None


# Keys whose values are shares (0..1), counts, or other non-amount numbers, for hover formatting.
SHARE_KEYS = frozenset({"local_share", "concentration", "completeness_segments", "completeness_value"})


COUNT_KEYS = frozenset(
    {"firms", "above_scale_firms", "employees", "local_buyers", "local_partners", "segments_with_firms"}
)


PLAIN_KEYS = frozenset({"leakage_distance_km", "distance_km", "layer"})


def format_amount(value: object) -> str:
    """An amount in 万元 with thousands separators; one decimal only where it matters (small amounts)."""
    number = to_float(value)
    if number is None:
        return "—"
    if abs(number) >= 100 or number == round(number):
        return f"{number:,.0f}"
    return f"{number:,.1f}"


def format_number(key: str, value: object) -> str:
    """A metric value formatted for its kind: share, count, plain number or amount in 万元."""
    number = to_float(value)
    if number is None:
        return "—"
    if key in SHARE_KEYS:
        return f"{number:.0%}"
    if key in COUNT_KEYS:
        return f"{round(number):,}"
    if key in PLAIN_KEYS:
        return f"{number:,.0f}"
    if key == "score":
        return f"{number:,.2f}"
    if key == "growth_pct":
        return f"{number:+.1f}"
    return format_amount(number)


def hover_box(title: str, rows: Iterable[tuple[str, str]]) -> str:
    """A hover box: the title in bold, then a "name: value" line per row (just the value when unnamed)."""
    lines = [
        f"<b>{esc(title)}</b>",
        *(f"{esc(name)}: {esc(value)}" if name else esc(value) for name, value in rows),
    ]
    return "<br>".join(lines)


def status_name(status: object, lang: str) -> str:
    """The reader's name of a status key (strong -> 强链 / strong)."""
    return label(str(status), lang, STATUSES)


# Segment hover: the numbers an official asks about first, in reading order; shown when the column exists.
SEGMENT_HOVER = (
    "category",
    "status",
    "firms",
    "output",
    "demand",
    "local_supply",
    "leakage",
    "local_share",
    "exports",
    "downstream_gap",
)


def segment_rows(
    record: Mapping[str, object], lang: str, keys: Sequence[str] = SEGMENT_HOVER
) -> list[tuple[str, str]]:
    """(name, formatted value) pairs of a segment's numbers for a hover, skipping absent columns."""
    rows = []
    for key in keys:
        if key not in record:
            continue
        value = record[key]
        if key == "status":
            rows.append((label(key, lang), status_name(value, lang)))
        elif key == "category":
            rows.append((label(key, lang), "" if is_blank(value) else str(value)))
        else:
            rows.append((label(key, lang), format_number(key, value)))
    if record.get("reason") and "weak_share" in record:
        rows.append((label("reason", lang), segment_reason(record, "zh" if lang == "zh" else "en")))
    return rows


def display_width(text: str) -> int:
    """Display width of ``text``: East Asian wide characters count two, the rest one."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def wrap_items(head: str, items: Sequence[str], separator: str, columns: int) -> list[str]:
    """``head`` and ``items`` joined by ``separator`` over lines of at most ``columns``, breaking only
    between items (an item longer than a line gets a line of its own).

    >>> wrap_items("缺: ", ["甲乙", "丙丁", "戊己"], "、", columns=12)
    ['缺: 甲乙、', '丙丁、戊己']
    """
    lines: list[str] = []
    line = head
    for i, item in enumerate(items):
        piece = item + (separator if i < len(items) - 1 else "")
        if line.strip() and display_width(line + piece.rstrip()) > columns:
            lines.append(line.rstrip())
            line = ""
        line += piece
    lines.append(line.rstrip())
    return lines
