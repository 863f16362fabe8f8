"""The transition services of every application type.

Every transition locks its rows (``select_for_update``), checks scope, role and state
against the locked row, writes the new state with an UPDATE conditioned on the old one,
appends a review entry and an audit event per item, all in one transaction. So a double
click, or two reviewers racing, ends in exactly one transition: the later one finds the
new state and is refused with a message saying why.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count
from django.http import Http404
from django.utils import timezone

from gonghui.core.actors import SERVER, Actor, ApplicantActor, SystemActor
from gonghui.core.audit import audit_record_many
from gonghui.core.jobs import JobProgress
from gonghui.core.models import User
from gonghui.core.pii import scrub_personal
from gonghui.core.scoping import in_scope
from gonghui.core.workflow import LEVEL_DEPTH, Action, Quota, State, Step, Workflow
from gonghui.core.workflow.models import ReviewEntry
from gonghui.core.workflow.permissions import may_submit

CHUNK = 500

# From which states each action may start (the step and the actor are checked apart).
ALLOWED_FROM: dict[str, tuple[str, ...]] = {
    Action.SUBMIT: (State.DRAFT, State.RETURNED),
    Action.APPROVE: (State.IN_REVIEW,),
    Action.REJECT: (State.IN_REVIEW,),
    Action.RETURN: (State.IN_REVIEW,),
    Action.WITHDRAW: (State.DRAFT, State.IN_REVIEW, State.RETURNED),
    Action.OBJECT: (State.NOTICE,),
    Action.NOTICE_PASS: (State.NOTICE,),
    Action.PAY: (State.APPROVED,),
    Action.BANK_RETURN: (State.PAID,),
}
COMMENT_REQUIRED = (Action.REJECT, Action.RETURN, Action.OBJECT, Action.BANK_RETURN)


class Refused(Exception):
    """Why one item may not take a transition (a Chinese sentence for the user)."""

    def __init__(self, message: str, *, not_found: bool = False, denied: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.not_found = not_found
        self.denied = denied


@dataclass
class TransitionReport:
    action: str
    done: list[int] = field(default_factory=list)
    refused: dict[int, str] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "action": self.action,
            "done": len(self.done),
            "refused": [{"id": k, "message": v} for k, v in self.refused.items()],
        }


def _in_scope(actor: Actor, item: Any) -> bool:
    return getattr(actor, "is_active", False) and in_scope(actor, item.union)


def may_act_at(actor: Actor, step: Step, item: Any) -> bool:
    """Staff of the owner's ancestor at the step's level (or a deputy level), in one of the
    step's roles."""
    union = getattr(actor, "union", None)
    return (
        union is not None
        and _in_scope(actor, item)
        and step.decided_at(union.depth)
        and getattr(actor, "role", None) in step.roles
    )


OWN_ITEM = "这份申请由您录入或提交，须由其他人审核通过（岗位分离）。"
SECOND_STEP = "您已在“{step}”环节审核通过了这份申请，同一份申请的下一个环节须由其他人审核。"


def approvals_by(workflow: Workflow, ids: Iterable[int]) -> dict[int, dict[int, set[str]]]:
    """For each item: who approved it at which steps (from the trail), in one query."""
    found: dict[int, dict[int, set[str]]] = defaultdict(lambda: defaultdict(set))
    for object_id, actor_id, step in ReviewEntry.objects.filter(
        workflow=workflow.key, object_id__in=list(ids), action=Action.APPROVE
    ).values_list("object_id", "actor_id", "step"):
        if actor_id is not None:
            found[object_id][actor_id].add(step)
    return found


def _check_duties(
    workflow: Workflow, item: Any, actor: Actor, approved: dict[int, set[str]] | None
) -> None:
    pk = getattr(actor, "pk", None)
    if pk is None:
        return
    if pk in (item.entered_by_id, item.submitted_by_id):
        raise Refused(OWN_ITEM, denied=True)
    if not workflow.distinct_approvers:
        return
    if approved is None:
        approved = approvals_by(workflow, [item.pk]).get(item.pk, {})
    earlier = approved.get(pk, set()) - {item.step}
    if earlier:
        step = workflow.step(sorted(earlier)[0])
        raise Refused(SECOND_STEP.format(step=step.label if step else ""), denied=True)


def check_transition(
    workflow: Workflow,
    item: Any,
    action: str,
    actor: Actor,
    *,
    today: date | None = None,
    approved: dict[int, set[str]] | None = None,
) -> None:
    """Raise Refused unless ``actor`` may take ``action`` on ``item`` now (or on ``today``).

    ``approved`` (who approved the item at which steps) is read from the trail when not
    given; bulk transitions read it for all their items at once."""
    label = Action(action).label
    # The server (SERVER) acts only in the engine's own transition (公示期满), on any item.
    if action != Action.NOTICE_PASS and not _in_scope(actor, item):
        raise Refused("未找到该申请，或不在您的管辖范围内。", not_found=True)
    if item.state not in ALLOWED_FROM[action]:
        raise Refused(f"该申请当前状态为“{State(item.state).label}”，不能{label}。")
    role = getattr(actor, "role", None)
    own_union = getattr(actor, "union", None)
    level = own_union.level if own_union is not None else ""
    if isinstance(actor, ApplicantActor):
        # A worker in the portal submits or withdraws the application they entered, nothing else.
        if action not in (Action.SUBMIT, Action.WITHDRAW) or item.entered_by_id != actor.user_id:
            raise Refused("您只能提交或撤回本人的申请。", denied=True)
    elif action == Action.SUBMIT and isinstance(actor, SystemActor):
        pass
    elif action == Action.SUBMIT:
        if not may_submit(actor, workflow):
            raise Refused(f"只有基层或乡镇（街道）工会的工作人员可以{label}申请。", denied=True)
    elif action == Action.WITHDRAW:
        # The submitting side withdraws: whoever submitted, or the owner union's staff.
        own = item.submitted_by_id == getattr(actor, "pk", None) or (
            own_union is not None
            and own_union.pk == item.union_id
            and role in workflow.submit_roles
        )
        if not own:
            raise Refused("只有提交人或申请所属工会可以撤回申请。", denied=True)
    elif action in (Action.APPROVE, Action.REJECT, Action.RETURN):
        step = workflow.step(item.step)
        if step is None or not may_act_at(actor, step, item):
            where = step.label if step else item.step
            raise Refused(f"该申请正在“{where}”环节，您无权在此环节审核。", denied=True)
        if action == Action.APPROVE:
            _check_duties(workflow, item, actor, approved)
    elif action == Action.OBJECT:
        if role not in ("staff", "reviewer", "admin"):
            raise Refused("您的角色无权登记公示异议。", denied=True)
    elif action in (Action.PAY, Action.BANK_RETURN):
        if role not in workflow.pay_roles or LEVEL_DEPTH.get(level, 99) > LEVEL_DEPTH["county"]:
            raise Refused("只有市、区县工会的财务人员可以办理发放。", denied=True)
    elif action == Action.NOTICE_PASS and (
        item.notice_until is None or item.notice_until > (today or timezone.localdate())
    ):
        raise Refused("公示期未满。")


@dataclass
class _Move:
    item: Any
    from_state: str
    from_step: str
    to_state: str = ""
    to_step: str = ""


def _next_after(workflow: Workflow, item: Any, current: str) -> Step | None:
    steps = workflow.applicable_steps(item)
    keys = [s.key for s in steps]
    if current in keys:
        index = keys.index(current) + 1
        return steps[index] if index < len(steps) else None
    # The current step no longer applies (an amount fell below a threshold): go on with
    # the first applicable step deeper in the declaration than the current one.
    order = [s.key for s in workflow.steps]
    position = order.index(current) if current in order else -1
    return next((s for s in steps if order.index(s.key) > position), None)


def _plan(workflow: Workflow, move: _Move, action: str, today: date) -> None:
    item = move.item
    if action == Action.SUBMIT:
        first = workflow.applicable_steps(item)
        if first:
            move.to_state, move.to_step = State.IN_REVIEW, first[0].key
        else:
            _finish(workflow, move, today)
    elif action == Action.APPROVE:
        following = _next_after(workflow, item, item.step)
        if following is not None:
            move.to_state, move.to_step = State.IN_REVIEW, following.key
        else:
            _finish(workflow, move, today)
    elif action == Action.REJECT:
        move.to_state = State.REJECTED
    elif action == Action.RETURN:
        move.to_state = State.RETURNED
    elif action == Action.WITHDRAW:
        move.to_state = State.WITHDRAWN
    elif action == Action.OBJECT:
        # An objection sends the item back to its last approver, who decides again.
        steps = workflow.applicable_steps(item)
        move.to_state, move.to_step = State.IN_REVIEW, steps[-1].key if steps else ""
    elif action == Action.NOTICE_PASS:
        move.to_state = State.APPROVED
    elif action == Action.PAY:
        move.to_state = State.PAID
    elif action == Action.BANK_RETURN:
        move.to_state = State.APPROVED


# The states in which an item holds one of its quota's places.
HOLDING_PLACE = (State.NOTICE, State.APPROVED, State.PAID)


def _quota_refusals(workflow: Workflow, quota: Quota, items: list[Any]) -> dict[int, str]:
    """Under the caller's transaction: lock the rows holding places in primary-key order (two
    reviewers approving for the same rows queue rather than deadlock), count the places
    already held, and refuse the items beyond them, later keys first."""
    field = workflow.model._meta.get_field(quota.field)
    holder_model = field.related_model
    attname = field.attname  # type: ignore[union-attr]
    wanted: dict[int, list[Any]] = defaultdict(list)
    for item in sorted(items, key=lambda i: i.pk):
        holder_id = getattr(item, attname)
        if holder_id is not None:
            wanted[holder_id].append(item)
    if not wanted:
        return {}
    holders = list(
        holder_model.objects.select_for_update()  # type: ignore[union-attr]
        .filter(pk__in=list(wanted))
        .order_by("pk")
    )
    # Counted after the lock: a place taken by a transaction that held it is seen now.
    held = dict(
        workflow.model.objects.filter(**{f"{attname}__in": list(wanted)}, state__in=HOLDING_PLACE)
        .exclude(pk__in=[i.pk for i in items])
        .values_list(attname)
        .annotate(n=Count("pk"))
        .order_by()
    )
    refusals: dict[int, str] = {}
    for holder in holders:
        places = quota.places(holder)
        if places is None:
            continue
        free = max(places - held.get(holder.pk, 0), 0)
        for item in wanted[holder.pk][free:]:
            refusals[item.pk] = (
                f"{quota.label}已满：“{holder}”共 {places} 个{quota.label}，"
                f"已全部批准，不能再批准。"
            )
    return refusals


def _finish(workflow: Workflow, move: _Move, today: date) -> None:
    days = workflow.notice_days_for(move.item)
    if days:
        move.to_state = State.NOTICE
        move.item.notice_until = today + timedelta(days=days)
    else:
        move.to_state = State.APPROVED


def transition_many(
    workflow: Workflow,
    ids: Iterable[int],
    action: str,
    *,
    actor: Actor,
    comment: str = "",
    paid_on: date | None = None,
    progress: JobProgress | None = None,
    today: date | None = None,
) -> TransitionReport:
    """Take ``action`` on every item of ``ids`` the actor may, in chunks of one transaction
    each; the rest are reported with the reason."""
    action = Action(action)
    # A number typed into a comment is kept masked: the trail is read by every reviewer.
    comment = scrub_personal(comment.strip())
    report = TransitionReport(action=action)
    if action in COMMENT_REQUIRED and not comment:
        raise ValidationError(f"{action.label}须填写意见或原因。", code="comment_required")
    id_list = list(dict.fromkeys(int(i) for i in ids))
    for start in range(0, len(id_list), CHUNK):
        chunk = id_list[start : start + CHUNK]
        _transition_chunk(workflow, chunk, action, actor, comment, paid_on, today, report)
        if progress:
            progress.advance(len(chunk))
    return report


@transaction.atomic
def _transition_chunk(
    workflow: Workflow,
    ids: Sequence[int],
    action: Action,
    actor: Actor,
    comment: str,
    paid_on: date | None,
    today: date | None,
    report: TransitionReport,
) -> None:
    model = workflow.model
    now = timezone.now()
    today = today or timezone.localdate()
    locked = {
        item.pk: item
        for item in model.objects.select_for_update(of=("self",))
        .select_related("union", *workflow.select_related)
        .filter(pk__in=ids)
        .order_by("pk")
    }
    moves: list[_Move] = []
    approvals = approvals_by(workflow, locked) if action == Action.APPROVE else {}
    for pk in ids:
        item = locked.get(pk)
        if item is None:
            report.refused[pk] = "未找到该申请，或不在您的管辖范围内。"
            continue
        try:
            check_transition(
                workflow, item, action, actor, today=today, approved=approvals.get(pk, {})
            )
        except Refused as refused:
            report.refused[pk] = refused.message
            continue
        moves.append(_Move(item, item.state, item.step))
    for move in moves:
        _plan(workflow, move, action, today)
    finals = [
        m
        for m in moves
        if m.to_state in (State.NOTICE, State.APPROVED)
        and action in (Action.APPROVE, Action.SUBMIT)
    ]
    if finals and workflow.before_final:
        refusals = workflow.run_before_final([m.item for m in finals])
        for pk, message in refusals.items():
            report.refused[pk] = message
        moves = [m for m in moves if m.item.pk not in refusals]
        for move in finals:
            if move.item.pk in refusals:
                continue
            # A recomputed amount may cross a threshold and add a step after all.
            following = _next_after(workflow, move.item, move.from_step) if move.from_step else None
            if following is not None and following.key != move.from_step:
                move.to_state, move.to_step = State.IN_REVIEW, following.key
                move.item.notice_until = None
    if workflow.quota is not None:
        placed = [
            m
            for m in moves
            if m.to_state in (State.NOTICE, State.APPROVED)
            and action in (Action.APPROVE, Action.SUBMIT)
        ]
        if placed:
            beyond = _quota_refusals(workflow, workflow.quota, [m.item for m in placed])
            report.refused.update(beyond)
            moves = [m for m in moves if m.item.pk not in beyond]
    if not moves:
        return
    groups: dict[tuple[str, str, str, str], list[Any]] = defaultdict(list)
    for move in moves:
        groups[(move.from_state, move.from_step, move.to_state, move.to_step)].append(move.item)
    for (from_state, from_step, to_state, to_step), items in groups.items():
        fields: dict[str, Any] = {"state": to_state, "step": to_step}
        if to_state == State.IN_REVIEW:
            fields["step_since"] = now
        else:
            fields["step_since"] = None
        if action == Action.SUBMIT:
            fields["submitted_at"] = now
            fields["submitted_by"] = actor if getattr(actor, "pk", None) else None
        if to_state in (State.NOTICE, State.APPROVED) and action != Action.BANK_RETURN:
            fields["approved_at"] = now
        if action == Action.PAY:
            fields["paid_at"] = now
            fields["paid_on"] = paid_on or today
        if action == Action.BANK_RETURN:
            fields["paid_at"] = None
            fields["paid_on"] = None
        if to_state != State.NOTICE:
            fields["notice_until"] = None
        pks = [i.pk for i in items]
        if to_state == State.NOTICE:
            by_until: dict[date, list[int]] = defaultdict(list)
            for i in items:
                by_until[i.notice_until].append(i.pk)
            written = 0
            for until, subset in by_until.items():
                written += model.objects.filter(
                    pk__in=subset, state=from_state, step=from_step
                ).update(**fields, notice_until=until)
        else:
            written = model.objects.filter(pk__in=pks, state=from_state, step=from_step).update(
                **fields
            )
        if written != len(pks):
            # Cannot happen under the row locks; refuse the whole chunk rather than guess.
            raise RuntimeError("并发冲突：申请状态已被他人修改，请刷新后重试。")
        for i in items:
            for name, value in fields.items():
                setattr(i, name, value)
    actor_user = actor if isinstance(actor, User) else None
    name = actor.get_username()
    ReviewEntry.objects.bulk_create(
        [
            ReviewEntry(
                workflow=workflow.key,
                object_id=m.item.pk,
                union_id=m.item.union_id,
                step=m.from_step,
                action=action,
                from_state=m.from_state,
                to_state=m.to_state,
                to_step=m.to_step,
                actor=actor_user,
                actor_name=name,
                comment=comment,
                at=now,
            )
            for m in moves
        ]
    )
    audit_record_many(
        actor=actor,
        action=f"{workflow.key}.{action}",
        events=[
            (
                m.item,
                m.item.union,
                f"{workflow.label}#{m.item.pk} {action.label}："
                f"{State(m.from_state).label}→{State(m.to_state).label}"
                + (f"（{workflow.step_label(m.to_step)}）" if m.to_step else "")
                + (f"；意见：{comment[:200]}" if comment else ""),
            )
            for m in moves
        ],
    )
    released = [m.item for m in moves if m.to_state in (State.REJECTED, State.WITHDRAWN)]
    if released and workflow.on_release:
        workflow.run_on_release(released)
    approved = [m.item for m in moves if m.to_state == State.APPROVED]
    if approved and workflow.on_approved:
        workflow.run_on_approved(approved)
    report.done.extend(m.item.pk for m in moves)


CORRECTABLE = (State.DRAFT, State.RETURNED)


def check_correction(workflow: Workflow, item: Any, actor: Actor) -> None:
    """Raise Refused unless ``actor`` may correct ``item`` now: a draft, or an item returned
    for correction (退回修改), by the side that may submit it."""
    if not _in_scope(actor, item):
        raise Refused("未找到该申请，或不在您的管辖范围内。", not_found=True)
    if item.state not in CORRECTABLE:
        raise Refused(f"该申请当前状态为“{State(item.state).label}”，不能修改。")
    if not may_submit(actor, workflow):
        raise Refused("只有基层或乡镇（街道）工会的工作人员可以修改申请。", denied=True)


def correction_record(
    workflow: Workflow, item: Any, *, actor: Actor, changes: Sequence[str]
) -> ReviewEntry:
    """The trail's line of a correction: what changed, from what to what. The caller has
    locked and saved the item in the same transaction."""
    comment = scrub_personal("；".join(changes)) or "未修改内容"
    entry = ReviewEntry.objects.create(
        workflow=workflow.key,
        object_id=item.pk,
        union_id=item.union_id,
        step=item.step,
        action=Action.CORRECT,
        from_state=item.state,
        to_state=item.state,
        to_step=item.step,
        actor=actor if isinstance(actor, User) else None,
        actor_name=actor.get_username(),
        comment=comment[:4000],
        at=timezone.now(),
    )
    audit_record_many(
        actor=actor,
        action=f"{workflow.key}.{Action.CORRECT}",
        events=[(item, item.union, f"{workflow.label}#{item.pk} 修改：{comment[:1500]}")],
    )
    return entry


def transition(
    workflow: Workflow, item_id: int, action: str, *, actor: Actor, comment: str = ""
) -> Any:
    """One item's transition; refusals raise (404 out of scope, 403 role, else a message)."""
    with transaction.atomic():
        item = workflow.model.objects.select_related("union").filter(pk=item_id).first()
        if item is None or not _in_scope(actor, item):
            raise Http404("未找到该申请，或不在您的管辖范围内。")
        report = transition_many(workflow, [item_id], action, actor=actor, comment=comment)
    if item_id in report.refused:
        message = report.refused[item_id]
        try:
            check_transition(workflow, item, action, actor)
        except Refused as refused:
            if refused.denied:
                raise PermissionDenied(message) from refused
        raise ValidationError(message, code="refused")
    return workflow.model.objects.select_related("union").get(pk=item_id)


def workflow_submit(workflow: Workflow, item: Any, *, actor: Actor) -> Any:
    """Submit a draft or an item returned for correction: to its first review step, or
    straight to notice or approval when no step applies. Refusals raise as ``transition``'s
    do (404 out of scope, 403 role, else a message); returns the item as saved."""
    return transition(workflow, item.pk, Action.SUBMIT, actor=actor)


def notice_expire(workflow: Workflow, *, today: date | None = None) -> int:
    """Move every item whose notice period has ended to waiting for payment. Returns how many."""
    today = today or timezone.localdate()
    ids = list(
        workflow.model.objects.filter(state=State.NOTICE, notice_until__lte=today)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if not ids:
        return 0
    report = transition_many(workflow, ids, Action.NOTICE_PASS, actor=SERVER, today=today)
    return len(report.done)


def notice_expire_all(*, today: date | None = None) -> dict[str, int]:
    from gonghui.core.workflow import workflows

    return {key: notice_expire(wf, today=today) for key, wf in workflows().items()}


def workflow_bulk_start(*, actor: Actor, workflow: Workflow, action: str, ids: list[int]) -> Any:
    """A bulk transition as a job with progress (the inbox's "approve all")."""
    from gonghui.core.jobs import job_start

    return job_start(
        actor=actor,
        kind="workflow_bulk",
        label=f"批量{Action(action).label}{workflow.label} {len(ids)} 件",
        union=actor.union,
        params={"workflow": workflow.key, "action": action, "ids": ids},
    )


def workflow_bulk_work(job: Any, progress: JobProgress) -> dict[str, Any]:
    from gonghui.core.workflow import workflow_get

    params = job.params
    workflow = workflow_get(params["workflow"])
    progress.set_total(len(params["ids"]))
    report = transition_many(
        workflow,
        params["ids"],
        params["action"],
        actor=job.started_by,
        comment=params.get("comment", ""),
        progress=progress,
    )
    return {
        "完成": len(report.done),
        "未处理": len(report.refused),
        "原因": [f"#{k}：{v}" for k, v in list(report.refused.items())[:50]],
    }
