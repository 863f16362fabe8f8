"""Every read of 活动台账, inside the actor's scope."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Count, QuerySet, Sum

from gonghui.activities.models import Activity, JobFair, JobPosition
from gonghui.core import pii
from gonghui.core.actors import Actor
from gonghui.core.scoping import access
from gonghui.orgs.models import Enterprise

PAGE = 50


def activity_list(*, actor: Actor) -> QuerySet[Activity]:
    return Activity.objects.visible_to(actor).select_related("union").order_by("-id")


def activity_page(
    *, actor: Actor, before: int | None = None, size: int = PAGE
) -> tuple[list[Activity], int | None]:
    """One page, newest first, by keyset on the id (no COUNT over the table); the id to
    continue before, or None on the last page."""
    rows = activity_list(actor=actor)
    if before:
        rows = rows.filter(id__lt=before)
    found = list(rows[: size + 1])
    return found[:size], (found[size - 1].pk if len(found) > size else None)


def access_activity(*, actor: Actor, activity_id: int) -> Activity:
    """One activity in the actor's scope, or 404."""
    return access(Activity.objects.select_related("union"), actor=actor, pk=activity_id)


def enterprises_in_area(*, actor: Actor, union: Any) -> QuerySet[Enterprise]:
    """The enterprises of ``union``'s register an activity of it may be held in."""
    return Enterprise.objects.visible_to(actor).filter(owner_union__path__startswith=union.path)


def enterprise_of_activity(*, actor: Actor, union: Any, uscc: str) -> Enterprise | None:
    """The enterprise a typed 统一社会信用代码 names in ``union``'s register (None when blank);
    a code that is invalid or not in the register is refused in Chinese."""
    if not uscc.strip():
        return None
    try:
        code = pii.normalize_uscc(uscc)
    except ValidationError as exc:
        raise ValidationError({"enterprise": exc.messages}) from exc
    enterprise = enterprises_in_area(actor=actor, union=union).filter(uscc=code).first()
    if enterprise is None:
        raise ValidationError({"enterprise": [f"{union.name}的企业名录中没有 {code}"]})
    return enterprise


# --- 春风送岗 job fairs ------------------------------------------------------------------


def fair_list(*, actor: Actor) -> QuerySet[JobFair]:
    return JobFair.objects.visible_to(actor).select_related("union").order_by("-held_on", "-id")


def fair_page(
    *, actor: Actor, before: int | None = None, size: int = PAGE
) -> tuple[list[JobFair], int | None]:
    """One page of fairs, newest first by id (keyset), with their position and post counts
    (one grouped query for the page, not one per fair)."""
    rows = JobFair.objects.visible_to(actor).select_related("union").order_by("-id")
    if before:
        rows = rows.filter(id__lt=before)
    found: list[JobFair] = list(
        rows.annotate(
            position_count=Count("positions", distinct=True),
            post_count=Sum("positions__posts"),
        )[: size + 1]
    )
    return found[:size], (found[size - 1].pk if len(found) > size else None)


def access_fair(*, actor: Actor, fair_id: int) -> JobFair:
    """One fair in the actor's scope, or 404."""
    return access(JobFair.objects.select_related("union"), actor=actor, pk=fair_id)


def fair_positions(*, fair: JobFair) -> QuerySet[JobPosition]:
    """The positions of a fair the caller has accessed, by employer."""
    return (
        JobPosition.objects.filter(fair=fair)
        .select_related("employer", "employer__enterprise")
        .order_by("employer__name", "id")
    )


def fair_totals(*, fair: JobFair) -> dict[str, int]:
    totals = JobPosition.objects.filter(fair=fair).aggregate(
        positions=Count("pk"),
        posts=Sum("posts"),
        applicants=Sum("applicants"),
        hires=Sum("hires"),
        employers=Count("employer", distinct=True),
    )
    return {k: v or 0 for k, v in totals.items()}


def fair_by_ref(*, scope: Any, ref: str) -> JobFair:
    """The fair a file or a command names by its number; out of scope reads as missing."""
    fair = (
        JobFair.objects.visible_to(scope).select_related("union").filter(pk=int(ref)).first()
        if str(ref).strip().isdigit()
        else None
    )
    if fair is None:
        raise ValidationError(f"没有编号为 {ref} 的招聘会，或不在您的管辖范围内。")
    return fair


def fair_choices(actor: Actor) -> list[tuple[str, str]]:
    """(number, label) of the open fairs an actor may add positions to, newest first: the
    select of the positions sheet's upload page."""
    return [
        (str(f.pk), f"{f.held_on:%Y-%m-%d} {f.title}（{f.union.name}，编号 {f.pk}）")
        for f in fair_list(actor=actor).filter(closed_on__isnull=True)[:200]
    ]
