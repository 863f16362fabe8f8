"""Every read of the workers' portal. A worker's reads start from their account and reach
only rows of their own person (the keyed hash of their ID number) or their own
applications: ``access_own_join`` is the portal's ``access``, a 404 for anything else."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from gonghui.aid.models import MutualAidClaim, ReliefApplication
from gonghui.aid.workflows import CLAIM, RELIEF
from gonghui.care.models import RecuperationApplication
from gonghui.care.workflows import RECUPERATION
from gonghui.core.actors import Actor
from gonghui.core.roles import Role
from gonghui.core.workflow import Workflow
from gonghui.core.workflow.models import Action, ReviewEntry, State
from gonghui.members.models import MassEnrollment, Member, Worker
from gonghui.members.people import Person, people_find
from gonghui.members.sheets import MEMBER_HOLDING_LEVELS
from gonghui.orgs.models import Enterprise, Union
from gonghui.portal.models import ActivationCode, JoinApplication, WorkerAccount
from gonghui.portal.workflows import JOIN

NOT_FOUND = "未找到这份申请。"


def account_of(user: Any) -> WorkerAccount | None:
    """The worker's account of a signed-in user (None for staff)."""
    if getattr(user, "role", None) != Role.WORKER:
        return None
    return WorkerAccount.objects.filter(user_id=user.pk).first()


def member_of(account: WorkerAccount) -> Member | None:
    """The worker's member row, if they are (or were) a member."""
    return Member.objects.select_related("union").filter(id_hash=account.id_hash).first()


def registration_of(account: WorkerAccount) -> Worker | None:
    return Worker.objects.select_related("union").filter(id_hash=account.id_hash).first()


def my_joins(account: WorkerAccount) -> QuerySet[JoinApplication]:
    return (
        JoinApplication.objects.filter(account=account)
        .select_related("union", "mass_enrollment")
        .order_by("-created_at", "-pk")
    )


def access_own_join(*, account: WorkerAccount, join_id: int) -> JoinApplication:
    item: JoinApplication = access_own(account=account, kind="join", item_id=join_id)
    return item


@dataclass(frozen=True)
class Moment:
    """One line of an application's timeline as the worker reads it."""

    at: datetime
    title: str
    detail: str
    tone: str  # success, danger, warning, secondary


_ACTION_TITLES = {
    Action.SUBMIT: "已提交",
    Action.APPROVE: "审核通过",
    Action.REJECT: "未通过",
    Action.RETURN: "退回修改",
    Action.WITHDRAW: "已撤回",
    Action.OBJECT: "公示中收到异议",
    Action.NOTICE_PASS: "公示期满",
    Action.PAY: "已发放",
    Action.BANK_RETURN: "银行退回",
    Action.CORRECT: "工会修改了申请",
}
_TONES = {
    Action.APPROVE: "success",
    Action.PAY: "success",
    Action.NOTICE_PASS: "success",
    Action.REJECT: "danger",
    Action.RETURN: "warning",
    Action.OBJECT: "warning",
    Action.BANK_RETURN: "warning",
}


def _reviewer_names(entries: list[ReviewEntry]) -> dict[int, str]:
    from gonghui.core.models import User

    ids = {e.actor_id for e in entries if e.actor_id is not None}
    return {
        u.pk: u.display_name or u.username
        for u in User.objects.filter(pk__in=ids).only("pk", "display_name", "username")
    }


def timeline(workflow: Workflow, item: Any) -> list[Moment]:
    """The application's review trail in the worker's words: what happened, at which step
    (which names the level), decided by whom, with the reviewer's comment."""
    entries = list(
        ReviewEntry.objects.filter(workflow=workflow.key, object_id=item.pk).order_by("at", "pk")
    )
    names = _reviewer_names(entries)
    moments = []
    for entry in entries:
        title = _ACTION_TITLES.get(Action(entry.action), Action(entry.action).label)
        if entry.action == Action.APPROVE and entry.to_state == State.APPROVED:
            title = f"审核通过，{workflow.state_label(State.APPROVED)}"
        parts = []
        step = workflow.step_label(entry.step)
        if step and entry.action not in (Action.SUBMIT, Action.WITHDRAW):
            parts.append(step)
        if entry.actor_id is not None:
            parts.append(f"经办人：{names.get(entry.actor_id, '')}")
        if entry.action == Action.SUBMIT and entry.to_step:
            parts.append(f"等待{workflow.step_label(entry.to_step)}")
        if entry.comment:
            parts.append(f"意见：{entry.comment}")
        moments.append(
            Moment(
                at=entry.at,
                title=title,
                detail="；".join(p for p in parts if p),
                tone=_TONES.get(Action(entry.action), "secondary"),
            )
        )
    return moments


@dataclass(frozen=True)
class Own:
    """A kind of application a worker sends and follows: its workflow type, how the worker's
    own items are found (from the account only), and the page that shows one."""

    workflow: Workflow
    label: str
    rows: Callable[[WorkerAccount], QuerySet[Any]]
    url_name: str
    about: Callable[[Any], str]  # what the item is about, for its line in a list


OWN: tuple[Own, ...] = (
    Own(
        JOIN,
        "入会申请",
        my_joins,
        "portal:my_join",
        lambda item: f"申请加入{item.union.name}",
    ),
    Own(
        CLAIM,
        "互助金申请",
        lambda a: MutualAidClaim.objects.filter(member__id_hash=a.id_hash).select_related("union"),
        "portal:my_claim",
        lambda item: f"{item.get_category_display()} · {item.hospital}",
    ),
    Own(
        RELIEF,
        "大病救助申请",
        lambda a: ReliefApplication.objects.filter(member__id_hash=a.id_hash).select_related(
            "union", "policy"
        ),
        "portal:my_relief",
        lambda item: f"{item.policy.year}年度 · {item.diagnosis}",
    ),
)
OWN = (
    *OWN,
    Own(
        RECUPERATION,
        "疗休养申请",
        lambda a: RecuperationApplication.objects.filter(person_hash=a.id_hash).select_related(
            "union", "batch__base"
        ),
        "portal:my_recuperation",
        lambda item: f"{item.batch.base.name} {item.batch.start:%m月%d日}",
    ),
)
OWN_BY_KIND = {"join": OWN[0], "claim": OWN[1], "relief": OWN[2], "recuperation": OWN[3]}


@dataclass(frozen=True)
class Line:
    """One of the worker's applications in a list."""

    label: str
    about: str
    state: str
    at: datetime
    url: str


def my_applications(account: WorkerAccount) -> list[Line]:
    """Every application of the worker, of every kind, newest first."""
    from django.urls import reverse

    lines = [
        Line(
            own.label,
            own.about(item),
            own.workflow.state_label(item.state),
            item.created_at,
            reverse(own.url_name, args=[item.pk]),
        )
        for own in OWN
        for item in own.rows(account).order_by("-pk")[:50]
    ]
    return sorted(lines, key=lambda line: line.at, reverse=True)


@dataclass(frozen=True)
class Message:
    at: datetime
    text: str
    url: str
    unread: bool


def _others_entries(own: Own, account: WorkerAccount) -> QuerySet[ReviewEntry]:
    """The trail entries others wrote on the worker's applications of one kind."""
    return ReviewEntry.objects.filter(
        workflow=own.workflow.key, object_id__in=own.rows(account).values("pk")
    ).exclude(action__in=(Action.SUBMIT, Action.WITHDRAW))


def messages_of(account: WorkerAccount, limit: int = 30) -> list[Message]:
    """The portal's messages: every decision others took on the worker's applications,
    newest first; those after the account's last reading are unread."""
    from django.urls import reverse

    seen = account.messages_seen_at
    found = []
    for own in OWN:
        entries = list(_others_entries(own, account).order_by("-at", "-pk")[:limit])
        items = {i.pk: i for i in own.rows(account).filter(pk__in={e.object_id for e in entries})}
        for entry in entries:
            item = items[entry.object_id]
            what = _ACTION_TITLES.get(Action(entry.action), Action(entry.action).label)
            if entry.action in (Action.APPROVE, Action.NOTICE_PASS) and entry.to_state in (
                State.APPROVED,
                State.NOTICE,
            ):
                what = own.workflow.state_label(entry.to_state)
            if own.workflow is JOIN and entry.to_state == State.APPROVED:
                what = "审核通过，您已成为工会会员"
            found.append(
                Message(
                    at=entry.at,
                    text=f"您的{own.label}（{own.about(item)}）：{what}。",
                    url=reverse(own.url_name, args=[item.pk]),
                    unread=seen is None or entry.at > seen,
                )
            )
    return sorted(found, key=lambda m: m.at, reverse=True)[:limit]


def unread_count(account: WorkerAccount) -> int:
    total = 0
    for own in OWN:
        query = _others_entries(own, account)
        if account.messages_seen_at is not None:
            query = query.filter(at__gt=account.messages_seen_at)
        total += query.count()
    return total


def access_own_claim(*, account: WorkerAccount, claim_id: int) -> MutualAidClaim:
    item: MutualAidClaim = access_own(account=account, kind="claim", item_id=claim_id)
    return item


def access_own(*, account: WorkerAccount, kind: str, item_id: int) -> Any:
    """One of the worker's own applications of a kind, else 404."""
    item = OWN_BY_KIND[kind].rows(account).filter(pk=item_id).first()
    if item is None:
        raise Http404(NOT_FOUND)
    return item


def unions_for_join(query: str, limit: int = 12) -> list[tuple[Union, str]]:
    """The unions a worker may apply to, found by the employer's credit code (its union,
    else its township's), or by a union's or an employer's name. Each with why it is
    offered. Names of unions are public; no person is read."""
    from gonghui.core import pii

    query = query.strip()
    if not query:
        return []
    found: list[tuple[Union, str]] = []
    try:
        uscc = pii.normalize_uscc(query)
    except Exception:
        uscc = ""
    holding = Q(level__in=MEMBER_HOLDING_LEVELS)
    if uscc:
        enterprise = (
            Enterprise.objects.select_related("union", "owner_union").filter(uscc=uscc).first()
        )
        if enterprise is None:
            return []
        if enterprise.union is not None:
            found.append((enterprise.union, f"{enterprise.name}的工会"))
        township = enterprise.owner_union
        for union in (
            Union.objects.filter(holding, path__startswith=township.path)
            .exclude(kind=Union.Kind.STANDARD, level=Union.Level.GRASSROOTS)
            .order_by("path")[:limit]
        ):
            found.append((union, f"{enterprise.name}所在{township.name}的联合工会或兜底工会"))
        return _distinct(found)[:limit]
    for enterprise in (
        Enterprise.objects.select_related("union")
        .filter(name__contains=query, union__isnull=False)
        .order_by("name")[:limit]
    ):
        assert enterprise.union is not None
        found.append((enterprise.union, f"{enterprise.name}的工会"))
    for union in Union.objects.filter(holding, name__contains=query).order_by("path")[:limit]:
        found.append((union, union.get_level_display()))
    return _distinct(found)[:limit]


def _distinct(found: list[tuple[Union, str]]) -> list[tuple[Union, str]]:
    seen: set[int] = set()
    kept = []
    for union, why in found:
        if union.pk not in seen:
            seen.add(union.pk)
            kept.append((union, why))
    return kept


def joinable_union(union_id: Any) -> Union | None:
    """A union a worker may name in an application (grassroots or township level)."""
    try:
        pk = int(union_id)
    except (TypeError, ValueError):
        return None
    return Union.objects.filter(pk=pk, level__in=MEMBER_HOLDING_LEVELS).first()


# Staff --------------------------------------------------------------------------------------


def joins_page(actor: Actor, *, state: str = "") -> QuerySet[JoinApplication]:
    """The join applications of the actor's subtree, newest first."""
    rows = JoinApplication.objects.visible_to(actor).select_related("union", "mass_enrollment")
    if state:
        rows = rows.filter(state=state)
    return rows.order_by("-pk")


def access_join(*, actor: Actor, join_id: int) -> JoinApplication:
    item = joins_page(actor).filter(pk=join_id).first()
    if item is None:
        raise Http404(NOT_FOUND)
    return item


def codes_page(actor: Actor) -> QuerySet[ActivationCode]:
    return ActivationCode.objects.visible_to(actor).select_related("union", "issued_by")


def events_page(actor: Actor) -> QuerySet[MassEnrollment]:
    """The 集中入会 events of the actor's subtree, newest first."""
    return MassEnrollment.objects.visible_to(actor).select_related("union").order_by("-pk")


def access_event(*, actor: Actor, event_id: int) -> MassEnrollment:
    event = events_page(actor).filter(pk=event_id).first()
    if event is None:
        raise Http404("未找到该集中入会活动，或不在您的管辖范围内。")
    return event


@dataclass(frozen=True)
class EventFigures:
    applied: int  # scanned the code and applied at the event: the attendance
    waiting: int
    joined: int  # members whose membership began at the event


def event_figures(event: MassEnrollment) -> EventFigures:
    return events_figures([event.pk])[event.pk]


def events_figures(event_ids: list[int]) -> dict[int, EventFigures]:
    """Each event's figures, for any number of events in two grouped queries."""
    from django.db.models import Count

    applied: dict[int, dict[str, Any]] = {
        row["mass_enrollment"]: dict(row)
        for row in JoinApplication.objects.filter(mass_enrollment__in=event_ids)
        .values("mass_enrollment")
        .annotate(n=Count("pk"), waiting=Count("pk", filter=Q(state=State.IN_REVIEW)))
        .order_by()
    }
    joined = dict(
        Member.objects.filter(mass_enrollment__in=event_ids)
        .values_list("mass_enrollment")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {
        pk: EventFigures(
            applied=applied.get(pk, {}).get("n", 0),
            waiting=applied.get(pk, {}).get("waiting", 0),
            joined=joined.get(pk, 0),
        )
        for pk in event_ids
    }


def event_applications(event: MassEnrollment) -> QuerySet[JoinApplication]:
    return JoinApplication.objects.filter(mass_enrollment=event).order_by("pk")


def person_of(account: WorkerAccount) -> Person | None:
    """The worker as the services see them (member, registered worker or former member),
    None for a person on no record yet."""
    return people_find([account.id_hash]).get(account.id_hash)


def county_of(union: Union) -> Union:
    return Union.objects.get(path=union.path[: 2 * Union.steplen])


def counseling_slots(person: Person, days: int = 30) -> QuerySet[Any]:
    """The free counselling slots of the next ``days`` at the stations of the person's county."""
    from datetime import timedelta

    from django.utils import timezone

    from gonghui.care.selectors import free_slots

    county = county_of(person.union)
    now = timezone.now()
    return free_slots(
        actor=county_reader(county), union=county, start=now, end=now + timedelta(days=days)
    )


def county_reader(county: Union) -> Any:
    """Reading the county's public services (its counselling calendar): scoped to it."""
    from gonghui.core.actors import SystemActor

    return SystemActor(county, audit_name="职工服务")


def my_bookings(account: WorkerAccount) -> QuerySet[Any]:
    from gonghui.care.models import CounselingBooking

    return (
        CounselingBooking.objects.filter(person_hash=account.id_hash)
        .select_related("slot__station")
        .order_by("-slot__starts_at")
    )


def services_received(account: WorkerAccount, limit: int = 20) -> QuerySet[Any]:
    from gonghui.care.models import Delivery

    return (
        Delivery.objects.filter(person_hash=account.id_hash)
        .select_related("item", "union")
        .order_by("-on", "-pk")[:limit]
    )


def recuperation_batches(person: Person) -> QuerySet[Any]:
    """The batches still taking applications with places for the person's county."""
    from django.utils import timezone

    from gonghui.care.models import RecuperationBatch

    return (
        RecuperationBatch.objects.filter(
            closed=False, start__gt=timezone.localdate(), quotas__county=county_of(person.union)
        )
        .select_related("base")
        .order_by("start", "pk")
    )


def my_legal_cases(account: WorkerAccount) -> QuerySet[Any]:
    from gonghui.care.models import LegalCase

    return LegalCase.objects.filter(person_hash=account.id_hash).order_by("-opened_on", "-pk")[:20]
