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
    "PROJECTS",
    "SETTINGS",
    "SETTING_KEYS",
    "SHEETS",
    "TEMPLATE",
    "TRUE_WORDS",
    "Choice",
    "Column",
    "Setting",
    "Sheet",
    "fold",
    "match_column",
    "match_sheet",
    "split_list",
]

Kind = Literal["text", "number", "integer", "bool", "date", "choice", "list", "credit_code"]

#: Separators of list cells (主要产品, 上游环节): 、 , ; and their full-width forms.
LIST_SEPARATORS = "、,;，；"
_SPLIT = re.compile(f"[{re.escape(LIST_SEPARATORS)}]")

#: Words accepted in a yes/no column, after folding.
TRUE_WORDS = frozenset({"是", "y", "yes", "true", "1", "√", "t"})
FALSE_WORDS = frozenset({"否", "n", "no", "false", "0", "×", "f", ""})

#: Money units a header may carry in brackets, as a factor to 万元 (the unit every amount is kept in).
MONEY_UNITS: dict[str, float] = {
    "万元": 1.0,
    "元": 0.0001,
    "千元": 0.1,
    "百万元": 100.0,
    "亿元": 10000.0,
    "10kyuan": 1.0,
    "yuan": 0.0001,
    "100myuan": 10000.0,
}


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
    minimum: float | None = None
    choices: tuple[Choice, ...] = ()
    aliases: tuple[str, ...] = ()
    help_zh: str = ""
    help_en: str = ""

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
        Column("name", "企业名称", required=True, help_zh="不可重复", help_en="unique"),
        Column(
            "credit_code",
            "统一社会信用代码",
            kind="credit_code",
            help_zh="18位，按GB 32100-2015校验",
            help_en="18 characters, GB 32100-2015 checksum",
        ),
        Column(
            "segment", "产业链环节", required=True, help_zh="须为图谱中的环节", help_en="a template segment"
        ),
        Column("category", "材料类别", help_zh="默认取环节的类别", help_en="defaults to the segment's"),
        Column("town", "所在镇"),
        Column("above_scale", "规上企业", kind="bool", help_zh="是/否", help_en="Y/N"),
        Column("output", "产值(万元)", required=True, **_AMOUNT),
        Column("employees", "用工人数", kind="integer", required=True, minimum=0.0),
        Column("growth_pct", "同比增长(%)", kind="number"),
        Column("products", "主要产品", kind="list", help_zh="用、分隔", help_en="split on 、 , ;"),
        Column("deputy", "包联代表"),
    ),
)

LINKS = Sheet(
    "links",
    "供需关系",
    required=True,
    help_zh="每行一条供应方→采购方的供需关系。",
    help_en="One row per supplier -> buyer relation.",
    columns=(
        Column("supplier", "供应方", required=True),
        Column("buyer", "采购方", required=True, help_zh="不能与供应方相同", help_en="not the supplier"),
        Column("product", "产品", required=True),
        Column(
            "segment",
            "产品环节",
            help_zh="产品所属环节；本地供应方可省略",
            help_en="the product's segment; defaults to a local supplier's",
        ),
        Column("supplier_region", "供应方所在地", help_zh="外地供应方必填", help_en="required if external"),
        Column("buyer_region", "采购方所在地", help_zh="外地采购方必填", help_en="required if external"),
        Column(
            "buyer_segment", "采购方环节", help_zh="外地采购方所在环节", help_en="an external buyer's segment"
        ),
        Column("value", "年交易额(万元)", required=True, **_AMOUNT),
        Column("volume", "年交易量", kind="number", minimum=0.0),
        Column("unit", "单位"),
        Column("distance_km", "运输距离(km)", kind="number", minimum=0.0, aliases=("运输距离(公里)",)),
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

_UNIT = re.compile(r"^(?P<base>.+?)\((?P<unit>[^()]+)\)$")


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


def match_column(sheet: Sheet, header: str) -> tuple[Column, float] | None:
    """The column a header stands for, and the factor that turns its amounts into 万元.

    A money column also matches its base name alone (amounts then in 万元) or with a unit in
    brackets from :data:`MONEY_UNITS`.

    >>> column, factor = match_column(ENTERPRISES, "产值（亿元）")
    >>> column.key, factor
    ('output', 10000.0)
    >>> match_column(ENTERPRISES, "output")[0].key
    'output'
    """
    wanted = fold(header)
    for column in sheet.columns:
        names = {fold(column.zh), fold(column.key), *(fold(a) for a in column.aliases)}
        if wanted in names:
            return column, 1.0
    unit_match = _UNIT.match(wanted)
    for column in sheet.columns:
        if not column.money:
            continue
        bases = {fold(column.base_zh), fold(column.key)}
        if wanted in bases:
            return column, 1.0
        if unit_match and unit_match["base"] in bases and unit_match["unit"] in MONEY_UNITS:
            return column, MONEY_UNITS[unit_match["unit"]]
    return None
