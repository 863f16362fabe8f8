"""大调研, 督导 and follow-up items (督办事项): every write, checked (every problem at once),
in one transaction, audited.

A follow-up moves: 待办理 → 办理中 → 已办结待验收 → 已验收, the first three by its owner, the
last by the union that assigned it, which may instead send it back (to 办理中, with a
reason). The owner may finish straight from 待办理. Reminders are written by the periodic
work (``followups_remind``), once a day at most per item.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from gonghui.activities.models import (
    FOUR_QUESTIONS,
    FollowUp,
    FollowUpFile,
    FollowUpReminder,
    ResearchVisit,
    SupervisionVisit,
)
from gonghui.activities.permissions import may_edit, require_edit
from gonghui.core.actors import Actor, user_of
from gonghui.core.attachments import attachments_check, attachments_store, files_delete
from gonghui.core.audit import audit_record
from gonghui.core.problems import problems_raise
from gonghui.orgs.models import Enterprise, Union

State = FollowUp.State
MAX_FILES = 10


@dataclass(frozen=True)
class Finding:
    """A finding to follow up: what must be done, by which union (and person), by when."""

    title: str
    owner: Union
    deadline: date | None
    owner_person: str = ""
    detail: str = ""


def finding_problems(
    finding: Finding, *, assigned_by: Union, created_on: date, field: str = "findings"
) -> list[tuple[str, str]]:
    """What is wrong with one finding or task, as (field, Chinese message) pairs."""
    problems: list[tuple[str, str]] = []
    label = f"“{finding.title}”" if finding.title.strip() else ""
    if not finding.title.strip():
        problems.append((field, "请填写督办事项"))
    if not finding.owner.path.startswith(assigned_by.path):
        problems.append((field, f"{label}责任工会须为{assigned_by.name}或其下级工会"))
    if finding.deadline is None:
        problems.append((field, f"{label}请填写办结期限"))
    elif finding.deadline < created_on:
        problems.append(
            (
                field,
                f"{label}办结期限（{finding.deadline:%Y-%m-%d}）不能早于交办日期"
                f"（{created_on:%Y-%m-%d}）",
            )
        )
    return problems


def _visit_problems(union: Union, day: date | None, today: date) -> list[tuple[str, str]]:
    problems = []
    if day is not None and day > today:
        problems.append(("visited_on", "日期不能晚于今天"))
    if day is not None and union.established_on is not None and day < union.established_on:
        problems.append(
            ("visited_on", f"日期不能早于工会的成立日期（{union.established_on:%Y-%m-%d}）")
        )
    return problems


def _findings_create(
    *,
    actor: Actor,
    findings: Sequence[Finding],
    source: str,
    assigned_by: Union,
    created_on: date,
    research_visit: ResearchVisit | None = None,
    supervision: SupervisionVisit | None = None,
) -> list[FollowUp]:
    rows = []
    for f in findings:
        assert f.deadline is not None  # checked by finding_problems
        rows.append(
            FollowUp(
                title=f.title.strip()[:200],
                detail=f.detail.strip(),
                source=source,
                research_visit=research_visit,
                supervision=supervision,
                assigned_by=assigned_by,
                owner=f.owner,
                owner_person=f.owner_person.strip()[:50],
                created_on=created_on,
                deadline=f.deadline,
                created_by=user_of(actor),
            )
        )
    made = FollowUp.objects.bulk_create(rows)
    for item in made:
        audit_record(
            actor=actor,
            action="activities.followup.create",
            obj=item,
            union=item.owner,
            summary=f"交办“{item.title}”给{item.owner.name}，期限 {item.deadline:%Y-%m-%d}",
        )
    return made


def research_visit_create(
    *,
    actor: Actor,
    union: Union,
    visited_on: date,
    leaders: str,
    enterprise: Enterprise | None = None,
    place: str = "",
    people_met: str = "",
    answers: dict[str, str] | None = None,
    findings: Sequence[Finding] = (),
) -> ResearchVisit:
    """Record a 大调研 visit of ``union``'s leaders and make each finding a follow-up item,
    assigned by ``union`` on the visit's record date."""
    require_edit(actor, union)
    today = timezone.localdate()
    problems = _visit_problems(union, visited_on, today)
    if not leaders.strip():
        problems.append(("leaders", "请填写带队领导"))
    if enterprise is None and not place.strip():
        problems.append(("place", "请填写调研企业或调研地点"))
    keys = {k for k, _ in FOUR_QUESTIONS}
    answers = {k: v.strip() for k, v in (answers or {}).items() if k in keys and v.strip()}
    for f in findings:
        problems += finding_problems(f, assigned_by=union, created_on=today)
    problems_raise(problems)
    with transaction.atomic():
        visit = ResearchVisit.objects.create(
            union=union,
            visited_on=visited_on,
            leaders=leaders.strip()[:200],
            enterprise=enterprise,
            place=place.strip()[:128],
            people_met=people_met.strip()[:200],
            answers=answers,
            created_by=user_of(actor),
        )
        audit_record(
            actor=actor,
            action="activities.research.create",
            obj=visit,
            union=union,
            summary=f"大调研走访 {visit}，发现问题 {len(findings)} 个",
        )
        _findings_create(
            actor=actor,
            findings=findings,
            source=FollowUp.Source.RESEARCH,
            assigned_by=union,
            created_on=today,
            research_visit=visit,
        )
    return visit


def supervision_create(
    *,
    actor: Actor,
    union: Union,
    target: Union,
    topic: str,
    visited_on: date,
    leaders: str,
    findings: Sequence[Finding] = (),
) -> SupervisionVisit:
    """Record a 督导 of ``target`` (a union below ``union``) and its findings as follow-up
    items of the unions named (``target`` or below it)."""
    require_edit(actor, union)
    today = timezone.localdate()
    problems = _visit_problems(union, visited_on, today)
    if target.pk == union.pk or not target.path.startswith(union.path):
        problems.append(("target", f"被督导工会须为{union.name}的下级工会"))
    if not topic.strip():
        problems.append(("topic", "请填写督导事项"))
    if not leaders.strip():
        problems.append(("leaders", "请填写督导组成员"))
    for f in findings:
        problems += finding_problems(f, assigned_by=union, created_on=today)
        if not f.owner.path.startswith(target.path):
            problems.append(("findings", f"“{f.title}”的责任工会须为{target.name}或其下级工会"))
    problems_raise(problems)
    with transaction.atomic():
        visit = SupervisionVisit.objects.create(
            union=union,
            target=target,
            topic=topic.strip()[:200],
            visited_on=visited_on,
            leaders=leaders.strip()[:200],
            created_by=user_of(actor),
        )
        audit_record(
            actor=actor,
            action="activities.supervision.create",
            obj=visit,
            union=target,
            summary=f"督导{target.name}：{visit.topic}，发现问题 {len(findings)} 个",
        )
        _findings_create(
            actor=actor,
            findings=findings,
            source=FollowUp.Source.SUPERVISION,
            assigned_by=union,
            created_on=today,
            supervision=visit,
        )
    return visit


def followup_assign(
    *, actor: Actor, assigned_by: Union, finding: Finding, created_on: date | None = None
) -> FollowUp:
    """A 限时任务 a union assigns to itself or a union below it."""
    require_edit(actor, assigned_by)
    created_on = created_on or timezone.localdate()
    problems_raise(
        finding_problems(finding, assigned_by=assigned_by, created_on=created_on, field="title")
    )
    with transaction.atomic():
        return _findings_create(
            actor=actor,
            findings=[finding],
            source=FollowUp.Source.TASK,
            assigned_by=assigned_by,
            created_on=created_on,
        )[0]


# --- the owner's and the assigner's steps ---------------------------------------------------


def may_work_on(actor: Actor, item: FollowUp) -> bool:
    """The owner's staff (or staff above the owner) start and finish it."""
    return item.state in (State.OPEN, State.IN_PROGRESS) and may_edit(actor, item.owner)


def may_verify(actor: Actor, item: FollowUp) -> bool:
    """The assigning union's staff (or staff above it) verify or return a finished item."""
    return item.state == State.DONE and may_edit(actor, item.assigned_by)


def _locked(item: FollowUp) -> FollowUp:
    return (
        FollowUp.objects.select_for_update().select_related("owner", "assigned_by").get(pk=item.pk)
    )


def followup_start(*, actor: Actor, item: FollowUp) -> FollowUp:
    with transaction.atomic():
        item = _locked(item)
        if not may_work_on(actor, item) or item.state != State.OPEN:
            raise PermissionDenied("只有责任工会可以开始办理待办理的事项。")
        item.state = State.IN_PROGRESS
        item.started_on = timezone.localdate()
        item.save(update_fields=["state", "started_on"])
        audit_record(
            actor=actor,
            action="activities.followup.start",
            obj=item,
            union=item.owner,
            summary=f"开始办理“{item.title}”",
        )
    return item


def followup_complete(
    *, actor: Actor, item: FollowUp, evidence: str, files: Sequence[UploadedFile] = ()
) -> FollowUp:
    """The owner reports it done, with what was done (text, and files if any): every
    problem at once, nothing kept if anything fails."""
    problems: list[tuple[str, str]] = []
    if not evidence.strip():
        problems.append(("evidence", "请填写办理情况"))
    checked, file_problems = attachments_check(files, most=MAX_FILES)
    problems += [("files", m) for m in file_problems]
    problems_raise(problems)
    written: list[str] = []
    try:
        with transaction.atomic():
            item = _locked(item)
            if not may_work_on(actor, item):
                raise PermissionDenied("只有责任工会可以办结未办结的事项。")
            today = timezone.localdate()
            item.state = State.DONE
            item.started_on = item.started_on or today
            item.done_on = today
            item.evidence = evidence.strip()
            item.returned_reason = ""
            item.save(
                update_fields=["state", "started_on", "done_on", "evidence", "returned_reason"]
            )
            attachments_store(
                FollowUpFile, checked, written, follow_up=item, uploaded_by=user_of(actor)
            )
            late = "（逾期办结）" if today > item.deadline else ""
            audit_record(
                actor=actor,
                action="activities.followup.complete",
                obj=item,
                union=item.owner,
                summary=f"办结“{item.title}”{late}，佐证材料 {len(checked)} 个",
            )
    except BaseException:
        files_delete(written)
        raise
    return item


def followup_verify(*, actor: Actor, item: FollowUp) -> FollowUp:
    with transaction.atomic():
        item = _locked(item)
        if not may_verify(actor, item):
            raise PermissionDenied("只有交办工会可以验收已办结的事项。")
        item.state = State.VERIFIED
        item.verified_on = timezone.localdate()
        item.save(update_fields=["state", "verified_on"])
        audit_record(
            actor=actor,
            action="activities.followup.verify",
            obj=item,
            union=item.owner,
            summary=f"验收“{item.title}”",
        )
    return item


def followup_return(*, actor: Actor, item: FollowUp, reason: str) -> FollowUp:
    """The assigning union sends a finished item back: it is not done until done again."""
    if not reason.strip():
        raise ValidationError({"reason": ["请填写退回理由"]})
    with transaction.atomic():
        item = _locked(item)
        if not may_verify(actor, item):
            raise PermissionDenied("只有交办工会可以退回已办结的事项。")
        item.state = State.IN_PROGRESS
        item.done_on = None
        item.returned_reason = reason.strip()[:200]
        item.save(update_fields=["state", "done_on", "returned_reason"])
        audit_record(
            actor=actor,
            action="activities.followup.return",
            obj=item,
            union=item.owner,
            summary=f"退回“{item.title}”：{item.returned_reason}",
        )
    return item


# --- reminders ------------------------------------------------------------------------------


def followups_remind(*, today: date | None = None) -> dict[str, int]:
    """Write a reminder for every open item due within GONGHUI_FOLLOWUP_REMIND_DAYS or past
    its deadline, once a day: the owner's inbox shows them. Returns the counts written."""
    today = today or timezone.localdate()
    soon = today + timedelta(days=settings.GONGHUI_FOLLOWUP_REMIND_DAYS)
    due = FollowUp.objects.filter(
        state__in=(State.OPEN, State.IN_PROGRESS), deadline__lte=soon
    ).exclude(reminded_on=today)
    counts = {FollowUpReminder.Kind.DUE_SOON: 0, FollowUpReminder.Kind.OVERDUE: 0}
    with transaction.atomic():
        rows = []
        for pk, deadline in due.values_list("pk", "deadline").iterator(chunk_size=2000):
            kind = (
                FollowUpReminder.Kind.OVERDUE
                if deadline < today
                else FollowUpReminder.Kind.DUE_SOON
            )
            rows.append(FollowUpReminder(follow_up_id=pk, kind=kind, sent_on=today))
            counts[kind] += 1
        FollowUpReminder.objects.bulk_create(rows, batch_size=2000, ignore_conflicts=True)
        due.update(reminded_on=today)
    return {str(k): v for k, v in counts.items()}
