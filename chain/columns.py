"""The column catalogue: every column a report shows, with its zh/en name, kind, unit and number format.

One source for every place that shows a result to a person: the Excel and CSV exports
(:mod:`chain.export`), the dashboard's tables (``ui/widgets.py``), the command line's tables and its
documentation (``docs/cli.md``), and the number formats of chart hovers. The words of the domain live here
too: statuses, gap kinds, stages, severities and units. How a value becomes words is :mod:`chain.render`.
Input column names live in :mod:`chain.schema`; the dashboard's chrome lives in ``ui/i18n.py``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from chain import schema

__all__ = [
    "CATALOGUE",
    "COMPLETENESS_JSON",
    "ESTIMATED_SHARE",
    "FORMATS",
    "GAP_KINDS",
    "JSON_FIELDS",
    "LOCALITY",
    "NAMED_VALUES",
    "PROBLEM_JSON",
    "SENTENCES",
    "SEVERITIES",
    "STAGES",
    "STATUSES",
    "TABLES",
    "UNITS",
    "Column",
    "Format",
    "Table",
    "column",
    "header",
    "name",
    "unit",
    "value_name",
]

#: What a column holds, which decides how it is shown:
#:
#: - ``money``: an amount in 万元; ``count``: a whole number of things; ``rank``: a position (a layer);
#: - ``share``: a fraction 0..1 shown as a percentage; ``percent``: percent points (5 = 5 %);
#: - ``distance``: kilometres; ``score``: a 0..1 ranking score;
#: - ``text``: written as it is; ``list``: a tuple of texts, joined; ``bool``: yes or no;
#: - ``status``, ``gap``, ``stage``, ``severity``: a vocabulary key, named in the reader's language;
#: - ``gaps``: a tuple of gap kinds; ``reason``: a sentence, ``reasons``: a tuple of them, per language;
#: - ``row``: an Excel row number, blank for a problem of the whole file or sheet.
Kind = Literal[
    "money",
    "count",
    "rank",
    "share",
    "percent",
    "distance",
    "score",
    "text",
    "list",
    "bool",
    "status",
    "gap",
    "gaps",
    "stage",
    "severity",
    "reason",
    "reasons",
    "row",
]

#: unit key -> (zh, en), as written after a number or in a header.
UNITS: dict[str, tuple[str, str]] = {
    "wan_yuan": ("万元", "10k yuan"),
    "yi_yuan": ("亿元", "100m yuan"),
    # English readers count big money in thousands, millions and billions (1 亿元 = 100 m yuan).
    "k_yuan": ("千元", "k yuan"),
    "m_yuan": ("百万元", "m yuan"),
    "bn_yuan": ("十亿元", "bn yuan"),
    "yuan": ("元", "yuan"),
    "km": ("公里", "km"),
    "percent": ("%", "%"),
    "people": ("人", "people"),
    "firms": ("家", "firms"),
}


@dataclass(frozen=True)
class Format:
    """How numbers of one kind are shown, in each tool's own notation, all meaning the same.

    ``excel`` is an Excel number format, ``printf`` the format of a Streamlit ``NumberColumn``, ``d3`` a
    d3-format specifier as plotly's ``hovertemplate``/``tickformat``/``valueformat`` take it, and
    ``python`` the :func:`format` spec that :mod:`chain.render` uses, so that a CSV, a terminal and a hover
    show the digits the workbook shows. ``decimals`` is how many digits of the stored value are shown.
    """

    excel: str
    printf: str
    d3: str
    python: str
    decimals: int


#: Number kind -> its one format. Other kinds are not numbers and keep Excel's General format.
FORMATS: dict[str, Format] = {
    "money": Format("#,##0.0", "%,.1f", ",.1f", ",.1f", 1),
    "count": Format("#,##0", "%,d", ",d", ",.0f", 0),
    "rank": Format("0", "%d", "d", ".0f", 0),
    "share": Format("0.0%", "percent", ".1%", ".1%", 3),
    # Percent points (growth 5 = 5 %): not a 0 % format, which would show 500 %.
    "percent": Format("0.0", "%.1f", ".1f", ".1f", 1),
    "distance": Format("#,##0", "%,.0f", ",.0f", ",.0f", 0),
    "score": Format("0.000", "%.3f", ".3f", ".3f", 3),
}


@dataclass(frozen=True)
class Column:
    """One report column: its key in frames and JSON, its names without unit, what it holds, its unit.

    ``zh`` / ``en`` name the column without its unit; :func:`header` adds the unit, as a table header
    shows it. ``meaning`` says in one English line what the value is, for the command line's documentation.
    """

    key: str
    zh: str
    en: str
    kind: Kind
    unit: str | None = None
    meaning: str = ""

    @property
    def format(self) -> Format | None:
        """The number format of the column's kind; None for a column of words."""
        return FORMATS.get(self.kind)


def _catalogue(*columns: Column) -> dict[str, Column]:
    return {c.key: c for c in columns}


_WAN = "wan_yuan"

#: Report column key -> :class:`Column`.
CATALOGUE: dict[str, Column] = _catalogue(
    # Segments (ChainReport.segments).
    Column("segment", "环节", "Segment", "text", meaning="template segment"),
    Column("category", "材料类别", "Category", "text", meaning="material category of the segment"),
    Column(
        "stage", "链位", "Stage", "stage", meaning="upstream, midstream or downstream ('' when not given)"
    ),
    Column("layer", "层级", "Layer", "rank", meaning="position in the chain map, 0 = most upstream"),
    Column("status", "状态", "Status", "status", meaning="strong, weak or missing"),
    Column(
        "reason",
        "判定依据",
        "Reason",
        "reason",
        meaning="the evidence for the row: a segment's status, a suggested pairing",
    ),
    Column("firms", "本地企业数", "Local firms", "count", meaning="local enterprises in the segment"),
    Column("above_scale_firms", "规上企业数", "Above-scale firms", "count", meaning="of them above scale"),
    Column("output", "产值", "Output", "money", _WAN, "output of the segment's local firms"),
    Column("employees", "用工人数", "Employees", "count", meaning="employees of the segment's local firms"),
    Column("growth_pct", "同比增长", "Growth", "percent", "percent", "output-weighted year-on-year growth"),
    Column("demand", "本地需求", "Local demand", "money", _WAN, "bought by local firms in the segment"),
    Column(
        "local_supply", "本地供给", "Local supply", "money", _WAN, "the part of demand supplied in the county"
    ),
    Column("leakage", "外购额", "Bought outside", "money", _WAN, "demand minus local supply"),
    Column(
        "local_share",
        "本地配套率",
        "Local share",
        "share",
        meaning="local supply / demand; null without demand",
    ),
    Column("exports", "外销额", "Exports", "money", _WAN, "sold by local firms to buyers outside the county"),
    Column(
        "local_final_demand",
        "本地最终需求",
        "Local final demand",
        "money",
        _WAN,
        "sold by local firms to other local units (not listed firms, not exports)",
    ),
    Column(
        "local_buyers",
        "外购本地企业数",
        "Local buyers buying outside",
        "count",
        meaning="local firms buying it outside",
    ),
    Column(
        "leakage_distance_km",
        "外购加权距离",
        "Distance bought from",
        "distance",
        "km",
        "value-weighted distance of outside purchases (estimates included); null when none",
    ),
    Column(
        "leakage_distance_estimated_share",
        "外购距离估算占比",
        "Distance bought from: estimated share",
        "share",
        meaning="share of that distance's weight estimated from the regions (no 运输距离 typed); null when none",
    ),
    Column(
        "downstream_gap",
        "外流待加工额",
        "Output processed elsewhere",
        "money",
        _WAN,
        "exports of the segment's inputs that are processed outside the county",
    ),
    Column("gaps", "缺口类型", "Gaps", "gaps", meaning="gap kinds: upstream, downstream"),
    Column(
        "concentration",
        "最大企业占比",
        "Largest firm's share",
        "share",
        meaning="largest firm's share of output",
    ),
    Column(
        "concentrated", "集中度高", "Concentrated", "bool", meaning="largest firm's share above the threshold"
    ),
    Column(
        "projects", "招商项目", "Recruiting projects", "list", meaning="recruiting projects in the segment"
    ),
    Column("score", "优先级得分", "Priority score", "score", meaning="ranking score 0–1, higher first"),
    # Completeness (ChainReport.completeness, what-if change rows).
    Column(
        "completeness_segments",
        "环节完整度",
        "Segments covered",
        "share",
        meaning="share of template segments with a local firm",
    ),
    Column(
        "completeness_value",
        "全链本地配套率",
        "Chain demand met locally",
        "share",
        meaning="Σ local supply / Σ demand; null without demand",
    ),
    # Targets.
    Column("gap", "缺口类型", "Gap kind", "gap", meaning="upstream or downstream"),
    Column("name", "企业名称", "Company", "text", meaning="the outside company to recruit"),
    Column("region", "所在地", "Region", "text", meaning="where the company is, as written"),
    Column(
        "province",
        "省份",
        "Province",
        "text",
        meaning="the region's province (gazetteer); empty when unknown",
    ),
    Column("city", "城市", "City", "text", meaning="the region's prefecture-level city; empty when unknown"),
    Column("value", "年交易额", "Annual value", "money", _WAN, "annual value traded with the county's firms"),
    Column(
        "local_partners", "本地合作企业数", "Local partners", "count", meaning="local firms it trades with"
    ),
    Column("partners", "本地合作企业", "Local partner names", "list", meaning="names of those local firms"),
    Column(
        "distance_km",
        "运输距离",
        "Distance",
        "distance",
        "km",
        "value-weighted distance (estimates included); null when unknown",
    ),
    Column(
        "distance_estimated",
        "距离含估算",
        "Distance estimated",
        "bool",
        meaning="part of the distance is estimated from the regions (shown as ≈)",
    ),
    Column(
        "distance_estimated_share",
        "距离估算占比",
        "Distance: estimated share",
        "share",
        meaning="share of the distance's weight that is estimated; null when no distance",
    ),
    Column("products", "产品", "Products", "list", meaning="products traded"),
    Column(
        "covered",
        "已有招商项目",
        "Project under way",
        "bool",
        meaning="a recruiting project covers the segment",
    ),
    Column(
        "reasons", "推荐理由", "Reasons", "reasons", meaning="the reasons for the score, one sentence each"
    ),
    # Pairs.
    Column("supplier", "本地供应方", "Local supplier", "text", meaning="local firm that makes the product"),
    Column("buyer", "本地采购方", "Local buyer", "text", meaning="local firm that buys it outside today"),
    Column("buyer_segment", "采购方环节", "Buyer's segment", "text", meaning="the buyer's own segment"),
    Column(
        "value_from_outside",
        "现从外地采购",
        "Bought from outside",
        "money",
        _WAN,
        "what the buyer buys of the segment from outside the county",
    ),
    Column(
        "outside_suppliers",
        "可替代的外地供应方",
        "Outside suppliers it could replace",
        "list",
        meaning="the buyer's outside suppliers of the segment",
    ),
    Column("supplier_output", "供应方产值", "Supplier output", "money", _WAN, "the local supplier's output"),
    # Validation report.
    Column("severity", "级别", "Severity", "severity", meaning="error or warning"),
    Column("sheet", "工作表", "Sheet", "text", meaning="sheet name as written in the workbook"),
    Column(
        "row", "Excel行号", "Excel row", "row", meaning="row number as Excel shows it; null for a whole sheet"
    ),
    Column("column", "列", "Column", "text", meaning="column name as written; null for a whole row or sheet"),
    Column(
        "cell_value",
        "单元格内容",
        "Cell value",
        "text",
        meaning="the cell as written; null when no one cell is meant",
    ),
    Column("code", "问题代码", "Code", "text", meaning="problem code (docs/workbook.md lists them)"),
    Column("message", "说明", "Message", "reason", meaning="what is wrong and how to fix it"),
)

#: status key -> (zh, en)
STATUSES: dict[str, tuple[str, str]] = {
    "strong": ("强链", "strong"),
    "weak": ("弱链", "weak"),
    "missing": ("缺链", "missing"),
}

#: gap kind -> (zh, en)
GAP_KINDS: dict[str, tuple[str, str]] = {
    "upstream": ("补链(上游缺口)", "upstream gap"),
    "downstream": ("延链(下游缺口)", "downstream gap"),
}

#: problem severity -> (zh, en): one word for a warning, 提醒, in the app, the exports and the command line.
SEVERITIES: dict[str, tuple[str, str]] = {
    "error": ("错误", "error"),
    "warning": ("提醒", "warning"),
}

#: stage key -> (zh, en): the choices of the template's 链位 column, and the blank stage.
STAGES: dict[str, tuple[str, str]] = {
    **{c.key: (c.zh, c.en) for c in schema.TEMPLATE.column_by_key["stage"].choices},
    "": ("未填", "not given"),
}

#: Where a trading partner is, seen from the county -> (zh, en): a local firm or one outside the county.
LOCALITY: dict[str, tuple[str, str]] = {
    "local": ("本地", "local"),
    "outside": ("外地", "outside"),
}

#: Kind -> the vocabulary that names its values.
NAMED_VALUES: dict[str, dict[str, tuple[str, str]]] = {
    "status": STATUSES,
    "gap": GAP_KINDS,
    "gaps": GAP_KINDS,
    "stage": STAGES,
    "severity": SEVERITIES,
}


@dataclass(frozen=True)
class Table:
    """A standard report table: its sheet names, every column it exports (in order), the columns the
    command line prints and the columns its dashboard page shows (all of them when not given)."""

    key: str
    zh: str
    en: str
    columns: tuple[str, ...]
    terminal: tuple[str, ...]
    screen: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not self.screen:
            object.__setattr__(self, "screen", self.columns)

    def title(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


def _without(columns: tuple[str, ...], *drop: str, then: tuple[str, ...] = ()) -> tuple[str, ...]:
    """``columns`` in their order without ``drop``, followed by ``then``: a view of a table's one list."""
    return (*(key for key in columns if key not in drop), *then)


_SEGMENTS = (
    "segment",
    "category",
    "stage",
    "status",
    "reason",
    "firms",
    "above_scale_firms",
    "output",
    "employees",
    "growth_pct",
    "demand",
    "local_supply",
    "leakage",
    "local_share",
    "exports",
    "local_final_demand",
    "local_buyers",
    "leakage_distance_km",
    "leakage_distance_estimated_share",
    "downstream_gap",
    "gaps",
    "concentration",
    "concentrated",
    "projects",
    "score",
)
_TARGETS = (
    "segment",
    "gap",
    "name",
    "region",
    "province",
    "city",
    "value",
    "local_partners",
    "partners",
    "distance_km",
    "distance_estimated",
    "distance_estimated_share",
    "products",
    "covered",
    "score",
    "reasons",
)
_PAIRS = (
    "supplier",
    "buyer",
    "segment",
    "buyer_segment",
    "value_from_outside",
    "outside_suppliers",
    "supplier_output",
    "score",
    "reason",
)

#: The standard tables, one list of columns each: exports, pages and the command line take theirs from here.
TABLES: dict[str, Table] = {
    "segments": Table(
        "segments",
        "环节分析",
        "Segments",
        _SEGMENTS,
        # A terminal is narrow: what a segment is, its flows, and why last.
        _without(
            _SEGMENTS,
            "stage",
            "reason",
            "above_scale_firms",
            "output",
            "employees",
            "growth_pct",
            "local_supply",
            "local_buyers",
            "leakage_distance_km",
            "leakage_distance_estimated_share",
            "gaps",
            "concentration",
            "concentrated",
            "projects",
            "score",
            then=("reason",),
        ),
        # The gaps page: people, growth and the finer flow figures stay in the export.
        _without(
            _SEGMENTS,
            "above_scale_firms",
            "employees",
            "growth_pct",
            "local_buyers",
            "leakage_distance_km",
            "leakage_distance_estimated_share",
            "concentrated",
        ),
    ),
    "targets": Table(
        "targets",
        "招商目标",
        "Targets",
        _TARGETS,
        _without(
            _TARGETS,
            "province",
            "city",
            "partners",
            "distance_estimated",
            "distance_estimated_share",
            "products",
            "covered",
        ),
    ),
    "pairs": Table(
        "pairs",
        "本地配套",
        "Local pairing",
        _PAIRS,
        _without(_PAIRS, "outside_suppliers", "supplier_output", "reason"),
    ),
    "problems": Table(
        "problems",
        "校验报告",
        "Validation report",
        # Where, then what (the message, right after where), the cell as written, the code last.
        ("severity", "sheet", "row", "column", "message", "cell_value", "code"),
        ("sheet", "row", "column", "message"),
    ),
}

#: Command -> the keys of each JSON record it prints, in order (a contract: scripts rely on them): the
#: table's numbers and names first, its lists and sentences last.
JSON_FIELDS: dict[str, tuple[str, ...]] = {
    "gaps": _without(
        _SEGMENTS,
        "reason",
        "above_scale_firms",
        "growth_pct",
        "gaps",
        "projects",
        then=("reason", "gaps", "projects"),
    ),
    "targets": _without(
        _TARGETS,
        "partners",
        "products",
        "covered",
        "reasons",
        then=("partners", "products", "covered", "reasons"),
    ),
    "pairs": _without(
        _PAIRS,
        "outside_suppliers",
        "supplier_output",
        "reason",
        then=("supplier_output", "outside_suppliers", "reason"),
    ),
}

#: JSON key of a ``check --json`` problem -> its catalogue column (:meth:`chain.problems.Problem.to_dict`).
PROBLEM_JSON: dict[str, str] = {
    "sheet": "sheet",
    "row": "row",
    "column": "column",
    "value": "cell_value",
    "code": "code",
    "message": "message",
}

#: JSON key of ``gaps --json``'s ``completeness`` -> its catalogue column.
COMPLETENESS_JSON: dict[str, str] = {"segments": "completeness_segments", "value": "completeness_value"}

#: A number column -> the column saying which share of it is estimated (chain/geo.py): the renderer writes
#: such a number with ≈ when that share is above 0.
ESTIMATED_SHARE: dict[str, str] = {
    "distance_km": "distance_estimated_share",
    "leakage_distance_km": "leakage_distance_estimated_share",
}

#: The column kinds whose values are sentences composed in the reader's language.
SENTENCES = frozenset({"reason", "reasons"})


def column(key: str) -> Column:
    """The catalogue entry of ``key``; a clear error for a key the catalogue does not know."""
    try:
        return CATALOGUE[key]
    except KeyError:
        raise KeyError(f"{key!r} is not a report column of chain.columns.CATALOGUE") from None


def unit(key: str, lang: str) -> str:
    """A unit's word in ``lang``: ``万元`` / ``10k yuan``."""
    zh, en = UNITS[key]
    return zh if lang == "zh" else en


def name(key: str, lang: str = "zh") -> str:
    """A column's name without its unit, for a metric whose value carries the unit; the key itself when
    the catalogue does not know it.

    >>> name("leakage"), name("leakage", "en"), name("local_share", "en")
    ('外购额', 'Bought outside', 'Local share')
    """
    entry = CATALOGUE.get(key)
    if entry is None:
        return key
    return entry.zh if lang == "zh" else entry.en


def header(key: str, lang: str = "zh") -> str:
    """A column's header: its name and unit, ``产值(万元)`` / ``Output (10k yuan)``; the key itself when the
    catalogue does not know it.

    >>> header("output"), header("output", "en"), header("distance_km"), header("name", "en")
    ('产值(万元)', 'Output (10k yuan)', '运输距离(公里)', 'Company')
    """
    entry = CATALOGUE.get(key)
    if entry is None:
        return key
    if entry.unit is None:
        return name(key, lang)
    return (
        f"{entry.zh}({unit(entry.unit, 'zh')})" if lang == "zh" else f"{entry.en} ({unit(entry.unit, 'en')})"
    )


def value_name(vocabulary: dict[str, tuple[str, str]], key: str, lang: str = "zh") -> str:
    """The zh or en word of a vocabulary key (a status, a gap kind, ...); the key itself when it has none.

    >>> value_name(STATUSES, "weak"), value_name(GAP_KINDS, "upstream", "en"), value_name(STAGES, "", "en")
    ('弱链', 'upstream gap', 'not given')
    """
    pair = vocabulary.get(key)
    if pair is None:
        return key
    return pair[0] if lang == "zh" else pair[1]
