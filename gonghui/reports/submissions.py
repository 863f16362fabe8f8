"""上报: a union submits its dispatch table of a month, and the submitted figures stay as
they were. The table of a submitted month is shown from the submission (targets, lights and
ranks included); a record changed since shows as an adjustment (调整) beside the figure it
moves, with the changes the audit log holds for the union's subtree since the submission;
its workbook is the one submitted."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from gonghui.core.actors import Actor, user_of
from gonghui.core.audit import audit_record
from gonghui.core.indicators.periods import last_complete_month
from gonghui.core.indicators.registry import indicator_get
from gonghui.core.models import AuditEvent
from gonghui.core.roles import EDITORS
from gonghui.core.scoping import require_in_scope
from gonghui.orgs.models import Union
from gonghui.reports.dispatch import (
    ChildCell,
    DispatchRow,
    DispatchTable,
    dispatch_table,
)
from gonghui.reports.dispatch_export import dispatch_title, dispatch_workbook
from gonghui.reports.models import DispatchSubmission

# Audit actions that read rather than change: not "later changes" of a submitted month.
READING = ("export", "reveal", "download", "notes_read", "search", "login", "api.call", "job.")


def _number(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _decimal(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def table_snapshot(table: DispatchTable) -> dict[str, Any]:
    """Everything the page and the workbook show of a table, as JSON."""
    return {
        "as_of": table.as_of.isoformat(),
        "children": [c.code for c in table.children],
        "rows": [
            {
                "key": r.indicator.key,
                "target": _number(r.target),
                "month": _number(r.month),
                "ytd": _number(r.ytd),
                "last_year_ytd": _number(r.last_year_ytd),
                "completion": _number(r.completion),
                "expected": _number(r.expected),
                "gap": _number(r.gap),
                "yoy": _number(r.yoy),
                "light": r.light,
                "children": [
                    {
                        "code": c.code,
                        "name": c.name,
                        "month": _number(c.month),
                        "ytd": _number(c.ytd),
                        "target": _number(c.target),
                        "completion": _number(c.completion),
                        "rank": c.rank,
                        "rank_before": c.rank_before,
                    }
                    for c in r.children
                ],
            }
            for r in table.rows
        ],
    }


def table_from_snapshot(submission: DispatchSubmission) -> DispatchTable:
    """The submitted table (indicators declared since are not in it; one no longer declared
    is left out)."""
    data = submission.snapshot
    rows: list[DispatchRow] = []
    for row in data["rows"]:
        try:
            indicator = indicator_get(row["key"])
        except KeyError:
            continue
        rows.append(
            DispatchRow(
                number=len(rows) + 1,
                indicator=indicator,
                target=_decimal(row["target"]),
                month=_decimal(row["month"]),
                ytd=_decimal(row["ytd"]),
                last_year_ytd=_decimal(row["last_year_ytd"]),
                completion=_decimal(row["completion"]),
                expected=Decimal(row["expected"]),
                gap=_decimal(row["gap"]),
                yoy=_decimal(row["yoy"]),
                light=row["light"],
                children=[
                    ChildCell(
                        code=c["code"],
                        name=c["name"],
                        month=_decimal(c["month"]),
                        ytd=_decimal(c["ytd"]),
                        target=_decimal(c["target"]),
                        completion=_decimal(c["completion"]),
                        rank=c["rank"],
                        rank_before=c["rank_before"],
                    )
                    for c in row["children"]
                ],
            )
        )
    by_code = {u.code: u for u in Union.objects.filter(code__in=data["children"])}
    children = [by_code[code] for code in data["children"] if code in by_code]
    as_of = parse_datetime(data["as_of"]) or submission.submitted_at
    return DispatchTable(submission.union, submission.year, submission.month, rows, children, as_of)


def submission_of(*, union: Union, year: int, month: int) -> DispatchSubmission | None:
    return (
        DispatchSubmission.objects.filter(union=union, year=year, month=month)
        .select_related("submitted_by", "union")
        .first()
    )


def may_submit(actor: Actor, union: Union) -> bool:
    from gonghui.core.scoping import in_scope

    return getattr(actor, "role", None) in EDITORS and in_scope(actor, union)


def dispatch_submit(*, actor: Actor, union: Union, year: int, month: int) -> DispatchSubmission:
    """Submit the union's table of a finished month: its figures as they are now, kept."""
    require_in_scope(actor, union, "只能上报本工会及下级工会的调度表。")
    if getattr(actor, "role", None) not in EDITORS:
        raise PermissionDenied("您的角色无权上报调度表。")
    if (year, month) > last_complete_month(timezone.localdate()):
        raise ValidationError(f"{year}年{month}月尚未结束，不能上报。", code="month_open")
    if DispatchSubmission.objects.filter(union=union, year=year, month=month).exists():
        raise ValidationError(f"{union.name}{year}年{month}月的调度表已经上报。", code="done")
    table = dispatch_table(union=union, year=year, month=month)
    workbook = io.BytesIO()
    dispatch_workbook(table, workbook)
    try:
        with transaction.atomic():
            submission = DispatchSubmission.objects.create(
                union=union,
                year=year,
                month=month,
                snapshot=table_snapshot(table),
                workbook=workbook.getvalue(),
                submitted_by=user_of(actor),
            )
            audit_record(
                actor=actor,
                action="report.dispatch.submit",
                obj=submission,
                union=union,
                summary=f"上报{dispatch_title(table)}（{len(table.rows)}项指标）",
            )
    except IntegrityError as exc:
        raise ValidationError(
            f"{union.name}{year}年{month}月的调度表已经上报。", code="done"
        ) from exc
    return submission


@dataclass
class Adjustment:
    """What a later change moved: this month's and the year-to-date value, the union's and
    each child's (only the non-zero differences)."""

    month: Decimal | None = None
    ytd: Decimal | None = None
    children: dict[str, dict[str, Decimal]] = field(default_factory=dict)


def _delta(now: Decimal | None, then: Decimal | None) -> Decimal | None:
    diff = (now or Decimal(0)) - (then or Decimal(0))
    return diff or None


def adjustments(frozen: DispatchTable, live: DispatchTable) -> dict[str, Adjustment]:
    """The differences between the submitted table and today's, by indicator."""
    found: dict[str, Adjustment] = {}
    live_rows = {r.indicator.key: r for r in live.rows}
    for row in frozen.rows:
        now = live_rows.get(row.indicator.key)
        if now is None:
            continue
        change = Adjustment(month=_delta(now.month, row.month), ytd=_delta(now.ytd, row.ytd))
        now_children = {c.code: c for c in now.children}
        for cell in row.children:
            other = now_children.get(cell.code)
            if other is None:
                continue
            moved = {
                k: d
                for k, d in (
                    ("month", _delta(other.month, cell.month)),
                    ("ytd", _delta(other.ytd, cell.ytd)),
                )
                if d is not None
            }
            if moved:
                change.children[cell.code] = moved
        if change.month is not None or change.ytd is not None or change.children:
            found[row.indicator.key] = change
    return found


def changes_since(*, union: Union, since: Any, limit: int = 20) -> QuerySet[AuditEvent]:
    """The changes the audit log holds for the union's subtree since ``since``, newest first
    (reads, exports and sign-ins left out)."""
    reading = Q()
    for word in READING:
        reading |= Q(action__contains=word)
    return (
        AuditEvent.objects.visible_to(union.path)
        .filter(at__gt=since, outcome=AuditEvent.Outcome.SUCCESS)
        .exclude(reading)
        .exclude(action="report.dispatch.submit")
        .select_related("actor")
        .order_by("-at")[:limit]
    )
