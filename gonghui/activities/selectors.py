"""Every read of 活动台账, inside the actor's scope."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from gonghui.activities.models import (
    Activity,
    FollowUp,
    FollowUpFile,
    FollowUpReminder,
    JobFair,
    JobPosition,
    ResearchVisit,
    SupervisionVisit,
)
from gonghui.core import pii
from gonghui.core.actors import Actor
from gonghui.core.indicators.registry import Tree
from gonghui.core.scoping import access
from gonghui.orgs.models import Enterprise, Union

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


# --- 大调研, 督导 and follow-up items -------------------------------------------------------

OPEN_STATES = (FollowUp.State.OPEN, FollowUp.State.IN_PROGRESS)


def research_page(
    *, actor: Actor, before: int | None = None, size: int = PAGE
) -> tuple[list[ResearchVisit], int | None]:
    rows = (
        ResearchVisit.objects.visible_to(actor)
        .select_related("union", "enterprise")
        .annotate(finding_count=Count("findings"))
        .order_by("-id")
    )
    if before:
        rows = rows.filter(id__lt=before)
    found: list[ResearchVisit] = list(rows[: size + 1])
    return found[:size], (found[size - 1].pk if len(found) > size else None)


def access_research(*, actor: Actor, visit_id: int) -> ResearchVisit:
    return access(
        ResearchVisit.objects.select_related("union", "enterprise"), actor=actor, pk=visit_id
    )


def supervision_page(
    *, actor: Actor, before: int | None = None, size: int = PAGE
) -> tuple[list[SupervisionVisit], int | None]:
    rows = (
        SupervisionVisit.objects.visible_to(actor)
        .select_related("union", "target")
        .annotate(finding_count=Count("findings"))
        .order_by("-id")
    )
    if before:
        rows = rows.filter(id__lt=before)
    found: list[SupervisionVisit] = list(rows[: size + 1])
    return found[:size], (found[size - 1].pk if len(found) > size else None)


def access_supervision(*, actor: Actor, visit_id: int) -> SupervisionVisit:
    return access(
        SupervisionVisit.objects.select_related("union", "target"), actor=actor, pk=visit_id
    )


def findings_of(*, actor: Actor, **visit: Any) -> QuerySet[FollowUp]:
    """The follow-up items of a visit the caller has accessed (research_visit= or
    supervision=), those of its scope."""
    return (
        FollowUp.objects.visible_to(actor)
        .filter(**visit)
        .select_related("owner", "assigned_by")
        .order_by("id")
    )


def access_followup(*, actor: Actor, followup_id: int) -> FollowUp:
    return access(
        FollowUp.objects.select_related("owner", "assigned_by", "research_visit", "supervision"),
        actor=actor,
        pk=followup_id,
    )


def followup_files(*, item: FollowUp) -> QuerySet[FollowUpFile]:
    return FollowUpFile.objects.filter(follow_up=item).order_by("id")


def access_followup_file(*, actor: Actor, file_id: int) -> FollowUpFile:
    return access(FollowUpFile.objects.select_related("follow_up"), actor=actor, pk=file_id)


@dataclass
class Inbox:
    """我的督办: what the actor's union must do, and what it must verify."""

    to_do: list[FollowUp]
    to_verify: list[FollowUp]
    reminders: list[FollowUpReminder]


INBOX_SIZE = 200


def followup_inbox(*, actor: Actor, today: date | None = None) -> Inbox:
    """The open items owned by the actor's own union (soonest deadline first), the finished
    items it assigned that await its verification, and the week's reminders."""
    union = getattr(actor, "union", None)
    if union is None:
        return Inbox([], [], [])
    today = today or timezone.localdate()
    scoped = FollowUp.objects.visible_to(actor).select_related("owner", "assigned_by")
    to_do = list(
        scoped.filter(owner=union, state__in=OPEN_STATES).order_by("deadline", "id")[:INBOX_SIZE]
    )
    to_verify = list(
        scoped.filter(assigned_by=union, state=FollowUp.State.DONE).order_by("done_on", "id")[
            :INBOX_SIZE
        ]
    )
    reminders = list(
        FollowUpReminder.objects.visible_to(actor)
        .filter(
            follow_up__owner=union,
            follow_up__state__in=OPEN_STATES,
            sent_on__gte=today - timedelta(days=7),
        )
        .select_related("follow_up")
        .order_by("-sent_on", "-id")[:50]
    )
    for item in to_do:
        item.overdue = item.overdue_on(today)  # type: ignore[attr-defined]
    return Inbox(to_do, to_verify, reminders)


def followup_inbox_count(*, actor: Actor) -> int:
    """The sidebar's badge: open items of the actor's own union and finished ones to verify."""
    union = getattr(actor, "union", None)
    if union is None:
        return 0
    return (
        FollowUp.objects.visible_to(actor)
        .filter(
            Q(owner=union, state__in=OPEN_STATES) | Q(assigned_by=union, state=FollowUp.State.DONE)
        )
        .count()
    )


@dataclass
class BoardRow:
    union: Any
    open: int = 0
    in_progress: int = 0
    done: int = 0
    verified: int = 0
    overdue: int = 0
    due_soon: int = 0

    @property
    def light(self) -> str:
        """Red with anything overdue, yellow with something due soon, else green."""
        if self.overdue:
            return "red"
        return "yellow" if self.due_soon else "green"


def followup_board(*, actor: Actor, union: Any, today: date | None = None) -> list[BoardRow]:
    """The follow-up board of ``union``: one row for the union itself and one per child,
    each counting the items owned in its subtree; one grouped query."""
    today = today or timezone.localdate()
    soon = today + timedelta(days=settings.GONGHUI_FOLLOWUP_REMIND_DAYS)
    tree = Tree.of(union)
    own = BoardRow(union)
    rows = {child.code: BoardRow(child) for child in tree.children}
    items = (
        FollowUp.objects.visible_to(actor)
        .filter(owner__path__startswith=union.path)
        .values("owner_id", "state")
        .annotate(
            n=Count("pk"),
            overdue=Count("pk", filter=Q(deadline__lt=today, state__in=OPEN_STATES)),
            due_soon=Count(
                "pk", filter=Q(deadline__gte=today, deadline__lte=soon, state__in=OPEN_STATES)
            ),
        )
        .order_by()
    )
    for found in items:
        code = tree.child_of.get(found["owner_id"])
        row = rows[code] if code is not None else own
        setattr(row, found["state"], getattr(row, found["state"]) + found["n"])
        row.overdue += found["overdue"]
        row.due_soon += found["due_soon"]
    return [own, *rows.values()]


def followup_owners(*, actor: Actor, union: Any, levels_down: int = 1) -> list[Any]:
    """The unions ``union`` may assign an item to on a page: itself and those up to
    ``levels_down`` levels below (not every grassroots union of a city)."""
    below = list(
        Union.objects.visible_to(actor)
        .filter(
            path__startswith=union.path,
            depth__gt=union.depth,
            depth__lte=union.depth + levels_down,
        )
        .order_by("path")
    )
    return [union, *below]
