"""Reading workflow items: the reviewer's inbox, the actions an actor may take, the trail,
and the items under public notice."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from gonghui.core.actors import Actor
from gonghui.core.workflow import Action, State, Step, Workflow, workflows
from gonghui.core.workflow.models import ReviewEntry
from gonghui.core.workflow.services import Refused, check_transition


def steps_of(actor: Actor, workflow: Workflow) -> list[Step]:
    """The steps of ``workflow`` at which ``actor`` may review."""
    union = getattr(actor, "union", None)
    if union is None or not getattr(actor, "is_active", False):
        return []
    return [s for s in workflow.steps if s.decided_at(union.depth) and actor.role in s.roles]


@dataclass
class InboxSection:
    workflow: Workflow
    steps: list[Step]
    items: QuerySet[Any]

    def overdue_before(self, step: Step) -> Any:
        days = step.overdue_days or settings.GONGHUI_REVIEW_OVERDUE_DAYS
        return timezone.now() - timedelta(days=days)


def inbox(actor: Actor) -> list[InboxSection]:
    """待办: for each type, what waits at the actor's steps in their subtree, oldest first."""
    sections = []
    for workflow in workflows().values():
        steps = steps_of(actor, workflow)
        if not steps:
            continue
        items = (
            workflow.model.objects.visible_to(actor)
            .filter(state=State.IN_REVIEW, step__in=[s.key for s in steps])
            .select_related("union", *workflow.select_related)
            .order_by("step_since", "pk")
        )
        sections.append(InboxSection(workflow, steps, items))
    return sections


def inbox_count(actor: Actor) -> int:
    return sum(section.items.count() for section in inbox(actor))


def is_overdue(workflow: Workflow, item: Any, now: Any = None) -> bool:
    step = workflow.step(item.step)
    if step is None or item.step_since is None or item.state != State.IN_REVIEW:
        return False
    days = step.overdue_days or settings.GONGHUI_REVIEW_OVERDUE_DAYS
    return bool(item.step_since < (now or timezone.now()) - timedelta(days=days))


USER_ACTIONS = (
    Action.SUBMIT,
    Action.APPROVE,
    Action.RETURN,
    Action.REJECT,
    Action.WITHDRAW,
    Action.OBJECT,
)


def allowed_actions(workflow: Workflow, item: Any, actor: Actor) -> list[Action]:
    """The buttons to show ``actor`` on ``item``'s page."""
    allowed = []
    for action in USER_ACTIONS:
        try:
            check_transition(workflow, item, action, actor)
        except Refused:
            continue
        allowed.append(action)
    return allowed


def may_correct(workflow: Workflow, item: Any, actor: Actor) -> bool:
    """Whether ``actor`` may correct ``item`` now (退回修改, or a draft)."""
    from gonghui.core.workflow.services import check_correction

    try:
        check_correction(workflow, item, actor)
    except Refused:
        return False
    return True


def trail(workflow: Workflow, item: Any) -> QuerySet[ReviewEntry]:
    return ReviewEntry.objects.filter(workflow=workflow.key, object_id=item.pk).order_by("at", "pk")


def step_path(workflow: Workflow, item: Any) -> list[dict[str, Any]]:
    """The item's steps with where it stands, for the progress strip on its page."""
    steps = workflow.applicable_steps(item)
    keys = [s.key for s in steps]
    current = keys.index(item.step) if item.step in keys else None
    done_all = item.state in (State.NOTICE, State.APPROVED, State.PAID)
    path = []
    for index, step in enumerate(steps):
        if done_all or (current is not None and index < current):
            status = "done"
        elif current == index and item.state == State.IN_REVIEW:
            status = "current"
        else:
            status = "todo"
        path.append({"key": step.key, "label": step.label, "status": status})
    return path


def notice_items(workflow: Workflow, union: Any) -> QuerySet[Any]:
    """Items of ``union``'s subtree under public notice now."""
    return (
        workflow.model.objects.filter(union__path__startswith=union.path, state=State.NOTICE)
        .select_related("union", *workflow.select_related)
        .order_by("notice_until", "pk")
    )
