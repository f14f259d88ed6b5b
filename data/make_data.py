"""Make the bundled sample workbook (a county new-materials chain) and the blank template, byte-identically."""

from __future__ import annotations

import argparse
import io
import random
import sys
import zipfile
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.xml.constants import ARC_CORE
from openpyxl.xml.functions import tostring

# Run as `python data/make_data.py`, the repository root is not on the path; the schema lives there.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from chain.credit_code import CHARSET, check_character
from chain.schema import (
    DEMANDS,
    ENTERPRISES,
    FALSE_WORDS,
    LINKS,
    LIST_SEPARATORS,
    PLACEHOLDERS,
    PROJECTS,
    SETTING_KEYS,
    SETTINGS,
    SHEETS,
    TEMPLATE,
    TOTAL_WORDS,
    TRUE_WORDS,
    UNITS,
    Column,
    Sheet,
)

__all__ = [
    "ABOVE_SCALE_EMPLOYEES",
    "ABOVE_SCALE_OUTPUT",
    "DEPUTIES",
    "SEGMENTS",
    "main",
    "sample_bytes",
    "sample_rows",
    "template_bytes",
]

DATA_DIR = Path(__file__).resolve().parent
SEED = 20231008
#: Every zip member and the document properties carry this time, so the bytes never change run to run.
FIXED_TIME = datetime(2023, 10, 8, 9, 0, 0)

COUNTY = "汉阴县(示例数据)"
PERIOD = "2023年1-9月"
#: Public figures of Hanyin's new-materials chain, Jan-Sep 2023: 86.6 亿元 above-scale output, 76 % of the
#: county's industrial output, 4,544 employees.
ABOVE_SCALE_OUTPUT = 866_000.0
COUNTY_INDUSTRIAL_OUTPUT = 1_139_474.0
ABOVE_SCALE_EMPLOYEES = 4_544
#: 11 people's-congress deputies, each paired with 5 above-scale firms; names are placeholders.
DEPUTIES = tuple(f"{surname}XX" for surname in "王李张刘陈杨赵黄周吴徐")
FIRMS_PER_DEPUTY = 5

# The chain template: segment, category, stage key, inputs, note. Edges run input -> segment.
# 预焙阳极 -> 碳素回收料 -> 预焙阳极 is a real cycle: spent anode butts are crushed and go back into anodes.
SEGMENTS: tuple[tuple[str, str, str, tuple[str, ...], str], ...] = (
    ("石油焦", "碳素", "upstream", (), "炼厂延迟焦化副产，煅烧原料，本县无炼厂"),
    ("煤沥青", "碳素", "upstream", (), "煤焦油深加工产品，碳素制品黏结剂"),
    ("煅后焦", "碳素", "midstream", ("石油焦",), "石油焦经回转窑/罐式炉1300℃煅烧"),
    ("电极糊", "碳素", "downstream", ("煅后焦", "煤沥青"), "铁合金、电石矿热炉用自焙电极材料"),
    ("预焙阳极", "碳素", "downstream", ("煅后焦", "煤沥青", "碳素回收料"), "电解铝用阳极炭块"),
    ("石墨电极", "碳素", "downstream", ("煅后焦", "煤沥青"), "电弧炉炼钢用，需石墨化工序"),
    ("碳素回收料", "碳素", "midstream", ("预焙阳极",), "残极、废阳极破碎回用，与预焙阳极构成循环"),
    ("重晶石", "化工", "upstream", (), "钡盐原料，安康地区有资源"),
    ("基础化工原料", "化工", "upstream", (), "纯碱、硫酸、液碱、无烟煤等"),
    ("钡盐", "化工", "midstream", ("重晶石", "基础化工原料", "纸箱包装"), "碳酸钡、沉淀硫酸钡、氯化钡"),
    ("精细化学品", "化工", "downstream", ("钡盐", "基础化工原料", "纸箱包装"), "水处理剂、化工助剂"),
    ("涂料及胶粘剂", "化工", "downstream", ("钡盐", "基础化工原料"), "沉淀硫酸钡作涂料填料"),
    ("尾矿及工业固废", "新型建筑材料", "upstream", (), "金矿尾矿、粉煤灰、炉渣、页岩等建材原料"),
    ("砂石骨料", "新型建筑材料", "upstream", ("尾矿及工业固废",), "机制砂、碎石；尾矿可制砂"),
    ("水泥", "新型建筑材料", "upstream", (), "本县无水泥熟料产能"),
    ("新型墙材", "新型建筑材料", "midstream", ("尾矿及工业固废", "砂石骨料", "水泥"), "烧结砖、蒸压砖"),
    ("商品混凝土", "新型建筑材料", "midstream", ("水泥", "砂石骨料"), "预拌混凝土"),
    ("水泥制品", "新型建筑材料", "downstream", ("水泥", "砂石骨料", "商品混凝土"), "管桩、水泥管、路缘石"),
    ("装配式构件", "新型建筑材料", "downstream", ("商品混凝土", "水泥", "砂石骨料"), "装配式建筑预制构件"),
    ("农林废弃物", "生物材料", "upstream", (), "秸秆、木屑、果树枝条收储"),
    ("生物质颗粒燃料", "生物材料", "midstream", ("农林废弃物",), "锅炉燃料，替代燃煤"),
    ("蚕桑", "生物材料", "upstream", (), "蚕种、鲜茧；汉阴传统产业"),
    ("蚕丝", "生物材料", "midstream", ("蚕桑", "生物质颗粒燃料"), "缫丝、绢丝；烘茧煮茧用生物质锅炉"),
    ("丝绸制品", "生物材料", "downstream", ("蚕丝",), "真丝面料、家纺"),
    ("富硒魔芋", "生物材料", "upstream", (), "富硒魔芋种植及初加工(魔芋角)"),
    ("魔芋精粉", "生物材料", "midstream", ("富硒魔芋", "生物质颗粒燃料", "纸箱包装"), "魔芋精粉、微粉"),
    ("魔芋胶及膜材料", "生物材料", "downstream", ("魔芋精粉",), "葡甘聚糖凝胶、可降解膜材料"),
    ("PBT高弹丝", "精细轻纺", "upstream", (), "包芯纱芯丝，主产江浙"),
    ("棉及化纤", "精细轻纺", "upstream", (), "棉纤维、涤纶短纤"),
    ("包芯纱", "精细轻纺", "midstream", ("PBT高弹丝", "棉及化纤", "纸箱包装"), "PBT/氨纶包芯纱"),
    ("针织手套", "精细轻纺", "downstream", ("包芯纱",), "针织劳保手套、浸胶手套"),
    ("劳保用品", "精细轻纺", "downstream", ("针织手套", "包芯纱", "纸箱包装"), "劳保手套、劳保服"),
    ("原纸", "精细轻纺", "upstream", (), "瓦楞原纸、箱板纸"),
    ("纸箱包装", "精细轻纺", "midstream", ("原纸",), "配套环节：全链条产品包装"),
)

#: Products of each segment, their unit and a typical price (万元 per unit).
PRODUCTS: dict[str, tuple[tuple[str, ...], str, float]] = {
    "石油焦": (("石油焦",), "吨", 0.30),
    "煤沥青": (("改质沥青", "煤沥青"), "吨", 0.55),
    "煅后焦": (("煅后焦",), "吨", 0.48),
    "电极糊": (("密闭电极糊", "标准电极糊"), "吨", 0.55),
    "预焙阳极": (("预焙阳极",), "吨", 0.62),
    "石墨电极": (("超高功率石墨电极", "高功率石墨电极"), "吨", 1.8),
    "碳素回收料": (("再生碳素料",), "吨", 0.28),
    "重晶石": (("重晶石精矿", "重晶石原矿"), "吨", 0.06),
    "基础化工原料": (("纯碱", "硫酸", "液碱", "无烟煤"), "吨", 0.2),
    "钡盐": (("碳酸钡", "沉淀硫酸钡", "氯化钡"), "吨", 0.32),
    "精细化学品": (("水处理剂", "聚合氯化铝", "化工助剂"), "吨", 0.6),
    "涂料及胶粘剂": (("水性胶粘剂", "工业涂料"), "吨", 0.9),
    "尾矿及工业固废": (("尾矿砂", "粉煤灰", "炉渣", "页岩"), "吨", 0.004),
    "砂石骨料": (("机制砂", "碎石"), "吨", 0.007),
    "水泥": (("P.O42.5水泥", "P.C32.5水泥"), "吨", 0.04),
    "新型墙材": (("烧结多孔砖", "蒸压加气砖"), "万块", 0.45),
    "商品混凝土": (("C30商品混凝土", "C25商品混凝土"), "立方米", 0.035),
    "水泥制品": (("预应力管桩", "水泥管", "路缘石"), "吨", 0.08),
    "装配式构件": (("PC预制构件",), "立方米", 0.3),
    "农林废弃物": (("秸秆", "木屑", "果树枝条"), "吨", 0.035),
    "生物质颗粒燃料": (("生物质颗粒燃料",), "吨", 0.09),
    "蚕桑": (("鲜茧", "蚕种"), "吨", 4.8),
    "蚕丝": (("生丝", "绢丝"), "吨", 38.0),
    "丝绸制品": (("真丝面料",), "米", 0.01),
    "富硒魔芋": (("鲜魔芋", "魔芋角"), "吨", 0.45),
    "魔芋精粉": (("魔芋精粉", "魔芋微粉"), "吨", 6.5),
    "魔芋胶及膜材料": (("魔芋胶", "魔芋膜材料"), "吨", 9.0),
    "PBT高弹丝": (("PBT高弹丝",), "吨", 1.15),
    "棉及化纤": (("棉纤维", "涤纶短纤"), "吨", 1.5),
    "包芯纱": (("PBT包芯纱", "氨纶包芯纱"), "吨", 2.2),
    "针织手套": (("针织劳保手套", "浸胶手套"), "万双", 2.2),
    "劳保用品": (("劳保手套", "劳保服"), "万件", 3.5),
    "原纸": (("瓦楞原纸", "箱板纸"), "吨", 0.36),
    "纸箱包装": (("瓦楞纸箱",), "万个", 2.8),
}

#: What a product is called on one template edge when it differs from the segment's usual product.
EDGE_PRODUCTS: dict[tuple[str, str], tuple[str, float]] = {
    ("预焙阳极", "碳素回收料"): ("残极", 0.22),
}


@dataclass(frozen=True)
class Firm:
    """One local enterprise as designed: its base output (万元) is scaled to the public chain total."""

    name: str
    segment: str
    town: str
    base_output: float
    above_scale: bool = True
    coop: bool = False
    products: tuple[str, ...] = ()
    recruited: bool = False


# Above-scale firms have ≥ 2,000 万元 a year of revenue, so ≥ ~1,500 in nine months; small ones less.
FIRMS: tuple[Firm, ...] = (
    Firm("汉阴县鑫源碳素有限公司", "煅后焦", "涧池镇", 52000),
    Firm("陕西汉阴恒泰碳材料有限公司", "煅后焦", "涧池镇", 38000),
    Firm("汉阴县金河煅烧有限公司", "煅后焦", "蒲溪镇", 30000),
    Firm("汉阴县宏达炭素制品有限公司", "煅后焦", "城关镇", 22000),
    Firm("安康汉阴瑞丰新材料有限公司", "煅后焦", "平梁镇", 15000),
    Firm("汉阴县中晟电极材料有限公司", "电极糊", "涧池镇", 18000, recruited=True),
    Firm("陕西汉阴华宇阳极材料有限公司", "预焙阳极", "涧池镇", 88000),
    Firm("汉阴县兴业碳素制品有限公司", "预焙阳极", "蒲溪镇", 12000),
    Firm("汉阴县三和石墨有限公司", "石墨电极", "城关镇", 26000),
    Firm("汉阴县晟通石墨电极有限公司", "石墨电极", "涧池镇", 14000),
    Firm("汉阴县天宏碳素有限公司", "石墨电极", "蒲溪镇", 9000),
    Firm("汉阴县绿源碳素回收有限公司", "碳素回收料", "涧池镇", 1300, above_scale=False),
    Firm("汉阴县鑫盛再生资源有限公司", "碳素回收料", "蒲溪镇", 1100, above_scale=False),
    Firm("汉阴县秦巴重晶石矿业有限公司", "重晶石", "双乳镇", 12000),
    Firm("汉阴县凤凰山矿业有限公司", "重晶石", "铁佛寺镇", 9500),
    Firm("陕西汉阴钡业化工有限公司", "钡盐", "平梁镇", 42000),
    Firm("汉阴县恒信钡盐有限公司", "钡盐", "平梁镇", 30000),
    Firm("汉阴县华昌化工有限公司", "钡盐", "涧池镇", 20000),
    Firm("汉阴县润达化工有限公司", "钡盐", "双乳镇", 12000),
    Firm("汉阴县康源精细化工有限公司", "精细化学品", "涧池镇", 28000),
    Firm("汉阴县清源水处理剂有限公司", "精细化学品", "城关镇", 16000),
    Firm("汉阴县瑞达化工助剂有限公司", "精细化学品", "涧池镇", 10000),
    Firm("汉阴县金山矿业有限公司", "尾矿及工业固废", "观音河镇", 16000, products=("金精矿", "尾矿砂")),
    Firm("汉阴县月河砂石有限公司", "砂石骨料", "城关镇", 18000),
    Firm("汉阴县平梁建材有限公司", "砂石骨料", "平梁镇", 12000),
    Firm("汉阴县汉江砂石料有限公司", "砂石骨料", "汉阳镇", 9000),
    Firm("汉阴县双乳石料有限公司", "砂石骨料", "双乳镇", 6000),
    Firm("汉阴县新型墙体材料有限公司", "新型墙材", "蒲溪镇", 16000),
    Firm("汉阴县恒力新型建材有限公司", "新型墙材", "涧池镇", 11000, products=("烧结多孔砖",)),
    Firm("汉阴县宏基环保建材有限公司", "新型墙材", "观音河镇", 8000),
    Firm("汉阴县漩涡页岩砖厂有限公司", "新型墙材", "漩涡镇", 5000),
    Firm("汉阴县城建商品混凝土有限公司", "商品混凝土", "城关镇", 22000),
    Firm("汉阴县华泰混凝土有限公司", "商品混凝土", "涧池镇", 15000),
    Firm("汉阴县宏远混凝土有限公司", "商品混凝土", "平梁镇", 10000),
    Firm("汉阴县蒲溪商砼有限公司", "商品混凝土", "蒲溪镇", 8000),
    Firm("汉阴县永固水泥制品有限公司", "水泥制品", "城关镇", 14000),
    Firm("汉阴县顺达管桩有限公司", "水泥制品", "涧池镇", 9000),
    Firm("汉阴县恒安建材制品有限公司", "水泥制品", "双乳镇", 6000),
    Firm("汉阴县铁佛寺水泥预制件厂", "水泥制品", "铁佛寺镇", 1200, above_scale=False),
    Firm("汉阴县绿丰农林废弃物回收有限公司", "农林废弃物", "平梁镇", 4500),
    Firm("汉阴县汉阳镇秸秆综合利用专业合作社", "农林废弃物", "汉阳镇", 1200, above_scale=False, coop=True),
    Firm("汉阴县绿能生物质燃料有限公司", "生物质颗粒燃料", "蒲溪镇", 9000, recruited=True),
    Firm("汉阴县凤堰蚕桑发展有限公司", "蚕桑", "漩涡镇", 9000),
    Firm("汉阴县秦巴蚕种有限公司", "蚕桑", "汉阳镇", 7000, products=("蚕种", "鲜茧")),
    Firm("汉阴县双河口蚕桑专业合作社", "蚕桑", "双河口镇", 1400, above_scale=False, coop=True),
    Firm("陕西汉阴丝绸有限公司", "蚕丝", "城关镇", 22000),
    Firm("汉阴县金蚕茧丝有限公司", "蚕丝", "涧池镇", 14000),
    Firm("汉阴县漩涡缫丝有限公司", "蚕丝", "漩涡镇", 8000),
    Firm("汉阴县富硒魔芋种植有限公司", "富硒魔芋", "观音河镇", 6000),
    Firm("汉阴县铁佛寺魔芋开发有限公司", "富硒魔芋", "铁佛寺镇", 5000),
    Firm("汉阴县硒谷魔芋制品有限公司", "魔芋精粉", "城关镇", 15000),
    Firm("陕西汉阴魔芋科技有限公司", "魔芋精粉", "涧池镇", 9000),
    Firm("汉阴县秦岭魔芋精粉有限公司", "魔芋精粉", "观音河镇", 6000),
    Firm("汉阴县恒丰纺织有限公司", "包芯纱", "涧池镇", 26000, products=("PBT包芯纱",)),
    Firm("汉阴县锦程纺纱有限公司", "包芯纱", "城关镇", 18000),
    Firm("汉阴县月河纺织有限公司", "包芯纱", "蒲溪镇", 12000),
    Firm("汉阴县华纺纱业有限公司", "包芯纱", "平梁镇", 8000),
    Firm("汉阴县盛源包芯纱有限公司", "包芯纱", "双乳镇", 6000),
    Firm("汉阴县安泰劳保用品有限公司", "劳保用品", "城关镇", 7000),
    Firm("汉阴县华美纸箱包装有限公司", "纸箱包装", "涧池镇", 4500),
    Firm("汉阴县城关纸品包装厂", "纸箱包装", "城关镇", 1300, above_scale=False),
)

#: Share of a buyer's output spent on each template input (input, buyer segment) -> share.
INPUT_SHARES: dict[tuple[str, str], float] = {
    ("石油焦", "煅后焦"): 0.45,
    ("煅后焦", "电极糊"): 0.40,
    ("煤沥青", "电极糊"): 0.18,
    ("煅后焦", "预焙阳极"): 0.35,
    ("煤沥青", "预焙阳极"): 0.12,
    ("碳素回收料", "预焙阳极"): 0.02,
    ("煅后焦", "石墨电极"): 0.25,
    ("煤沥青", "石墨电极"): 0.10,
    ("预焙阳极", "碳素回收料"): 0.40,
    ("重晶石", "钡盐"): 0.30,
    ("基础化工原料", "钡盐"): 0.15,
    ("纸箱包装", "钡盐"): 0.02,
    ("钡盐", "精细化学品"): 0.20,
    ("基础化工原料", "精细化学品"): 0.25,
    ("纸箱包装", "精细化学品"): 0.03,
    ("尾矿及工业固废", "新型墙材"): 0.15,
    ("砂石骨料", "新型墙材"): 0.10,
    ("水泥", "新型墙材"): 0.08,
    ("水泥", "商品混凝土"): 0.35,
    ("砂石骨料", "商品混凝土"): 0.20,
    ("水泥", "水泥制品"): 0.25,
    ("砂石骨料", "水泥制品"): 0.12,
    ("商品混凝土", "水泥制品"): 0.10,
    ("农林废弃物", "生物质颗粒燃料"): 0.45,
    ("蚕桑", "蚕丝"): 0.50,
    ("生物质颗粒燃料", "蚕丝"): 0.04,
    ("富硒魔芋", "魔芋精粉"): 0.45,
    ("生物质颗粒燃料", "魔芋精粉"): 0.03,
    ("纸箱包装", "魔芋精粉"): 0.02,
    ("PBT高弹丝", "包芯纱"): 0.30,
    ("棉及化纤", "包芯纱"): 0.28,
    ("纸箱包装", "包芯纱"): 0.02,
    ("针织手套", "劳保用品"): 0.15,
    ("包芯纱", "劳保用品"): 0.20,
    ("纸箱包装", "劳保用品"): 0.02,
    ("原纸", "纸箱包装"): 0.55,
}

#: Share of local buyers' purchases of a segment that local firms supply (segments with local firms).
LOCAL_SHARE: dict[str, float] = {
    "煅后焦": 0.78,
    "预焙阳极": 0.85,
    "碳素回收料": 0.90,
    "重晶石": 0.30,
    "钡盐": 0.70,
    "尾矿及工业固废": 1.0,
    "砂石骨料": 0.85,
    "商品混凝土": 0.80,
    "农林废弃物": 0.80,
    "生物质颗粒燃料": 0.60,
    "蚕桑": 0.55,
    "富硒魔芋": 0.65,
    "包芯纱": 0.85,
    "纸箱包装": 0.35,
}

#: Buyers that take none of an input from local firms although local firms make it: the local pairings.
BUYS_ALL_OUTSIDE: frozenset[tuple[str, str]] = frozenset(
    {
        ("汉阴县中晟电极材料有限公司", "煅后焦"),  # the recruited paste plant kept its Henan suppliers
        ("汉阴县恒力新型建材有限公司", "尾矿及工业固废"),  # buys shale and fly ash; the gold mine is local
        ("汉阴县新型墙体材料有限公司", "尾矿及工业固废"),
        ("汉阴县康源精细化工有限公司", "纸箱包装"),  # buys cartons in Shiyan; a carton maker is local
    }
)

#: Firms that sell to local buyers of their segment only up to this share of their output.
SUPPLY_CAP = 0.9

#: Outside suppliers of each segment: name, region, road distance from Hanyin (km).
OUTSIDE_SUPPLIERS: dict[str, tuple[tuple[str, str, int], ...]] = {
    "石油焦": (
        ("延安永盛石化有限公司", "陕西延安", 620),
        ("洛阳宏兴石化焦化有限公司", "河南洛阳", 640),
        ("兰州西固炼化焦业有限公司", "甘肃兰州", 880),
        ("东营华联石油焦贸易有限公司", "山东东营", 1400),
    ),
    "煤沥青": (
        ("孝义鑫海煤焦化有限公司", "山西孝义", 820),
        ("韩城龙门焦化有限公司", "陕西韩城", 520),
        ("平顶山华瑞煤化工有限公司", "河南平顶山", 720),
    ),
    "煅后焦": (
        ("巩义恒昌炭素有限公司", "河南巩义", 720),
        ("石嘴山宏泰煅烧有限公司", "宁夏石嘴山", 1050),
    ),
    "预焙阳极": (("青海华源铝业有限公司", "青海西宁", 1080),),
    "重晶石": (
        ("旬阳秦兴重晶石矿业有限公司", "陕西旬阳", 130),
        ("新晃天成重晶石有限公司", "湖南新晃", 980),
        ("天柱黔东重晶石有限公司", "贵州天柱", 1050),
    ),
    "基础化工原料": (
        ("宜昌三峡化工有限公司", "湖北宜昌", 560),
        ("渭南蒲城化工有限公司", "陕西渭南", 380),
        ("重庆长寿化工有限公司", "重庆", 520),
    ),
    "钡盐": (("铜仁黔东钡盐化工有限公司", "贵州铜仁", 950),),
    "尾矿及工业固废": (
        ("安康恒源粉煤灰综合利用有限公司", "陕西安康", 65),
        ("石泉县页岩开采有限公司", "陕西石泉", 45),
        ("旬阳县工业固废处置有限公司", "陕西旬阳", 130),
    ),
    "砂石骨料": (
        ("石泉县汉江砂石有限公司", "陕西石泉", 45),
        ("安康汉滨砂石料有限公司", "陕西安康", 60),
    ),
    "水泥": (
        ("安康秦岭水泥有限公司", "陕西安康", 70),
        ("汉中勉县水泥有限公司", "陕西汉中", 220),
        ("紫阳县兴达水泥有限公司", "陕西紫阳", 110),
    ),
    "商品混凝土": (("石泉县建兴商品混凝土有限公司", "陕西石泉", 45),),
    "农林废弃物": (
        ("石泉县林木加工厂", "陕西石泉", 45),
        ("宁陕县林产品加工有限公司", "陕西宁陕", 110),
    ),
    "生物质颗粒燃料": (
        ("城固县秦汉生物质能源有限公司", "陕西汉中", 230),
        ("安康绿能颗粒燃料有限公司", "陕西安康", 60),
    ),
    "蚕桑": (
        ("石泉县蚕茧收购站", "陕西石泉", 45),
        ("紫阳县蚕桑专业合作社", "陕西紫阳", 110),
        ("南充嘉陵蚕茧有限公司", "四川南充", 560),
    ),
    "富硒魔芋": (
        ("紫阳县魔芋种植专业合作社", "陕西紫阳", 110),
        ("岚皋县魔芋产业发展有限公司", "陕西岚皋", 130),
        ("恩施清江魔芋有限公司", "湖北恩施", 650),
    ),
    "PBT高弹丝": (
        ("苏州吴江华弹化纤有限公司", "江苏苏州", 1300),
        ("常州武进化纤有限公司", "江苏常州", 1250),
        ("绍兴柯桥弹力丝有限公司", "浙江绍兴", 1480),
    ),
    "棉及化纤": (
        ("新郑豫棉纺织原料有限公司", "河南郑州", 620),
        ("咸阳秦棉纺织有限公司", "陕西咸阳", 280),
        ("石河子天棉贸易有限公司", "新疆石河子", 2700),
    ),
    "包芯纱": (("咸阳秦棉纺织有限公司", "陕西咸阳", 280),),
    "针织手套": (
        ("高密市鲁东手套有限公司", "山东高密", 1450),
        ("南宫市冀丰手套有限公司", "河北南宫", 1100),
    ),
    "原纸": (
        ("十堰汉江纸业有限公司", "湖北十堰", 300),
        ("夹江县蜀南纸业有限公司", "四川乐山", 800),
        ("汉中勉县纸业有限公司", "陕西汉中", 220),
    ),
    "纸箱包装": (
        ("十堰华鑫纸箱包装有限公司", "湖北十堰", 300),
        ("安康恒通包装有限公司", "陕西安康", 60),
        ("成都天府纸箱有限公司", "四川成都", 680),
    ),
    "涂料及胶粘剂": (
        ("西安长安胶粘剂有限公司", "陕西西安", 260),
        ("西安秦洋涂料有限公司", "陕西西安", 260),
    ),
}

#: Outside buyers of local output: share of output sold out of the county, and buyers (name, region,
#: distance km, the segment the buyer works in or "" when it lies outside the chain).
OUTSIDE_BUYERS: dict[str, tuple[float, tuple[tuple[str, str, int, str], ...]]] = {
    "煅后焦": (
        0.35,
        (
            ("石嘴山宏达电极糊有限公司", "宁夏石嘴山", 1050, "电极糊"),
            ("勉县汉江电极糊厂", "陕西汉中", 230, "电极糊"),
            ("兰州华鑫炭素有限公司", "甘肃兰州", 880, "石墨电极"),
            ("眉山东坡碳素有限公司", "四川眉山", 760, "预焙阳极"),
        ),
    ),
    "电极糊": (
        0.75,
        (
            ("石嘴山恒达铁合金有限公司", "宁夏石嘴山", 1050, ""),
            ("府谷泰和硅铁有限公司", "陕西榆林", 820, ""),
            ("安康汉滨硅铁有限公司", "陕西安康", 60, ""),
        ),
    ),
    "预焙阳极": (
        0.75,
        (
            ("包头宏丰铝业有限公司", "内蒙古包头", 1150, ""),
            ("青海华源铝业有限公司", "青海西宁", 1080, ""),
            ("陇西宏达铝业有限公司", "甘肃定西", 720, ""),
            ("伊川新安铝业有限公司", "河南洛阳", 650, ""),
        ),
    ),
    "石墨电极": (
        0.8,
        (
            ("勉县汉江钢铁有限公司", "陕西汉中", 230, ""),
            ("西安秦川特钢有限公司", "陕西西安", 260, ""),
            ("重庆渝江钢铁有限公司", "重庆", 520, ""),
            ("达州川东钢铁有限公司", "四川达州", 430, ""),
        ),
    ),
    "钡盐": (
        0.55,
        (
            ("西安秦洋涂料有限公司", "陕西西安", 260, "涂料及胶粘剂"),
            ("成都川蓉涂料有限公司", "四川成都", 680, "涂料及胶粘剂"),
            ("十堰车城涂装材料有限公司", "湖北十堰", 300, "涂料及胶粘剂"),
            ("武汉楚天电子陶瓷有限公司", "湖北武汉", 690, ""),
        ),
    ),
    "精细化学品": (
        0.7,
        (
            ("西安渭清水务有限公司", "陕西西安", 260, ""),
            ("重庆两江环保水处理有限公司", "重庆", 520, ""),
            ("十堰汉江水务有限公司", "湖北十堰", 300, ""),
        ),
    ),
    "尾矿及工业固废": (0.08, (("安康汉滨新型建材有限公司", "陕西安康", 60, "新型墙材"),)),
    "砂石骨料": (
        0.3,
        (
            ("安康高新商砼有限公司", "陕西安康", 60, "商品混凝土"),
            ("石泉县建兴商品混凝土有限公司", "陕西石泉", 45, "商品混凝土"),
        ),
    ),
    "新型墙材": (
        0.8,
        (
            ("安康汉滨城建工程有限公司", "陕西安康", 60, ""),
            ("石泉县安居住宅建设项目部", "陕西石泉", 45, ""),
            ("汉阴县城关镇安置小区项目部", "陕西汉阴", 5, ""),
        ),
    ),
    "商品混凝土": (
        0.8,
        (
            ("汉阴县月河综合治理工程项目部", "陕西汉阴", 8, ""),
            ("安康至汉阴快速干道项目部", "陕西汉阴", 15, ""),
            ("汉阴县城区棚户区改造项目部", "陕西汉阴", 5, ""),
        ),
    ),
    "水泥制品": (
        0.8,
        (
            ("安康市政工程有限公司", "陕西安康", 60, ""),
            ("汉中公路工程有限公司", "陕西汉中", 220, ""),
            ("石泉县水务建设有限公司", "陕西石泉", 45, ""),
        ),
    ),
    "生物质颗粒燃料": (
        0.4,
        (
            ("安康高新区集中供热有限公司", "陕西安康", 60, ""),
            ("紫阳县富硒茶厂", "陕西紫阳", 110, ""),
        ),
    ),
    "蚕桑": (0.12, (("石泉县秦巴丝业有限公司", "陕西石泉", 45, "蚕丝"),)),
    "蚕丝": (
        0.85,
        (
            ("湖州华丝织造有限公司", "浙江湖州", 1450, "丝绸制品"),
            ("南充嘉陵丝绸织造有限公司", "四川南充", 560, "丝绸制品"),
            ("苏州吴江真丝家纺有限公司", "江苏苏州", 1300, "丝绸制品"),
        ),
    ),
    "富硒魔芋": (0.15, (("岚皋县魔芋精粉厂", "陕西岚皋", 130, "魔芋精粉"),)),
    "魔芋精粉": (
        0.8,
        (
            ("宜昌三峡魔芋胶业有限公司", "湖北宜昌", 560, "魔芋胶及膜材料"),
            ("古田县闽东魔芋胶有限公司", "福建宁德", 1900, "魔芋胶及膜材料"),
            ("成都蜀香魔芋食品有限公司", "四川成都", 680, ""),
        ),
    ),
    "包芯纱": (
        0.75,
        (
            ("高密市鲁东手套有限公司", "山东高密", 1450, "针织手套"),
            ("南宫市冀丰手套有限公司", "河北南宫", 1100, "针织手套"),
            ("义乌市浙中针织手套有限公司", "浙江义乌", 1500, "针织手套"),
            ("商丘宏达手套有限公司", "河南商丘", 850, "针织手套"),
        ),
    ),
    "劳保用品": (
        0.8,
        (
            ("西安秦安劳保物资有限公司", "陕西西安", 260, ""),
            ("十堰车城劳保物资有限公司", "湖北十堰", 300, ""),
        ),
    ),
}

#: The story the brief names: the biggest spinning mill buys its PBT yarn in Jiangsu, ~1,300 km away.
FIXED_SUPPLIERS: dict[tuple[str, str], str] = {
    ("汉阴县恒丰纺织有限公司", "PBT高弹丝"): "苏州吴江华弹化纤有限公司",
    ("汉阴县中晟电极材料有限公司", "煅后焦"): "巩义恒昌炭素有限公司",
    ("汉阴县康源精细化工有限公司", "纸箱包装"): "十堰华鑫纸箱包装有限公司",
    ("汉阴县恒力新型建材有限公司", "尾矿及工业固废"): "石泉县页岩开采有限公司",
}

#: Output growth (%) around which a category's firms scatter, and employees per 亿元 of output.
CATEGORY_GROWTH = {"碳素": 9.0, "化工": 5.0, "新型建筑材料": -4.0, "生物材料": 11.0, "精细轻纺": 14.0}
CATEGORY_LABOUR = {"碳素": 32.0, "化工": 36.0, "新型建筑材料": 55.0, "生物材料": 110.0, "精细轻纺": 95.0}

#: Recruiting projects: name, segment, investor, investment, capacity, status key, expected output.
PROJECTS_ROWS: tuple[tuple[str, str, str, float, str, str, float], ...] = (
    ("年产5万吨密闭电极糊项目", "电极糊", "宁夏中晟碳素集团有限公司", 35000, "5万吨/年", "operating", 30000),
    (
        "年产10万吨生物质颗粒燃料项目",
        "生物质颗粒燃料",
        "安康绿能投资有限公司",
        12000,
        "10万吨/年",
        "operating",
        9000,
    ),
    (
        "年产2万吨PBT高弹丝项目",
        "PBT高弹丝",
        "苏州吴江华弹化纤有限公司",
        28000,
        "2万吨/年",
        "negotiating",
        24000,
    ),
    (
        "年产3000万双针织劳保手套项目",
        "针织手套",
        "高密市鲁东手套有限公司",
        8000,
        "3000万双/年",
        "signed",
        7000,
    ),
    (
        "装配式建筑构件生产基地",
        "装配式构件",
        "安康城建装配式建筑有限公司",
        30000,
        "10万立方米/年",
        "building",
        20000,
    ),
    ("真丝家纺及丝绸面料项目", "丝绸制品", "湖州华丝织造有限公司", 15000, "200万米/年", "lead", 12000),
    (
        "魔芋葡甘聚糖可降解膜材料项目",
        "魔芋胶及膜材料",
        "宜昌三峡魔芋胶业有限公司",
        10000,
        "3000吨/年",
        "negotiating",
        9000,
    ),
    ("水性涂料及胶粘剂项目", "涂料及胶粘剂", "西安秦洋涂料有限公司", 9000, "2万吨/年", "lead", 10000),
)

#: Enterprises' requests: enterprise, type key, detail, raised, owner, due, status key, closed.
DEMAND_ROWS: tuple[tuple[str, str, str, date, str, date, str, date | None], ...] = (
    (
        "陕西汉阴华宇阳极材料有限公司",
        "power",
        "申请110kV专线增容，焙烧炉扩产用电缺口约8000kVA",
        date(2023, 2, 14),
        "国网汉阴县供电公司",
        date(2023, 6, 30),
        "closed",
        date(2023, 6, 18),
    ),
    (
        "汉阴县鑫源碳素有限公司",
        "finance",
        "技改贷款3000万元贴息",
        date(2023, 3, 2),
        "县财政局",
        date(2023, 5, 31),
        "closed",
        date(2023, 5, 20),
    ),
    (
        "汉阴县中晟电极材料有限公司",
        "permits",
        "二期项目环评批复办理",
        date(2023, 4, 11),
        "安康市生态环境局汉阴分局",
        date(2023, 8, 31),
        "in_progress",
        None,
    ),
    (
        "汉阴县中晟电极材料有限公司",
        "labour",
        "招聘电极糊生产操作工40名",
        date(2023, 5, 8),
        "县人社局",
        date(2023, 7, 31),
        "closed",
        date(2023, 7, 25),
    ),
    (
        "汉阴县恒丰纺织有限公司",
        "sales",
        "包芯纱本地无手套企业承接，希望引进下游针织手套企业",
        date(2023, 3, 20),
        "县招商服务中心",
        date(2023, 12, 31),
        "in_progress",
        None,
    ),
    (
        "汉阴县恒丰纺织有限公司",
        "labour",
        "挡车工缺口60人，申请技能培训补贴",
        date(2023, 6, 5),
        "县人社局",
        date(2023, 8, 31),
        "closed",
        date(2023, 8, 22),
    ),
    (
        "汉阴县恒力新型建材有限公司",
        "other",
        "希望对接本县金矿尾矿作制砖原料",
        date(2023, 7, 3),
        "县工信局",
        date(2023, 10, 31),
        "open",
        None,
    ),
    (
        "汉阴县康源精细化工有限公司",
        "other",
        "包装纸箱外购运距远，希望对接本地纸箱企业",
        date(2023, 8, 15),
        "县工信局",
        date(2023, 10, 31),
        "open",
        None,
    ),
    (
        "汉阴县绿能生物质燃料有限公司",
        "land",
        "原料堆场用地30亩",
        date(2023, 4, 25),
        "县自然资源局",
        date(2023, 9, 30),
        "in_progress",
        None,
    ),
    (
        "陕西汉阴钡业化工有限公司",
        "permits",
        "危险化学品经营许可证换证",
        date(2023, 1, 16),
        "县应急管理局",
        date(2023, 3, 31),
        "closed",
        date(2023, 3, 10),
    ),
    (
        "汉阴县恒信钡盐有限公司",
        "finance",
        "流动资金贷款2000万元",
        date(2023, 5, 22),
        "县金融服务中心",
        date(2023, 8, 31),
        "closed",
        date(2023, 8, 9),
    ),
    (
        "陕西汉阴丝绸有限公司",
        "sales",
        "生丝价格下行，希望组织参加丝绸博览会",
        date(2023, 6, 12),
        "县商务局",
        date(2023, 10, 31),
        "in_progress",
        None,
    ),
    (
        "汉阴县凤堰蚕桑发展有限公司",
        "land",
        "新建标准化蚕桑园流转土地500亩",
        date(2023, 2, 27),
        "县农业农村局",
        date(2023, 6, 30),
        "closed",
        date(2023, 6, 28),
    ),
    (
        "汉阴县硒谷魔芋制品有限公司",
        "power",
        "烘干车间电力增容",
        date(2023, 7, 19),
        "国网汉阴县供电公司",
        date(2023, 9, 30),
        "in_progress",
        None,
    ),
    (
        "陕西汉阴魔芋科技有限公司",
        "permits",
        "食品生产许可证延续",
        date(2023, 8, 2),
        "县市场监管局",
        date(2023, 9, 30),
        "closed",
        date(2023, 9, 12),
    ),
    (
        "汉阴县城建商品混凝土有限公司",
        "finance",
        "工程款拖欠约1800万元，请求协调清欠",
        date(2023, 4, 3),
        "县住建局",
        date(2023, 12, 31),
        "in_progress",
        None,
    ),
    (
        "汉阴县月河砂石有限公司",
        "permits",
        "采矿权延续登记",
        date(2023, 3, 14),
        "县自然资源局",
        date(2023, 9, 30),
        "open",
        None,
    ),
    (
        "汉阴县金山矿业有限公司",
        "other",
        "尾矿库扩容及尾矿综合利用方案论证",
        date(2023, 5, 30),
        "县应急管理局",
        date(2023, 11, 30),
        "in_progress",
        None,
    ),
    (
        "汉阴县安泰劳保用品有限公司",
        "sales",
        "希望纳入县内企业劳保用品采购目录",
        date(2023, 9, 6),
        "县工信局",
        date(2023, 11, 30),
        "open",
        None,
    ),
    (
        "汉阴县三和石墨有限公司",
        "labour",
        "引进石墨化工艺技术人员5名，申请人才公寓",
        date(2023, 7, 10),
        "县委人才办",
        date(2023, 9, 30),
        "closed",
        date(2023, 9, 26),
    ),
)

# Unified social credit codes: GB 11714 organisation code inside, GB 32100-2015 check character last.

_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
#: 汉阴县's administrative division code.
HANYIN_DIVISION = "610921"


def _with_check(first17: str) -> str:
    """A full 18-character code: the first 17 and their GB 32100-2015 check character."""
    check = check_character(first17)
    if check is None:
        raise ValueError(f"not the first 17 characters of a credit code: {first17!r}")
    return first17 + check


def _org_code_check(first8: str) -> str:
    """The 9th character of an organisation code (GB 11714): letters count A=10 ... Z=35."""
    total = sum(int(char, 36) * weight for char, weight in zip(first8, _ORG_WEIGHTS, strict=True))
    check = 11 - total % 11
    return {10: "X", 11: "0"}.get(check, str(check))


def _credit_code(rng: random.Random, coop: bool) -> str:
    """A well-formed code of an enterprise registered in Hanyin (org code and GB 32100 check both valid)."""
    while True:
        if rng.random() < 0.6:  # codes issued since 2015 carry an "MA" body
            body = "MA" + "".join(rng.choice(CHARSET[:-1]) for _ in range(6))
        else:
            body = "".join(rng.choice("0123456789") for _ in range(8))
        org = body + _org_code_check(body)
        if org[-1] in CHARSET:
            break
    first17 = ("93" if coop else "91") + HANYIN_DIVISION + org
    return _with_check(first17)


# The sample's data.


def _scaled(values: list[float], total: float, decimals: int) -> list[float]:
    """Values scaled to sum to ``total`` exactly after rounding (the remainder goes to the largest)."""
    factor = total / sum(values)
    unit = 10**decimals
    scaled = [round(v * factor * unit) for v in values]
    largest = max(range(len(values)), key=values.__getitem__)
    scaled[largest] += round(total * unit) - sum(scaled)
    return [s / unit if decimals else float(s) for s in scaled]


def _enterprises(rng: random.Random) -> list[dict[str, Any]]:
    """Rows of the 企业 sheet: above-scale output and employees scaled to the public totals exactly,
    deputies paired in firm order, five firms each."""
    category = {segment: cat for segment, cat, *_ in SEGMENTS}
    jittered = [firm.base_output * rng.uniform(0.94, 1.06) for firm in FIRMS]
    above = [i for i, firm in enumerate(FIRMS) if firm.above_scale]
    outputs = [round(v, 1) for v in jittered]
    for i, value in zip(above, _scaled([jittered[i] for i in above], ABOVE_SCALE_OUTPUT, 1), strict=True):
        outputs[i] = value
    labour = [
        outputs[i] / 10000 * CATEGORY_LABOUR[category[FIRMS[i].segment]] * rng.uniform(0.8, 1.2)
        for i in above
    ]
    employees = [round(rng.uniform(10, 30)) for _ in FIRMS]
    for i, value in zip(above, _scaled(labour, ABOVE_SCALE_EMPLOYEES, 0), strict=True):
        employees[i] = int(value)
    deputies = {i: DEPUTIES[rank // FIRMS_PER_DEPUTY] for rank, i in enumerate(above)}

    rows = []
    for i, firm in enumerate(FIRMS):
        products = firm.products or PRODUCTS[firm.segment][0][: rng.randint(1, 2)]
        growth = (
            None if firm.recruited else round(CATEGORY_GROWTH[category[firm.segment]] + rng.gauss(0, 7), 1)
        )
        rows.append(
            {
                "name": firm.name,
                "credit_code": _credit_code(rng, firm.coop),
                "segment": firm.segment,
                "category": category[firm.segment],
                "town": firm.town,
                "above_scale": "是" if firm.above_scale else "否",
                "output": outputs[i],
                "employees": employees[i],
                "growth_pct": growth,
                "products": "、".join(products),
                "deputy": deputies.get(i, ""),
            }
        )
    return rows


def _product(
    segment: str, buyer_segment: str, makes: tuple[str, ...], rng: random.Random
) -> tuple[str, str, float]:
    """Product name, unit and price of a sale of ``segment`` to a buyer working in ``buyer_segment``;
    a local supplier sells only what it lists among its products (``makes``)."""
    names, unit, price = PRODUCTS[segment]
    if (segment, buyer_segment) in EDGE_PRODUCTS:
        name, price = EDGE_PRODUCTS[segment, buyer_segment]
        return name, unit, price
    own = tuple(name for name in names if name in makes)
    return rng.choice(own or names), unit, price


def _link(
    rng: random.Random,
    supplier: str,
    buyer: str,
    segment: str,
    value: float,
    *,
    buyer_segment: str = "",
    supplier_region: str = "",
    buyer_region: str = "",
    distance: float,
    segment_given: bool,
    makes: tuple[str, ...] = (),
) -> dict[str, Any]:
    """One row of the links sheet; the volume follows from the value at a price near the typical one."""
    product, unit, price = _product(segment, buyer_segment, makes, rng)
    volume = value / (price * rng.uniform(0.92, 1.08))
    return {
        "supplier": supplier,
        "buyer": buyer,
        "product": product,
        # A local supplier's product segment defaults to its own; the sample fills it in only where needed.
        "segment": segment if segment_given else "",
        "supplier_region": supplier_region,
        "buyer_region": buyer_region,
        "buyer_segment": buyer_segment if buyer_region else "",
        "value": round(value, 1),
        "volume": round(volume, 1) if volume < 1000 else round(volume, -1),
        "unit": unit,
        "distance_km": distance,
    }


def _split(total: float, parts: int, rng: random.Random) -> list[float]:
    """``total`` cut into ``parts`` uneven pieces, as trade between firms is."""
    weights = [rng.uniform(0.5, 1.5) for _ in range(parts)]
    return [total * w / sum(weights) for w in weights]


def _links(rng: random.Random, enterprises: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows of the 供需关系 sheet: each local firm buys its template inputs (a share of its output), from
    local firms up to the segment's local share and their capacity, the rest from outside suppliers;
    then sells a share of its output to outside buyers, within what is left of its capacity."""
    output = {row["name"]: row["output"] for row in enterprises}
    town = {row["name"]: row["town"] for row in enterprises}
    makes = {row["name"]: tuple(row["products"].split("、")) for row in enterprises}
    by_segment: dict[str, list[str]] = defaultdict(list)
    for row in enterprises:
        by_segment[row["segment"]].append(row["name"])
    inputs = {segment: ins for segment, _, _, ins, _ in SEGMENTS}
    sold: defaultdict[str, float] = defaultdict(float)
    links: list[dict[str, Any]] = []

    def local_distance(a: str, b: str) -> float:
        return float(rng.randint(2, 6) if town[a] == town[b] else rng.randint(8, 45))

    for row in enterprises:
        buyer, segment = row["name"], row["segment"]
        for source in inputs[segment]:
            share = INPUT_SHARES.get((source, segment), 0.0)
            if not share:
                continue
            budget = output[buyer] * share * rng.uniform(0.85, 1.15)
            local_target = 0.0 if (buyer, source) in BUYS_ALL_OUTSIDE else LOCAL_SHARE.get(source, 0.0)
            local_amount = budget * local_target
            candidates = [f for f in by_segment.get(source, []) if f != buyer]
            rng.shuffle(candidates)
            bought_locally = 0.0
            planned = _split(local_amount, min(2, len(candidates)), rng)
            shortfall = 0.0
            for rank, supplier in enumerate(candidates):
                # A supplier at capacity passes what it cannot deliver on to the next local firm.
                wanted = (planned[rank] if rank < len(planned) else 0.0) + shortfall
                part = max(0.0, min(wanted, SUPPLY_CAP * output[supplier] - sold[supplier]))
                shortfall = wanted - part
                if part < 5:
                    continue
                sold[supplier] += part
                bought_locally += part
                links.append(
                    _link(
                        rng,
                        supplier,
                        buyer,
                        source,
                        part,
                        distance=local_distance(supplier, buyer),
                        segment_given=False,
                        makes=makes[supplier],
                    )
                )
            outside = budget - bought_locally
            pool = list(OUTSIDE_SUPPLIERS.get(source, ()))
            if outside < 5 or not pool:
                continue
            fixed = FIXED_SUPPLIERS.get((buyer, source))
            chosen = [s for s in pool if s[0] == fixed] or rng.sample(pool, rng.randint(1, min(2, len(pool))))
            for (name, region, km), part in zip(chosen, _split(outside, len(chosen), rng), strict=True):
                links.append(
                    _link(
                        rng,
                        name,
                        buyer,
                        source,
                        part,
                        supplier_region=region,
                        distance=float(km),
                        segment_given=True,
                    )
                )

    for row in enterprises:
        supplier, segment = row["name"], row["segment"]
        if segment not in OUTSIDE_BUYERS:
            continue
        ratio, pool = OUTSIDE_BUYERS[segment]
        amount = min(
            output[supplier] * ratio * rng.uniform(0.9, 1.1), SUPPLY_CAP * output[supplier] - sold[supplier]
        )
        if amount < 5:
            continue
        chosen = rng.sample(pool, rng.randint(1, min(3, len(pool))))
        for (name, region, km, buyer_segment), part in zip(
            chosen, _split(amount, len(chosen), rng), strict=True
        ):
            sold[supplier] += part
            links.append(
                _link(
                    rng,
                    supplier,
                    name,
                    segment,
                    part,
                    buyer_segment=buyer_segment,
                    buyer_region=region,
                    distance=float(km),
                    segment_given=False,
                    makes=makes[supplier],
                )
            )
    # Ordered as an office would keep them: by buyer then supplier, so a firm's purchases sit together.
    return sorted(links, key=lambda link: (link["buyer"], link["supplier"], link["product"]))


def sample_rows() -> dict[Sheet, list[dict[str, Any]]]:
    """Rows of every sheet of the sample workbook, by sheet, with the schema's column keys."""
    rng = random.Random(SEED)
    enterprises = _enterprises(rng)
    links = _links(rng, enterprises)
    settings_values = (COUNTY, PERIOD, COUNTY_INDUSTRIAL_OUTPUT)
    return {
        ENTERPRISES: enterprises,
        LINKS: links,
        TEMPLATE: _template_rows(),
        SETTINGS: [
            {"key": key.zh, "value": value} for key, value in zip(SETTING_KEYS, settings_values, strict=True)
        ],
        PROJECTS: [_with_choices(PROJECTS, row) for row in PROJECTS_ROWS],
        DEMANDS: [_with_choices(DEMANDS, row) for row in DEMAND_ROWS],
    }


def _with_choices(sheet: Sheet, values: tuple[Any, ...]) -> dict[str, Any]:
    """A row given in the sheet's column order, its choice keys written as the choices' zh names."""
    row = dict(zip((column.key for column in sheet.columns), values, strict=True))
    for column in sheet.columns:
        if column.choices:
            row[column.key] = next(choice.zh for choice in column.choices if choice.key == row[column.key])
    return row


def _template_rows() -> list[dict[str, Any]]:
    """The chain template as rows of the 产业链图谱 sheet."""
    stage = {choice.key: choice.zh for choice in TEMPLATE.column_by_key["stage"].choices}
    return [
        {"segment": s, "category": c, "stage": stage[st], "inputs": "、".join(ins), "note": note}
        for s, c, st, ins, note in SEGMENTS
    ]


# Writing workbooks.

_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_EXAMPLE_FILL = PatternFill("solid", fgColor="FFF2CC")
_BOLD = Font(bold=True)
#: Rows the dropdowns cover in a data sheet: far more than any county fills in, and still a small file.
_VALIDATED_ROWS = 2000
_KIND_TEXT = {
    "text": ("文本", "text"),
    "number": ("数字", "number"),
    "integer": ("整数", "whole number"),
    "bool": ("是/否", "yes/no"),
    "date": ("日期，如 2024-03-31", "date, e.g. 2024-03-31"),
    "choice": ("从下拉列表选择", "pick from the list"),
    "list": ("多项，用、分隔", "several items"),
    "credit_code": ("统一社会信用代码", "unified social credit code"),
}
_SEGMENT_COLUMNS = {
    (ENTERPRISES.key, "segment"),
    (LINKS.key, "segment"),
    (LINKS.key, "buyer_segment"),
    (PROJECTS.key, "segment"),
}


def _describe(column: Column) -> tuple[str, str]:
    """What a user must know about a column, in zh and en, from the schema alone."""
    kind_zh, kind_en = _KIND_TEXT[column.kind]
    zh = ["必填" if column.required else "选填", kind_zh]
    en = ["required" if column.required else "optional", kind_en]
    if column.money:
        zh.append("单位万元")
        en.append("in 10k yuan (万元)")
    elif column.unit is not None:
        units = "/".join(u for u in UNITS[column.unit] if not u.isascii() or column.unit != "money")
        zh.append(f"表头可注明单位：{units}")
        en.append(f"the header may name its unit: {units}")
    if column.minimum is not None:
        zh.append(f"不小于{column.minimum:g}")
        en.append(f">= {column.minimum:g}")
    if column.aliases:
        zh.append("也可写作：" + "、".join(column.aliases))
        en.append("also accepted: " + ", ".join(column.aliases))
    if column.choices:
        zh.append("可选：" + "/".join(choice.zh for choice in column.choices))
        en.append("allowed: " + "/".join(choice.en for choice in column.choices))
    # Help texts sometimes repeat what the kind already says ("是/否"); say it once.
    if column.help_zh and column.help_zh not in "；".join(zh):
        zh.append(column.help_zh)
    if column.help_en and column.help_en.casefold() not in "; ".join(en).casefold():
        en.append(column.help_en)
    return "；".join(zh), "; ".join(en)


def _width(text: object) -> float:
    """Display width of a cell: CJK characters take two columns."""
    shown = str(text)
    return sum(2 if ord(char) > 0x2E80 else 1 for char in shown)


def _write_sheet(book: Workbook, sheet: Sheet, rows: list[dict[str, Any]], template_rows: int) -> Worksheet:
    """A data sheet: zh headers with help comments, frozen header, widths, dropdowns, then the rows."""
    ws = book.create_sheet(sheet.zh)
    ws.append([column.zh for column in sheet.columns])
    for index, column in enumerate(sheet.columns, start=1):
        cell = ws.cell(row=1, column=index)
        cell.font = _BOLD
        cell.fill = _HEADER_FILL
        zh, en = _describe(column)
        comment = Comment(f"{column.zh} / {column.en}\n{zh}\n{en}", "make_data.py")
        comment.width, comment.height = 320, 140
        cell.comment = comment
    for row in rows:
        ws.append([row.get(column.key) for column in sheet.columns])
    for index, column in enumerate(sheet.columns, start=1):
        letter = get_column_letter(index)
        if column.kind == "date":
            for (cell,) in ws.iter_rows(min_row=2, min_col=index, max_col=index):
                cell.number_format = "yyyy-mm-dd"
        longest = max([_width(column.zh) + 2, *(_width(r.get(column.key) or "") for r in rows)])
        ws.column_dimensions[letter].width = min(max(longest + 2, 10), 48)
    ws.freeze_panes = "A2"
    _add_validations(ws, sheet, template_rows)
    return ws


def _add_validations(ws: Worksheet, sheet: Sheet, template_rows: int) -> None:
    """Dropdowns for yes/no, choice and segment columns; segments come from the 产业链图谱 sheet."""
    letter = get_column_letter([column.key for column in TEMPLATE.columns].index("segment") + 1)
    segment_range = f"'{TEMPLATE.zh}'!${letter}$2:${letter}${template_rows + 1}"
    for index, column in enumerate(sheet.columns, start=1):
        if column.kind == "bool":
            formula = '"是,否"'
        elif column.choices:
            formula = '"' + ",".join(choice.zh for choice in column.choices) + '"'
        elif (sheet.key, column.key) in _SEGMENT_COLUMNS:
            formula = segment_range
        else:
            continue
        letter = get_column_letter(index)
        validation = DataValidation(type="list", formula1=formula, allow_blank=True)
        validation.error = "请从下拉列表中选择 / pick a value from the list"
        validation.errorTitle = column.zh
        validation.showErrorMessage = True
        ws.add_data_validation(validation)
        validation.add(f"{letter}2:{letter}{_VALIDATED_ROWS}")


def _instructions(book: Workbook) -> None:
    """The 说明 sheet: what each sheet and column is, the rules, and example rows marked 示例."""
    ws = book.create_sheet("说明")
    ws.column_dimensions["A"].width = 22
    for letter in "BCDEFGHIJK":
        ws.column_dimensions[letter].width = 24
    title = ws.cell(
        row=1, column=1, value="产业链补链招商看板 · 数据填报模板 / Chain gap dashboard · data template"
    )
    title.font = Font(bold=True, size=14)

    def line(*values: object, bold: bool = False, fill: PatternFill | None = None) -> None:
        ws.append(list(values))
        for cell in ws[ws.max_row]:
            if bold:
                cell.font = _BOLD
            if fill is not None and cell.value not in (None, ""):
                cell.fill = fill

    ws.append([])
    line("填写步骤 / How to fill in", bold=True)
    for zh, en in (
        (
            "1. “产业链图谱”已预填新材料产业链标准环节，可按本县实际增删改。",
            "1. The template sheet is pre-filled with the standard new-materials segments; adapt it.",
        ),
        (
            "2. 在“企业”表每行填一家本地企业；在“供需关系”表每行填一条供应方→采购方关系。",
            "2. One local enterprise per row in 企业; one supplier -> buyer relation per row in 供需关系.",
        ),
        ("3. “设置”“招商项目”“诉求”为选填表。", "3. The 设置, 招商项目 and 诉求 sheets are optional."),
        (
            "4. 本“说明”表中标“示例”的行仅作示范，不会被读取；请勿把示例抄入数据表。",
            "4. Rows marked 示例 here are examples only and are never read; do not copy them into the data sheets.",
        ),
    ):
        line(zh, en)
    ws.append([])
    line("规则 / Rules", bold=True)
    yes = "/".join(sorted(w for w in TRUE_WORDS if w))
    no = "/".join(sorted(w for w in FALSE_WORDS if w))
    for zh, en in (
        (
            "金额单位为万元，表头写明其他单位（如“产值(亿元)”）时自动换算。",
            "Amounts are in 万元 (10k yuan); a header with another unit, e.g. 产值(亿元), is converted.",
        ),
        (
            "“企业”表中列出的企业为本地企业，其余供应方/采购方为外地企业，须填所在地。",
            "Parties named in 企业 are local; any other party is external and needs its region.",
        ),
        (
            "外地供应方必须填“产品环节”；本地供应方可省略，默认取其所在环节。",
            "An external supplier's link needs 产品环节; a local supplier's defaults to its segment.",
        ),
        (
            f"多项内容用 {' '.join(LIST_SEPARATORS)} 分隔。",
            f"Split several items on {' '.join(LIST_SEPARATORS)}.",
        ),
        (f"是/否列可填：{yes}（是）或 {no}（否）。", f"Yes/no columns accept {yes} (yes) or {no} (no)."),
        (
            "表名、列名也可用英文名；全角半角、空格、换行不影响识别。表名含标准名也可（如“企业名单”“1.产业链图谱”）。",
            "Sheet and column names may be in English; full-width forms, spaces and line breaks don't matter. "
            "A sheet name that contains a standard name is read as it (企业名单, 1.产业链图谱).",
        ),
        (
            "表头上方可有标题行，表头下方可有单位行（如“万元”“人”）；合并单元格按其值填入每行；"
            f"{'/'.join(sorted(TOTAL_WORDS - {'total', 'subtotal', 'grandtotal', 'sum'}))}行不计入；"
            "隐藏的行和表照常读取并提示。",
            "A title may sit above the header and a units row under it; merged cells count for every row they "
            "span; total rows (合计/小计) are left out; hidden rows and sheets are read, with a warning.",
        ),
        (
            "数字可带千分位、全角数字或单位（如“53140.7万元”“156人”）；空格可填 "
            f"{' '.join(sorted(p for p in PLACEHOLDERS if not p.isascii() or p in '-/'))} 等占位符；"
            "日期可写 2023-09-01、2023.9.1、2023年9月1日。",
            "Numbers may carry thousands separators, full-width digits or a unit (53140.7万元, 156人); empty "
            "cells may hold a placeholder such as — / 无; dates may be 2023-09-01, 2023.9.1 or 2023年9月1日.",
        ),
        (
            "“供需关系”中本地企业的名称须与“企业”表一致；与本地企业相似却不在“企业”表中的名称会报错并提示正确名称。"
            "所在地为本县、但不在“企业”表中的单位（如工程项目部）视为本县其他单位，不计为外销。",
            "Local firms in 供需关系 must be named as in 企业: a name like a local firm's but not in 企业 is an "
            "error that suggests the right one. A party in the county but not in 企业 (a building site) is another "
            "local unit, not an export market.",
        ),
        (
            "环节之间可以构成循环（如残极回收），系统会提示但照常分析。",
            "Segments may feed each other in a cycle (e.g. anode butts recycling): a warning, not an error.",
        ),
    ):
        line(zh, en)

    examples = _example_rows()
    for sheet in SHEETS:
        ws.append([])
        required = "必填" if sheet.required else "选填"
        line(
            f"工作表“{sheet.zh}” / sheet '{sheet.en}'（{required} / {'required' if sheet.required else 'optional'}）",
            bold=True,
        )
        line(sheet.help_zh, sheet.help_en)
        line("列名", "英文名 / column", "说明", "notes", bold=True, fill=_HEADER_FILL)
        for column in sheet.columns:
            zh, en = _describe(column)
            line(column.zh, column.en, zh, en)
        if sheet.key == SETTINGS.key:
            line("可用设置项 / keys:", *(f"{key.zh} / {key.key}" for key in SETTING_KEYS))
        if sheet in examples:
            line("示例", *(column.zh for column in sheet.columns), bold=True, fill=_EXAMPLE_FILL)
            for example in examples[sheet]:
                line("示例", *(example.get(column.key, "") for column in sheet.columns), fill=_EXAMPLE_FILL)


def _example_rows() -> dict[Sheet, list[dict[str, Any]]]:
    """Example rows for the 说明 sheet; the names say they are examples so nobody mistakes them for data."""
    body = "MA6XJ000"
    first17 = "91" + HANYIN_DIVISION + body + _org_code_check(body)
    code = _with_check(first17)
    return {
        ENTERPRISES: [
            {
                "name": "示例碳素有限公司",
                "credit_code": code,
                "segment": "煅后焦",
                "category": "碳素",
                "town": "涧池镇",
                "above_scale": "是",
                "output": 12000,
                "employees": 85,
                "growth_pct": 8.5,
                "products": "煅后焦",
                "deputy": "王XX",
            },
            {
                "name": "示例纺织有限公司",
                "segment": "包芯纱",
                "town": "城关镇",
                "above_scale": "否",
                "output": 900,
                "employees": 30,
                "products": "PBT包芯纱、氨纶包芯纱",
            },
        ],
        LINKS: [
            {
                "supplier": "示例碳素有限公司",
                "buyer": "示例电极有限公司",
                "product": "煅后焦",
                "value": 3000,
                "volume": 6250,
                "unit": "吨",
                "distance_km": 12,
            },
            {
                "supplier": "外地示例化纤厂",
                "buyer": "示例纺织有限公司",
                "product": "PBT高弹丝",
                "segment": "PBT高弹丝",
                "supplier_region": "江苏苏州",
                "value": 260,
                "volume": 226,
                "unit": "吨",
                "distance_km": 1300,
            },
            {
                "supplier": "示例纺织有限公司",
                "buyer": "外地示例手套厂",
                "product": "PBT包芯纱",
                "buyer_region": "山东高密",
                "buyer_segment": "针织手套",
                "value": 500,
                "volume": 227,
                "unit": "吨",
                "distance_km": 1450,
            },
        ],
        TEMPLATE: [
            {
                "segment": "煅后焦",
                "category": "碳素",
                "stage": "中游",
                "inputs": "石油焦",
                "note": "示例：石油焦煅烧",
            }
        ],
        PROJECTS: [
            {
                "name": "示例针织手套项目",
                "segment": "针织手套",
                "investor": "示例投资公司",
                "investment": 8000,
                "capacity": "3000万双/年",
                "status": "洽谈",
                "expected_output": 7000,
            }
        ],
        DEMANDS: [
            {
                "enterprise": "示例纺织有限公司",
                "type": "用工",
                "detail": "挡车工缺口20人",
                "raised": "2024-03-01",
                "owner": "县人社局",
                "due": "2024-04-30",
                "status": "办理中",
            }
        ],
    }


def _deterministic_bytes(book: Workbook) -> bytes:
    """The workbook's bytes with fixed document times and zip member times, so every run gives the same."""
    book.properties.creator = "data/make_data.py"
    book.properties.lastModifiedBy = "data/make_data.py"
    book.properties.created = FIXED_TIME
    book.properties.modified = FIXED_TIME
    raw = io.BytesIO()
    book.save(raw)
    fixed = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(raw.getvalue())) as source, zipfile.ZipFile(fixed, "w") as target:
        for info in source.infolist():
            member = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME.timetuple()[:6])
            member.compress_type = zipfile.ZIP_DEFLATED
            member.external_attr = info.external_attr
            content = source.read(info.filename)
            if info.filename == ARC_CORE:
                # openpyxl stamps "modified" with the clock while saving; write the fixed time back.
                book.properties.modified = FIXED_TIME
                content = tostring(book.properties.to_tree())
            target.writestr(member, content)
    return fixed.getvalue()


def sample_bytes() -> bytes:
    """The sample workbook: a county new-materials chain in the contract's sheets."""
    book = Workbook()
    book.remove(book.active)
    rows = sample_rows()
    for sheet in SHEETS:
        _write_sheet(book, sheet, rows[sheet], len(SEGMENTS))
    return _deterministic_bytes(book)


def template_bytes() -> bytes:
    """The blank template: 说明 first, then every sheet with headers; only 产业链图谱 and 设置 pre-filled."""
    book = Workbook()
    book.remove(book.active)
    _instructions(book)
    prefilled = {TEMPLATE: _template_rows(), SETTINGS: [{"key": key.zh} for key in SETTING_KEYS]}
    # Users add segments, so the dropdowns reach past the pre-filled ones.
    for sheet in SHEETS:
        _write_sheet(book, sheet, prefilled.get(sheet, []), 200)
    return _deterministic_bytes(book)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--out", type=Path, default=DATA_DIR, help="folder to write sample.xlsx and template.xlsx"
    )
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "sample.xlsx").write_bytes(sample_bytes())
    (args.out / "template.xlsx").write_bytes(template_bytes())


if __name__ == "__main__":
    main()
