"""Deterministic synthetic chain workbooks in the real contract, at tiny, smoke, full and limit scale.

``python bench/gen.py --scale smoke`` writes ``bench/out/smoke.xlsx`` (and a ``.meta.json`` beside it);
:func:`ensure_workbook` reuses that file while the generator's source and the scale are unchanged.

Headers, sheet names, stages, statuses and setting keys come from :mod:`chain.schema`. The xlsx is written
by a small direct writer (shared strings, a date style, fixed zip timestamps) rather than openpyxl: it is
~10x faster at 200k links and byte-for-byte reproducible, which lets the cache and the figures be compared.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import io
import json
import os
import sys
import time
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from xml.sax.saxutils import escape

import numpy as np
from openpyxl.utils import get_column_letter

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # run as a script: `python bench/gen.py`

from chain import schema  # noqa: E402
from chain.credit_code import make_credit_code  # noqa: E402
from chain.xlsxfile import zip_entry  # noqa: E402

__all__ = ["OUT", "SCALES", "Scale", "build_workbook", "ensure_workbook", "unpacked_xml_bytes"]

OUT = ROOT / "bench" / "out"


@dataclass(frozen=True)
class Scale:
    """Row counts of one benchmark workbook."""

    name: str
    enterprises: int
    links: int
    segments: int
    seed: int = 20240601


SCALES: dict[str, Scale] = {
    "tiny": Scale("tiny", enterprises=40, links=300, segments=15),
    "smoke": Scale("smoke", enterprises=2_000, links=20_000, segments=200),
    "full": Scale("full", enterprises=20_000, links=200_000, segments=500),
    # The largest workbook the limits accept: 49.5 MB (of Limits.max_file_mb = 50), 315 MB of XML, 1.1
    # million links; what the memory figure uploads.
    "limit": Scale("limit", enterprises=47_000, links=1_110_000, segments=500),
    # A province's chain: past what one upload may be, for the analysis's time and memory (run.py reads
    # it with the byte limit raised).
    "province": Scale("province", enterprises=100_000, links=1_000_000, segments=500),
}

CATEGORIES: dict[str, tuple[str, ...]] = {
    "碳素": (
        "石油焦",
        "煅后焦",
        "针状焦",
        "电极糊",
        "预焙阳极",
        "石墨电极",
        "等静压石墨",
        "碳纤维",
        "碳毡",
        "负极材料",
    ),
    "化工": ("硫铁矿", "硫酸", "烧碱", "液氯", "聚氯乙烯", "钛白粉", "磷酸盐", "涂料", "胶粘剂", "催化剂"),
    "新型建筑材料": (
        "石灰石",
        "水泥",
        "商品混凝土",
        "加气砌块",
        "页岩砖",
        "尾矿砖",
        "石膏板",
        "岩棉",
        "玻纤",
        "装配式构件",
    ),
    "生物材料": (
        "魔芋",
        "魔芋胶",
        "葛根淀粉",
        "茶多酚",
        "植物提取物",
        "蚕丝蛋白",
        "生物基纤维",
        "降解膜",
        "有机肥",
        "饲料添加剂",
    ),
    "精细轻纺": (
        "蚕茧",
        "生丝",
        "绢纺纱",
        "PBT高弹丝",
        "包芯纱",
        "纺织面料",
        "纸箱包装",
        "劳保手套",
        "服装",
        "家纺",
    ),
}
UNITS = {"碳素": "吨", "化工": "吨", "新型建筑材料": "立方米", "生物材料": "吨", "精细轻纺": "吨"}
TOWNS = (
    "城关镇",
    "涧池镇",
    "蒲溪镇",
    "平梁镇",
    "双乳镇",
    "铁佛寺镇",
    "漩涡镇",
    "汉阳镇",
    "双河口镇",
    "观音河镇",
)
#: Where outside parties are, and roughly how far by road from a county in southern Shaanxi.
REGIONS: dict[str, float] = {
    "陕西安康": 55,
    "陕西汉中": 190,
    "陕西西安": 260,
    "陕西宝鸡": 420,
    "重庆": 480,
    "湖北十堰": 400,
    "四川成都": 690,
    "甘肃兰州": 800,
    "河南郑州": 760,
    "湖南长沙": 980,
    "山东淄博": 1150,
    "河北唐山": 1250,
    "江苏南通": 1300,
    "浙江绍兴": 1420,
    "广东佛山": 1560,
    "新疆石河子": 2600,
}
BRAND_A = "华宏恒昌鑫瑞泰盛兴隆金汉丰源达安佳润祥和永信诚德天中广裕荣汇通博远凯伟晨宇"
BRAND_B = "阳江峰科邦联创星海川光新强茂航成富嘉林晟弘元辉明益康泽坤锦博隆逸洲晖瀚旭辰"
FORMS = (
    "有限公司",
    "有限责任公司",
    "股份有限公司",
    "实业有限公司",
    "科技有限公司",
    "集团有限公司",
    "材料有限公司",
    "制品有限公司",
    "工贸有限公司",
    "新材料有限公司",
    "发展有限公司",
    "厂",
    "合作社",
)
SURNAMES = "王李张刘陈杨黄赵周吴徐孙马胡朱郭何罗高林"
GIVEN = ("伟", "芳", "娜", "敏", "静", "强", "磊", "军", "洋", "勇", "艳", "杰", "涛", "明", "超", "霞")
OWNERS = (
    "县发改局",
    "县工信局",
    "县自然资源局",
    "县人社局",
    "县行政审批局",
    "国网汉阴县供电公司",
    "县金融办",
)
DEMAND_DETAILS = {
    "finance": "流动资金贷款周转困难",
    "land": "扩建用地指标待落实",
    "power": "专线增容申请",
    "labour": "熟练工招聘难",
    "permits": "环评批复办理",
    "sales": "拓展省外销售渠道",
    "other": "厂区道路硬化",
}


def credit_code(serial: int) -> str:
    """A valid 18-character unified social credit code of an enterprise registered in Hanyin (610921)."""
    return make_credit_code(f"{serial:08d}"[-8:], "610921")


def _company(index: int, word: str, prefix: str = "") -> str:
    """A company name unique per ``index`` and ``prefix`` (a mixed-radix spelling of it), with an industry word."""
    form, rest = FORMS[index % len(FORMS)], index // len(FORMS)
    a, rest = rest % len(BRAND_A), rest // len(BRAND_A)
    b, serial = rest % len(BRAND_B), rest // len(BRAND_B)
    tail = f"第{serial + 1}分公司" if serial else ""
    return f"{prefix}{BRAND_A[a]}{BRAND_B[b]}{word}{form}{tail}"


@dataclass
class Template:
    """The generated chain template: per segment its name, category, product stem, stage (zh) and inputs."""

    names: list[str]
    categories: list[str]
    stems: list[str]
    stages: list[str]
    inputs: list[list[int]]


def make_template(n: int, rng: np.random.Generator) -> Template:
    """Segments in category blocks ordered upstream -> downstream; each non-root one has 1-4 earlier
    inputs (mostly of its own category), and a few pairs feed each other (cycles, as real chains do)."""
    cats = list(CATEGORIES)
    per_cat = [n // len(cats) + (1 if i < n % len(cats) else 0) for i in range(len(cats))]
    names, categories, stems, stages, position = [], [], [], [], []
    stage_zh = [c.zh for c in schema.STAGES]
    for cat, count in zip(cats, per_cat, strict=True):
        words = CATEGORIES[cat]
        for j in range(count):
            stem = words[j % len(words)]
            names.append(stem if j < len(words) else f"{stem}-{j // len(words) + 1:02d}")
            categories.append(cat)
            stems.append(stem)
            stages.append(stage_zh[min(2, 3 * j // max(count, 1))])
            position.append(j)
    # Order by position so that "earlier" means further upstream across every category.
    order = sorted(range(n), key=lambda i: (position[i], categories[i]))
    names = [names[i] for i in order]
    categories = [categories[i] for i in order]
    stems = [stems[i] for i in order]
    stages = [stages[i] for i in order]
    position = [position[i] for i in order]
    inputs: list[list[int]] = []
    for k in range(n):
        if position[k] == 0:
            inputs.append([])
            continue
        same = [i for i in range(max(0, k - 40), k) if categories[i] == categories[k]]
        count = int(rng.integers(1, 5))
        chosen: set[int] = set()
        for _ in range(count):
            if same and rng.random() < 0.75:
                # Prefer the nearest upstream segments of the same category: chains are mostly local.
                chosen.add(same[-1 - min(len(same) - 1, int(rng.geometric(0.5)) - 1)])
            else:
                chosen.add(int(rng.integers(0, k)))
        inputs.append(sorted(chosen))
    feeders = [k for k in range(n) if inputs[k]]
    for k in rng.choice(feeders, size=min(len(feeders), max(1, n // 60)), replace=False):
        buyers = [m for m in range(k + 1, n) if k in inputs[m]]
        if buyers:
            inputs[int(k)].append(buyers[0])  # k -> m -> k: a two-segment cycle
    return Template(names, categories, stems, stages, inputs)


def build_sheets(scale: Scale) -> dict[str, list[list[object]]]:
    """The rows (header first) of every sheet of the workbook at ``scale``; same scale, same rows."""
    rng = np.random.default_rng(scale.seed)
    tpl = make_template(scale.segments, rng)
    n_seg = scale.segments

    # Enterprises: ~12 % of segments have no local firm (missing), ~8 % exactly one (weak by count).
    seg_ids = rng.permutation(n_seg)
    n_missing = max(1, round(0.12 * n_seg))
    n_single = max(1, round(0.08 * n_seg))
    missing = set(seg_ids[:n_missing].tolist())
    single = seg_ids[n_missing : n_missing + n_single]
    multi = seg_ids[n_missing + n_single :]
    weights = rng.lognormal(0.0, 1.0, size=len(multi))
    extra = scale.enterprises - len(single) - len(multi)
    counts = rng.multinomial(max(0, extra), weights / weights.sum())
    firm_seg = np.concatenate([single, multi, np.repeat(multi, counts)])[: scale.enterprises]
    firm_seg = firm_seg[rng.permutation(len(firm_seg))]
    n_ent = len(firm_seg)
    firm_names = [
        _company(int(i), tpl.stems[s][:2]) for i, s in zip(rng.permutation(n_ent), firm_seg, strict=True)
    ]
    output = np.round(rng.lognormal(np.log(1200), 1.3, size=n_ent), 1)
    employees = np.maximum(3, np.round(output / rng.lognormal(np.log(60), 0.5, size=n_ent))).astype(int)
    growth = np.round(rng.normal(5.0, 15.0, size=n_ent), 1)
    towns = rng.integers(0, len(TOWNS), size=n_ent)
    enterprises: list[list[object]] = [[c.zh for c in schema.ENTERPRISES.columns]]
    for i in range(n_ent):
        s = int(firm_seg[i])
        products = "、".join(dict.fromkeys([tpl.stems[s], *(tpl.stems[j] for j in tpl.inputs[s][:1])]))
        enterprises.append(
            [
                firm_names[i],
                credit_code(1_000_000 + i * 7919) if i % 10 else "",
                tpl.names[s],
                tpl.categories[s] if i % 2 else "",
                TOWNS[towns[i]],
                "是" if output[i] >= 2000 else "否",
                float(output[i]),
                int(employees[i]),
                float(growth[i]) if i % 10 != 3 else None,
                products,
                f"{SURNAMES[i % len(SURNAMES)]}{GIVEN[i % len(GIVEN)]}" if i % 3 == 0 else "",
            ]
        )

    # Links: buyers in segments with inputs buy an input segment, from outside with a per-segment
    # propensity (always when no local firm makes it); ~10 % are local output sold to outside buyers.
    firms_in: list[np.ndarray] = [np.flatnonzero(firm_seg == s) for s in range(n_seg)]
    p_outside = rng.beta(0.6, 2.6, size=n_seg)
    p_outside[list(missing)] = 1.0
    buyer_pool = np.flatnonzero([bool(tpl.inputs[s]) for s in firm_seg])
    n_links = scale.links
    is_export = rng.random(n_links) < 0.10
    buyer_firm = buyer_pool[rng.integers(0, len(buyer_pool), size=n_links)]
    pick = rng.random(n_links)
    product_seg = np.array(
        [
            tpl.inputs[firm_seg[b]][int(p * len(tpl.inputs[firm_seg[b]]))]
            for b, p in zip(buyer_firm, pick, strict=True)
        ]
    )
    outside = rng.random(n_links) < p_outside[product_seg]
    export_firm = rng.integers(0, n_ent, size=n_links)
    product_seg[is_export] = firm_seg[export_firm[is_export]]
    value = rng.lognormal(np.log(60), 1.3, size=n_links)
    value[outside & ~is_export] *= 1.5  # outside suppliers are the bigger ones: that is why they are used
    value = np.round(value, 1)
    jitter = rng.uniform(0.9, 1.15, size=n_links)
    region_names = list(REGIONS)
    price = {s: float(rng.lognormal(np.log(0.4), 0.8)) for s in range(n_seg)}
    # Outside companies: a pool per segment, ~6 links each, so targets have several local partners.
    pool_size = max(3, n_links // n_seg // 6)
    ext_serial = rng.integers(0, pool_size, size=n_links)
    downstream_of: list[list[int]] = [[] for _ in range(n_seg)]
    for d in range(n_seg):
        for s in tpl.inputs[d]:
            downstream_of[s].append(d)
    links: list[list[object]] = [[c.zh for c in schema.LINKS.columns]]
    for k in range(n_links):
        s = int(product_seg[k])
        region = region_names[(int(ext_serial[k]) * 7 + s) % len(region_names)]
        # The region's city leads an outside name, so it never collides with a local one.
        ext_name = _company(s * pool_size + int(ext_serial[k]), tpl.stems[s][:2], region[2:] or region)
        volume: object = None
        unit = ""
        if k % 5:
            volume = round(float(value[k]) / price[s], 1)
            unit = UNITS[tpl.categories[s]]
        distance: object = None
        if is_export[k]:
            supplier = firm_names[export_firm[k]]
            buyer_d = downstream_of[s]
            buyer_segment = tpl.names[buyer_d[k % len(buyer_d)]] if buyer_d and k % 5 < 3 else ""
            row = [
                supplier,
                ext_name,
                tpl.stems[s],
                tpl.names[s] if k % 3 == 0 else "",
                "",
                region,
                buyer_segment,
            ]
            km = REGIONS[region] * jitter[k]
        elif outside[k] or len(firms_in[s]) == 0:
            row = [ext_name, firm_names[buyer_firm[k]], tpl.stems[s], tpl.names[s], region, "", ""]
            km = REGIONS[region] * jitter[k]
        else:
            pool = firms_in[s]
            supplier = firm_names[pool[int(ext_serial[k]) % len(pool)]]
            row = [
                supplier,
                firm_names[buyer_firm[k]],
                tpl.stems[s],
                tpl.names[s] if k % 4 == 0 else "",
                "",
                "",
                "",
            ]
            km = 5 + 70 * (jitter[k] - 0.9) * 4
        if k % 12:
            distance = round(float(km))
        links.append([*row, float(value[k]), volume, unit, distance])

    template: list[list[object]] = [[c.zh for c in schema.TEMPLATE.columns]]
    for k in range(n_seg):
        note = f"{tpl.categories[k]}产业链{tpl.stages[k]}环节" if k % 4 == 0 else ""
        template.append(
            [
                tpl.names[k],
                tpl.categories[k],
                tpl.stages[k],
                "、".join(tpl.names[i] for i in tpl.inputs[k]),
                note,
            ]
        )

    key_zh = {s.key: s.zh for s in schema.SETTING_KEYS}
    settings: list[list[object]] = [
        [c.zh for c in schema.SETTINGS.columns],
        [key_zh["county"], "汉阴县"],
        [key_zh["period"], "2025年三季度"],
        [key_zh["county_industrial_output"], round(float(output.sum()) * 1.6, 1)],
    ]

    status_zh = [c.zh for c in schema.PROJECTS.column_by_key["status"].choices]
    gap_segments = sorted(missing) + [int(s) for s in single]
    projects: list[list[object]] = [[c.zh for c in schema.PROJECTS.columns]]
    for i in range(max(3, n_seg // 15)):
        s = gap_segments[(i * 5) % len(gap_segments)] if i % 3 else int(rng.integers(0, n_seg))
        tons = int(rng.integers(1, 30))
        projects.append(
            [
                f"年产{tons}万{UNITS[tpl.categories[s]]}{tpl.stems[s]}项目({i + 1})",
                tpl.names[s],
                _company(i, tpl.stems[s][:2], "深圳"),
                round(float(rng.lognormal(np.log(20_000), 0.8)), 1),
                f"年产{tons}万{UNITS[tpl.categories[s]]}",
                status_zh[i % len(status_zh)],
                round(float(rng.lognormal(np.log(30_000), 0.8)), 1),
            ]
        )

    type_choices = schema.DEMANDS.column_by_key["type"].choices
    demand_status = schema.DEMANDS.column_by_key["status"].choices
    demands: list[list[object]] = [[c.zh for c in schema.DEMANDS.columns]]
    start = dt.date(2025, 1, 6)
    for i in range(max(5, n_ent // 25)):
        kind = type_choices[i % len(type_choices)]
        status = demand_status[i % len(demand_status)]
        raised = start + dt.timedelta(days=int(rng.integers(0, 260)))
        due = raised + dt.timedelta(days=30 * (1 + i % 3))
        closed = raised + dt.timedelta(days=int(rng.integers(3, 45))) if status.key == "closed" else None
        demands.append(
            [
                firm_names[int(rng.integers(0, n_ent))],
                kind.zh,
                DEMAND_DETAILS[kind.key],
                raised,
                OWNERS[i % len(OWNERS)],
                due,
                status.zh,
                closed,
            ]
        )

    return {
        schema.ENTERPRISES.zh: enterprises,
        schema.LINKS.zh: links,
        schema.TEMPLATE.zh: template,
        schema.SETTINGS.zh: settings,
        schema.PROJECTS.zh: projects,
        schema.DEMANDS.zh: demands,
    }


_EPOCH = dt.date(1899, 12, 30)
_ZIP_TIME = dt.datetime(2024, 1, 1)


def _sheet_xml(rows: Sequence[Sequence[object]], strings: dict[str, int]) -> str:
    """One worksheet's XML: shared strings for text, numbers as numbers, dates as serials with style 1."""
    width = max(len(r) for r in rows)
    letters = [get_column_letter(i + 1) for i in range(width)]
    parts = [
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f'<dimension ref="A1:{letters[-1]}{len(rows)}"/><sheetData>'
    ]
    append = parts.append
    for r, row in enumerate(rows, start=1):
        append(f'<row r="{r}">')
        for c, cell in enumerate(row):
            if cell is None or cell == "":
                continue
            ref = f"{letters[c]}{r}"
            if isinstance(cell, str):
                index = strings.setdefault(cell, len(strings))
                append(f'<c r="{ref}" t="s"><v>{index}</v></c>')
            elif isinstance(cell, dt.date):
                append(f'<c r="{ref}" s="1"><v>{(cell - _EPOCH).days}</v></c>')
            else:
                append(f'<c r="{ref}"><v>{cell!r}</v></c>')
        append("</row>")
    append("</sheetData></worksheet>")
    return "".join(parts)


def _package(sheets: dict[str, list[list[object]]]) -> dict[str, str]:
    """The xlsx members, by path."""
    strings: dict[str, int] = {}
    members: dict[str, str] = {}
    for i, rows in enumerate(sheets.values(), start=1):
        members[f"xl/worksheets/sheet{i}.xml"] = _sheet_xml(rows, strings)
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    pkg = "http://schemas.openxmlformats.org/package/2006/relationships"
    ct_sheet = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
    n = len(sheets)
    members["[Content_Types].xml"] = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/styles.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
        '<Override PartName="/xl/sharedStrings.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
        + "".join(
            f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="{ct_sheet}"/>'
            for i in range(1, n + 1)
        )
        + "</Types>"
    )
    members["_rels/.rels"] = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="{pkg}">'
        f'<Relationship Id="rId1" Type="{rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
    )
    members["xl/workbook.xml"] = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook xmlns="{main}" xmlns:r="{rel}"><sheets>'
        + "".join(
            f'<sheet name="{escape(name)}" sheetId="{i}" r:id="rId{i}"/>'
            for i, name in enumerate(sheets, start=1)
        )
        + "</sheets></workbook>"
    )
    members["xl/_rels/workbook.xml.rels"] = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="{pkg}">'
        + "".join(
            f'<Relationship Id="rId{i}" Type="{rel}/worksheet" Target="worksheets/sheet{i}.xml"/>'
            for i in range(1, n + 1)
        )
        + f'<Relationship Id="rId{n + 1}" Type="{rel}/styles" Target="styles.xml"/>'
        + f'<Relationship Id="rId{n + 2}" Type="{rel}/sharedStrings" Target="sharedStrings.xml"/>'
        + "</Relationships>"
    )
    members["xl/styles.xml"] = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<styleSheet xmlns="{main}">'
        '<fonts count="1"><font><sz val="11"/><name val="等线"/></font></fonts>'
        '<fills count="2"><fill><patternFill patternType="none"/></fill>'
        '<fill><patternFill patternType="gray125"/></fill></fills>'
        '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
        '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
        '<xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>'
        '<cellStyles count="1"><cellStyle name="常规" xfId="0" builtinId="0"/></cellStyles>'
        "</styleSheet>"
    )
    members["xl/sharedStrings.xml"] = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<sst xmlns="{main}" count="{len(strings)}" uniqueCount="{len(strings)}">'
        + "".join(f"<si><t>{escape(text)}</t></si>" for text in strings)
        + "</sst>"
    )
    return members


def write_xlsx(sheets: dict[str, list[list[object]]]) -> bytes:
    """xlsx bytes of ``sheets`` (name -> rows, header first); the same rows always give the same bytes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path, text in _package(sheets).items():
            archive.writestr(zip_entry(path, _ZIP_TIME), text.encode("utf-8"), compresslevel=6)
    return buffer.getvalue()


def build_workbook(scale: Scale | str) -> bytes:
    """The workbook at ``scale`` as xlsx bytes (not cached)."""
    chosen = SCALES[scale] if isinstance(scale, str) else scale
    return write_xlsx(build_sheets(chosen))


def unpacked_xml_bytes(data: bytes) -> int:
    """Sum of the unpacked sizes of the workbook's zip members: the size of the XML a parser must read."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return sum(info.file_size for info in archive.infolist())


def _fingerprint(scale: Scale) -> str:
    source = Path(__file__).read_bytes() + (ROOT / "chain" / "schema.py").read_bytes()
    return hashlib.sha256(source + json.dumps(asdict(scale)).encode()).hexdigest()


def ensure_workbook(scale: str, out: Path = OUT) -> Path:
    """Path of the cached workbook at ``scale``, regenerated when the generator or schema changed."""
    chosen = SCALES[scale]
    path = out / f"{scale}.xlsx"
    meta_path = out / f"{scale}.meta.json"
    fingerprint = _fingerprint(chosen)
    if path.exists() and meta_path.exists():
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        if meta.get("fingerprint") == fingerprint:
            return path
    out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    data = build_workbook(chosen)
    meta = {
        "scale": asdict(chosen),
        "fingerprint": fingerprint,
        "sha256": hashlib.sha256(data).hexdigest(),
        "bytes": len(data),
        "xml_bytes": unpacked_xml_bytes(data),
        "seconds": round(time.perf_counter() - started, 2),
    }
    # Written aside and renamed: another process may be reading or regenerating the same scale.
    for target, content in (
        (path, data),
        (meta_path, json.dumps(meta, ensure_ascii=False, indent=2).encode()),
    ):
        partial = target.with_name(f"{target.name}.{os.getpid()}.partial")
        partial.write_bytes(content)
        os.replace(partial, target)
    return path


def main(argv: Iterable[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Write a synthetic benchmark workbook to bench/out/SCALE.xlsx."
    )
    parser.add_argument("--scale", choices=list(SCALES), default="smoke")
    parser.add_argument(
        "--force", action="store_true", help="regenerate even when the cached file is current"
    )
    args = parser.parse_args(None if argv is None else list(argv))
    if args.force:
        (OUT / f"{args.scale}.meta.json").unlink(missing_ok=True)
    path = ensure_workbook(args.scale)
    meta = json.loads(path.with_suffix(".meta.json").read_text(encoding="utf-8"))
    print(f"{path.relative_to(ROOT)}: {meta['bytes'] / 1e6:.1f} MB ({meta['xml_bytes'] / 1e6:.1f} MB of XML)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
