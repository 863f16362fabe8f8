"""Membership periods (会籍期间): every service and import that changes a membership writes
its period here, in its own transaction; the member figures count from the periods.

A period is half-open: a member of its union on day d when ``started_on <= d < ended_on``.
A transfer on day D ends the old period on D and starts the new one on D; leaving on D ends
it on D (on that day the person is no longer a member)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connections

from gonghui.members.models import (
    JoinChannel,
    Member,
    MembershipEvent,
    MembershipPeriod,
    PeriodEnd,
    PeriodStart,
)

PERIOD_FIELDS = ("member", "union", "started_on", "began", "ended_on", "ended")


def began_by(channel: str) -> str:
    """How a membership that starts by joining began: by a roster import, or by joining."""
    return PeriodStart.IMPORTED if channel == JoinChannel.IMPORT else PeriodStart.JOINED


def period_row(member_id: int, union_id: int, started_on: date, began: str) -> tuple[Any, ...]:
    """An open period as a row of PERIOD_FIELDS (for the bulk writers)."""
    return (member_id, union_id, started_on, began, None, "")


def period_open(*, member: Member, union_id: int, on: date, began: str) -> MembershipPeriod:
    return MembershipPeriod.objects.create(
        member=member, union_id=union_id, started_on=on, began=began
    )


def open_period(member: Member) -> MembershipPeriod | None:
    return MembershipPeriod.objects.filter(member=member, ended_on__isnull=True).first()


def period_close(*, member: Member, on: date, ended: str, what: str) -> None:
    """End the member's open period on ``on``; a day before the period began is refused
    (``what`` names the change: 转会, 退会)."""
    current = open_period(member)
    if current is None:
        return
    if on < current.started_on:
        raise ValidationError(
            f"{what}日期不能早于本段会籍的起始日期（{current.started_on:%Y-%m-%d}）。",
            code="before_period",
        )
    current.ended_on = on
    current.ended = ended
    current.save(update_fields=["ended_on", "ended"])


def joined_periods_redate(moves: Sequence[tuple[int, date]]) -> list[tuple[int, date]]:
    """For members whose join date was corrected (member id, new date): the periods to move,
    as (period id, new start): the latest period that began by joining, where the new date
    still falls before its end."""
    if not moves:
        return []
    latest: dict[int, tuple[int, date | None]] = {}
    rows = (
        MembershipPeriod.objects.filter(
            member_id__in=[m for m, _ in moves],
            began__in=(PeriodStart.JOINED, PeriodStart.IMPORTED),
        )
        .order_by("member_id", "started_on", "id")
        .values_list("member_id", "id", "ended_on")
    )
    for member_id, pk, ended_on in rows:
        latest[member_id] = (pk, ended_on)
    found = []
    for member_id, day in moves:
        if member_id in latest:
            pk, ended_on = latest[member_id]
            if ended_on is None or day <= ended_on:
                found.append((pk, day))
    return found


# -- building periods from members and their events ------------------------------------------


def _periods_of(member: Any, events: Iterable[Any]) -> list[tuple[Any, ...]]:
    """The periods of one member, from the member row and its events in order (transfers,
    leaves, rejoins), as rows of PERIOD_FIELDS. A rejoin overwrote the first join date; the
    first period then starts on the day the row was made or the first event, whichever is
    earlier (the best the records still say)."""
    events = list(events)
    rejoined = any(e.kind == MembershipEvent.Kind.REJOIN for e in events)
    start = member.join_date
    if rejoined:
        start = min(member.created_at.date(), events[0].on)
    first = events[0] if events else None
    if first is None:
        union_id = member.union_id
    elif first.kind == MembershipEvent.Kind.TRANSFER and first.from_union_id:
        union_id = first.from_union_id
    else:
        union_id = first.union_id
    rows: list[list[Any]] = []
    current: list[Any] | None = [
        member.pk,
        union_id,
        start,
        began_by(member.join_channel),
        None,
        "",
    ]
    for event in events:
        if event.kind == MembershipEvent.Kind.TRANSFER:
            if current is not None:
                current[4:] = [max(event.on, current[2]), PeriodEnd.TRANSFERRED_OUT]
                rows.append(current)
            current = [member.pk, event.union_id, event.on, PeriodStart.TRANSFERRED_IN, None, ""]
        elif event.kind == MembershipEvent.Kind.LEAVE:
            if current is not None:
                current[4:] = [max(event.on, current[2]), PeriodEnd.LEFT]
                rows.append(current)
            current = None
        else:  # a rejoin
            if current is not None:
                current[4:] = [max(event.on, current[2]), PeriodEnd.LEFT]
                rows.append(current)
            current = [member.pk, event.union_id, event.on, began_by(member.join_channel), None, ""]
    if current is not None:
        if member.status == Member.Status.LEFT and member.left_on is not None:
            current[4:] = [max(member.left_on, current[2]), PeriodEnd.LEFT]
        rows.append(current)
    return [tuple(r) for r in rows]


def periods_rebuild(
    member_model: Any = Member,
    event_model: Any = MembershipEvent,
    period_model: Any = MembershipPeriod,
    using: str = "default",
) -> int:
    """Build every member's periods afresh from the member rows and their events: the data
    migration, and the demo and benchmark data sets, which write members in bulk. Members
    without events (nearly all) in one INSERT … SELECT; the others one by one."""
    conn = connections[using]
    members = member_model._meta.db_table
    events = event_model._meta.db_table
    periods = period_model._meta.db_table
    period_model._default_manager.using(using).all().delete()
    with conn.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {periods} (member_id, union_id, started_on, began, ended_on, ended) "
            "SELECT m.id, m.union_id, m.join_date, "
            "CASE WHEN m.join_channel = %s THEN %s ELSE %s END, "
            "CASE WHEN m.status = %s THEN m.left_on END, "
            "CASE WHEN m.status = %s AND m.left_on IS NOT NULL THEN %s ELSE '' END "
            f"FROM {members} m WHERE NOT EXISTS "
            f"(SELECT 1 FROM {events} e WHERE e.member_id = m.id)",
            [
                JoinChannel.IMPORT,
                PeriodStart.IMPORTED,
                PeriodStart.JOINED,
                Member.Status.LEFT,
                Member.Status.LEFT,
                PeriodEnd.LEFT,
            ],
        )
        plain = cursor.rowcount
    by_member: dict[int, list[Any]] = defaultdict(list)
    for event in event_model._default_manager.using(using).order_by("member_id", "on", "id"):
        by_member[event.member_id].append(event)
    made: list[Any] = []
    written = 0
    ids = list(by_member)
    for start in range(0, len(ids), 2000):
        chunk = member_model._default_manager.using(using).filter(pk__in=ids[start : start + 2000])
        for member in chunk:
            for row in _periods_of(member, by_member[member.pk]):
                made.append(
                    period_model(
                        **{
                            f"{name}_id" if name in ("member", "union") else name: v
                            for name, v in zip(PERIOD_FIELDS, row, strict=True)
                        }
                    )
                )
        period_model._default_manager.using(using).bulk_create(made, batch_size=2000)
        written += len(made)
        made = []
    return plain + written
