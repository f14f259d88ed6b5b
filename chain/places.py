"""Place names compared by their core, so that 陕西汉阴, 陕西省汉阴县 and 汉阴县(示例数据) are one county.

The rule is deliberately small: drop bracketed notes and white space, a leading province (full or short
name), anything up to the last prefecture-level marker (市, 州, 盟, 地区) that has more text after it, and a
trailing county-level marker (县, 区, 市, 旗, 自治县). Names use it for their cores (:mod:`chain.names`).
Regions resolve through the gazetteer (:mod:`chain.geo`); :func:`is_county` decides whether a region is the
county only when 设置's county is no division the gazetteer knows (a made-up 测试县), where the text is
all there is to compare.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["drop_notes", "is_county", "place_core", "strip_province"]

#: Provinces and their short forms, longest first so that 内蒙古自治区 wins over 内蒙古.
_PROVINCES = [
    "北京市",
    "天津市",
    "上海市",
    "重庆市",
    "河北省",
    "山西省",
    "辽宁省",
    "吉林省",
    "黑龙江省",
    "江苏省",
    "浙江省",
    "安徽省",
    "福建省",
    "江西省",
    "山东省",
    "河南省",
    "湖北省",
    "湖南省",
    "广东省",
    "海南省",
    "四川省",
    "贵州省",
    "云南省",
    "陕西省",
    "甘肃省",
    "青海省",
    "台湾省",
    "内蒙古自治区",
    "广西壮族自治区",
    "西藏自治区",
    "宁夏回族自治区",
    "新疆维吾尔自治区",
    "香港特别行政区",
    "澳门特别行政区",
]
_SHORT = re.compile(r"(壮族自治区|回族自治区|维吾尔自治区|自治区|特别行政区|省|市)$")
_PREFIXES = sorted({*_PROVINCES, *(_SHORT.sub("", p) for p in _PROVINCES)}, key=len, reverse=True)
#: A province not in the list above (a placeholder such as 某省 in a test, or a typo): up to three
#: characters and 省 or 自治区.
_ANY_PROVINCE = re.compile(r"^[^省市县区]{1,3}(?:省|自治区)(?=..)")
_BRACKETS = re.compile(r"\([^()]*\)|\[[^\[\]]*\]|【[^【】]*】")
_PREFECTURE = re.compile(r"^.+?(?:市|地区|自治州|州|盟)(?=..)")
_COUNTY_MARKER = re.compile(r"(?<=..)(?:自治县|县|区|市|旗)$")
_SPACE = re.compile(r"\s+")


def drop_notes(text: str) -> str:
    """``text`` without its bracketed notes: (示例数据), [备注], 【集团】 (brackets already folded to half width).

    >>> drop_notes("汉阴县(示例数据)"), drop_notes("秦巴【集团】有限公司")
    ('汉阴县', '秦巴有限公司')
    """
    return _BRACKETS.sub("", text)


def strip_province(text: str) -> str:
    """``text`` without a leading province name, full or short (陕西省…, 陕西…), when something is left.

    >>> strip_province("陕西汉阴恒泰碳材料"), strip_province("陕西"), strip_province("某省测试县")
    ('汉阴恒泰碳材料', '陕西', '测试县')
    """
    for prefix in _PREFIXES:
        if text.startswith(prefix) and len(text) - len(prefix) >= 2:
            return text[len(prefix) :]
    return _ANY_PROVINCE.sub("", text)


def place_core(text: object) -> str:
    """The core of a place name: what is left after province, prefecture and county-level markers.

    >>> [place_core(t) for t in ("陕西汉阴", "陕西省汉阴县", "汉阴县（示例数据）", "陕西省安康市汉阴县", " 汉阴 ")]
    ['汉阴', '汉阴', '汉阴', '汉阴', '汉阴']
    >>> [place_core(t) for t in ("江苏张家港", "江苏省张家港市", "河北唐山", "陕西安康", "北京市朝阳区")]
    ['张家港', '张家港', '唐山', '安康', '朝阳']
    >>> place_core(""), place_core("陕西")
    ('', '陕西')
    """
    core = _SPACE.sub("", unicodedata.normalize("NFKC", str(text)))
    core = strip_province(drop_notes(core))
    core = _PREFECTURE.sub("", core)
    return _COUNTY_MARKER.sub("", core)


def is_county(region: object, county: object) -> bool:
    """Whether ``region`` names the county ``county`` (both compared by :func:`place_core`).

    >>> is_county("陕西省汉阴县", "汉阴县(示例数据)"), is_county("陕西安康", "汉阴县"), is_county("汉阴", "")
    (True, False, False)
    """
    wanted = place_core(county)
    return bool(wanted) and place_core(region) == wanted
