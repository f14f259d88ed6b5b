"""The workbook contract as data: sheets, columns, zh/en names, types and rules.

One source of truth: the loader, the blank template, the README and the UI labels all read it.
Sheet and column names match after Unicode NFKC folding (full-width -> half-width), trimming,
dropping inner white space and case folding; each has a Chinese canonical name and an English alias.
Money columns also match their base name with a unit in brackets (``产值(亿元)``) and are scaled to 万元.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Literal

__all__ = [
    "DEMANDS",
    "ENTERPRISES",
    "FALSE_WORDS",
    "LINKS",
    "LIST_SEPARATORS",
    "MONEY_UNITS",
    "PLACEHOLDERS",
    "PLACEHOLDER_FORMS",
    "PROJECTS",
    "SETTINGS",
    "SETTING_KEYS",
    "SHEETS",
    "TEMPLATE",
    "TOTAL_FORMS",
    "TOTAL_WORDS",
    "TRUE_WORDS",
    "UNITS",
    "UNIT_WORDS",
    "Choice",
    "Column",
    "HeaderMatch",
    "Setting",
    "Sheet",
    "fold",
    "match_column",
    "match_sheet",
    "sheets_named_in",
    "split_list",
    "split_unit",
    "unit_factor",
    "unit_word",
]

Kind = Literal["text", "number", "integer", "bool", "date", "choice", "list", "credit_code"]

#: Separators of list cells (主要产品, 上游环节): 、 , ; and their full-width forms.
LIST_SEPARATORS = "、,;，；"
_SPLIT = re.compile(f"[{re.escape(LIST_SEPARATORS)}]")

#: Words accepted in a yes/no column, after folding (规上/规下 and ticks are how statistics offices mark it).
TRUE_WORDS = frozenset({"是", "y", "yes", "true", "1", "√", "✓", "✔", "t", "规上", "有"})
FALSE_WORDS = frozenset({"否", "n", "no", "false", "0", "×", "✗", "✘", "f", "", "规下"})

#: Cells that mean "nothing here" in county workbooks, after folding: read as blank (a required column
#: then reports the blank at its cell). Words such as "NA" or "None" are not among them: they can be names.
PLACEHOLDERS = frozenset(
    {"-", "--", "—", "——", "–", "－", "/", "\\", "无", "空", "n/a", "#n/a", "暂无", "…", "..."}
)

#: Words of 合计 rows (after folding, without colons): such a row sums others and is left out.
TOTAL_WORDS = frozenset({"合计", "总计", "小计", "总合计", "累计", "total", "subtotal", "grandtotal", "sum"})


def _spellings(word: str) -> frozenset[str]:
    """The ways a short word is typed and still folds to itself: lower, upper or title case, half- or
    full-width, Chinese characters spaced (合 计, 合　计) or not; for a lookup that costs one set probe per
    cell instead of a Unicode fold.

    >>> sorted(_spellings("n/a")), "合　计" in _spellings("合计")
    (['N/A', 'N/a', 'n/a', 'Ｎ／Ａ', 'Ｎ／ａ', 'ｎ／ａ'], True)
    """
    cased = {word, word.upper(), word.lower(), word[:1].upper() + word[1:].lower()}
    wide = {"".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in form) for form in cased}
    spelled = cased | wide
    if len(word) == 2 and all("\u4e00" <= char <= "\u9fff" for char in word):
        spelled |= {word[0] + gap + word[1] for gap in (" ", "\u3000", "  ")}
    return frozenset(spelled)


#: The spellings of :data:`PLACEHOLDERS` (as typed in a cell, once trimmed) and of :data:`TOTAL_WORDS` (with or
#: without a trailing colon, as typed or with a space on both sides).
PLACEHOLDER_FORMS = frozenset().union(*(_spellings(word) for word in PLACEHOLDERS))
TOTAL_FORMS = frozenset(
    pad + form + colon + pad
    for word in TOTAL_WORDS
    for form in _spellings(word)
    for colon in ("", ":", "：")
    for pad in ("", " ")
)

UnitKind = Literal["money", "people", "distance", "percent"]

#: Units a header (in brackets), a units row or a cell may carry, per kind of quantity: the factor that turns
#: a number in that unit into the unit the column is kept in (万元, persons, km, percent points).
UNITS: dict[str, dict[str, float]] = {
    "money": {
        "万元": 1.0,
        "万": 1.0,
        "元": 0.0001,
        "千元": 0.1,
        "百万元": 100.0,
        "亿元": 10000.0,
        "亿": 10000.0,
        "10kyuan": 1.0,
        "yuan": 0.0001,
        "100myuan": 10000.0,
    },
    "people": {"人": 1.0, "名": 1.0, "个": 1.0, "persons": 1.0, "people": 1.0},
    "distance": {"km": 1.0, "公里": 1.0, "千米": 1.0, "米": 0.001, "m": 0.001},
    "percent": {"%": 1.0, "百分比": 1.0, "百分点": 1.0},
}
#: Money units, kept under their old name for the docs generator.
MONEY_UNITS: dict[str, float] = UNITS["money"]
#: Every unit word of every kind, for recognising a units row under the header.
UNIT_WORDS = frozenset(unit for table in UNITS.values() for unit in table)


def fold(text: object) -> str:
    """The form in which names are compared: NFKC, trimmed, white space and underscores dropped, case folded.

    >>> fold(" 产值（万元） ")
    '产值(万元)'
    >>> fold("Credit Code"), fold("credit_code")
    ('creditcode', 'creditcode')
    """
    folded = unicodedata.normalize("NFKC", str(text))
    return re.sub(r"[\s_]+", "", folded).casefold()


def split_list(cell: str) -> list[str]:
    """Items of a list cell, split on 、 , ; (half- or full-width), trimmed, blanks dropped.

    >>> split_list("石油焦、 煅后焦;针状焦")
    ['石油焦', '煅后焦', '针状焦']
    """
    return [item.strip() for item in _SPLIT.split(cell) if item.strip()]


#: A unit after a name: in brackets of any width (folded to ``()``), square brackets, 【】 or after a slash;
#: "单位:" inside the brackets is dropped.
_UNIT = re.compile(
    r"^(?P<base>.+?)(?:\((?P<a>[^()]*)\)|\[(?P<b>[^\[\]]*)\]|【(?P<c>[^【】]*)】|/(?P<d>[^/]+))$"
)
_UNIT_LABEL = re.compile(r"^(?:单位|unit)[:：]?")


def split_unit(folded: str) -> tuple[str, str | None]:
    """A folded header as (name, unit in its brackets or after a slash, or None).

    >>> split_unit("产值(亿元)"), split_unit("用工人数【人】"), split_unit("产值(单位:万元)"), split_unit("产值")
    (('产值', '亿元'), ('用工人数', '人'), ('产值', '万元'), ('产值', None))
    """
    match = _UNIT.match(folded)
    if match is None:
        return folded, None
    unit = next(group for group in match.group("a", "b", "c", "d") if group is not None)
    return match["base"], _UNIT_LABEL.sub("", unit)


_BRACKETED = re.compile(r"^(?:\((.*)\)|\[(.*)\]|【(.*)】)$")


def unit_word(text: str) -> str | None:
    """The unit a cell of a units row names (万元, （亿元）, 单位：人), or None when it names none.

    >>> unit_word("（亿元）"), unit_word("单位：人"), unit_word("煅后焦")
    ('亿元', '人', None)
    """
    folded = fold(text)
    bracketed = _BRACKETED.match(folded)
    if bracketed is not None:
        folded = next(group for group in bracketed.groups() if group is not None)
    folded = _UNIT_LABEL.sub("", folded)
    return folded if folded in UNIT_WORDS else None


def _base(folded: str) -> str:
    return split_unit(folded)[0]


@dataclass(frozen=True)
class Choice:
    """One allowed value of an enumerated column: stored as ``key``, written as ``zh`` or ``en``."""

    key: str
    zh: str
    en: str


@dataclass(frozen=True)
class Column:
    """One column of a sheet. ``key`` is the English canonical name used in data frames and JSON."""

    key: str
    zh: str
    kind: Kind = "text"
    required: bool = False
    money: bool = False
    #: The kind of quantity a number column holds, so that a unit in its header or cells can be read.
    unit: UnitKind | None = None
    minimum: float | None = None
    choices: tuple[Choice, ...] = ()
    aliases: tuple[str, ...] = ()
    help_zh: str = ""
    help_en: str = ""

    #: Folded names the column goes by exactly, and the same without units (see :meth:`names`).
    exact_names: frozenset[str] = field(init=False, repr=False, compare=False)
    names: frozenset[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.money and self.unit is None:
            object.__setattr__(self, "unit", "money")
        exact = frozenset(fold(name) for name in (self.zh, self.key, *self.aliases))
        object.__setattr__(self, "exact_names", exact)
        # Every folded name the column goes by, units dropped: canonical zh and en, and each synonym.
        object.__setattr__(self, "names", frozenset(_base(name) for name in exact))

    @property
    def en(self) -> str:
        return self.key

    @property
    def base_zh(self) -> str:
        """The Chinese name without its unit: ``产值(万元)`` -> ``产值``."""
        return re.sub(r"\(.*\)$", "", self.zh)

    def header(self, lang: str = "zh") -> str:
        return self.zh if lang == "zh" else self.key

    def choice_for(self, cell: str) -> Choice | None:
        """The choice a cell names by key, zh or en (folded), or None."""
        wanted = fold(cell)
        for choice in self.choices:
            if wanted in (fold(choice.key), fold(choice.zh), fold(choice.en)):
                return choice
        return None


@dataclass(frozen=True)
class Sheet:
    """One sheet of the workbook. ``key`` is its English canonical name."""

    key: str
    zh: str
    required: bool
    columns: tuple[Column, ...]
    help_zh: str = ""
    help_en: str = ""
    column_by_key: dict[str, Column] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "column_by_key", {c.key: c for c in self.columns})

    @property
    def en(self) -> str:
        return self.key

    def name(self, lang: str = "zh") -> str:
        return self.zh if lang == "zh" else self.key


@dataclass(frozen=True)
class Setting:
    """One key of the 设置 / settings sheet."""

    key: str
    zh: str
    kind: Kind = "text"
    money: bool = False


_AMOUNT: dict = {"kind": "number", "money": True, "minimum": 0.0}

STAGES = (
    Choice("upstream", "上游", "upstream"),
    Choice("midstream", "中游", "midstream"),
    Choice("downstream", "下游", "downstream"),
)
PROJECT_STATUSES = (
    Choice("lead", "线索", "lead"),
    Choice("negotiating", "洽谈", "negotiating"),
    Choice("signed", "签约", "signed"),
    Choice("building", "在建", "under construction"),
    Choice("operating", "投产", "in production"),
)
DEMAND_TYPES = (
    Choice("finance", "融资", "finance"),
    Choice("land", "土地", "land"),
    Choice("power", "电力", "power"),
    Choice("labour", "用工", "labour"),
    Choice("permits", "办证", "permits"),
    Choice("sales", "销售", "sales"),
    Choice("other", "其他", "other"),
)
DEMAND_STATUSES = (
    Choice("open", "待办", "open"),
    Choice("in_progress", "办理中", "in progress"),
    Choice("closed", "已办结", "closed"),
)

ENTERPRISES = Sheet(
    "enterprises",
    "企业",
    required=True,
    help_zh="每行一家本地企业。",
    help_en="One row per local enterprise.",
    columns=(
        Column(
            "name",
            "企业名称",
            required=True,
            aliases=("单位名称", "企业名", "企业", "名称"),
            help_zh="不可重复",
            help_en="unique",
        ),
        Column(
            "credit_code",
            "统一社会信用代码",
            kind="credit_code",
            help_zh="18位，按GB 32100-2015校验",
            help_en="18 characters, GB 32100-2015 checksum",
        ),
        Column(
            "segment",
            "产业链环节",
            required=True,
            aliases=("所属环节", "环节", "产业链"),
            help_zh="须为图谱中的环节",
            help_en="a template segment",
        ),
        Column("category", "材料类别", help_zh="默认取环节的类别", help_en="defaults to the segment's"),
        Column("town", "所在镇", aliases=("所在乡镇", "镇", "乡镇", "所属镇")),
        Column(
            "above_scale",
            "规上企业",
            kind="bool",
            aliases=("是否规上", "是否规上企业", "规模以上", "规上"),
            help_zh="是/否",
            help_en="Y/N",
        ),
        Column("output", "产值(万元)", required=True, aliases=("工业总产值", "总产值", "年产值"), **_AMOUNT),
        Column(
            "employees",
            "用工人数",
            kind="integer",
            required=True,
            unit="people",
            minimum=0.0,
            aliases=("从业人员", "从业人数", "从业人员数", "职工人数", "员工人数", "职工", "用工"),
        ),
        Column(
            "growth_pct",
            "同比增长(%)",
            kind="number",
            unit="percent",
            aliases=("同比增长率", "同比增速", "增速", "增长率", "产值增速", "同比"),
        ),
        Column(
            "products",
            "主要产品",
            kind="list",
            aliases=("产品", "主营产品"),
            help_zh="用、分隔",
            help_en="split on 、 , ;",
        ),
        Column("deputy", "包联代表", aliases=("包联人大代表", "联系代表")),
    ),
)

LINKS = Sheet(
    "links",
    "供需关系",
    required=True,
    help_zh="每行一条供应方→采购方的供需关系。",
    help_en="One row per supplier -> buyer relation.",
    columns=(
        Column("supplier", "供应方", required=True, aliases=("供应商", "供方", "供货方", "供货单位")),
        Column(
            "buyer",
            "采购方",
            required=True,
            aliases=("需方", "购买方", "客户", "采购单位"),
            help_zh="不能与供应方相同",
            help_en="not the supplier",
        ),
        Column("product", "产品", required=True, aliases=("产品名称", "交易产品", "品名")),
        Column(
            "segment",
            "产品环节",
            help_zh="产品所属环节；本地供应方可省略",
            help_en="the product's segment; defaults to a local supplier's",
        ),
        Column(
            "supplier_region",
            "供应方所在地",
            aliases=("供应方地区", "供方所在地", "供应商所在地"),
            help_zh="外地供应方必填",
            help_en="required if external",
        ),
        Column(
            "buyer_region",
            "采购方所在地",
            aliases=("采购方地区", "需方所在地", "客户所在地"),
            help_zh="外地采购方必填",
            help_en="required if external",
        ),
        Column(
            "buyer_segment", "采购方环节", help_zh="外地采购方所在环节", help_en="an external buyer's segment"
        ),
        Column(
            "value",
            "年交易额(万元)",
            required=True,
            aliases=("交易额", "年采购额", "采购额", "年交易金额"),
            **_AMOUNT,
        ),
        Column("volume", "年交易量", kind="number", minimum=0.0, aliases=("交易量", "采购量")),
        Column("unit", "单位"),
        Column(
            "distance_km",
            "运输距离(km)",
            kind="number",
            unit="distance",
            minimum=0.0,
            aliases=("运输距离", "运距", "距离"),
        ),
    ),
)

TEMPLATE = Sheet(
    "template",
    "产业链图谱",
    required=True,
    help_zh="每行一个产业链环节；上游环节用、分隔。",
    help_en="One row per chain segment; inputs split on 、 , ;.",
    columns=(
        Column("segment", "环节", required=True),
        Column("category", "材料类别", required=True),
        Column("stage", "链位", kind="choice", choices=STAGES),
        Column("inputs", "上游环节", kind="list"),
        Column("note", "说明"),
    ),
)

SETTINGS = Sheet(
    "settings",
    "设置",
    required=False,
    help_zh="县名、报告期、县域工业总产值。",
    help_en="County, period, county industrial output.",
    columns=(Column("key", "项目", required=True), Column("value", "值")),
)

SETTING_KEYS = (
    Setting("county", "县名"),
    Setting("period", "报告期"),
    Setting("county_industrial_output", "县域工业总产值(万元)", kind="number", money=True),
    # Which county, when its name is shared (鼓楼区): the 6-digit code of chain/geo.py's gazetteer.
    Setting("county_code", "行政区划代码"),
)

PROJECTS = Sheet(
    "projects",
    "招商项目",
    required=False,
    help_zh="在谈或已落地的招商项目。",
    help_en="Recruiting projects under way or landed.",
    columns=(
        Column("name", "项目名称", required=True),
        Column("segment", "产业链环节", required=True),
        Column("investor", "投资方"),
        Column("investment", "投资额(万元)", **_AMOUNT),
        Column("capacity", "产能"),
        Column("status", "状态", kind="choice", choices=PROJECT_STATUSES),
        Column("expected_output", "预计产值(万元)", **_AMOUNT),
    ),
)

DEMANDS = Sheet(
    "demands",
    "诉求",
    required=False,
    help_zh="企业诉求及办理情况。",
    help_en="Enterprises' requests and their handling.",
    columns=(
        Column("enterprise", "企业名称", required=True),
        Column("type", "类型", kind="choice", choices=DEMAND_TYPES),
        Column("detail", "内容"),
        Column("raised", "提出日期", kind="date"),
        Column("owner", "责任单位"),
        Column("due", "办结时限", kind="date"),
        Column("status", "状态", kind="choice", choices=DEMAND_STATUSES),
        Column("closed", "办结日期", kind="date"),
    ),
)

SHEETS: tuple[Sheet, ...] = (ENTERPRISES, LINKS, TEMPLATE, SETTINGS, PROJECTS, DEMANDS)


@dataclass(frozen=True)
class HeaderMatch:
    """The column a header stands for, and what its unit means."""

    column: Column
    #: Factor from the header's unit to the unit the column is kept in; None when the header names a unit
    #: this column cannot take (``产值(美元)``): the column is recognised, its numbers can't be read.
    factor: float | None
    #: The unit as written in the header ("" when none).
    unit: str = ""


def unit_factor(column: Column, unit: str) -> float | None:
    """The factor of a unit word for a column, or None when the column does not take that unit.

    >>> unit_factor(ENTERPRISES.column_by_key["output"], "亿元"), unit_factor(LINKS.column_by_key["value"], "人")
    (10000.0, None)
    """
    return UNITS[column.unit].get(fold(unit)) if column.unit else None


def match_sheet(name: str) -> Sheet | None:
    """The sheet a workbook sheet name stands for, by zh or en name, or None.

    >>> match_sheet(" 供需关系 ").key, match_sheet("Links").key
    ('links', 'links')
    """
    wanted = fold(name)
    for sheet in SHEETS:
        if wanted in (fold(sheet.zh), fold(sheet.key)):
            return sheet
    return None


def sheets_named_in(name: str) -> list[Sheet]:
    """The schema sheets whose zh or en name a workbook sheet name contains (企业名单, 1.产业链图谱).

    >>> [s.key for s in sheets_named_in("1.产业链图谱")], [s.key for s in sheets_named_in("企业诉求")]
    (['template'], ['enterprises', 'demands'])
    """
    wanted = fold(name)
    return [sheet for sheet in SHEETS if fold(sheet.zh) in wanted or fold(sheet.key) in wanted]


def match_column(sheet: Sheet, header: str) -> HeaderMatch | None:
    """The column a header stands for, by its zh or en name or a synonym, with the unit it is written in.

    A unit may follow the name in brackets (``产值（亿元）``, ``运输距离【千米】``) or, for a number column, be
    written right after it (``距离km``); a column without a unit kind takes a bracketed note (``企业名称(全称)``).

    >>> m = match_column(ENTERPRISES, "产值（亿元）")
    >>> m.column.key, m.factor
    ('output', 10000.0)
    >>> match_column(ENTERPRISES, "从业人员(人)").column.key, match_column(LINKS, "运距（公里）").factor
    ('employees', 1.0)
    >>> match_column(ENTERPRISES, "产值(美元)").factor is None
    True
    """
    wanted = fold(header)
    for column in sheet.columns:
        if wanted in column.exact_names:
            return HeaderMatch(column, 1.0)
    base, unit = split_unit(wanted)
    for column in sheet.columns:
        if base not in column.names:
            continue
        if unit is None or (column.unit is None and fold(unit) not in UNIT_WORDS):
            return HeaderMatch(column, 1.0)
        return HeaderMatch(column, unit_factor(column, unit), unit)
    for column in sheet.columns:
        if column.unit is None:
            continue
        for word, factor in UNITS[column.unit].items():
            if len(wanted) > len(word) and wanted.endswith(word) and wanted[: -len(word)] in column.names:
                return HeaderMatch(column, factor, word)
    return None
