"""Counselling (湖工心安): slots at counselling stations, bookings by staff, sessions recorded
by the counsellor, whose notes no one else reads."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from gonghui.care.models import (
    BookingStatus,
    CounselingBooking,
    CounselingSession,
    CounselingSlot,
    Delivery,
)
from gonghui.care.services.counseling import (
    booking_cancel,
    booking_make,
    no_show_mark,
    session_notes,
    session_record,
    slots_create,
)
from gonghui.conftest import World
from gonghui.core.indicators import Period, indicator_get, indicator_values
from gonghui.core.models import AuditEvent, Role, User
from gonghui.core.tests.factories import UserFactory
from gonghui.members.tests.factories import WorkerFactory, id_number_for
from gonghui.sites.models import SiteKind
from gonghui.sites.tests.factories import SiteFactory

NOTES = "来访者诉说工作压力大，睡眠差；约定两周后复谈。"


@pytest.fixture
def station(world: World) -> Any:
    return SiteFactory.create(
        union=world.yuehe, name="月河心理健康服务站", kind=SiteKind.COUNSELING_STATION
    )


@pytest.fixture
def counselor(world: World) -> User:
    return UserFactory.create(
        username="yuehe_counselor", display_name="沈心怡", union=world.yuehe, role=Role.COUNSELOR
    )


@pytest.fixture
def rider(world: World) -> Any:
    return WorkerFactory.create(union=world.yuehe, id_number=id_number_for(81), name="夜班骑手")


def tomorrow_at_nine() -> Any:
    day = timezone.localdate() + timedelta(days=1)
    return datetime.combine(day, time(9), tzinfo=timezone.get_current_timezone())


def open_slot(world: World, station: Any, counselor: User, weeks: int = 1) -> CounselingSlot:
    return slots_create(
        actor=world.township_staff,
        station=station,
        counselor=counselor,
        starts_at=tomorrow_at_nine(),
        weeks=weeks,
    )[0]


def book(world: World, slot: CounselingSlot, n: int = 81, name: str = "夜班骑手") -> Any:
    return booking_make(
        actor=world.township_staff, slot=slot, id_number=id_number_for(n), name=name, topic="stress"
    )


def started(slot: CounselingSlot) -> CounselingSlot:
    """The slot as it is once its hour has come (it was opened for tomorrow)."""
    slot.starts_at = timezone.now() - timedelta(minutes=5)
    slot.save(update_fields=["starts_at"])
    return slot


def held(world: World, station: Any, counselor: User) -> CounselingSession:
    slot = open_slot(world, station, counselor)
    booking = book(world, slot)
    started(slot)
    return session_record(actor=counselor, booking=booking, minutes=45, notes=NOTES)


def test_a_slot_repeats_weekly(world: World, station: Any, counselor: User) -> None:
    open_slot(world, station, counselor, weeks=4)
    starts = list(CounselingSlot.objects.values_list("starts_at", flat=True))
    assert [s - starts[0] for s in starts] == [timedelta(weeks=n) for n in range(4)]


def test_a_slot_needs_a_counselling_station_a_counselor_and_a_future_hour(
    world: World, counselor: User
) -> None:
    outdoor = SiteFactory.create(union=world.yuehe)
    with pytest.raises(ValidationError) as caught:
        slots_create(
            actor=world.township_staff,
            station=outdoor,
            counselor=world.township_staff,
            starts_at=timezone.now() - timedelta(hours=1),
        )
    assert caught.value.message_dict == {
        "station": ["请选择心理健康服务站"],
        "counselor": ["请选择在岗的心理咨询师"],
        "starts_at": ["开始时间须晚于现在"],
    }


def test_a_counselor_slot_cannot_overlap_another(
    world: World, station: Any, counselor: User
) -> None:
    open_slot(world, station, counselor)
    with pytest.raises(ValidationError) as caught:
        slots_create(
            actor=world.township_staff,
            station=station,
            counselor=counselor,
            starts_at=tomorrow_at_nine() + timedelta(minutes=30),
        )
    assert caught.value.messages == [
        f"与该咨询师{timezone.localdate() + timedelta(days=1):%Y-%m-%d} 09:00的时段重叠"
    ]


def test_a_counselor_opens_their_own_slots_and_no_one_elses(
    world: World, station: Any, counselor: User
) -> None:
    colleague = UserFactory.create(union=world.yuehe, role=Role.COUNSELOR)
    slots_create(
        actor=counselor, station=station, counselor=counselor, starts_at=tomorrow_at_nine()
    )
    with pytest.raises(PermissionDenied):
        slots_create(
            actor=counselor, station=station, counselor=colleague, starts_at=tomorrow_at_nine()
        )
    assert CounselingSlot.objects.get().counselor == counselor


def test_a_booked_slot_cannot_be_booked_again(
    world: World, station: Any, counselor: User, rider: Any
) -> None:
    slot = open_slot(world, station, counselor)
    book(world, slot)
    WorkerFactory.create(union=world.yuehe, id_number=id_number_for(82), name="快递员")
    with pytest.raises(ValidationError) as caught:
        book(world, slot, 82, "快递员")
    assert caught.value.messages == ["该时段已被预约，请另选时段"]


def test_a_person_holds_one_waiting_booking(
    world: World, station: Any, counselor: User, rider: Any
) -> None:
    first, second = open_slot(world, station, counselor, weeks=2), None
    second = CounselingSlot.objects.exclude(pk=first.pk).get()
    book(world, first)
    with pytest.raises(ValidationError) as caught:
        book(world, second)
    assert "此人已预约" in caught.value.messages[0]


def test_a_cancelled_booking_frees_the_slot(
    world: World, station: Any, counselor: User, rider: Any
) -> None:
    slot = open_slot(world, station, counselor)
    booking_cancel(actor=world.township_staff, booking=book(world, slot), reason="临时加班")
    again = book(world, slot)
    assert list(slot.bookings.values_list("status", flat=True).order_by("id")) == [
        "cancelled",
        "booked",
    ]
    assert again.status == BookingStatus.BOOKED


def test_booking_someone_outside_the_subtree_says_nothing_of_them(
    world: World, station: Any, counselor: User
) -> None:
    WorkerFactory.create(union=world.nanxun_town, id_number=id_number_for(83), name="南浔骑手")
    slot = open_slot(world, station, counselor)
    with pytest.raises(ValidationError) as caught:
        book(world, slot, 83, "南浔骑手")
    assert "找不到此人" in caught.value.message_dict["id_number"][0]


def test_only_the_slots_counselor_records_the_session(
    world: World, station: Any, counselor: User, rider: Any
) -> None:
    slot = open_slot(world, station, counselor)
    booking = book(world, slot)
    started(slot)
    with pytest.raises(PermissionDenied):
        session_record(actor=world.township_staff, booking=booking, minutes=45, notes=NOTES)
    assert not CounselingSession.objects.exists()


def test_a_session_cannot_be_recorded_before_its_hour(
    world: World, station: Any, counselor: User, rider: Any
) -> None:
    booking = book(world, open_slot(world, station, counselor))
    with pytest.raises(ValidationError) as caught:
        session_record(actor=counselor, booking=booking, minutes=45, notes=NOTES)
    assert caught.value.messages == ["咨询时段尚未开始"]


def test_a_session_is_a_delivery_at_the_station_and_counted(
    world: World, station: Any, counselor: User, rider: Any
) -> None:
    session = held(world, station, counselor)
    delivery = Delivery.objects.get()
    assert (delivery.item.key, delivery.site_id, delivery.reference, delivery.on) == (
        "counseling",
        station.pk,
        f"counseling:{session.booking_id}",
        session.held_on,
    )
    day = session.held_on
    (values,) = indicator_values(
        indicator_get("counseling_sessions"), union=world.city, periods=[Period(day, day, "当天")]
    )
    assert values.total == 1


def test_the_notes_are_sealed_at_rest(
    world: World, station: Any, counselor: User, rider: Any
) -> None:
    session = held(world, station, counselor)
    token = CounselingSession.objects.values_list("notes_cipher", flat=True).get()
    assert token is not None
    stored = bytes(token)
    assert NOTES.encode() not in stored
    assert session.notes_cipher is not None


def test_the_author_reads_the_notes_and_each_read_is_audited(
    world: World, station: Any, counselor: User, rider: Any
) -> None:
    session = held(world, station, counselor)
    assert session_notes(actor=counselor, session=session) == NOTES
    session_notes(actor=counselor, session=session)
    assert (
        AuditEvent.objects.filter(action="care.counseling.notes_read", actor=counselor).count() == 2
    )


@pytest.mark.parametrize("who", ["city_admin", "township_staff", "grassroots_chair"])
def test_no_administrator_reads_the_notes(
    world: World, station: Any, counselor: User, rider: Any, who: str
) -> None:
    session = held(world, station, counselor)
    with pytest.raises(PermissionDenied):
        session_notes(actor=getattr(world, who), session=session)


def test_a_second_counselor_cannot_read_the_notes(
    world: World, station: Any, counselor: User, rider: Any
) -> None:
    session = held(world, station, counselor)
    colleague = UserFactory.create(union=world.yuehe, role=Role.COUNSELOR)
    with pytest.raises(PermissionDenied):
        session_notes(actor=colleague, session=session)


def test_a_no_show_is_no_delivery(world: World, station: Any, counselor: User, rider: Any) -> None:
    slot = open_slot(world, station, counselor)
    booking = book(world, slot)
    started(slot)
    no_show_mark(actor=counselor, booking=booking)
    booking.refresh_from_db()
    assert (booking.status, Delivery.objects.count()) == ("no_show", 0)


# -- pages -------------------------------------------------------------------------------------


def test_staff_book_a_slot_from_its_page(
    world: World, station: Any, counselor: User, rider: Any, client_as
) -> None:
    slot = open_slot(world, station, counselor)
    response = client_as(world.township_staff).post(
        f"/care/counseling/slots/{slot.pk}/",
        {"name": "夜班骑手", "id_number": id_number_for(81), "topic": "work"},
    )
    assert response["Location"] == f"/care/counseling/slots/{slot.pk}/"
    assert CounselingBooking.objects.get().topic == "work"


def test_the_calendar_shows_the_weeks_slots(
    world: World,
    station: Any,
    counselor: User,
    rider: Any,
    client_as,
    django_assert_max_num_queries,
) -> None:
    slot = open_slot(world, station, counselor, weeks=2)
    book(world, slot)
    client = client_as(world.township_staff)
    week = timezone.localdate(slot.starts_at)
    with django_assert_max_num_queries(12):
        page = client.get(f"/care/counseling/?union={world.yuehe.code}&week={week:%Y-%m-%d}")
    text = page.content.decode()
    assert (text.count('data-testid="slot"'), "夜班骑手" in text) == (1, True)


def test_a_counselor_sees_only_their_own_slots(
    world: World, station: Any, counselor: User, client_as
) -> None:
    colleague = UserFactory.create(union=world.yuehe, role=Role.COUNSELOR, display_name="另一位")
    theirs = slots_create(
        actor=world.township_staff,
        station=station,
        counselor=colleague,
        starts_at=tomorrow_at_nine(),
    )[0]
    open_slot(world, station, counselor)
    client = client_as(counselor)
    week = timezone.localdate(theirs.starts_at)
    page = client.get(f"/care/counseling/?week={week:%Y-%m-%d}").content.decode()
    assert page.count('data-testid="slot"') == 1
    assert client.get(f"/care/counseling/slots/{theirs.pk}/").status_code == 404


def test_a_counselor_reaches_no_union_records(world: World, counselor: User, client_as) -> None:
    client = client_as(counselor)
    assert [client.get(url).status_code for url in ("/members/", "/care/", "/api/v1/unions")] == [
        403,
        403,
        403,
    ]
    assert client.get("/")["Location"] == "/care/counseling/"


def test_the_counselor_records_and_reads_from_the_pages(
    world: World, station: Any, counselor: User, rider: Any, client_as
) -> None:
    slot = open_slot(world, station, counselor)
    book(world, slot)
    started(slot)
    client = client_as(counselor)
    response = client.post(
        f"/care/counseling/slots/{slot.pk}/record/",
        {"minutes": "50", "notes": NOTES, "follow_up": "on"},
    )
    assert response.status_code == 302
    assert NOTES in client.get(f"/care/counseling/slots/{slot.pk}/notes/").content.decode()


def test_an_administrator_sees_the_session_but_not_its_notes(
    world: World, station: Any, counselor: User, rider: Any, client_as
) -> None:
    session = held(world, station, counselor)
    slot_id = session.booking.slot_id
    client = client_as(world.city_admin)
    page = client.get(f"/care/counseling/slots/{slot_id}/").content.decode()
    assert ("记录内容只有咨询师本人可以查看" in page, NOTES in page) == (True, False)
    assert client.get(f"/care/counseling/slots/{slot_id}/notes/").status_code == 403


def test_the_sessions_day_is_the_slots_local_day(
    world: World, station: Any, counselor: User, rider: Any
) -> None:
    session = held(world, station, counselor)
    assert session.held_on == timezone.localdate(session.booking.slot.starts_at)
