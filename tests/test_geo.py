"""The gazetteer (chain/geo.py): region text to divisions, the county's place, estimated distances, and
what the loader, the targets and the flow map make of them."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from chain import charts, geo, geoflows, render
from chain.gaps import analyze
from chain.load import load_workbook
from chain.settings import ReadSettings
from chain.targets import recruiting_targets
from tests.factory import TINY, make_workbook

# Real spellings seen in county workbooks -> adcode ("" when no division is named).
SPELLINGS = [
    # with and without 省 / 市 / 县, the same county
    ("陕西省安康市紫阳县", "610924"),
    ("陕西省紫阳县", "610924"),
    ("陕西紫阳", "610924"),
    ("紫阳县", "610924"),
    ("紫阳", "610924"),
    ("江苏省张家港市", "320582"),
    ("江苏张家港", "320582"),
    ("张家港", "320582"),
    ("江苏省苏州市张家港市杨舍镇", "320582"),  # a street after the county is ignored
    # prefecture-level cities, full and short
    ("陕西安康", "610900"),
    ("安康市", "610900"),
    ("河南洛阳", "410300"),
    ("宁夏石嘴山", "640200"),
    # autonomous prefectures and counties by their short names
    ("湖北恩施", "422800"),
    ("湖南新晃", "431227"),
    ("贵州天柱", "522627"),
    # county-level cities and cities directly under a province
    ("河北南宫", "130581"),
    ("山东高密", "370785"),
    ("新疆石河子", "659001"),
    ("湖北仙桃", "429004"),
    # municipalities and their districts; autonomous regions by short name
    ("重庆", "500000"),
    ("北京市朝阳区", "110105"),
    ("上海浦东", "310115"),
    ("内蒙古包头", "150200"),
    ("广西南宁", "450100"),
    # full-width brackets and notes, white space
    ("汉阴县（示例数据）", "610921"),
    (" 陕西 汉阴 ", "610921"),
    # a province alone; a province's name that a prefecture shares (海南州 in 青海) is the province
    ("江苏", "320000"),
    ("海南", "460000"),
    # nothing of the sort
    ("测试县", ""),
    ("某省某县", ""),
    ("", ""),
]


@pytest.mark.parametrize(("text", "adcode"), SPELLINGS, ids=[s or "blank" for s, _ in SPELLINGS])
def test_real_spellings_resolve_to_one_division(text: str, adcode: str) -> None:
    place = geo.gazetteer().resolve(text)
    assert place.adcode == adcode
    assert not place.ambiguous


AMBIGUOUS = [
    ("朝阳区", {"北京市朝阳区", "吉林省长春市朝阳区"}),
    ("鼓楼区", {"江苏省南京市鼓楼区", "江苏省徐州市鼓楼区", "福建省福州市鼓楼区", "河南省开封市鼓楼区"}),
    ("江苏鼓楼", {"江苏省南京市鼓楼区", "江苏省徐州市鼓楼区"}),
    ("朝阳", {"北京市朝阳区", "吉林省长春市朝阳区", "辽宁省朝阳市", "辽宁省朝阳市朝阳县"}),
]


@pytest.mark.parametrize(("text", "candidates"), AMBIGUOUS)
def test_a_shared_name_is_no_guess_but_its_candidates(text: str, candidates: set[str]) -> None:
    place = geo.gazetteer().resolve(text)
    assert place.adcode == ""
    assert {geo.gazetteer().full_name(c) for c in place.candidates} == candidates


def test_a_province_or_city_makes_a_shared_name_one_place() -> None:
    assert geo.gazetteer().resolve("南京鼓楼").adcode == "320106"
    assert geo.gazetteer().resolve("福建省福州市鼓楼区").adcode == "350102"
    assert geo.gazetteer().resolve("吉林长春朝阳区").adcode == "220104"


def test_province_and_city_of_a_division() -> None:
    book = geo.gazetteer()
    assert (book.province("610924"), book.city("610924")) == ("陕西省", "安康市")
    # A municipality's district is in the municipality; a city directly under its province is itself.
    assert (book.province("110105"), book.city("110105")) == ("北京市", "北京市")
    assert (book.province("659001"), book.city("659001")) == ("新疆维吾尔自治区", "石河子市")
    assert (book.province("320000"), book.city("320000")) == ("江苏省", "")


# Great-circle distances between city centres, as published (km); the gazetteer's coordinates are the
# divisions' seats, so 1 % is the tolerance.
KNOWN_PAIRS = [
    ("北京", "上海", 1067),
    ("北京", "广东广州", 1888),
    ("上海", "四川成都", 1660),
    ("陕西西安", "北京", 910),
]


@pytest.mark.parametrize(("one", "other", "km"), KNOWN_PAIRS)
def test_great_circle_distances_of_known_pairs(one: str, other: str, km: float) -> None:
    book = geo.gazetteer()
    a, b = (book.divisions[book.resolve(t).adcode] for t in (one, other))
    assert float(geo.great_circle_km(a.lon, a.lat, b.lon, b.lat)) == pytest.approx(km, rel=0.01)


def test_great_circle_is_zero_on_the_spot_and_nan_without_a_place() -> None:
    assert float(geo.great_circle_km(108.5, 32.9, 108.5, 32.9)) == 0.0
    assert math.isnan(float(geo.great_circle_km(math.nan, 32.9, 108.5, 32.9)))


# A workbook whose county the gazetteer knows: TINY in 汉阴, with distances left blank on purpose.
HEADER = TINY["供需关系"][0]


def _hanyin(links: list[list[object]], county: str = "陕西省汉阴县", code: str | None = None) -> bytes:
    settings = [["项目", "值"], ["县名", county], ["报告期", "2024Q1"]]
    if code is not None:
        settings.append(["行政区划代码", code])
    return make_workbook(**{"供需关系": [HEADER, *links], "设置": settings})


def test_a_missing_distance_is_estimated_and_a_typed_one_wins() -> None:
    result = load_workbook(
        _hanyin(
            [
                ["外地矿", "乙碳素", "石油焦", "原料", "陕西西安", "", "", 60, None],
                ["外地煅烧厂", "丁电极", "煅后焦", "煅烧", "江苏南通", "", "", 50, 1300],
                ["乙碳素", "丁电极", "煅后焦", "", "", "", "", 100, None],
            ]
        )
    )
    assert result.ok, result.errors
    assert not [w for w in result.warnings if w.code.startswith(("region", "county", "distance"))]
    links = result.data.links
    book = geo.gazetteer()
    home, xian = book.divisions["610921"], book.divisions["610100"]
    expected = float(geo.great_circle_km(home.lon, home.lat, xian.lon, xian.lat)) * ReadSettings().road_factor
    assert links["distance_estimated"].tolist() == [True, False, False]
    assert links["distance_km"].iloc[0] == pytest.approx(expected)
    assert 180 < expected < 260  # 汉阴 -> 西安: about 160 km as the crow flies, a little over 200 by road
    assert links["distance_km"].iloc[1] == 1300  # typed: kept, even where an estimate exists
    assert math.isnan(links["distance_km"].iloc[2])  # both in the county: nothing to estimate
    assert links["supplier_adcode"].tolist() == ["610100", "320600", "610921"]
    assert links["buyer_adcode"].tolist() == ["610921", "610921", "610921"]


def test_estimates_are_marked_in_the_analyses_and_their_words() -> None:
    data = load_workbook(
        _hanyin(
            [
                ["外地矿", "乙碳素", "石油焦", "原料", "陕西西安", "", "", 60, None],
                ["外地矿二", "乙碳素", "石油焦", "原料", "陕西西安", "", "", 40, 300],
            ]
        )
    ).data
    report = analyze(data)
    raw = report.segments.set_index("segment").loc["原料"]
    estimate = data.links["distance_km"].iloc[0]
    assert raw["leakage_distance_km"] == pytest.approx((60 * estimate + 40 * 300) / 100)
    assert raw["leakage_distance_estimated_share"] == pytest.approx(0.6)
    found = recruiting_targets(data, report).set_index("name")
    assert bool(found.loc["外地矿", "distance_estimated"]) is True
    assert found.loc["外地矿", "distance_estimated_share"] == pytest.approx(1.0)
    assert bool(found.loc["外地矿二", "distance_estimated"]) is False
    words = render.text_frame(found.reset_index(), ["name", "distance_km"], "en")
    assert words.iloc[:, 1].str.startswith("≈").tolist() == [
        name == "外地矿" for name in found.reset_index()["name"]
    ]
    shown = render.display_frame(found.reset_index(), ["distance_km"], "zh")["distance_km"]
    assert sorted(shown) == ["300", f"≈{estimate:,.0f}"]


def test_a_typed_distance_far_off_the_estimate_is_a_located_warning() -> None:
    result = load_workbook(
        _hanyin(
            [
                ["外地矿", "乙碳素", "石油焦", "原料", "陕西西安", "", "", 60, 210000],  # metres typed as km
                ["外地矿", "丙碳素", "石油焦", "原料", "陕西西安", "", "", 10, 200000],
                ["外地煅烧厂", "丁电极", "煅后焦", "煅烧", "江苏南通", "", "", 50, 1300],
            ]
        )
    )
    assert result.ok, result.errors
    (far,) = [w for w in result.warnings if w.code == "distance_far_from_estimate"]
    assert (far.sheet, far.row, far.column, far.value) == ("供需关系", 2, "运输距离(km)", "210000")
    assert "2 行" in far.message_zh and "陕西西安" in far.message_zh
    assert result.data.links["distance_km"].iloc[0] == 210000  # a warning, not a correction


def test_unknown_and_ambiguous_regions_are_warnings_once_each_with_their_candidates() -> None:
    result = load_workbook(
        _hanyin(
            [
                ["外地矿", "乙碳素", "石油焦", "原料", "某省某县", "", "", 60, None],
                ["外地矿", "丙碳素", "石油焦", "原料", "某省某县", "", "", 10, None],
                ["外地煅烧厂", "丁电极", "煅后焦", "煅烧", "鼓楼区", "", "", 50, None],
            ]
        )
    )
    assert result.ok, result.errors
    by_code = {w.code: w for w in result.warnings}
    unknown, ambiguous = by_code["region_unknown"], by_code["region_ambiguous"]
    assert (unknown.row, unknown.column, unknown.value) == (2, "供应方所在地", "某省某县")
    assert "2 rows" in unknown.message_en
    assert (ambiguous.row, ambiguous.value) == (4, "鼓楼区")
    assert "福建省福州市鼓楼区" in ambiguous.message_zh and "江苏省南京市鼓楼区" in ambiguous.message_zh
    links = result.data.links
    # Kept as written, not placed, not estimated.
    assert links["supplier_region"].tolist() == ["某省某县", "某省某县", "鼓楼区"]
    assert links["supplier_adcode"].tolist() == ["", "", ""]
    assert links["distance_km"].isna().all()


def test_the_county_is_found_by_name_or_by_its_code_and_an_ambiguous_one_is_a_warning() -> None:
    links = [["外地矿", "乙碳素", "石油焦", "原料", "福建福州", "", "", 60, None]]
    ambiguous = load_workbook(_hanyin(links, county="鼓楼区"))
    (warning,) = [w for w in ambiguous.warnings if w.code == "county_ambiguous"]
    assert (warning.sheet, warning.row, warning.column, warning.value) == ("设置", 2, "值", "鼓楼区")
    assert "江苏省南京市鼓楼区" in warning.message_zh
    assert ambiguous.data.links["distance_km"].isna().all()  # no county, no estimate

    coded = load_workbook(_hanyin(links, county="鼓楼区", code="350102"))
    assert not [w for w in coded.warnings if w.code.startswith("county")]
    assert coded.data.links["buyer_adcode"].tolist() == ["350102"]
    assert coded.data.links["distance_estimated"].tolist() == [True]
    assert coded.data.links["distance_km"].iloc[0] < 30  # 福州's seat is in 鼓楼区

    unknown = load_workbook(_hanyin(links, county="测试县"))
    assert [w.code for w in unknown.warnings if w.code.startswith("county")] == ["county_unknown"]


def test_a_region_inside_the_county_is_the_county_however_written() -> None:
    links = [
        ["县医院", "乙碳素", "石油焦", "原料", written, "", "", 10, 5]
        for written in ("陕西汉阴", "陕西省安康市汉阴县", "汉阴县城关镇", "汉阴")
    ]
    links.append(["外地矿", "乙碳素", "石油焦", "原料", "陕西安康", "", "", 10, 50])
    data = load_workbook(_hanyin(links, county="汉阴县(示例数据)")).data
    assert data.links["supplier_in_county"].tolist() == [True, True, True, True, False]


def test_one_company_is_one_target_however_its_region_is_spelled() -> None:
    data = load_workbook(
        _hanyin(
            [
                ["外地煅烧厂", "丁电极", "煅后焦", "煅烧", "江苏张家港", "", "", 50, 1300],
                ["外地煅烧厂", "乙碳素", "煅后焦", "煅烧", "江苏省张家港市", "", "", 30, 1300],
                ["外地煅烧厂", "丙碳素", "煅后焦", "煅烧", "张家港", "", "", 20, 1300],
            ]
        )
    ).data
    found = recruiting_targets(data, analyze(data))
    assert len(found) == 1
    row = found.iloc[0]
    assert (row["name"], row["province"], row["city"], row["value"]) == (
        "外地煅烧厂",
        "江苏省",
        "苏州市",
        100.0,
    )


def test_the_region_filter_reads_groupings_and_provinces() -> None:
    data = load_workbook(
        _hanyin(
            [
                ["外地矿", "乙碳素", "石油焦", "原料", "陕西西安", "", "", 60, 210],
                ["外地煅烧厂", "丁电极", "煅后焦", "煅烧", "江苏南通", "", "", 50, 1300],
                ["外地纸箱厂", "丁电极", "纸箱", "包装", "浙江湖州", "", "", 10, 1200],
                ["外地焦厂", "乙碳素", "石油焦", "原料", "广东佛山", "", "", 5, 1500],
            ]
        )
    ).data
    report = analyze(data)

    def names(region: str) -> set[str]:
        return set(recruiting_targets(data, report, region=region)["name"])

    assert names("长三角") == {"外地煅烧厂", "外地纸箱厂"}
    assert names("珠三角") == {"外地焦厂"}
    assert names("关中") == {"外地矿"}
    assert names("江苏") == {"外地煅烧厂"}
    assert names("江苏省南通市") == {"外地煅烧厂"}
    assert names("湖州") == {"外地纸箱厂"}


def test_map_flows_add_up_and_the_map_draws_no_boundary_and_fetches_nothing() -> None:
    data = load_workbook(
        _hanyin(
            [
                ["外地矿", "乙碳素", "石油焦", "原料", "陕西西安", "", "", 60, None],
                ["外地矿", "丙碳素", "石油焦", "原料", "陕西西安", "", "", 40, 200],
                ["丁电极", "外地钢厂", "石墨电极", "", "", "河北唐山", "", 400, 1100],
                ["外地纸箱厂", "丁电极", "纸箱", "包装", "某地", "", "", 10, None],
            ]
        )
    ).data
    report = analyze(data)
    flows = geoflows.map_flows(data, report)
    totals = geoflows.place_totals(flows).set_index("adcode")
    assert totals.loc["610100", ["in", "out", "parties"]].tolist() == [100.0, 0.0, 1]
    assert totals.loc["130200", ["in", "out"]].tolist() == [0.0, 400.0]
    assert totals.loc["", "in"] == 10.0  # not placed: listed by the page, not drawn
    inflow = report.segments.set_index("segment")["leakage"].sum()
    assert flows.loc[flows["direction"] == "in", "value"].sum() == pytest.approx(inflow)
    assert set(geoflows.map_flows(data, report, gap="upstream")["direction"]) == {"in"}
    assert set(geoflows.map_flows(data, report, firm="丁电极")["local"]) == {"丁电极"}

    figure = charts.flow_map(flows, "610921", "汉阴县", "zh")
    kinds = {trace.type for trace in figure.data}
    assert kinds == {"scatter"}  # cartesian only: a geo trace would fetch its outlines from a CDN
    assert not {"geo", "mapbox", "map"} & set(figure.layout.to_plotly_json())
    points = next(t for t in figure.data if t.mode == "markers")
    assert set(points.customdata) == {"610100", "130200"}
    curves = [t for t in figure.data if t.mode == "lines+markers"]
    assert {c.customdata[0] for c in curves} == {"610100", "130200"}
    labels = next(t for t in figure.data if t.mode == "text")
    assert "陕西" in labels.text and "河北" in labels.text
    html = figure.to_html(include_plotlyjs=False, full_html=False)
    assert "topojson" not in html and "mapbox" not in html.lower()
    assert charts.flow_map(flows, "", "测试县", "zh").data == ()  # county unknown: says so, no map


def test_in_region_falls_back_to_text_for_what_no_division_names() -> None:
    codes, texts = pd.Series(["320582", ""]), pd.Series(["江苏张家港", "某工业园"])
    assert geo.in_region(codes, texts, "工业园").tolist() == [False, True]
    assert geo.in_region(codes, texts, "苏州").tolist() == [True, False]


def test_an_estimated_distance_stays_a_number_shown_with_approx_in_excel() -> None:
    from io import BytesIO

    from openpyxl import load_workbook as open_xlsx

    from chain.export import report_table, to_xlsx

    data = load_workbook(
        _hanyin(
            [
                ["外地矿", "乙碳素", "石油焦", "原料", "陕西西安", "", "", 60, None],
                ["外地煅烧厂", "丁电极", "煅后焦", "煅烧", "江苏南通", "", "", 50, 1300],
            ]
        )
    ).data
    found = recruiting_targets(data, analyze(data))
    sheet = open_xlsx(BytesIO(to_xlsx([report_table("targets", found)], {})))["招商目标"]
    headers = [c.value for c in sheet[1]]
    column = headers.index("运输距离(公里)") + 1
    name = headers.index("企业名称") + 1
    cells = {sheet.cell(r, name).value: sheet.cell(r, column) for r in range(2, sheet.max_row + 1)}
    assert isinstance(cells["外地矿"].value, float)
    assert cells["外地矿"].number_format == '"≈"#,##0'
    assert cells["外地煅烧厂"].number_format == "#,##0"
