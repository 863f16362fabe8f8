"""Inspections of sites: the checklist (五有 for culture sites, the facilities for others),
every rule at once, photos, and the board that flags failed and stale sites."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from pytest_django.fixtures import Settings

from gonghui.conftest import World
from gonghui.sites.models import FIVE_HAS, Facility, Inspection, Site, SiteKind, checklist_of
from gonghui.sites.selectors import site_board
from gonghui.sites.services import inspection_record
from gonghui.sites.tests.factories import SiteFactory

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 32
DAY = datetime.date(2023, 6, 20)


def station(world: World, **kwargs: object) -> Site:
    site = SiteFactory.create(union=world.yuehe, opened_on=datetime.date(2023, 1, 1), **kwargs)
    site.facilities.set(Facility.objects.filter(name__in=["饮水", "充电", "卫生间"]))
    return site


def test_a_culture_site_is_checked_against_the_five_has(world: World) -> None:
    site = SiteFactory.create(union=world.yuehe, kind=SiteKind.CULTURE_SITE)
    assert checklist_of(site) == list(FIVE_HAS)


def test_a_station_is_checked_against_its_facilities(world: World) -> None:
    assert sorted(checklist_of(station(world))) == ["充电", "卫生间", "饮水"]


def test_an_unticked_item_fails_the_inspection(world: World) -> None:
    site = station(world)
    made = inspection_record(
        actor=world.township_staff,
        site=site,
        inspected_on=DAY,
        inspector="张检查",
        results={"饮水": True, "卫生间": True},
        photos=[SimpleUploadedFile("现场.png", PNG)],
    )
    assert (made.passed, made.failed_items, made.photos.count()) == (False, ["充电"], 1)


def test_every_problem_of_an_inspection_is_given_at_once(world: World) -> None:
    site = station(world)
    with pytest.raises(ValidationError) as caught:
        inspection_record(
            actor=world.township_staff,
            site=site,
            inspected_on=datetime.date(2022, 12, 31),
            inspector=" ",
            results={"游泳池": True},
            photos=[SimpleUploadedFile("x.png", b"%PDF-1.4")],
        )
    assert caught.value.message_dict == {
        "inspected_on": ["检查日期不能早于启用日期（2023-01-01）"],
        "inspector": ["请填写检查人"],
        "results": ["检查清单中没有：游泳池"],
        "photos": ["文件“x.png”不是图片（JPEG 或 PNG）（按文件内容判断，与文件名无关）。"],
    }
    assert not Inspection.objects.exists()


def test_the_board_lights_failed_and_stale_sites(world: World, settings: Settings) -> None:
    settings.GONGHUI_SITE_INSPECTION_DAYS = 90
    today = timezone.localdate()
    failed = station(world)
    Inspection.objects.create(
        site=failed, inspected_on=today, inspector="甲", results={"饮水": False}, passed=False
    )
    stale = SiteFactory.create(union=world.zhili, opened_on=datetime.date(2023, 1, 1))
    Inspection.objects.create(
        site=stale,
        inspected_on=today - datetime.timedelta(days=91),
        inspector="乙",
        results={},
        passed=True,
    )
    rows = {r.union.code: r for r in site_board(actor=world.wuxing_staff, union=world.wuxing)}
    assert (rows[world.yuehe.code].failed, rows[world.yuehe.code].light) == (1, "red")
    assert (rows[world.zhili.code].stale, rows[world.zhili.code].light) == (1, "yellow")


def test_the_site_page_records_an_inspection(world: World, client_as) -> None:
    site = station(world)
    response = client_as(world.township_staff).post(
        f"/sites/{site.pk}/",
        {
            "inspected_on": "2023-06-20",
            "inspector": "张检查",
            "item_0": "on",
            "item_1": "on",
            "item_2": "on",
        },
    )
    assert response.status_code == 302
    assert Inspection.objects.get().passed is True


def test_the_site_page_gives_the_reason_beside_the_date(world: World, client_as) -> None:
    site = station(world)
    page = client_as(world.township_staff).post(
        f"/sites/{site.pk}/", {"inspected_on": "2099-01-01", "inspector": "张检查"}
    )
    assert page.status_code == 400
    assert "检查日期不能晚于今天" in page.content.decode()


# --- the staff map --------------------------------------------------------------------------


def test_the_map_gives_the_points_of_the_scope_filtered(world: World, client_as) -> None:
    water = station(world, code="W1", name="有水的站")
    SiteFactory.create(union=world.yuehe, code="N1", name="无设施的站")
    SiteFactory.create(union=world.nanxun_town, code="X1", name="南浔的站")
    page = client_as(world.wuxing_staff).get("/sites/map/", {"facility": "饮水"})
    points = page.context["map_data"]["points"]
    assert [p["code"] for p in points] == [water.code]
    assert points[0]["value"] == [water.gcj_lng, water.gcj_lat]
    assert "南浔的站" not in page.content.decode()


def test_the_city_map_names_its_counties_for_the_drill_down(world: World, client_as) -> None:
    from gonghui.orgs.models import Region

    region, _ = Region.objects.get_or_create(
        code="330502", defaults={"name": "吴兴区", "level": Region.Level.COUNTY}
    )
    world.wuxing.region = region
    world.wuxing.save(update_fields=["region"])
    data = client_as(world.city_admin).get("/sites/map/").context["map_data"]
    assert (data["map"], data["regions"]["吴兴区"], data["drill"]) == ("湖州", "330502", False)


# --- the public station map ------------------------------------------------------------------


def test_the_public_map_needs_no_login_and_lists_open_stations(world: World, client) -> None:
    station(world, code="P1", name="月河骑手驿站", address="红丰路1号")
    SiteFactory.create(
        union=world.yuehe, code="P2", name="已停用的站", closed_on=datetime.date(2023, 7, 1)
    )
    page = client.get("/sites/public/")
    text = page.content.decode()
    assert page.status_code == 200
    assert "月河骑手驿站" in text and "红丰路1号" in text and "饮水" in text
    assert "已停用的站" not in text


def test_the_public_map_shows_no_one_and_nothing_internal(world: World, client) -> None:
    station(world, code="P1", name="月河骑手驿站")
    text = client.get("/sites/public/").content.decode()
    for internal in (world.township_staff.username, "created_by", "P1"):
        assert internal not in text


def test_nearest_to_a_browser_position_converts_it_from_wgs84(world: World, client) -> None:
    from gonghui.sites.geo import gcj02_to_wgs84

    station(world, code="P1", name="近的站", gcj_lng=120.1, gcj_lat=30.9)
    station(world, code="P2", name="远的站", gcj_lng=120.2, gcj_lat=30.9)
    lng, lat = gcj02_to_wgs84(120.1, 30.9)
    page = client.get(
        "/sites/public/", {"lng": f"{lng:.6f}", "lat": f"{lat:.6f}", "system": "wgs84"}
    )
    stations = page.context["stations"]
    assert [s.site.name for s in stations] == ["近的站", "远的站"]
    assert stations[0].distance_text == "0 米"
    assert stations[1].distance_text == "9.5 公里"  # 0.1° of longitude at 30.9°N


def test_a_position_outside_the_city_asks_for_a_township(world: World, client) -> None:
    page = client.get("/sites/public/", {"lng": "116.4", "lat": "39.9"})
    assert "您的位置不在本市范围内" in page.content.decode()


# --- visitors and the inspection indicators ---------------------------------------------------


def test_a_days_visitors_are_recorded_and_corrected(world: World) -> None:
    from gonghui.sites.models import SiteVisitors
    from gonghui.sites.services import visitors_record

    site = station(world)
    visitors_record(actor=world.township_staff, site=site, day=DAY, count=30)
    visitors_record(actor=world.township_staff, site=site, day=DAY, count=35)
    assert list(SiteVisitors.objects.values_list("count", flat=True)) == [35]


def test_visitors_on_a_day_the_site_was_not_open_are_refused(world: World) -> None:
    from gonghui.sites.services import visitors_record

    with pytest.raises(ValidationError, match="这一天站点未开放"):
        visitors_record(
            actor=world.township_staff, site=station(world), day=datetime.date(2022, 12, 1), count=3
        )


def test_inspection_stocks_at_the_end_of_june(world: World, settings: Settings) -> None:
    """Three open stations at June's end: one passed on 06-01, one failed on 06-10, one last
    inspected 2023-01-02 (over 90 days before 06-30); a fourth closed in May is left out."""
    from gonghui.core.indicators.periods import Period
    from gonghui.core.indicators.registry import indicator_get, indicator_values
    from gonghui.sites.models import SiteVisitors

    settings.GONGHUI_SITE_INSPECTION_DAYS = 90
    for n, (day, passed) in enumerate(
        (
            (datetime.date(2023, 6, 1), True),
            (datetime.date(2023, 6, 10), False),
            (datetime.date(2023, 1, 2), True),
        )
    ):
        site = station(world, code=f"I{n}")
        Inspection.objects.create(site=site, inspected_on=day, inspector="甲", passed=passed)
        SiteVisitors.objects.create(site=site, day=datetime.date(2023, 6, 15), count=10 * (n + 1))
    station(world, code="CLOSED", closed_on=datetime.date(2023, 5, 1))
    june = Period.month(2023, 6)

    def total(key: str) -> object:
        return indicator_values(indicator_get(key), world.city, [june])[0].total

    assert (total("sites_open"), total("sites_inspected_ok")) == (3, 1)
    assert total("sites_inspection_overdue") == 1
    assert str(total("sites_compliance_rate")) == "33.3"
    assert total("site_visitors") == 60


def test_the_site_page_records_visitors(world: World, client_as) -> None:
    from gonghui.sites.models import SiteVisitors

    site = station(world)
    response = client_as(world.township_staff).post(
        f"/sites/{site.pk}/", {"action": "visitors", "day": "2023-06-20", "count": "42"}
    )
    assert response.status_code == 302
    assert SiteVisitors.objects.get().count == 42


# --- photos and the new-site page -------------------------------------------------------------


def test_site_photos_are_images_only(world: World, client_as) -> None:
    site = station(world)
    client = client_as(world.township_staff)
    bad = client.post(
        f"/sites/{site.pk}/",
        {"action": "photos", "photos": [SimpleUploadedFile("x.png", b"%PDF-1.4")]},
    )
    good = client.post(
        f"/sites/{site.pk}/", {"action": "photos", "photos": [SimpleUploadedFile("门头.png", PNG)]}
    )
    assert (bad.status_code, good.status_code, site.photos.count()) == (400, 302, 1)
    assert "不是图片（JPEG 或 PNG）" in bad.content.decode()


def test_the_new_site_page_records_a_site_with_its_facilities(world: World, client_as) -> None:
    response = client_as(world.wuxing_staff).post(
        "/sites/new/",
        {
            "code": "NEW1",
            "name": "织里骑手驿站",
            "kind": "outdoor_station",
            "township": world.zhili.code,
            "lng": "120.2561",
            "lat": "30.8412",
            "system": "gcj02",
            "hours": "全天",
            "facilities": ["饮水", "充电"],
            "opened_on": "2023-06-01",
        },
    )
    site = Site.objects.get(code="NEW1")
    assert response.status_code == 302
    assert (site.union, site.hours) == (world.zhili, "00:00-24:00")
    assert sorted(f.name for f in site.facilities.all()) == ["充电", "饮水"]


def test_the_new_site_page_says_when_the_coordinates_are_swapped(world: World, client_as) -> None:
    page = client_as(world.wuxing_staff).post(
        "/sites/new/",
        {
            "code": "NEW2",
            "name": "填反的站",
            "kind": "outdoor_station",
            "township": world.zhili.code,
            "lng": "30.8412",
            "lat": "120.2561",
            "system": "gcj02",
            "opened_on": "2023-06-01",
        },
    )
    assert page.status_code == 400
    assert "经度和纬度可能填反了" in page.content.decode()


def test_a_county_adds_a_facility_its_sites_may_list(world: World, client_as) -> None:
    from gonghui.sites.services import facilities_for

    response = client_as(world.wuxing_staff).post("/sites/facilities/", {"name": "母婴室"})
    assert response.status_code == 302
    assert "母婴室" in facilities_for(world.yuehe)
    assert "母婴室" not in facilities_for(world.nanxun_town)


def test_a_standard_facility_is_not_added_twice(world: World, client_as) -> None:
    page = client_as(world.wuxing_staff).post("/sites/facilities/", {"name": "饮水"})
    assert page.status_code == 400
    assert "“饮水”已经是可选设施" in page.content.decode()


def test_the_sites_pages_are_in_the_menu(world: World, client_as) -> None:
    page = client_as(world.wuxing_staff).get("/sites/").content.decode()
    for href in ("/sites/", "/sites/map/", "/sites/board/", "/sites/new/", "/sites/facilities/"):
        assert f'href="{href}"' in page, href
