"""Photos of activities, the city's selections (优秀活动案例, 领讲员) and 典型工作案例."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404

from gonghui.activities.models import Activity, ActivityPhoto, ShowcaseCase
from gonghui.activities.selectors import access_photo, showcase_gallery
from gonghui.activities.services import (
    activity_create,
    activity_photos_add,
    activity_select,
    case_create,
)
from gonghui.activities.tests.factories import ActivityFactory
from gonghui.conftest import World
from gonghui.core.models import AuditEvent

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 32
JPEG = b"\xff\xd8\xff\xe0" + b"\0" * 32
PDF = b"%PDF-1.4 not a photo"
JUNE = datetime.date(2023, 6, 15)


def png(name: str = "现场.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PNG)


def test_an_activity_is_recorded_with_its_photos(world: World) -> None:
    made = activity_create(
        actor=world.township_staff,
        union=world.yuehe,
        kind="culture_sports",
        title="职工篮球赛",
        held_on=JUNE,
        photos=[png(), SimpleUploadedFile("合影.jpg", JPEG)],
    )
    assert [(p.original_name, p.content_type) for p in made.photos.all()] == [
        ("现场.png", "image/png"),
        ("合影.jpg", "image/jpeg"),
    ]


def test_a_pdf_is_not_a_photo_and_the_activity_is_not_kept(world: World) -> None:
    with pytest.raises(ValidationError) as caught:
        activity_create(
            actor=world.township_staff,
            union=world.yuehe,
            kind="culture_sports",
            title="职工篮球赛",
            held_on=JUNE,
            photos=[SimpleUploadedFile("通知.png", PDF)],
        )
    assert caught.value.message_dict["photos"] == [
        "文件“通知.png”不是图片（JPEG 或 PNG）（按文件内容判断，与文件名无关）。"
    ]
    assert not Activity.objects.exists()


def test_a_photo_over_the_limit_is_refused(world: World, settings) -> None:
    settings.GONGHUI_ATTACHMENT_MAX_BYTES = 16
    activity = ActivityFactory.create(union=world.yuehe)
    with pytest.raises(ValidationError, match="超过 0 MB"):
        activity_photos_add(actor=world.township_staff, activity=activity, photos=[png()])


def test_more_than_nine_photos_are_refused(world: World) -> None:
    activity = ActivityFactory.create(union=world.yuehe)
    with pytest.raises(ValidationError, match="最多 9 张照片"):
        activity_photos_add(
            actor=world.township_staff, activity=activity, photos=[png() for _ in range(10)]
        )


def test_a_sibling_county_cannot_open_a_photo(world: World) -> None:
    activity = ActivityFactory.create(union=world.yuehe)
    activity_photos_add(actor=world.township_staff, activity=activity, photos=[png()])
    with pytest.raises(Http404):
        access_photo(actor=world.nanxun_staff, photo_id=ActivityPhoto.objects.get().pk)


def test_the_city_selects_a_case_and_a_lead_speaker(world: World) -> None:
    activity = ActivityFactory.create(union=world.yuehe, speakers="江艺芬")
    activity_select(actor=world.city_admin, activity=activity, showcase=True, lead_speaker=True)
    activity.refresh_from_db()
    assert (activity.showcase, activity.lead_speaker) == (True, True)
    assert AuditEvent.objects.get(action="activities.activity.select").summary == (
        f"“{activity.title}”的选定：优秀活动案例、领讲员（江艺芬）"
    )


def test_a_county_may_not_select(world: World) -> None:
    activity = ActivityFactory.create(union=world.yuehe, speakers="江艺芬")
    with pytest.raises(PermissionDenied, match="由市总工会选定"):
        activity_select(
            actor=world.wuxing_staff, activity=activity, showcase=True, lead_speaker=False
        )


def test_an_activity_without_a_speaker_has_no_lead_speaker(world: World) -> None:
    activity = ActivityFactory.create(union=world.yuehe, speakers="")
    with pytest.raises(ValidationError, match="没有填写主讲人"):
        activity_select(
            actor=world.city_admin, activity=activity, showcase=False, lead_speaker=True
        )


def test_a_case_links_activities_of_its_union_only(world: World) -> None:
    inside = ActivityFactory.create(union=world.yuehe, showcase=True)
    outside = ActivityFactory.create(union=world.nanxun_town, showcase=True, title="南浔的活动")
    with pytest.raises(ValidationError, match="“南浔的活动”不是吴兴区总工会及其下级工会的活动"):
        case_create(
            actor=world.city_admin,
            union=world.wuxing,
            title="一区一品",
            year=2023,
            summary="吴兴的做法",
            activities=[inside, outside],
        )
    case = case_create(
        actor=world.city_admin,
        union=world.wuxing,
        title="一区一品",
        year=2023,
        summary="吴兴的做法",
        cover=png("封面.png"),
        activities=[inside],
    )
    assert (list(case.activities.all()), case.cover_type) == ([inside], "image/png")


def test_the_gallery_shows_the_scope_with_each_activitys_first_photo(world: World) -> None:
    mine = ActivityFactory.create(union=world.yuehe, showcase=True, held_on=JUNE)
    ActivityFactory.create(union=world.nanxun_town, showcase=True, title="南浔的")
    ActivityFactory.create(union=world.yuehe, showcase=False, title="未选的")
    activity_photos_add(
        actor=world.township_staff, activity=mine, photos=[png("一.png"), png("二.png")]
    )
    ShowcaseCase.objects.create(union=world.nanxun, title="南浔案例", year=2023, summary="…")
    gallery = showcase_gallery(actor=world.wuxing_staff)
    assert [a.pk for a in gallery.activities] == [mine.pk]
    assert gallery.activities[0].cover.original_name == "一.png"  # type: ignore[attr-defined]
    assert gallery.cases == []


def test_the_activity_page_takes_photos(world: World, client_as) -> None:
    activity = ActivityFactory.create(union=world.yuehe)
    response = client_as(world.township_staff).post(
        f"/activities/{activity.pk}/", {"action": "photos", "photos": [png()]}
    )
    assert (response.status_code, activity.photos.count()) == (302, 1)


def test_the_activity_page_gives_the_photo_error(world: World, client_as) -> None:
    activity = ActivityFactory.create(union=world.yuehe)
    page = client_as(world.township_staff).post(
        f"/activities/{activity.pk}/",
        {"action": "photos", "photos": [SimpleUploadedFile("x.png", PDF)]},
    )
    assert page.status_code == 400
    assert "不是图片（JPEG 或 PNG）" in page.content.decode()


def test_the_city_records_a_case_from_the_page(world: World, client_as) -> None:
    chosen = ActivityFactory.create(union=world.yuehe, showcase=True)
    response = client_as(world.city_admin).post(
        "/activities/showcase/new/",
        {
            "title": "埭溪班前十分钟",
            "union": world.wuxing.code,
            "year": "2023",
            "summary": "把思政课搬进车间",
            "activities": [str(chosen.pk)],
            "cover": png(),
        },
    )
    case = ShowcaseCase.objects.get()
    assert response.status_code == 302
    assert list(case.activities.all()) == [chosen]


def test_a_county_does_not_get_the_case_form(world: World, client_as) -> None:
    assert client_as(world.wuxing_staff).get("/activities/showcase/new/").status_code == 403
