"""Small drawing helpers the pages share: number formats with units, report tables, download buttons.

Presentation only: they pick a language, format and lay out; every number comes from ``chain/``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Sequence

import pandas as pd
import streamlit as st

from chain import charts, labels, schema
from chain.reasons import in_words
from ui.i18n import t

__all__ = [
    "MONEY",
    "WORD_JOINER",
    "display_frame",
    "download_pair",
    "gap_name",
    "joined",
    "metric_label",
    "money",
    "money_short",
    "partners_table",
    "percent",
    "places",
    "plain",
    "sheet_table",
    "stage_name",
    "status_markdown",
    "status_name",
    "table",
]

#: Report columns that hold amounts in 万元.
MONEY = frozenset(
    {
        "output",
        "demand",
        "local_supply",
        "leakage",
        "exports",
        "local_final_demand",
        "downstream_gap",
        "value",
        "value_from_outside",
        "supplier_output",
    }
)
_COUNTS = frozenset({"firms", "above_scale_firms", "employees", "local_buyers", "local_partners", "layer"})
_SHARES = frozenset({"local_share", "concentration"})
_DISTANCES = frozenset({"distance_km", "leakage_distance_km"})
_LISTS = frozenset({"gaps", "projects", "partners", "products", "outside_suppliers", "reasons"})

#: Streamlit markdown colour per status, close to chain.charts.STATUS_COLORS, so text matches the charts.
_STATUS_MARKDOWN: dict[str, str] = {"strong": "green", "weak": "orange", "missing": "red"}
_JOIN = {"zh": "、", "en": "; "}
#: Height of one st.dataframe row in pixels (Streamlit's default row height).
_ROW_PX = 35
#: Pixel widths of short name columns, wide enough for the longest names of the sample (新型建筑材料,
#: 尾矿及工业固废) so they are not cut.
_NAME_WIDTHS = {"category": 110, "segment": 120, "buyer_segment": 120}
_STAGES = {choice.key: (choice.zh, choice.en) for choice in schema.TEMPLATE.column_by_key["stage"].choices}
#: Characters Streamlit's Markdown acts on: CommonMark punctuation, ``:colour[...]`` directives and
#: ``:emoji:`` short codes, ``$`` for LaTeX, ``<`` and ``&`` for HTML. A backslash before any of them shows it
#: as it is.
_MARKDOWN = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~:$&=^])")
#: What a backslash cannot stop: GitHub-flavoured Markdown finds web and mail addresses (``http://``,
#: ``https://``, ``www.``, ``name@host.cn``) in the text *after* escapes are read and makes them links, and
#: Streamlit turns ``:material/icon:`` into an icon before Markdown sees it. An invisible WORD JOINER (U+2060:
#: no width, no line break) after a colon that runs into a letter or ``/``, after ``@`` and inside ``www.``
#: breaks every one of them and changes nothing a reader sees (copied text keeps the joiner).
_AUTOLINK = re.compile(r"(?<=:)(?=[A-Za-z/])|(?<=@)|(?<=www)(?=\\\.)", re.IGNORECASE)
WORD_JOINER = "\u2060"
#: Rows named before "…" where a message lists rows left out of the analysis.
PLACES_SHOWN = 8


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA


def money(value: object, lang: str) -> str:
    """An amount in 万元 with thousands separators and its unit: ``12,345 万元``; nothing is ``0 万元``.

    >>> money(12345.4, "zh"), money(3.25, "en"), money(0.0, "zh"), money(float("nan"), "zh")
    ('12,345 万元', '3.2 ×10k yuan', '0 万元', '—')
    """
    if _missing(value):
        return "—"
    amount = float(value)  # type: ignore[arg-type]
    digits = 0 if abs(amount) >= 100 or amount == 0 else 1
    return f"{amount:,.{digits}f} {t('unit_wan', lang)}"


def money_short(value: object, lang: str) -> str:
    """An amount given in 万元, in the unit its readers count big money in: 亿元 in Chinese once it
    reaches 1 亿元; million or billion yuan in English (1 亿元 = 100 million yuan, 1 万元 = 10,000 yuan).

    >>> money_short(123456, "zh"), money_short(5000, "zh"), money_short(123456, "en"), money_short(5000, "en")
    ('12.35 亿元', '5,000 万元', '1.23 bn yuan', '50.0 m yuan')
    """
    if _missing(value):
        return "—"
    amount = float(value)  # type: ignore[arg-type]
    if lang == "zh":
        return (
            f"{amount / 10_000:,.2f} {t('unit_yi', lang)}" if abs(amount) >= 10_000 else money(amount, lang)
        )
    if abs(amount) >= 100_000:
        return f"{amount / 100_000:,.2f} {t('unit_bn', lang)}"
    if abs(amount) >= 100:
        return f"{amount / 100:,.1f} {t('unit_m', lang)}"
    return money(amount, lang)


def plain(text: object) -> str:
    """Text from a workbook (a sheet name, a cell, a file name) as Markdown that shows it as written, never
    as markup, a link or an image: every character Markdown would act on is backslash-escaped, addresses
    Markdown would link get an invisible word joiner (:data:`WORD_JOINER`), line breaks become spaces.

    The one helper for every workbook text that Streamlit renders as Markdown: ``st.markdown``, ``st.caption``,
    ``st.write``, alerts, headings, metric labels and values, expander, status and tab labels, ``help``.
    Widgets that show options as plain text (``st.selectbox``, ``st.multiselect``, ``st.dataframe`` cells)
    need none: there it would show the backslashes.

    >>> print(plain("**甲** [x](y) :red[z] $x$").replace(WORD_JOINER, "⁀"))
    \\*\\*甲\\*\\* \\[x\\]\\(y\\) \\:⁀red\\[z\\] \\$x\\$
    >>> print(plain("http://198.51.100.7/a www.x.cn a@x.cn").replace(WORD_JOINER, "⁀"))
    http\\:⁀//198\\.51\\.100\\.7/a www⁀\\.x\\.cn a@⁀x\\.cn
    """
    escaped = _MARKDOWN.sub(r"\\\1", " ".join(str(text).splitlines()))
    return _AUTOLINK.sub(WORD_JOINER, escaped)


def places(rows: Sequence[tuple[str, int]], lang: str, limit: int = PLACES_SHOWN) -> str:
    """(sheet, Excel row) pairs as one line of Markdown-safe text, the first ``limit`` of them then "…".

    >>> places([("企业", 4), ("供需关系", 12)], "zh"), places([("企业", 4), ("企业", 5)], "en", limit=1)
    ('企业 第4行、供需关系 第12行', '企业 row 4; …')
    """
    named = [plain(t("excluded_place", lang, sheet=sheet, row=row)) for sheet, row in rows[:limit]]
    if len(rows) > limit:
        named.append("…")
    return _JOIN.get(lang, "; ").join(named)


def percent(share: object, digits: int = 1) -> str:
    """A share (0.25) as a percentage (25.0%); a dash when it is undefined.

    >>> percent(0.256), percent(float("nan"))
    ('25.6%', '—')
    """
    if _missing(share):
        return "—"
    return f"{float(share) * 100:.{digits}f}%"  # type: ignore[arg-type]


def status_name(status: str, lang: str) -> str:
    """A status's name: ``缺链`` / ``missing``."""
    return labels.label(status, lang, labels.STATUSES)


def status_markdown(status: str, lang: str) -> str:
    """A status's name in its chart colour, for markdown (headings, captions, metric labels)."""
    color = _STATUS_MARKDOWN.get(status)
    name = status_name(status, lang)
    return f":{color}[**{name}**]" if color else name


def gap_name(gap: str, lang: str) -> str:
    """A gap kind's name."""
    return labels.label(gap, lang, labels.GAP_KINDS)


def stage_name(stage: str, lang: str) -> str:
    """A stage key's name (上游 / upstream); the blank stage as "not given"."""
    if not stage:
        return t("stage_blank", lang)
    pair = _STAGES.get(stage)
    return stage if pair is None else pair[0 if lang == "zh" else 1]


def joined(value: object, lang: str, names: dict[str, tuple[str, str]] | None = None) -> str:
    """A list cell (tuple of items) as one line: 、-separated in Chinese, ; in English."""
    if isinstance(value, str):
        return value
    if not isinstance(value, Iterable):
        return "" if _missing(value) else str(value)
    items = [str(item) if names is None else labels.label(str(item), lang, names) for item in value]
    return _JOIN.get(lang, "; ").join(items)


def display_frame(frame: pd.DataFrame, columns: Sequence[str], lang: str) -> pd.DataFrame:
    """A copy of ``frame`` with ``columns`` ready to show in ``lang``: reasons worded
    (:func:`chain.reasons.in_words`), language pairs (``message_zh`` / ``message_en``) folded into one
    column, statuses, gap kinds and stages named, lists joined."""
    if {"reason", "reasons", "outside_suppliers"} & set(columns):
        frame = in_words(frame, lang)
    shown = pd.DataFrame(index=frame.index)
    for key in columns:
        if f"{key}_{lang}" in frame.columns:
            shown[key] = frame[f"{key}_{lang}"].map(lambda v: joined(v, lang))
            continue
        values = frame[key]
        if key == "status":
            shown[key] = values.map(lambda v: status_name(str(v), lang))
        elif key == "gap":
            shown[key] = values.map(lambda v: gap_name(str(v), lang))
        elif key == "gaps":
            shown[key] = values.map(lambda v: joined(v, lang, labels.GAP_KINDS))
        elif key == "stage":
            shown[key] = values.map(lambda v: stage_name(str(v), lang))
        elif key in _LISTS:
            shown[key] = values.map(lambda v: joined(v, lang))
        elif key in ("covered", "concentrated"):
            shown[key] = values.map(lambda v: t("yes", lang) if bool(v) else t("no", lang))
        elif key == "row":
            # An Excel row number; blank, not "None", for a problem of the whole file or sheet.
            shown[key] = values.map(lambda v: "" if _missing(v) else f"{int(v)}")
        else:
            shown[key] = values
    return shown


def _column_config(key: str, lang: str) -> object:
    name = labels.label(key, lang)
    if key in MONEY:
        return st.column_config.NumberColumn(name, format="%,.1f")
    if key in _SHARES:
        # A bar from 0 to 100 % reads faster than a column of percentages.
        return st.column_config.ProgressColumn(name, format="percent", min_value=0.0, max_value=1.0)
    if key in _COUNTS:
        return st.column_config.NumberColumn(name, format="%,d")
    if key in _DISTANCES:
        return st.column_config.NumberColumn(name, format="%,.0f")
    if key == "growth_pct":
        return st.column_config.NumberColumn(name, format="%.1f")
    if key == "score":
        return st.column_config.ProgressColumn(name, format="%.2f", min_value=0.0, max_value=1.0)
    if key in ("reason", "reasons", "message"):
        return st.column_config.TextColumn(name, width="large")
    if key == "row":
        return st.column_config.TextColumn(name, width="small", alignment="right")
    if key == "name":
        # Pinned, so a wide table scrolled to its last columns (a target's reasons) still says whose they are.
        return st.column_config.TextColumn(name, pinned=True)
    return st.column_config.TextColumn(name, width=_NAME_WIDTHS.get(key))


def table(
    frame: pd.DataFrame,
    columns: Sequence[str],
    lang: str,
    *,
    key: str | None = None,
    height: int | str = "auto",
    selectable: bool = False,
) -> object:
    """Draw report columns of ``frame`` with translated headers, units and number formats.

    With ``selectable``, a single row can be picked and the selection state is returned.
    """
    if isinstance(height, int) and _ROW_PX * (len(frame) + 1) < height:
        # A short table keeps its natural height instead of a block of empty rows.
        height = "auto"
    shown: object = display_frame(frame, columns, lang)
    config = {k: _column_config(k, lang) for k in columns}
    if "status" in columns:
        # Colour the status text like the charts do, so a long table can be scanned for red.
        colours = {status_name(k, lang): c for k, c in charts.STATUS_COLORS.items()}
        shown = shown.style.map(  # type: ignore[attr-defined]
            lambda v: f"color: {colours[v]}; font-weight: 600" if v in colours else "", subset=["status"]
        )
    if selectable:
        return st.dataframe(
            shown,
            hide_index=True,
            column_order=list(columns),
            column_config=config,
            key=key,
            height=height,
            on_select="rerun",
            selection_mode="single-row",
        )
    return st.dataframe(
        shown, hide_index=True, column_order=list(columns), column_config=config, key=key, height=height
    )


def download_pair(
    downloads: tuple[Callable[[], bytes], Callable[[], bytes]], stem: str, lang: str, *, key: str
) -> None:
    """An Excel and a CSV download button side by side. The files are made when a button is clicked (the
    callables run then), and clicking does not rerun the page."""
    xlsx, csv = downloads
    left, right = st.columns(2, width=420)
    left.download_button(
        t("download_xlsx", lang),
        data=xlsx,
        file_name=f"{stem}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key=f"{key}_xlsx",
        on_click="ignore",
        icon=":material/table_view:",
        type="primary",
    )
    right.download_button(
        t("download_csv", lang),
        data=csv,
        file_name=f"{stem}.csv",
        mime="text/csv",
        key=f"{key}_csv",
        on_click="ignore",
        icon=":material/download:",
    )


def partners_table(partners: pd.DataFrame, lang: str, *, key: str) -> None:
    """Suppliers or customers (name, local, region, value) with local and outside ones told apart."""
    if partners.empty:
        st.caption(t("map_no_links", lang))
        return
    shown = partners.assign(
        local=partners["local"].map(lambda v: t("map_local", lang) if bool(v) else t("map_external", lang)),
        region=partners["region"].where(~partners["local"].astype(bool), ""),
    )
    st.dataframe(
        shown,
        hide_index=True,
        column_order=["name", "local", "region", "value"],
        column_config={
            "name": st.column_config.TextColumn(labels.label("name", lang)),
            "local": st.column_config.TextColumn(t("map_local_col", lang), width="small"),
            "region": st.column_config.TextColumn(labels.label("region", lang)),
            "value": st.column_config.NumberColumn(labels.label("value", lang), format="%,.1f"),
        },
        key=key,
    )


def metric_label(key: str, lang: str) -> str:
    """A report column's name without its unit, for a metric whose value already carries the unit.

    >>> metric_label("leakage", "zh"), metric_label("leakage", "en")
    ('外购额', 'leakage')
    """
    return re.sub(r"\s*\([^()]*\)$", "", labels.label(key, lang))


def sheet_table(
    frame: pd.DataFrame, sheet: schema.Sheet, lang: str, *, key: str, hide: Sequence[str] = ()
) -> None:
    """Rows of an input sheet as the user wrote them: the sheet's own headers, choices in ``lang``;
    ``hide`` leaves out columns the page already makes plain (the firm of a firm's own requests)."""
    shown = frame.copy()
    config: dict[str, object] = {}
    for column in sheet.columns:
        if column.key not in shown.columns:
            continue
        if column.choices:
            names = {c.key: (c.zh if lang == "zh" else c.en) for c in column.choices}
            shown[column.key] = shown[column.key].map(lambda v, names=names: names.get(v, v))
        if column.kind == "list":
            shown[column.key] = shown[column.key].map(lambda v: joined(v, lang))
        header = column.header(lang)
        if column.money:
            config[column.key] = st.column_config.NumberColumn(header, format="%,.1f")
        else:
            config[column.key] = st.column_config.Column(header)
    order = [c.key for c in sheet.columns if c.key in shown.columns and c.key not in hide]
    st.dataframe(shown, hide_index=True, column_order=order, column_config=config, key=key)
