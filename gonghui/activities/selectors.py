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
    ActivityPhoto,
    FollowUp,
    FollowUpFile,
    FollowUpReminder,
    JobFair,
    JobPosition,
    Partnership,
    ResearchVisit,
    ShowcaseCase,
    SupervisionVisit,
)
from gonghui.core import pii
from gonghui.core.actors import Actor
from gonghui.core.indicators.periods import parse_month
from gonghui.core.indicators.registry import Tree
from gonghui.core.pagination import keyset_page
from gonghui.core.scoping import access
from gonghui.orgs.models import Enterprise, Union

PAGE = 50


@dataclass
class ActivityFilters:
    """The ledger's filters: a union of the actor's subtree, a kind, a month."""

    union: Any
    kind: str = ""
    month: tuple[int, int] | None = None
    before: int | None = None

    @property
    def month_text(self) -> str:
        return f"{self.month[0]}-{self.month[1]:02d}" if self.month else ""

    def query(self, **override: Any) -> str:
        """The filter as a query string (for links to the next page or the other view)."""
        from urllib.parse import urlencode

        values = {
            "union": self.union.code,
            "kind": self.kind,
            "month": self.month_text,
            **override,
        }
        return urlencode({k: v for k, v in values.items() if v not in ("", None)})


def activity_filters(*, actor: Actor, params: Any) -> ActivityFilters:
    """The filters from the query string; unknown values are ignored, a union out of scope
    is a 404."""
    from gonghui.activities.kinds import kinds
    from gonghui.orgs.selectors import union_of_page

    union = union_of_page(actor=actor, code=params.get("union") or None)
    kind = params.get("kind", "")
    month = None
    if params.get("month"):
        try:
            month = parse_month(params["month"])
        except ValueError:
            month = None  # a month mistyped in the address shows every month
    before = params.get("before", "")
    return ActivityFilters(
        union=union,
        kind=kind if kind in kinds() else "",
        month=month,
        before=int(before) if before.isdigit() else None,
    )


def _filtered(actor: Actor, filters: ActivityFilters) -> QuerySet[Activity]:
    rows = Activity.objects.visible_under(actor, filters.union).select_related("union")
    if filters.kind:
        rows = rows.filter(kind=filters.kind)
    if filters.month:
        year, month = filters.month
        rows = rows.filter(held_on__year=year, held_on__month=month)
    return rows


def activity_page(
    *, actor: Actor, filters: ActivityFilters, size: int = PAGE
) -> tuple[list[Activity], int | None]:
    """One page of the filtered ledger, newest first, by keyset on the id (no COUNT over the
    table); the id to continue before, or None on the last page."""
    return keyset_page(_filtered(actor, filters).order_by("-id"), before=filters.before, size=size)


CALENDAR_SHOWN = 4  # activities named in a day's cell; the rest are counted


@dataclass
class CalendarDay:
    day: date | None  # None: a blank cell before the 1st or after the month's end
    activities: list[Activity]
    count: int = 0


def activity_calendar(*, actor: Actor, filters: ActivityFilters) -> list[list[CalendarDay]]:
    """The month's weeks (Monday first), each day with its first activities and its count:
    two queries whatever the month holds."""
    import calendar

    assert filters.month is not None
    year, month = filters.month
    rows = _filtered(actor, filters)
    counts = dict(
        rows.order_by().values_list("held_on").annotate(n=Count("pk")).values_list("held_on", "n")
    )
    shown: dict[date, list[Activity]] = {}
    for activity in rows.order_by("held_on", "id").only(
        "id", "title", "kind", "held_on", "union__name"
    )[:2000]:
        day_list = shown.setdefault(activity.held_on, [])
        if len(day_list) < CALENDAR_SHOWN:
            day_list.append(activity)
    weeks = []
    for week in calendar.Calendar(firstweekday=0).monthdatescalendar(year, month):
        weeks.append(
            [
                CalendarDay(d, shown.get(d, []), counts.get(d, 0))
                if d.month == month
                else CalendarDay(None, [])
                for d in week
            ]
        )
    return weeks


def activity_list(*, actor: Actor) -> QuerySet[Activity]:
    return Activity.objects.visible_to(actor).select_related("union").order_by("-id")


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
    rows = rows.annotate(
        position_count=Count("positions", distinct=True),
        post_count=Sum("positions__posts"),
    )
    return keyset_page(rows, before=before, size=size)


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
    return keyset_page(rows, before=before, size=size)


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
    return keyset_page(rows, before=before, size=size)


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


BADGE_MOST = 99


def followup_inbox_count(*, actor: Actor) -> int:
    """The sidebar's badge: open items of the actor's own union and finished ones to verify,
    up to BADGE_MOST + 1 (read by index, never counted over the table: it is on every page)."""
    union = getattr(actor, "union", None)
    if union is None:
        return 0
    ids = (
        FollowUp.objects.visible_to(actor)
        .filter(
            Q(owner=union, state__in=OPEN_STATES) | Q(assigned_by=union, state=FollowUp.State.DONE)
        )
        .values_list("pk", flat=True)[: BADGE_MOST + 1]
    )
    return len(ids)


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
    # Red rows first, then yellow: what needs attention is at the top of a long board.
    order = {"red": 0, "yellow": 1, "green": 2}
    return [own, *sorted(rows.values(), key=lambda r: (order[r.light], r.union.code))]


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


# --- photos, 优秀活动案例 and 典型工作案例 -------------------------------------------------------


def activity_photos(*, activity: Activity) -> QuerySet[ActivityPhoto]:
    return ActivityPhoto.objects.filter(activity=activity).order_by("id")


def access_photo(*, actor: Actor, photo_id: int) -> ActivityPhoto:
    return access(ActivityPhoto.objects.all(), actor=actor, pk=photo_id)


GALLERY_SIZE = 60


@dataclass
class Gallery:
    cases: list[ShowcaseCase]
    activities: list[Activity]  # the 优秀活动案例, each with ``cover`` (a photo or None)


def showcase_gallery(*, actor: Actor, year: int | None = None) -> Gallery:
    """The cases and the showcase activities of the actor's scope, newest first, each
    activity with its first photo (three queries)."""
    cases = ShowcaseCase.objects.visible_to(actor).select_related("union")
    activities = Activity.objects.visible_to(actor).filter(showcase=True).select_related("union")
    if year:
        cases = cases.filter(year=year)
        activities = activities.filter(held_on__year=year)
    shown = list(activities.order_by("-held_on", "-id")[:GALLERY_SIZE])
    first: dict[int, ActivityPhoto] = {}
    for photo in ActivityPhoto.objects.filter(activity__in=shown).order_by("id"):
        first.setdefault(photo.activity_id, photo)
    for a in shown:
        a.cover = first.get(a.pk)  # type: ignore[attr-defined]
    return Gallery(list(cases.order_by("-year", "-id")[:GALLERY_SIZE]), shown)


def access_case(*, actor: Actor, case_id: int) -> ShowcaseCase:
    return access(ShowcaseCase.objects.select_related("union"), actor=actor, pk=case_id)


def case_activities(*, actor: Actor, case: ShowcaseCase) -> QuerySet[Activity]:
    return Activity.objects.visible_to(actor).filter(cases=case).select_related("union")


def case_activity_choices(*, actor: Actor) -> list[Activity]:
    """The 优秀活动案例 a case may be linked to, newest first."""
    return list(
        Activity.objects.visible_to(actor)
        .filter(showcase=True)
        .select_related("union")
        .order_by("-held_on", "-id")[:200]
    )


def partnership_page(
    *, actor: Actor, before: int | None = None, size: int = PAGE
) -> tuple[list[Partnership], int | None]:
    rows = Partnership.objects.visible_to(actor).select_related("union").order_by("-id")
    return keyset_page(rows, before=before, size=size)


def access_partnership(*, actor: Actor, partnership_id: int) -> Partnership:
    return access(Partnership.objects.select_related("union"), actor=actor, pk=partnership_id)
