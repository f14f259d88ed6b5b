"""The brief's figures as print-resolution PNG images, drawn with matplotlib (no browser) in a CJK font that
the project installs (Noto Sans CJK SC from the ``mplfonts`` package), so Chinese labels never depend on
the fonts a server happens to have.

A figure that cannot be drawn (matplotlib or the font not installed) raises :class:`ChartUnavailable`, whose
zh/en message the brief prints in the figure's place: never a silent blank.
"""

from __future__ import annotations

import importlib.util
import io
from functools import cache
from pathlib import Path

import pandas as pd

from chain import columns as cat
from chain.charts.text import chart_word, money_axis, with_unit
from chain.charts.theme import MEASURE_COLORS, STATUS_COLORS

__all__ = ["DPI", "FONT_FILE", "ChartUnavailable", "font_path", "gap_chart", "status_chart"]

#: Print resolution: 300 dots per inch, the usual minimum for print.
DPI = 300
#: The CJK font file inside the ``mplfonts`` package (SIL Open Font License).
FONT_FILE = "NotoSansCJKsc-Regular.otf"
#: Width of a figure in inches: an A4 page's text width (15.6 cm) less a little.
WIDTH_IN = 6.0
_STATUSES = ("strong", "weak", "missing")


class ChartUnavailable(Exception):
    """A figure that cannot be drawn here, with why in zh and en."""

    def __init__(self, zh: str, en: str) -> None:
        self.zh, self.en = zh, en
        super().__init__(en)

    def message(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


def font_path() -> Path | None:
    """Where the installed ``mplfonts`` package keeps the CJK font (found without importing the package,
    which would register fonts with matplotlib as a side effect); None when it is not installed."""
    spec = importlib.util.find_spec("mplfonts")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / "fonts" / FONT_FILE
    return path if path.is_file() else None


@cache
def _font_family() -> str:
    """Register the CJK font with matplotlib once and return its family name."""
    path = font_path()
    if path is None:
        raise ChartUnavailable(
            f"未安装中文字体包 mplfonts（{FONT_FILE}），图表无法生成。",
            f"the CJK font package mplfonts ({FONT_FILE}) is not installed, so the figure cannot be drawn.",
        )
    from matplotlib import font_manager

    font_manager.fontManager.addfont(str(path))
    return font_manager.FontProperties(fname=str(path)).get_name()


def _figure(height_in: float, columns: int = 1):  # type: ignore[no-untyped-def]
    """A bare matplotlib figure (no pyplot: no global state shared between the server's threads)."""
    try:
        from matplotlib.figure import Figure
    except ImportError as exc:
        raise ChartUnavailable(
            "未安装 matplotlib，图表无法生成。", "matplotlib is not installed, so the figure cannot be drawn."
        ) from exc
    family = _font_family()
    figure = Figure(figsize=(WIDTH_IN, height_in), dpi=DPI, layout="constrained")
    axes = figure.subplots(1, columns, squeeze=False)[0]
    for ax in axes:
        ax.tick_params(labelfontfamily=family, labelsize=8)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
    return figure, axes, family


def _png(figure) -> bytes:  # type: ignore[no-untyped-def]
    """The figure as PNG bytes, without the software version in its metadata (the same input gives the
    same bytes)."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    return buffer.getvalue()


def _label(text: object) -> str:
    """Workbook text as a label, never markup: matplotlib reads text between two $ as mathematics."""
    return str(text).replace("$", r"\$")


def _ordered_categories(segments: pd.DataFrame) -> list[str]:
    return list(dict.fromkeys(segments["category"].tolist()))


def status_chart(segments: pd.DataFrame, lang: str) -> bytes:
    """The chain's status at a glance: per material category, its segments by status (strong, weak, missing:
    stacked bars with the count in each) and its output, the categories in template order, top down.

    ``segments`` is :attr:`ChainReport.segments <chain.model.ChainReport>`."""
    categories = _ordered_categories(segments)
    figure, (left, right), family = _figure(0.45 * len(categories) + 1.2, columns=2)
    positions = range(len(categories))[::-1]
    counts = segments.groupby(["category", "status"], sort=False).size()
    start = [0] * len(categories)
    for status in _STATUSES:
        values = [int(counts.get((category, status), 0)) for category in categories]
        bars = left.barh(
            list(positions),
            values,
            left=start,
            color=STATUS_COLORS[status],
            label=cat.value_name(cat.STATUSES, status, lang),
        )
        left.bar_label(
            bars, labels=[str(v) if v else "" for v in values], label_type="center", fontsize=7, color="white"
        )
        start = [a + b for a, b in zip(start, values, strict=True)]
    left.set_yticks(list(positions), [_label(c) for c in categories])
    left.set_xlabel(chart_word("segment_count", lang), fontfamily=family, fontsize=8)
    left.legend(prop={"family": family, "size": 7}, ncols=3, loc="lower center", bbox_to_anchor=(0.5, 1.0))

    output = segments.groupby("category", sort=False)["output"].sum().reindex(categories).fillna(0.0)
    divisor, unit = money_axis(float(output.max()) if len(output) else 0.0, lang)
    bars = right.barh(list(positions), (output / divisor).tolist(), color=MEASURE_COLORS["local_supply"])
    right.bar_label(bars, fmt="{:,.1f}", fontsize=7, padding=2, fontfamily=family)
    right.set_yticks(list(positions), ["" for _ in categories])
    right.set_xlabel(with_unit(cat.name("output", lang), unit, lang), fontfamily=family, fontsize=8)
    right.margins(x=0.18)
    return _png(figure)


def gap_chart(gaps: pd.DataFrame, kind: str, lang: str) -> bytes:
    """The largest gaps of ``kind``, biggest on top: for upstream gaps each segment's local demand split into
    what is supplied in the county and what is bought outside; for downstream gaps the output of its inputs
    processed elsewhere.

    ``gaps`` are rows of :attr:`ChainReport.segments <chain.model.ChainReport>` (:func:`chain.views.top_gaps`)."""
    if gaps.empty:
        raise ChartUnavailable("没有此类缺口。", "there is no gap of this kind.")
    figure, (ax,), family = _figure(0.38 * len(gaps) + 1.0)
    positions = list(range(len(gaps))[::-1])
    names = [_label(name) for name in gaps["segment"]]
    if kind == "upstream":
        measures = ("local_supply", "leakage")
        largest = float((gaps["local_supply"] + gaps["leakage"]).max())
    else:
        measures = ("downstream_gap",)
        largest = float(gaps["downstream_gap"].max())
    divisor, unit = money_axis(largest, lang)
    start = [0.0] * len(gaps)
    for measure in measures:
        values = (gaps[measure].astype(float) / divisor).tolist()
        bars = ax.barh(
            positions, values, left=start, color=MEASURE_COLORS[measure], label=cat.name(measure, lang)
        )
        if measure != "local_supply":
            ax.bar_label(bars, fmt="{:,.1f}", fontsize=7, padding=2, fontfamily=family)
        start = [a + b for a, b in zip(start, values, strict=True)]
    ax.set_yticks(positions, names)
    name = "demand" if kind == "upstream" else "downstream_gap"
    ax.set_xlabel(with_unit(cat.name(name, lang), unit, lang), fontfamily=family, fontsize=8)
    ax.margins(x=0.15)
    ax.xaxis.set_major_formatter("{x:,.0f}")
    if len(measures) > 1:
        ax.legend(prop={"family": family, "size": 7}, ncols=2, loc="lower center", bbox_to_anchor=(0.5, 1.0))
    return _png(figure)
