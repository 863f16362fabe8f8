"""服务阵地: the rules of a site, the sheet, the nearest-site search against brute force, the
indicators, the pages, scope."""

from __future__ import annotations

import datetime
import json
import random
from decimal import Decimal
from io import StringIO
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.core.management import call_command
from django.http import Http404

from gonghui.conftest import World
from gonghui.core.indicators.periods import Period
from gonghui.core.indicators.registry import indicator_get, indicator_values
from gonghui.sites.geo import gcj02_to_wgs84, haversine_m, wgs84_to_gcj02
from gonghui.sites.models import Site, SiteKind
from gonghui.sites.selectors import access_site, sites_nearest
from gonghui.sites.services import hours_parse
from gonghui.sites.sheets import site_import
from gonghui.sites.tests.factories import SiteFactory

HEADERS = [
    "站点编号",
    "站点名称",
    "类型",
    "所在乡镇（街道）",
    "地址",
    "经度",
    "纬度",
    "坐标系",
    "开放时间",
    "设施",
    "启用日期",
    "停用日期",
]
ROW = [
    "WX001",
    "月河骑手驿站",
    "户外劳动者服务站点",
    "330502001",
    "红丰路1号",
    120.093451,
    30.871234,
    "",
    "08:00-20:00",
    "饮水、充电、卫生间",
    "2023-03-01",
    "",
]


def sheet(tmp_path: Path, rows: list[list[Any]]) -> Path:
    book = openpyxl.Workbook()
    book.active.append(HEADERS)
    for row in rows:
        book.active.append(row)
    path = tmp_path / "sites.xlsx"
    book.save(path)
    return path


def row(**changes: Any) -> list[Any]:
    values = dict(zip(HEADERS, ROW, strict=True))
    values.update(changes)
    return [values[h] for h in HEADERS]


# --- rules --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "read"),
    [
        ("8:00-20:00", "08:00-20:00"),
        ("全天", "00:00-24:00"),
        ("周一至周五 08:30～17:30", "周一至周五 08:30-17:30"),
        ("08:00-12:00，14:00-18:00", "08:00-12:00；14:00-18:00"),
    ],
)
def test_opening_hours_are_read_and_tidied(text: str, read: str) -> None:
    assert hours_parse(text) == read


@pytest.mark.parametrize("text", ["早上八点", "20:00-08:00", "08:00-25:00"])
def test_opening_hours_that_do_not_parse_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match="开放时间"):
        hours_parse(text)


def test_wgs84_converts_to_gcj02_and_back() -> None:
    lng, lat = wgs84_to_gcj02(116.404, 39.915)
    assert (round(lng, 6), round(lat, 6)) == (116.410244, 39.916404)
    back = gcj02_to_wgs84(lng, lat)
    assert haversine_m(*back, 116.404, 39.915) < 0.01


# --- the sheet ----------------------------------------------------------------------------


def test_a_site_is_imported_with_its_facilities(world: World, tmp_path: Path) -> None:
    report = site_import(
        actor=world.wuxing_staff, union=world.wuxing, path=sheet(tmp_path, [ROW]), dry_run=False
    )
    site = Site.objects.get()
    assert (report.committed, site.union, site.hours) == (True, world.yuehe, "08:00-20:00")
    assert sorted(f.name for f in site.facilities.all()) == ["充电", "卫生间", "饮水"]
    assert (site.gcj_lng, site.gcj_lat) == (120.093451, 30.871234)


def test_wgs84_coordinates_are_kept_and_placed_in_gcj02(world: World, tmp_path: Path) -> None:
    site_import(
        actor=world.wuxing_staff,
        union=world.wuxing,
        path=sheet(tmp_path, [row(坐标系="WGS-84")]),
        dry_run=False,
    )
    site = Site.objects.get()
    assert (site.system, site.lng) == ("wgs84", Decimal("120.093451"))
    assert 400 < haversine_m(120.093451, 30.871234, site.gcj_lng, site.gcj_lat) < 700


def test_importing_the_same_sites_again_creates_nothing(world: World, tmp_path: Path) -> None:
    path = sheet(tmp_path, [ROW])
    site_import(actor=world.wuxing_staff, union=world.wuxing, path=path, dry_run=False)
    again = site_import(actor=world.wuxing_staff, union=world.wuxing, path=path, dry_run=False)
    assert (again.created, again.unchanged, Site.objects.count()) == (0, 1, 1)


def test_every_bad_site_row_is_reported_and_nothing_is_written(
    world: World, tmp_path: Path
) -> None:
    path = sheet(
        tmp_path,
        [
            row(站点编号="A1", 经度=30.871234, 纬度=120.093451),
            row(站点编号="A2", 经度=116.4, 纬度=39.9),
            row(站点编号="A3", **{"所在乡镇（街道）": "南浔镇"}),
            row(站点编号="A4", 类型="加油站"),
            row(站点编号="A5", 设施="饮水、游泳池"),
            row(站点编号="A6", 开放时间="早上八点"),
            row(站点编号="A7", 启用日期="2023-03-01", 停用日期="2023-01-01"),
            row(站点编号="OK"),
            row(站点编号="OK"),
        ],
    )
    report = site_import(actor=world.wuxing_staff, union=world.wuxing, path=path, dry_run=False)
    found = {(e.row, e.column): e.message for e in report.errors}
    assert report.committed is False
    assert found[(2, "经度")] == "经度：经度和纬度可能填反了：经度约为 119–121，纬度约为 30–31"
    assert found[(3, "经度")].startswith("经度：坐标（116.400000, 39.900000）不在本市范围内")
    assert found[(4, "所在乡镇（街道）")] == "所在乡镇（街道）：“南浔镇”不在吴兴区总工会的范围内"
    assert (5, "类型") in found
    assert found[(6, "设施")].startswith("设施：没有这些设施：游泳池")
    assert (7, "开放时间") in found
    assert found[(8, "停用日期")] == "停用日期：停用日期不能早于启用日期"
    assert 10 in {e.row for e in report.errors}  # the repeated code
    assert not Site.objects.exists()


# --- nearest ------------------------------------------------------------------------------


def brute(sites: list[Site], lng: float, lat: float, kind: str | None, limit: int) -> list[str]:
    today = datetime.date(2023, 7, 1)
    open_ = [
        s
        for s in sites
        if s.opened_on <= today
        and not s.suspended
        and (s.closed_on is None or s.closed_on > today)
        and (kind is None or s.kind == kind)
    ]
    ranked = sorted(open_, key=lambda s: (haversine_m(lng, lat, s.gcj_lng, s.gcj_lat), s.code))
    return [s.code for s in ranked[:limit]]


@pytest.fixture
def many(world: World) -> list[Site]:
    rng = random.Random(7)
    made = []
    for n in range(400):
        lng, lat = rng.uniform(119.3, 120.4), rng.uniform(30.4, 31.1)
        if n % 50 == 0:  # twins: the same place, so the code breaks the tie
            lng, lat = 120.1, 30.9
        made.append(
            SiteFactory.build(
                union=world.yuehe,
                code=f"S{n:04d}",
                kind=rng.choice([SiteKind.OUTDOOR_STATION, SiteKind.WORKERS_HOME]),
                gcj_lng=lng,
                gcj_lat=lat,
                lng=Decimal(f"{lng:.6f}"),
                lat=Decimal(f"{lat:.6f}"),
                opened_on=datetime.date(2023, 1, 1 + n % 28),
                closed_on=datetime.date(2023, 5, 1) if n % 17 == 0 else None,
                suspended=n % 23 == 0,
            )
        )
    return Site.objects.bulk_create(made)


@pytest.mark.parametrize(
    ("lng", "lat", "kind", "limit"),
    [
        (120.1, 30.9, None, 5),
        (120.1, 30.9, "outdoor_station", 12),
        (119.35, 30.45, "workers_home", 3),
        (121.9, 29.0, None, 4),  # far outside: the whole city is searched
        (120.0, 30.8, None, 1),
    ],
)
def test_nearest_matches_brute_force(
    many: list[Site], lng: float, lat: float, kind: str | None, limit: int
) -> None:
    found = sites_nearest(lng=lng, lat=lat, kind=kind, limit=limit, day=datetime.date(2023, 7, 1))
    assert [n.code for n in found] == brute(many, lng, lat, kind, limit)


def test_nearest_breaks_ties_by_code(many: list[Site]) -> None:
    found = sites_nearest(lng=120.1, lat=30.9, limit=3, day=datetime.date(2023, 7, 1))
    twins = [n for n in found if n.distance_m == 0]
    assert [n.code for n in twins] == sorted(n.code for n in twins)
    assert len(twins) >= 2


def test_the_command_prints_whole_metres(world: World) -> None:
    SiteFactory.create(union=world.yuehe, code="NEAR", name="月河驿站", gcj_lng=120.1, gcj_lat=30.9)
    out = StringIO()
    call_command("sites", "nearest", "--lng", "120.1", "--lat", "30.91", "--json", stdout=out)
    # 0.01 degree of latitude on the mean sphere: 1,111.95 m.
    assert json.loads(out.getvalue()) == [{"code": "NEAR", "name": "月河驿站", "distance_m": 1112}]


# --- indicators, pages, scope -------------------------------------------------------------


def test_stations_opened_in_the_half_year_count_at_their_township(world: World) -> None:
    for day, kind in (
        (datetime.date(2023, 1, 1), SiteKind.OUTDOOR_STATION),
        (datetime.date(2023, 6, 30), SiteKind.OUTDOOR_STATION),
        (datetime.date(2023, 7, 1), SiteKind.OUTDOOR_STATION),
        (datetime.date(2023, 3, 1), SiteKind.WORKERS_HOME),
    ):
        SiteFactory.create(union=world.yuehe, opened_on=day, kind=kind)
    h1 = Period.half(2023, 1)
    stations = indicator_values(indicator_get("outdoor_stations_new"), world.city, [h1])[0]
    sites = indicator_values(indicator_get("worker_sites_new"), world.city, [h1])[0]
    assert (stations.total, stations.by_child["330502"], sites.total) == (2, 2, 3)


def test_a_sibling_county_does_not_find_a_site(world: World) -> None:
    site = SiteFactory.create(union=world.yuehe)
    with pytest.raises(Http404):
        access_site(actor=world.nanxun_staff, site_id=site.pk)


def test_the_registry_lists_the_scope_in_few_queries(
    world: World, client_as, django_assert_max_num_queries
) -> None:
    for _ in range(20):
        SiteFactory.create(union=world.yuehe)
    SiteFactory.create(union=world.nanxun_town, name="南浔的站点")
    client = client_as(world.wuxing_staff)
    with django_assert_max_num_queries(15):
        page = client.get("/sites/").content.decode()
    assert page.count('data-label="站点名称"') == 20
    assert "南浔的站点" not in page


def test_the_api_gives_the_nearest_sites_of_the_scope(world: World, client_as) -> None:
    SiteFactory.create(union=world.yuehe, code="MINE", gcj_lng=120.1, gcj_lat=30.9)
    SiteFactory.create(union=world.nanxun_town, code="THEIRS", gcj_lng=120.1, gcj_lat=30.9)
    found = (
        client_as(world.wuxing_staff)
        .get("/api/v1/sites/nearest", {"lng": 120.1, "lat": 30.9})
        .json()
    )
    assert [f["code"] for f in found] == ["MINE"]
