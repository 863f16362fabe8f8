"""Counselling (湖工心安): volunteer counsellors offer slots at counselling stations, staff
book them for workers, and the counsellor records each session. The notes of a session are
the counsellor's alone: no administrator reads them, and every read is audited; the reports
see counts only.

Workers book for themselves from the portal, through ``booking_make``'s ``channel``."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from gonghui.care.models import (
    BookingChannel,
    BookingStatus,
    BookingTopic,
    CounselingBooking,
    CounselingSession,
    CounselingSlot,
    ServiceItem,
    Source,
)
from gonghui.care.permissions import may_edit, require_edit
from gonghui.care.services.deliveries import (
    Served,
    delivery_row,
    person_problems,
    person_typed,
    with_id_problem,
)
from gonghui.core.actors import Actor, ApplicantActor, require_self, user_of
from gonghui.core.audit import audit_record
from gonghui.core.fields import cipher_get, cipher_set
from gonghui.core.models import User
from gonghui.core.problems import problems_raise
from gonghui.core.roles import Role
from gonghui.core.scoping import in_scope
from gonghui.members.people import people_find
from gonghui.sites.models import Site, SiteKind

NOTES_ONLY_AUTHOR = "咨询记录只有撰写它的咨询师本人可以查看。"
MAX_WEEKS = 12


def is_counselor(actor: Actor) -> bool:
    return getattr(actor, "role", None) == Role.COUNSELOR


def is_own(actor: Actor, counselor_id: int) -> bool:
    return is_counselor(actor) and actor.pk == counselor_id


def may_book(actor: Actor, slot: CounselingSlot) -> bool:
    return may_edit(actor, slot.union)


def slots_create(
    *,
    actor: Actor,
    station: Site,
    counselor: User,
    starts_at: datetime,
    minutes: int = 50,
    weeks: int = 1,
) -> list[CounselingSlot]:
    """Open a counsellor's slot at a station, repeated weekly for ``weeks`` weeks. Staff
    open slots for the counsellors of their subtree; a counsellor opens their own."""
    if not is_own(actor, counselor.pk):
        require_edit(actor, station.union)
    problems: list[tuple[str, str]] = []
    if station.kind != SiteKind.COUNSELING_STATION:
        problems.append(("station", "请选择心理健康服务站"))
    elif station.closed_on is not None or station.suspended:
        problems.append(("station", "该咨询站已关闭或暂停服务"))
    if counselor.role != Role.COUNSELOR or not counselor.is_active:
        problems.append(("counselor", "请选择在岗的心理咨询师"))
    elif not in_scope(counselor, station.union):
        problems.append(("counselor", "该咨询师不在此咨询站所在工会的范围内"))
    if starts_at <= timezone.now():
        problems.append(("starts_at", "开始时间须晚于现在"))
    if not 10 <= minutes <= 240:
        problems.append(("minutes", "时长须在10至240分钟之间"))
    if not 1 <= weeks <= MAX_WEEKS:
        problems.append(("weeks", f"重复周数须在1至{MAX_WEEKS}之间"))
    problems_raise(problems)
    starts = [starts_at + timedelta(weeks=n) for n in range(weeks)]
    clash = _clash(counselor, starts, minutes)
    if clash is not None:
        problems_raise(
            [("starts_at", f"与该咨询师{timezone.localtime(clash):%Y-%m-%d %H:%M}的时段重叠")]
        )
    slots = [
        CounselingSlot(
            union=station.union,
            station=station,
            counselor=counselor,
            starts_at=start,
            minutes=minutes,
            created_by=user_of(actor),
        )
        for start in starts
    ]
    with transaction.atomic():
        CounselingSlot.objects.bulk_create(slots)
        audit_record(
            actor=actor,
            action="care.counseling.slots",
            union=station.union,
            summary=(
                f"在{station.name}为{counselor.display_name or counselor.username}开设"
                f"{len(slots)}个咨询时段，自{timezone.localtime(starts_at):%Y-%m-%d %H:%M}起"
            ),
        )
    return slots


def _clash(counselor: User, starts: list[datetime], minutes: int) -> datetime | None:
    """The start of a slot of the counsellor's that overlaps any of the new ones."""
    longest = timedelta(minutes=240)
    existing = CounselingSlot.objects.filter(
        counselor=counselor,
        starts_at__gt=min(starts) - longest,
        starts_at__lt=max(starts) + timedelta(minutes=minutes),
    ).values_list("starts_at", "minutes")
    for other_start, other_minutes in existing:
        for start in starts:
            if start < other_start + timedelta(minutes=other_minutes) and other_start < (
                start + timedelta(minutes=minutes)
            ):
                return other_start
    return None


def booking_make(
    *,
    actor: Actor,
    slot: CounselingSlot,
    id_number: str,
    name: str,
    topic: str,
    channel: str = BookingChannel.STAFF,
) -> CounselingBooking:
    """Book a slot for a person of the actor's subtree, or (channel 职工自约, from the workers'
    portal) for the worker themselves at any station. A person holds one booking not yet
    held at a time; a slot holds one booking that is not cancelled."""
    if isinstance(actor, ApplicantActor):
        if channel != BookingChannel.SELF:
            raise PermissionDenied("职工只能为本人预约。")
    else:
        require_edit(actor, slot.union)
    # Staff book for the people of their own subtree, at any station of it.
    assert actor.union is not None
    person, id_problem = person_typed(id_number)
    if person is not None:
        require_self(actor, person.id_hash)
    problems = with_id_problem(person_problems(person, actor.union, name.strip()), id_problem)
    if topic not in BookingTopic.values:
        problems.append(("topic", "请选择咨询主题"))
    if channel not in BookingChannel.values:
        problems.append(("", "预约方式不正确"))
    if slot.starts_at <= timezone.now():
        problems.append(("", "该时段已开始或已过去，不能再预约"))
    if person is not None and not problems:
        waiting = (
            CounselingBooking.objects.filter(
                person_hash=person.id_hash, status=BookingStatus.BOOKED
            )
            .select_related("slot__station")
            .first()
        )
        if waiting is not None:
            when = timezone.localtime(waiting.slot.starts_at)
            problems.append(
                (
                    "",
                    f"此人已预约{when:%Y-%m-%d %H:%M}在{waiting.slot.station.name}的咨询，"
                    "请先完成或取消该预约",
                )
            )
    problems_raise(problems)
    assert person is not None
    taken = [("", "该时段已被预约，请另选时段")]
    try:
        with transaction.atomic():
            # Lock the slot so that two bookers of the same slot queue here; the partial
            # unique constraint is the last word.
            CounselingSlot.objects.select_for_update().filter(pk=slot.pk).exists()
            if slot.bookings.exclude(status=BookingStatus.CANCELLED).exists():
                problems_raise(taken)
            booking = CounselingBooking.objects.create(
                union=slot.union,
                slot=slot,
                counselor_id=slot.counselor_id,
                person_hash=person.id_hash,
                person_name=person.name,
                person_masked=person.id_masked,
                channel=channel,
                topic=topic,
                booked_by=user_of(actor),
            )
            audit_record(
                actor=actor,
                action="care.counseling.book",
                obj=booking,
                union=slot.union,
                summary=f"为{person.name}（{person.id_masked}）预约{slot}的心理咨询",
            )
    except IntegrityError:
        problems_raise(taken)
    return booking


def _require_counselor_or_editor(actor: Actor, booking: CounselingBooking) -> None:
    if not is_own(actor, booking.counselor_id):
        require_edit(actor, booking.union)


@transaction.atomic
def booking_cancel(*, actor: Actor, booking: CounselingBooking, reason: str) -> CounselingBooking:
    _require_counselor_or_editor(actor, booking)
    problems: list[tuple[str, str]] = []
    if booking.status != BookingStatus.BOOKED:
        problems.append(("", f"该预约{booking.get_status_display()}，不能取消"))
    if not reason.strip():
        problems.append(("reason", "请填写取消原因"))
    problems_raise(problems)
    booking.status = BookingStatus.CANCELLED
    booking.cancel_reason = reason.strip()[:128]
    booking.save(update_fields=["status", "cancel_reason"])
    audit_record(
        actor=actor,
        action="care.counseling.cancel",
        obj=booking,
        union=booking.union,
        summary=f"取消{booking.person_name}在{booking.slot}的心理咨询预约：{booking.cancel_reason}",
    )
    return booking


def _started_problems(booking: CounselingBooking) -> list[tuple[str, str]]:
    problems: list[tuple[str, str]] = []
    if booking.status != BookingStatus.BOOKED:
        problems.append(("", f"该预约{booking.get_status_display()}，不能再登记"))
    if booking.slot.starts_at > timezone.now():
        problems.append(("", "咨询时段尚未开始"))
    return problems


@transaction.atomic
def no_show_mark(*, actor: Actor, booking: CounselingBooking) -> CounselingBooking:
    _require_counselor_or_editor(actor, booking)
    problems_raise(_started_problems(booking))
    booking.status = BookingStatus.NO_SHOW
    booking.save(update_fields=["status"])
    audit_record(
        actor=actor,
        action="care.counseling.no_show",
        obj=booking,
        union=booking.union,
        summary=f"{booking.person_name}未到{booking.slot}的心理咨询",
    )
    return booking


def session_record(
    *,
    actor: Actor,
    booking: CounselingBooking,
    minutes: int,
    notes: str,
    follow_up: bool = False,
) -> CounselingSession:
    """The counsellor of the booking records the session: its length, their sealed notes
    and whether to follow up; the session is a delivery of 心理咨询 at the station."""
    if not is_own(actor, booking.counselor_id):
        raise PermissionDenied("只有该时段的咨询师本人可以记录咨询。")
    problems = _started_problems(booking)
    if not 1 <= minutes <= 480:
        problems.append(("minutes", "实际时长须在1至480分钟之间"))
    person = people_find([booking.person_hash]).get(booking.person_hash)
    if person is None:
        problems.append(("", "该职工已不在会员或登记职工名册中，无法记录"))
    problems_raise(problems)
    assert person is not None
    slot = booking.slot
    held_on = timezone.localdate(slot.starts_at)
    with transaction.atomic():
        session = CounselingSession(
            union=booking.union,
            booking=booking,
            counselor_id=booking.counselor_id,
            held_on=held_on,
            minutes=minutes,
            follow_up=follow_up,
        )
        cipher_set(session, "notes_cipher", notes.strip())
        session.save(force_insert=True)
        booking.status = BookingStatus.HELD
        booking.save(update_fields=["status"])
        delivery_row(
            item=ServiceItem.objects.get(key="counseling"),
            person=person,
            union=booking.union,
            on=held_on,
            served=Served(site_id=slot.station_id, reference=f"counseling:{booking.pk}"),
            source=Source.COUNSELING,
            actor=actor,
        ).save()
        audit_record(
            actor=actor,
            action="care.counseling.session",
            obj=session,
            union=booking.union,
            summary=f"记录{booking.person_name}（{booking.person_masked}）{held_on:%Y-%m-%d}的心理咨询",
        )
    return session


def session_notes(*, actor: Actor, session: CounselingSession) -> str:
    """The notes of a session, for the counsellor who wrote them only; each read is kept in
    the audit log."""
    if not is_own(actor, session.counselor_id):
        raise PermissionDenied(NOTES_ONLY_AUTHOR)
    audit_record(
        actor=actor,
        action="care.counseling.notes_read",
        obj=session,
        union=session.union,
        summary=f"查看{session.held_on:%Y-%m-%d}心理咨询的记录",
    )
    return cipher_get(session, "notes_cipher")
