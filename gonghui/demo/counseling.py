"""The demo's counselling (湖工心安): the demo counsellor's half year of sessions at the first
county's counselling station, each a delivery of 心理咨询, and open slots in the weeks after
the demo was set up, some booked, for the calendar to show something to do."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from gonghui.care.models import (
    BookingStatus,
    BookingTopic,
    CounselingBooking,
    CounselingSession,
    CounselingSlot,
    Delivery,
    ServiceItem,
    Source,
)
from gonghui.core.fields import cipher_set
from gonghui.core.models import User
from gonghui.demo.care import aware
from gonghui.members.models import EmploymentForm, Member
from gonghui.members.people import Person, people_find
from gonghui.sites.models import Site, SiteKind

H1 = (date(2023, 1, 3), date(2023, 6, 30))
# A session's notes are the counsellor's own words; the demo's are plain and invented.
NOTES = (
    "来访者谈到近期工作压力较大，睡眠不好；做了放松训练，约定两周后复谈。",
    "来访者与家人沟通不畅，情绪低落；倾听并讨论了沟通方式，建议家庭共同参与。",
    "来访者对换岗感到焦虑；梳理了担心的事项，给出适应新岗位的小目标。",
    "来访者夜班后难以入睡；讲解睡眠卫生，建议调整作息。",
)


def _people(counselor: User, want: int) -> list[Person]:
    assert counselor.union is not None
    hashes = list(
        Member.objects.filter(
            union__path__startswith=counselor.union.path, left_on__isnull=True
        ).values_list("id_hash", flat=True)[: want * 2]
    )
    found = people_find(hashes)
    return [found[h] for h in hashes if h in found][:want]


def counseling_demo_write(*, counselor_username: str, seed: int, log: Callable[[str], None]) -> int:
    """Write the demo counsellor's slots, bookings and sessions once; returns the sessions."""
    counselor = User.objects.filter(username=counselor_username).select_related("union").first()
    if counselor is None or counselor.union is None:
        return 0
    if CounselingSlot.objects.filter(counselor=counselor).exists():
        log("心理咨询演示数据已存在，跳过。")
        return 0
    station = (
        Site.objects.filter(
            kind=SiteKind.COUNSELING_STATION,
            union__path__startswith=counselor.union.path,
            closed_on__isnull=True,
        )
        .order_by("code")
        .first()
    )
    if station is None:
        log("本区县没有心理健康服务站，未写心理咨询演示数据。")
        return 0
    rng = random.Random(f"counseling:{seed}")
    item = ServiceItem.objects.get(key="counseling")
    people = _people(counselor, 60)
    held = 0
    with transaction.atomic():
        day = H1[0]
        while day <= H1[1] and people:
            if day.weekday() in (1, 3):  # Tuesdays and Thursdays, 14:00
                slot = CounselingSlot.objects.create(
                    union=station.union,
                    station=station,
                    counselor=counselor,
                    starts_at=aware(day, 14),
                    created_by=counselor,
                )
                if rng.random() < 0.8:
                    person = people[rng.randrange(len(people))]
                    held += _held(slot, person, item, rng)
            day += timedelta(days=1)
        _upcoming(station, counselor, people, rng)
    log(f"心理咨询：上半年咨询 {held} 人次；{station.name}已开设今后三周的咨询时段。")
    return held


def _book(
    slot: CounselingSlot, person: Person, topic: str, status: str = BookingStatus.BOOKED
) -> CounselingBooking:
    return CounselingBooking.objects.create(
        union=slot.union,
        slot=slot,
        counselor_id=slot.counselor_id,
        person_hash=person.id_hash,
        person_name=person.name,
        person_masked=person.id_masked,
        channel="staff",
        topic=topic,
        status=status,
    )


def _held(slot: CounselingSlot, person: Person, item: ServiceItem, rng: random.Random) -> int:
    came = rng.random() < 0.9
    booking = _book(
        slot,
        person,
        rng.choice(BookingTopic.values),
        BookingStatus.HELD if came else BookingStatus.NO_SHOW,
    )
    if not came:
        return 0
    held_on = timezone.localdate(slot.starts_at)
    session = CounselingSession(
        union=slot.union,
        booking=booking,
        counselor=slot.counselor,
        held_on=held_on,
        minutes=rng.choice((40, 50, 60)),
        follow_up=rng.random() < 0.2,
    )
    cipher_set(session, "notes_cipher", rng.choice(NOTES))
    session.save(force_insert=True)
    Delivery.objects.create(
        item=item,
        union=slot.union,
        person_hash=person.id_hash,
        person_name=person.name,
        person_masked=person.id_masked,
        on=held_on,
        site_id=slot.station_id,
        reference=f"counseling:{booking.pk}",
        source=Source.COUNSELING,
        new_form=person.employment_form == EmploymentForm.NEW_FORM,
        created_by=slot.counselor,
    )
    return 1


def _upcoming(station: Site, counselor: User, people: list[Person], rng: random.Random) -> None:
    """Slots on the weekdays of the three weeks after today, a few of them booked, and one
    booked yesterday that waits for the counsellor to record it."""
    today = timezone.localdate()
    if people:
        person = people.pop()
        slot = CounselingSlot.objects.create(
            union=station.union,
            station=station,
            counselor=counselor,
            starts_at=aware(today - timedelta(days=1), 14),
            created_by=counselor,
        )
        _book(slot, person, BookingTopic.WORK)
    for n in range(1, 22):
        day = today + timedelta(days=n)
        if day.weekday() not in (1, 3):
            continue
        for hour in (14, 15):
            slot = CounselingSlot.objects.create(
                union=station.union,
                station=station,
                counselor=counselor,
                starts_at=aware(day, hour),
                created_by=counselor,
            )
            if people and rng.random() < 0.3:
                person = people.pop()
                _book(slot, person, rng.choice(BookingTopic.values))
