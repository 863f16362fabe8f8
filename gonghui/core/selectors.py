"""Reads of the kernel's own tables (audit log, jobs, staff users), always scoped."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.db.models import QuerySet
from django.utils import timezone

from gonghui.core.actors import Actor
from gonghui.core.models import AuditEvent, Job, User
from gonghui.core.scoping import access


def audit_events(
    *,
    actor: Actor,
    action: str = "",
    actor_name: str = "",
    object_type: str = "",
    date_from: date | None = None,
    date_to: date | None = None,
    outcome: str = "",
) -> QuerySet[AuditEvent]:
    qs = AuditEvent.objects.visible_to(actor).select_related("union")
    if action:
        qs = qs.filter(action=action)
    if actor_name:
        qs = qs.filter(actor_name=actor_name)
    if object_type:
        qs = qs.filter(object_type=object_type)
    if outcome:
        qs = qs.filter(outcome=outcome)
    tz = timezone.get_current_timezone()
    if date_from:
        qs = qs.filter(at__gte=datetime.combine(date_from, time.min, tz))
    if date_to:
        qs = qs.filter(at__lt=datetime.combine(date_to + timedelta(days=1), time.min, tz))
    return qs.order_by("-at", "-id")


def audit_actors(*, actor: Actor, limit: int = 1000) -> list[tuple[str, str]]:
    """The staff accounts of the actor's scope, as (account, "name（account）") for a filter."""
    users = (
        User.objects.visible_to(actor)
        .order_by("union__path", "username")
        .values_list("username", "display_name")[:limit]
    )
    return [(name, f"{display}（{name}）" if display else name) for name, display in users]


def access_job(*, actor: Actor, job_id: int) -> Job:
    """A job in the actor's scope, with the latest figures of its work while it runs."""
    from gonghui.core.jobs import job_live

    job = access(Job.objects.select_related("union", "started_by"), actor=actor, pk=job_id)
    return job_live(job)


def jobs_visible(*, actor: Actor) -> QuerySet[Job]:
    return Job.objects.visible_to(actor).select_related("union", "started_by")
