"""What a figure writes: chart words (zh/en), escaping of workbook text, hover boxes and axis formats.

Numbers are written by :mod:`chain.render` and named by :mod:`chain.columns`, as in the tables and exports,
so a hover says "外购额: 7,666 万元" where a card does; axis formats and units come from the same catalogue
(:func:`axis_format`, :func:`money_axis`). The charts' own chrome (:data:`WORDS`) is the only wording here.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping, Sequence

import pandas as pd

from chain import columns, render
from chain.reasons import segment_reason

__all__ = [
    "SEGMENT_HOVER",
    "WORDS",
    "axis_format",
    "chart_word",
    "esc",
    "hover_box",
    "is_blank",
    "money_axis",
    "reason",
    "segment_rows",
    "status_name",
    "to_float",
    "with_unit",
    "wrap_items",
]


#: Chart chrome, (zh, en); column names, units and domain words come from :mod:`chain.columns`.
WORDS: dict[str, tuple[str, str]] = {
    "no_data": ("暂无数据", "no data"),
    "no_output": ("暂无产值数据", "no output recorded"),
    "no_flows": ("暂无与外地的交易记录", "no trade with outside parties recorded"),
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
    "sells_to_firm": ("向本企业供货", "sells to this firm"),
    "buys_from_firm": ("从本企业采购", "buys from this firm"),
    "status_change": ("状态", "status"),
    "etc": ("等", "etc."),
    "layer": ("第{k}层", "Layer {k}"),
    # The flow map (#17).
    "map_no_county": (
        "本县位置未知（县名不在全国行政区划中或有重名），无法画出来源与去向地图",
        "the county's location is unknown (its name is not a division, or shared), so there is no map",
    ),
    "map_no_places": ("没有可定位的外地交易", "no outside trade with a known place"),
    "map_into": ("流入本县（外购）", "into the county (bought outside)"),
    "map_out_of": ("流出本县（外销）", "out of the county (sold outside)"),
    "map_suppliers": ("供应本县", "sells to the county"),
    "map_buyers": ("采购本县产品", "buys from the county"),
    "map_places": ("地点", "places"),
    "map_left_out": (
        "仅画出最大的 {shown} 条流向，另有 {count} 条较小的未画出",
        "the {shown} largest flows drawn; {count} smaller ones left out",
    ),
}


def chart_word(key: str, lang: str) -> str:
    """A word of the charts' own chrome (:data:`WORDS`) in ``lang``."""
    return columns.value_name(WORDS, key, lang)


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


def axis_format(kind: str) -> str:
    """The d3 tick format of an axis of ``kind`` numbers: the catalogue's format
    (:data:`chain.columns.FORMATS`) with insignificant trailing zeros trimmed, so that ticks read 5,000 and
    0.5 (not 5,000.0) and 50% (not 50.0%) while a hover keeps the format's digits.

    >>> axis_format("money"), axis_format("share"), axis_format("count")
    (',.1~f', '.1~%', ',d')
    """
    return re.sub(r"(\.\d+)([a-z%])$", r"\1~\2", columns.FORMATS[kind].d3)


def money_axis(largest: float, lang: str) -> tuple[float, str]:
    """(divisor, unit word) of an axis of amounts in 万元 whose largest value is ``largest``: Chinese counts
    in 亿元 once values reach 100,000 万元 (ticks of 10 亿元, not 100,000 万元); English in bn yuan from
    there and in m yuan from 100 万元 on, as :func:`chain.render.amount` writes the amounts themselves.

    >>> money_axis(300_000, "zh"), money_axis(9_000, "zh"), money_axis(9_000, "en"), money_axis(50, "en")
    ((10000, '亿元'), (1, '万元'), (100, 'm yuan'), (1, '10k yuan'))
    """
    if abs(largest) >= 100_000:
        return (
            (10_000, columns.unit("yi_yuan", lang))
            if lang == "zh"
            else (100_000, columns.unit("bn_yuan", lang))
        )
    if lang != "zh" and abs(largest) >= 100:
        return 100, columns.unit("m_yuan", lang)
    return 1, columns.unit("wan_yuan", lang)


def with_unit(name: str, unit: str, lang: str) -> str:
    """An axis title: a name and the unit of its ticks, as :func:`chain.columns.header` writes a header.

    >>> with_unit("产值", "亿元", "zh"), with_unit("Output", "bn yuan", "en")
    ('产值(亿元)', 'Output (bn yuan)')
    """
    return f"{name}({unit})" if lang == "zh" else f"{name} ({unit})"


def hover_box(title: str, rows: Iterable[tuple[str, str]]) -> str:
    """A hover box: the title in bold, then a "name: value" line per row (just the value when unnamed)."""
    lines = [
        f"<b>{esc(title)}</b>",
        *(f"{esc(name)}: {esc(value)}" if name else esc(value) for name, value in rows),
    ]
    return "<br>".join(lines)


def status_name(status: object, lang: str) -> str:
    """The reader's name of a status key (strong -> 强链 / strong)."""
    return columns.value_name(columns.STATUSES, str(status), lang)


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
    """(name, value in words) pairs of a segment's numbers for a hover, skipping absent columns: each value
    as :func:`chain.render.value` writes it, with its unit, under the column's name."""
    rows = [(columns.name(key, lang), render.value(key, record[key], lang)) for key in keys if key in record]
    why = reason(record, lang)
    if why:
        rows.append((columns.name("reason", lang), why))
    return rows


def reason(record: Mapping[str, object], lang: str) -> str:
    """A segment's reason in ``lang``, empty when it has none: the one place a figure reads a reason. A
    segment record holds its reason as a code and the numbers it quotes (:func:`chain.reasons.segment_reason`)."""
    if not record.get("reason") or "weak_share" not in record:
        return ""
    return segment_reason(record, "zh" if lang == "zh" else "en")


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
        if line.strip() and render.text_width(line + piece.rstrip()) > columns:
            lines.append(line.rstrip())
            line = ""
        line += piece
    lines.append(line.rstrip())
    return lines
