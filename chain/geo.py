"""Where a region is: China's administrative divisions (province / city / county, adcode, coordinates) from
cpca's national table, region text resolved to them, and distances between them.

Why a gazetteer: a region in 供需关系 is free text, and 陕西紫阳, 陕西省紫阳县 and 紫阳县 must be one place,
whose distance from the county can be estimated when no one typed it. Which package and why:
``docs/geography.md``. Resolution never guesses silently: a text that names no division, or several that
are not nested in one another (朝阳区: Beijing's and Changchun's), resolves to nothing and says which
divisions it could be (:class:`Place.candidates`); the loader turns that into a located warning.
"""

from __future__ import annotations

import csv
import importlib.util
import math
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from chain.places import drop_notes, is_county, place_core
from chain.problems import Problem, problem
from chain.settings import ReadSettings

__all__ = [
    "EARTH_RADIUS_KM",
    "REGION_GROUPS",
    "Division",
    "Gazetteer",
    "LinkCells",
    "Place",
    "county_regions",
    "gazetteer",
    "great_circle_km",
    "in_region",
    "locate_county",
    "locate_links",
    "resolve_regions",
    "same_place_key",
    "short_province",
]

#: The mean Earth radius (IUGG), in km: great-circle distances on a sphere are within 0.5 % of the ellipsoid's.
EARTH_RADIUS_KM = 6371.0088

#: The usual groupings of provinces and cities a recruiting office filters by, as adcode prefixes (2 digits:
#: a province, 4: a prefecture-level city). 长三角: the four provinces of the 2019 national plan; 珠三角: the
#: nine cities of Guangdong's Pearl River Delta; 京津冀: Beijing, Tianjin, Hebei; 成渝: Chongqing and Sichuan
#: (the 双城经济圈 covers most of Sichuan; the whole province is the practical reading); 关中: the five cities
#: of the Guanzhong plain in Shaanxi (西安, 铜川, 宝鸡, 咸阳, 渭南).
REGION_GROUPS: dict[str, tuple[str, ...]] = {
    "长三角": ("31", "32", "33", "34"),
    "珠三角": ("4401", "4403", "4404", "4406", "4407", "4412", "4413", "4419", "4420"),
    "京津冀": ("11", "12", "13"),
    "成渝": ("50", "51"),
    "关中": ("6101", "6102", "6103", "6104", "6105"),
}

#: Rows of the table that are no place a person writes: containers of county-level units.
_PLACEHOLDERS = frozenset({"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"})
#: Short forms of the autonomous regions, which are not the full name less a suffix.
_PROVINCE_SHORT = {
    "内蒙古自治区": ("内蒙古", "内蒙"),
    "广西壮族自治区": ("广西",),
    "西藏自治区": ("西藏",),
    "宁夏回族自治区": ("宁夏",),
    "新疆维吾尔自治区": ("新疆",),
}
_PROVINCE_SUFFIX = re.compile(r"(?:省|市|特别行政区|自治区)$")
_SPACE = re.compile(r"\s+")
_COUNTRY = re.compile(r"^(?:中华人民共和国|中国)")


@dataclass(frozen=True)
class Division:
    """One administrative division: its 6-digit adcode, name, level (0 province, 1 prefecture-level city,
    2 county level) and the coordinates of its seat (longitude, latitude, degrees)."""

    adcode: str
    name: str
    level: int
    lon: float
    lat: float

    @property
    def prefix(self) -> str:
        """The adcode digits its subdivisions share: 2 for a province, 4 for a city, 6 for a county."""
        return self.adcode[: 2 * (self.level + 1)]

    def contains(self, other: Division) -> bool:
        """Whether ``other`` is this division or lies inside it."""
        return other.level >= self.level and other.adcode.startswith(self.prefix)


@dataclass(frozen=True)
class Place:
    """What a region text resolves to: ``adcode`` ("" when it names no division or is ambiguous) and, when
    ambiguous, the adcodes it could be (``candidates``, two or more)."""

    text: str
    adcode: str = ""
    candidates: tuple[str, ...] = ()

    @property
    def resolved(self) -> bool:
        return bool(self.adcode)

    @property
    def ambiguous(self) -> bool:
        return len(self.candidates) > 1


def _table_path() -> Path:
    """cpca's adcode table, found without importing cpca: its ``__init__`` builds a matcher this module does
    not use and reads the file through ``pkg_resources``, which recent setuptools no longer ships."""
    spec = importlib.util.find_spec("cpca")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("cpca is not installed: pip install -r requirements.txt")
    return Path(next(iter(spec.submodule_search_locations))) / "resources"


class Gazetteer:
    """The divisions of cpca's table with every name they are written by: the full name (陕西省, 安康市,
    紫阳县) and the short form people write (陕西, 安康, 紫阳; 恩施 for 恩施土家族苗族自治州)."""

    def __init__(self, rows: Iterable[Mapping[str, str]], nations: Iterable[str]) -> None:
        ethnic = sorted({n.strip() for n in nations if n.strip()}, key=len, reverse=True)
        words = "|".join(re.escape(w) for n in ethnic for w in (n, n.removesuffix("族")) if w)
        autonomous = re.compile(rf"^(.{{2,}}?)(?:{words}|各族)+自治(?:州|县|旗)$")
        self.divisions: dict[str, Division] = {}
        self._by_name: dict[str, list[str]] = {}
        for row in rows:
            name, code = row["name"].strip(), row["adcode"][:6]
            if name in _PLACEHOLDERS or not row["longitude"]:
                continue
            level = 0 if code.endswith("0000") else 1 if code.endswith("00") else 2
            self.divisions[code] = Division(
                code, name, level, float(row["longitude"]), float(row["latitude"])
            )
            for written in self._written(name, level, autonomous):
                codes = self._by_name.setdefault(written, [])
                if code not in codes:
                    codes.append(code)
        self._longest = max(map(len, self._by_name))

    @staticmethod
    def _written(name: str, level: int, autonomous: re.Pattern[str]) -> tuple[str, ...]:
        """The ways a division's name is written: in full, and short when two characters or more remain."""
        if level == 0:
            short = _PROVINCE_SHORT.get(name) or (_PROVINCE_SUFFIX.sub("", name),)
            return (name, *short)
        match = autonomous.match(name)
        if match:
            return (name, match.group(1))
        suffix = r"(?:市|地区|盟|州)$" if level == 1 else r"(?:林区|特区|新区|县|区|市|旗)$"
        short = re.sub(suffix, "", name)
        return (name, short) if len(short) >= 2 and short != name else (name,)

    def resolve(self, text: object) -> Place:
        """The division ``text`` names: the longest reading from its start, a province, a city and a county
        each optional but nested (江苏省张家港市, 江苏张家港, 张家港 -> 320582); trailing text (a street) is
        ignored. Readings that end at the same place but name divisions not nested in one another leave it
        ambiguous (``candidates``), except that a province wins over a namesake elsewhere (海南: the
        province, not 青海's 海南州); nested ones resolve to the largest (吉林: the province).

        >>> g = gazetteer()
        >>> [g.resolve(t).adcode for t in ("江苏省张家港市", "江苏张家港", "张家港", "陕西紫阳", "湖北恩施")]
        ['320582', '320582', '320582', '610924', '422800']
        >>> g.resolve("朝阳区").candidates, g.resolve("某省测试县").resolved
        (('110105', '220104'), False)
        """
        return self._resolve(_normal(text))

    @lru_cache(maxsize=65536)  # noqa: B019 - one gazetteer per process (gazetteer()), never freed anyway
    def _resolve(self, text: str) -> Place:
        readings = self._readings(text, 0, None)
        if not readings:
            return Place(text)
        end = max(stop for stop, _ in readings)
        finals = [self.divisions[code] for code in dict.fromkeys(c for stop, c in readings if stop == end)]
        outer = [d for d in finals if all(d.contains(other) for other in finals)]
        if outer:
            return Place(text, outer[0].adcode)
        provinces = [d for d in finals if d.level == 0]
        if len(provinces) == 1:
            return Place(text, provinces[0].adcode)
        return Place(text, "", tuple(sorted(d.adcode for d in finals)))

    def _readings(self, text: str, start: int, parent: Division | None) -> list[tuple[int, str]]:
        """(end, adcode) of every nested reading of ``text`` from ``start`` under ``parent``."""
        found: list[tuple[int, str]] = []
        for length in range(min(self._longest, len(text) - start), 1, -1):
            for code in self._by_name.get(text[start : start + length], ()):
                division = self.divisions[code]
                if parent is not None and not (division.level > parent.level and parent.contains(division)):
                    continue
                found.append((start + length, code))
                found.extend(self._readings(text, start + length, division))
        return found

    def province(self, adcode: str) -> str:
        """The province (or municipality, autonomous region) an adcode lies in; "" for none."""
        division = self.divisions.get(adcode[:2] + "0000")
        return division.name if division and adcode else ""

    def city(self, adcode: str) -> str:
        """The prefecture-level city an adcode lies in: a municipality's own name for its districts, and a
        county-level city directly under its province (石河子市, 仙桃市) for itself; "" for a province."""
        division = self.divisions.get(adcode)
        if division is None or division.level == 0:
            return ""
        city = self.divisions.get(adcode[:4] + "00")
        if city is not None:
            return city.name
        municipality = adcode[:2] in ("11", "12", "31", "50")
        return self.province(adcode) if municipality else division.name

    def full_name(self, adcode: str) -> str:
        """Province, city and county written out: 陕西省安康市紫阳县, 北京市朝阳区, 江苏省.

        >>> gazetteer().full_name("610924"), gazetteer().full_name("110105")
        ('陕西省安康市紫阳县', '北京市朝阳区')
        """
        division = self.divisions.get(adcode)
        if division is None:
            return ""
        parts = [self.province(adcode), self.city(adcode), division.name]
        return "".join(dict.fromkeys(p for p in parts if p))


@cache
def gazetteer() -> Gazetteer:
    """The gazetteer, read once per process from cpca's table (about 3,200 divisions with coordinates)."""
    folder = _table_path()
    with (folder / "adcodes.csv").open(encoding="utf-8", newline="") as table:
        rows = list(csv.DictReader(table))
    nations = (folder / "56_nations.csv").read_text(encoding="utf-8").split()
    return Gazetteer(rows, nations)


def _normal(text: object) -> str:
    """Region text as compared: NFKC (full-width folded), no white space, no bracketed note, no 中国."""
    folded = _SPACE.sub("", unicodedata.normalize("NFKC", "" if text is None else str(text)))
    return _COUNTRY.sub("", drop_notes(folded))


def resolve_regions(texts: Iterable[str]) -> pd.DataFrame:
    """Each distinct text resolved once: a frame indexed by the text with adcode ("" unresolved), province,
    city, county (the division's own name when county level), lon, lat (NaN unresolved) and candidates (a
    tuple of full names when ambiguous). Blank texts are left out.

    >>> resolve_regions(["陕西安康", "朝阳区"]).loc[:, ["adcode", "province", "city", "county"]].to_dict("index")
    {'陕西安康': {'adcode': '610900', 'province': '陕西省', 'city': '安康市', 'county': ''}, '朝阳区': {'adcode': '', 'province': '', 'city': '', 'county': ''}}
    """
    book = gazetteer()
    distinct = [t for t in dict.fromkeys(texts) if isinstance(t, str) and t.strip()]
    records = []
    for text in distinct:
        place = book.resolve(text)
        division = book.divisions.get(place.adcode)
        records.append(
            {
                "adcode": place.adcode,
                "province": book.province(place.adcode),
                "city": book.city(place.adcode),
                "county": division.name if division is not None and division.level == 2 else "",
                "lon": division.lon if division is not None else math.nan,
                "lat": division.lat if division is not None else math.nan,
                "candidates": tuple(book.full_name(c) for c in place.candidates),
            }
        )
    # Built a column at a time in its dtype: the frame is a handful of rows, and a frame of records cast
    # column by column afterwards cost ten times the resolution itself.
    columns: dict[str, object] = {}
    for column in ("adcode", "province", "city", "county"):
        columns[column] = pd.array([record[column] for record in records], dtype="str")
    for column in ("lon", "lat"):
        columns[column] = np.array([record[column] for record in records], dtype=float)
    columns["candidates"] = pd.Series([record["candidates"] for record in records], dtype=object).array
    return pd.DataFrame(columns, index=pd.Index(distinct, dtype="str"))


def short_province(name: str) -> str:
    """A province's name as a map label writes it: 陕西, 内蒙古, 北京.

    >>> short_province("陕西省"), short_province("内蒙古自治区"), short_province("香港特别行政区")
    ('陕西', '内蒙古', '香港')
    """
    short = _PROVINCE_SHORT.get(name)
    return short[0] if short else _PROVINCE_SUFFIX.sub("", name)


def great_circle_km(lon1: object, lat1: object, lon2: object, lat2: object) -> np.ndarray:
    """The great-circle (haversine) distance in km between points given in degrees, element-wise; NaN where
    a coordinate is missing.

    >>> round(float(great_circle_km(116.4074, 39.9042, 121.4737, 31.2304)))  # Beijing - Shanghai
    1067
    """
    lon1, lat1, lon2, lat2 = (np.radians(np.asarray(v, dtype=float)) for v in (lon1, lat1, lon2, lat2))
    half = np.sin((lat2 - lat1) / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(half, 0.0, 1.0)))


def in_region(adcodes: pd.Series, texts: pd.Series, wanted: str) -> pd.Series:
    """Which places are in ``wanted``: a grouping of :data:`REGION_GROUPS` (长三角), or a division the
    gazetteer resolves (江苏, 苏州市: every place inside it); otherwise, text containing ``wanted``.

    >>> codes, texts = pd.Series(["320582", "610924", ""]), pd.Series(["江苏张家港", "陕西紫阳", "某地"])
    >>> in_region(codes, texts, "长三角").tolist(), in_region(codes, texts, "陕西").tolist()
    ([True, False, False], [False, True, False])
    >>> in_region(codes, texts, "某").tolist()
    [False, False, True]
    """
    wanted = wanted.strip()
    prefixes = REGION_GROUPS.get(wanted)
    if prefixes is None:
        place = gazetteer().resolve(wanted)
        if place.resolved:
            prefixes = (gazetteer().divisions[place.adcode].prefix,)
    if prefixes is None:
        return texts.astype("str").str.contains(wanted, regex=False)
    return adcodes.astype("str").str.startswith(prefixes) & adcodes.astype("str").ne("")


def same_place_key(text: object) -> str:
    """What makes two region texts one place: the adcode they resolve to, else their place-name core
    (:func:`chain.places.place_core`) for text the gazetteer does not know."""
    place = gazetteer().resolve(text)
    return place.adcode or f"?{place_core(text)}"


def locate_county(county: object, code: object = "") -> tuple[str, str, tuple[str, ...]]:
    """The county of 设置: its adcode from 行政区划代码 when that is a known division, else from 县名.

    Returns (adcode, the problem code when it has none — ``county_unknown``, ``county_ambiguous`` or
    ``county_code_unknown`` — or "", the candidates' full names). No 县名 and no code is no problem: ("",
    "", ()).

    >>> locate_county("汉阴县(示例数据)"), locate_county("鼓楼区", "350102")[0], locate_county("")
    (('610921', '', ()), '350102', ('', '', ()))
    """
    book = gazetteer()
    written = re.sub(r"\D", "", str(code or ""))
    if written:
        division = book.divisions.get(written[:6])
        if len(written) in (6, 12) and division is not None:
            return division.adcode, "", ()
    if not _normal(county):
        return "", "county_code_unknown" if written else "", ()
    place = book.resolve(county)
    if place.resolved:
        return place.adcode, "county_code_unknown" if written else "", ()
    if place.ambiguous:
        return "", "county_ambiguous", tuple(book.full_name(c) for c in place.candidates)
    return "", "county_unknown", ()


def county_regions(regions: Iterable[str], county: object, code: object = "") -> set[str]:
    """The region texts that name a place inside the county (汉阴, 陕西省汉阴县, 汉阴县城关镇 for 汉阴县).

    When the county is not a division the gazetteer knows (a test's 测试县, or ambiguous), a region names it
    when both have the same place-name core (:func:`chain.places.is_county`): the county's own text is all
    there is to compare, and the loader has warned that the county was not found.

    >>> sorted(county_regions(["陕西汉阴", "汉阴县城关镇", "陕西安康", "汉中"], "汉阴县(示例数据)"))
    ['汉阴县城关镇', '陕西汉阴']
    """
    adcode, _, _ = locate_county(county, code)
    if not adcode:
        return {region for region in regions if is_county(region, county)}
    book = gazetteer()
    home = book.divisions[adcode]
    inside = set()
    for region in regions:
        place = book.resolve(region)
        if place.resolved and home.contains(book.divisions[place.adcode]):
            inside.add(region)
    return inside


@dataclass(frozen=True)
class LinkCells:
    """Where the loader read what :func:`locate_links` checks, so that each warning is located: the links
    sheet and its region and distance headers as written, the settings sheet and the 县名 row and header."""

    sheet: str
    supplier_region: str
    buyer_region: str
    distance: str
    settings_sheet: str = ""
    county_row: int | None = None
    county_column: str | None = None


def locate_links(
    links: pd.DataFrame, settings: Mapping[str, object], rules: ReadSettings, cells: LinkCells
) -> tuple[pd.DataFrame, list[Problem]]:
    """The links with where each party is and every distance known or estimated, and the warnings found.

    Adds ``supplier_adcode`` and ``buyer_adcode`` (the county's for a party in the county, the region's
    for an outside party; "" when unknown) and ``distance_estimated``; a missing ``distance_km`` between
    two known, different places, not both in the county, becomes the great-circle distance times
    ``rules.road_factor``, flagged. A typed distance is kept, and is a warning when it is off the estimate
    by more than ``rules.distance_warning_factor`` times and ``rules.distance_warning_km``. Each region text
    is resolved once, whatever the number of rows; a region that is unknown or ambiguous is one warning at
    its first row, with its count (and the candidates). Returns a new frame; ``links`` is not changed.
    """
    book = gazetteer()
    found: list[Problem] = []
    county = str(settings.get("county") or "")
    home, trouble, candidates = locate_county(county, settings.get("county_code"))
    one_side_outside = links["supplier_in_county"].to_numpy(dtype=bool) != links["buyer_in_county"].to_numpy(
        dtype=bool
    )
    # A county the gazetteer does not know costs the estimates of missing distances to it (the map says
    # for itself that it can't place the county): worth a warning only when such a distance is missing.
    costly = trouble != "county_unknown" or bool((one_side_outside & links["distance_km"].isna()).any())
    if trouble and costly:
        value = settings.get("county_code") if trouble == "county_code_unknown" else county
        found.append(
            problem(
                trouble,
                cells.settings_sheet,
                cells.county_row,
                cells.county_column,
                value,
                candidates="、".join(candidates),
            )
        )
    rows = links["row"].to_numpy()
    codes: dict[str, np.ndarray] = {}
    where: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    for side, header in (("supplier", cells.supplier_region), ("buyer", cells.buyer_region)):
        # Each distinct text once (factorised), then back to rows by position: no string lookups per row.
        number, texts = pd.factorize(links[f"{side}_region"].astype("str"), use_na_sentinel=False)
        inside = links[f"{side}_in_county"].to_numpy(dtype=bool)
        outside_seen = np.zeros(len(texts), dtype=bool)
        outside_seen[number[~inside]] = True
        places = resolve_regions(list(texts[outside_seen]))
        distinct_code = np.array([places["adcode"].get(t, "") for t in texts], dtype=object)
        # The county itself is one more code, so a party in it takes the county's place.
        side_codes = np.append(distinct_code, home)
        side_number = np.where(inside, len(texts), number)
        codes[side] = side_codes[side_number]
        lon = np.array([book.divisions[c].lon if c else math.nan for c in side_codes], dtype=float)
        lat = np.array([book.divisions[c].lat if c else math.nan for c in side_codes], dtype=float)
        where[side] = (lon[side_number], lat[side_number])
        trouble_text = np.zeros(len(texts) + 1, dtype=bool)
        trouble_text[:-1] = outside_seen & (distinct_code == "") & (np.array(list(texts), dtype=object) != "")
        troubled = np.flatnonzero(trouble_text[side_number])
        if troubled.size:
            bad = pd.Series(number[troubled], index=troubled)
            counts = bad.value_counts(sort=False)
            # First row of each text, in row order.
            for position, text_number in bad.drop_duplicates().items():
                text = texts[text_number]
                named = places.loc[text, "candidates"]
                found.append(
                    problem(
                        "region_ambiguous" if named else "region_unknown",
                        cells.sheet,
                        int(rows[position]),
                        header,
                        text,
                        count=int(counts[text_number]),
                        candidates="、".join(named),
                    )
                )
    both_inside = links["supplier_in_county"].to_numpy(dtype=bool) & links["buyer_in_county"].to_numpy(
        dtype=bool
    )
    apart = (codes["supplier"] != codes["buyer"]) & ~both_inside
    estimate = np.where(
        apart, great_circle_km(*where["supplier"], *where["buyer"]) * rules.road_factor, np.nan
    )
    typed = links["distance_km"].to_numpy(dtype=float)
    estimated = np.isnan(typed) & ~np.isnan(estimate)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = typed / estimate
    far = (
        ~np.isnan(typed)
        & ~np.isnan(estimate)
        & (estimate > 0)
        & ((ratio > rules.distance_warning_factor) | (ratio < 1 / rules.distance_warning_factor))
        & (np.abs(typed - estimate) > rules.distance_warning_km)
    )
    if far.any():
        # One warning per outside place, at its first row: the same wrong unit usually runs down a column.
        outside_text = np.where(
            links["supplier_in_county"].to_numpy(dtype=bool),
            links["buyer_region"].astype("str").to_numpy(dtype=object),
            links["supplier_region"].astype("str").to_numpy(dtype=object),
        )
        positions = np.flatnonzero(far)
        for text in dict.fromkeys(outside_text[positions].tolist()):
            at = positions[outside_text[positions] == text]
            first = int(at[0])
            found.append(
                problem(
                    "distance_far_from_estimate",
                    cells.sheet,
                    int(rows[first]),
                    cells.distance,
                    f"{typed[first]:g}",
                    typed=typed[first],
                    estimate=estimate[first],
                    place=text,
                    factor=rules.distance_warning_factor,
                    count=len(at),
                )
            )
    located = links.copy()
    position = located.columns.get_loc("row")
    located.insert(position, "supplier_adcode", pd.Series(codes["supplier"], index=links.index, dtype="str"))
    located.insert(position + 1, "buyer_adcode", pd.Series(codes["buyer"], index=links.index, dtype="str"))
    located.insert(position + 2, "distance_estimated", estimated)
    located["distance_km"] = np.where(estimated, estimate, typed)
    return located, found
