"""Small drawing helpers the pages share: number formats with units, report tables, download buttons.

Presentation only: they pick a language, format and lay out; every number comes from ``chain/``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

import pandas as pd
import streamlit as st

from chain import charts, render, schema
from chain import columns as cat
from ui.i18n import t

__all__ = [
    "WORD_JOINER",
    "capitalised",
    "column_config",
    "download_pair",
    "gap_name",
    "markdown_table",
    "metric_label",
    "paper_copy",
    "partners_table",
    "places",
    "plain",
    "severity_name",
    "sheet_table",
    "stage_name",
    "status_markdown",
    "status_name",
    "table",
]

#: Streamlit markdown colour per status, close to chain.charts.STATUS_COLORS, so text matches the charts.
_STATUS_MARKDOWN: dict[str, str] = {"strong": "green", "weak": "orange", "missing": "red"}
#: Height of one st.dataframe row in pixels (Streamlit's default row height).
_ROW_PX = 35
#: Height of one more line of wrapped text in a row.
_LINE_PX = 20
#: Pixel widths of short name columns, wide enough for the longest names of the sample (新型建筑材料,
#: 尾矿及工业固废) so they are not cut.
_NAME_WIDTHS = {"category": 110, "segment": 120, "buyer_segment": 120}
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
    return render.JOINERS.get(lang, "; ").join(named)


def status_name(status: str, lang: str) -> str:
    """A status's name: ``缺链`` / ``missing``."""
    return cat.value_name(cat.STATUSES, status, lang)


def status_markdown(status: str, lang: str) -> str:
    """A status's name in its chart colour, for markdown (headings, captions, metric labels)."""
    color = _STATUS_MARKDOWN.get(status)
    name = status_name(status, lang)
    return f":{color}[**{name}**]" if color else name


def gap_name(gap: str, lang: str) -> str:
    """A gap kind's name."""
    return cat.value_name(cat.GAP_KINDS, gap, lang)


def stage_name(stage: str, lang: str) -> str:
    """A stage key's name (上游 / upstream); the blank stage as "not given"."""
    return cat.value_name(cat.STAGES, stage, lang)


def severity_name(severity: str, lang: str) -> str:
    """A problem severity's name: ``提醒`` / ``warning``."""
    return cat.value_name(cat.SEVERITIES, severity, lang)


def column_config(key: str, lang: str) -> object:
    """The Streamlit column of a report column: its header and, for a number, the catalogue's format."""
    name = cat.header(key, lang)
    entry = cat.CATALOGUE.get(key)
    number_format = entry.format if entry is not None else None
    if entry is not None and entry.kind in ("share", "score"):
        # A bar from 0 to 1 (0 to 100 %) reads faster than a column of fractions.
        return st.column_config.ProgressColumn(
            name, format=number_format.printf, min_value=0.0, max_value=1.0
        )
    if number_format is not None:
        return st.column_config.NumberColumn(name, format=number_format.printf)
    if entry is not None and entry.kind in cat.SENTENCES:
        return st.column_config.TextColumn(name, width="large")
    if key == "row":
        return st.column_config.TextColumn(name, width="small", alignment="right")
    if key == "name":
        # Not pinned: Streamlit greys a pinned column's text, and company names then look disabled. The name
        # is the first column and the tables fit the page's width (sentences wrap), so it stays in view.
        return st.column_config.TextColumn(name)
    return st.column_config.TextColumn(name, width=_NAME_WIDTHS.get(key))


def table(
    frame: pd.DataFrame,
    columns: Sequence[str],
    lang: str,
    *,
    key: str | None = None,
    height: int | str = "auto",
    selectable: bool = False,
    prepared: pd.DataFrame | None = None,
    lines: int = 1,
) -> object:
    """Draw report columns of ``frame`` with translated headers, units and number formats.

    With ``selectable``, a single row can be picked and the selection state is returned. ``prepared`` is
    ``render.display_frame(frame, columns, lang)`` made already (the facade caches the long ones).
    ``lines`` > 1 gives every row room for that many lines: Streamlit then wraps a long text (a reason)
    instead of cutting it.
    """
    row_height = _ROW_PX + _LINE_PX * (lines - 1) if lines > 1 else None
    if isinstance(height, int) and (row_height or _ROW_PX) * len(frame) + _ROW_PX < height:
        # A short table keeps its natural height instead of a block of empty rows.
        height = "auto"
    shown: object = render.display_frame(frame, columns, lang) if prepared is None else prepared
    config = {k: column_config(k, lang) for k in columns}
    for k in columns:
        if k in cat.ESTIMATED_SHARE and not pd.api.types.is_numeric_dtype(shown[k]):  # type: ignore[index]
            # Written with ≈ where estimated (chain.render.display_frame): text, aligned as a number.
            config[k] = st.column_config.TextColumn(cat.header(k, lang), alignment="right")
    if "status" in columns:
        # Colour the status text like the charts do, so a long table can be scanned for red.
        colours = {status_name(k, lang): c for k, c in charts.STATUS_COLORS.items()}
        shown = shown.style.map(  # type: ignore[attr-defined]
            lambda v: f"color: {colours[v]}; font-weight: 600" if v in colours else "", subset=["status"]
        )
    # On paper the scrolling grid (a canvas) would print the columns and rows in view only: a print-only
    # copy as a plain HTML table, every row and column, wraps to the page instead (ui/style.py).
    with st.container(key=f"printable_{key}" if key else None):
        if selectable:
            drawn = st.dataframe(
                shown,
                hide_index=True,
                column_order=list(columns),
                column_config=config,
                key=key,
                height=height,
                on_select="rerun",
                selection_mode="single-row",
                row_height=row_height,
            )
        else:
            drawn = st.dataframe(
                shown,
                hide_index=True,
                column_order=list(columns),
                column_config=config,
                key=key,
                height=height,
                row_height=row_height,
            )
        if key:
            with st.container(key=f"paper_{key}"):
                paper = paper_copy(prepared if prepared is not None else shown_frame(shown), columns, lang)
                st.markdown(markdown_table(paper))
    return drawn


def shown_frame(shown: object) -> pd.DataFrame:
    """The frame behind a table as drawn (a Styler's data, or the frame itself)."""
    return shown.data if hasattr(shown, "data") else shown  # type: ignore[return-value]


def markdown_table(frame: pd.DataFrame) -> str:
    """A frame of text as a Markdown table, every header and cell through plain() (workbook text stays
    text; a ``|`` in a cell is escaped, so it cannot split the cell). A Markdown table, not st.table: the
    browser draws it at once, even while hidden, so it is there when the page is printed.

    >>> print(markdown_table(pd.DataFrame({"环节": ["a|b"], "外购额": ["1.5"]})))
    | 环节 | 外购额 |
    |---|---|
    | a\\|b | 1\\.5 |
    """
    lines = [
        "| " + " | ".join(plain(h) for h in frame.columns) + " |",
        "|" + "---|" * len(frame.columns),
    ]
    lines += ["| " + " | ".join(plain(v) for v in row) + " |" for row in frame.itertuples(index=False)]
    return "\n".join(lines)


def paper_copy(prepared: pd.DataFrame, columns: Sequence[str], lang: str) -> pd.DataFrame:
    """A report table as text for print: the catalogue's headers (with units) and number formats, a dash
    for a missing number.

    >>> frame = pd.DataFrame({"segment": ["甲"], "leakage": [70467.8], "local_share": [float("nan")]})
    >>> paper_copy(frame, ["segment", "leakage", "local_share"], "zh").to_dict("records")
    [{'环节': '甲', '外购额(万元)': '70,467.8', '本地配套率': '—'}]
    """
    text: dict[str, list[str]] = {}
    for key in columns:
        entry = cat.CATALOGUE.get(key)
        number_format = entry.format if entry is not None else None
        values = prepared[key].tolist()
        if number_format is None:
            text[cat.header(key, lang)] = ["" if v is None else str(v) for v in values]
        else:
            text[cat.header(key, lang)] = [
                "—" if v is None or (isinstance(v, float) and v != v) else format(v, number_format.python)
                for v in values
            ]
    return pd.DataFrame(text)


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
        local=partners["local"].map(
            lambda v: cat.value_name(cat.LOCALITY, "local" if bool(v) else "outside", lang)
        ),
        region=partners["region"].where(~partners["local"].astype(bool), ""),
    )
    st.dataframe(
        shown,
        hide_index=True,
        column_order=["name", "local", "region", "value"],
        column_config={
            "name": st.column_config.TextColumn(cat.header("name", lang)),
            "local": st.column_config.TextColumn(
                capitalised("/".join(cat.value_name(cat.LOCALITY, k, lang) for k in cat.LOCALITY), lang),
                width="small",
            ),
            "region": st.column_config.TextColumn(cat.header("region", lang)),
            "value": column_config("value", lang),
        },
        key=key,
    )


def capitalised(header: str, lang: str) -> str:
    """An English header with a capital first letter, as the catalogue writes its own ("Company"): the
    input sheets' English column names are lower case ("type", "raised").

    >>> capitalised("type", "en"), capitalised("local/outside", "en"), capitalised("类型", "zh")
    ('Type', 'Local/outside', '类型')
    """
    return header[:1].upper() + header[1:] if lang == "en" else header


def metric_label(key: str, lang: str) -> str:
    """A report column's name without its unit, for a metric whose value already carries the unit.

    >>> metric_label("leakage", "zh"), metric_label("leakage", "en")
    ('外购额', 'Bought outside')
    """
    return cat.name(key, lang)


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
            shown[column.key] = shown[column.key].map(lambda v: render.joined(v, lang))
        header = capitalised(column.header(lang), lang)
        if column.money:
            config[column.key] = st.column_config.NumberColumn(header, format=cat.FORMATS["money"].printf)
        else:
            config[column.key] = st.column_config.Column(header)
    order = [c.key for c in sheet.columns if c.key in shown.columns and c.key not in hide]
    st.dataframe(shown, hide_index=True, column_order=order, column_config=config, key=key)
