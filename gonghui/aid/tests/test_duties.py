"""Separation of duties, for every application type on the workflow engine: whoever entered
or submitted an item never approves it, and one person approves one step of an item."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied

from gonghui.aid.tests.factories import (
    ClaimFactory,
    EnrollmentFactory,
    PlanFactory,
    ReliefApplicationFactory,
)
from gonghui.conftest import World
from gonghui.core.models import Role, User
from gonghui.core.tests.factories import UserFactory
from gonghui.core.workflow import Action, State, workflow_get, workflows
from gonghui.core.workflow.selectors import allowed_actions
from gonghui.core.workflow.services import OWN_ITEM, transition, transition_many
from gonghui.members.tests.factories import MemberFactory


def _claim(world: World, entered_by: User | None) -> Any:
    member = MemberFactory.create(union=world.yuehe)
    plan = PlanFactory.create(union=world.city)
    return ClaimFactory.create(
        enrollment=EnrollmentFactory.create(plan=plan, member=member), entered_by=entered_by
    )


def _relief(world: World, entered_by: User | None) -> Any:
    return ReliefApplicationFactory.create(
        member=MemberFactory.create(union=world.yuehe), entered_by=entered_by
    )


# Every type registered with the engine: a new type must say how to make one of its items.
ITEMS: dict[str, Callable[[World, User | None], Any]] = {
    "mutual_aid_claim": _claim,
    "relief": _relief,
}


def test_every_registered_type_is_covered() -> None:
    assert set(workflows()) == set(ITEMS)


@pytest.fixture
def yuehe_reviewer(world: World) -> User:
    return UserFactory.create(username="yuehe_reviewer", union=world.yuehe, role=Role.REVIEWER)


@pytest.mark.parametrize("key", sorted(ITEMS))
def test_the_submitter_cannot_approve(key: str, world: World, yuehe_reviewer: User) -> None:
    workflow = workflow_get(key)
    item = ITEMS[key](world, None)
    transition(workflow, item.pk, Action.SUBMIT, actor=yuehe_reviewer)
    with pytest.raises(PermissionDenied, match="须由其他人审核通过"):
        transition(workflow, item.pk, Action.APPROVE, actor=yuehe_reviewer)
    assert workflow.model.objects.get(pk=item.pk).step == "township_review"


@pytest.mark.parametrize("key", sorted(ITEMS))
def test_whoever_entered_it_cannot_approve(key: str, world: World, yuehe_reviewer: User) -> None:
    workflow = workflow_get(key)
    item = ITEMS[key](world, yuehe_reviewer)
    transition(workflow, item.pk, Action.SUBMIT, actor=world.township_staff)
    report = transition_many(workflow, [item.pk], Action.APPROVE, actor=yuehe_reviewer)
    assert report.refused == {item.pk: OWN_ITEM}
    assert Action.APPROVE not in allowed_actions(workflow, item, yuehe_reviewer)


@pytest.mark.parametrize("key", sorted(ITEMS))
def test_another_reviewer_approves(key: str, world: World, yuehe_reviewer: User) -> None:
    workflow = workflow_get(key)
    item = ITEMS[key](world, world.township_staff)
    transition(workflow, item.pk, Action.SUBMIT, actor=world.township_staff)
    item = transition(workflow, item.pk, Action.APPROVE, actor=yuehe_reviewer)
    assert (item.state, item.step) == (State.IN_REVIEW, "county_approval")


@pytest.mark.parametrize("key", sorted(ITEMS))
def test_one_person_does_not_approve_two_steps(
    key: str, world: World, yuehe_reviewer: User
) -> None:
    workflow = workflow_get(key)
    item = ITEMS[key](world, world.township_staff)
    transition(workflow, item.pk, Action.SUBMIT, actor=world.township_staff)
    transition(workflow, item.pk, Action.APPROVE, actor=yuehe_reviewer)
    # The same reviewer, moved up to the county, meets the item again at the next step.
    yuehe_reviewer.union = world.wuxing
    yuehe_reviewer.save()
    with pytest.raises(PermissionDenied, match="您已在“初审”环节审核通过了这份申请"):
        transition(workflow, item.pk, Action.APPROVE, actor=yuehe_reviewer)


def test_a_type_may_let_one_person_approve_two_steps(world: World, yuehe_reviewer: User) -> None:
    from dataclasses import replace

    relaxed = replace(workflow_get("relief"), distinct_approvers=False)
    item = _relief(world, world.township_staff)
    transition(relaxed, item.pk, Action.SUBMIT, actor=world.township_staff)
    transition(relaxed, item.pk, Action.APPROVE, actor=yuehe_reviewer)
    yuehe_reviewer.union = world.wuxing
    yuehe_reviewer.save()
    item = transition(relaxed, item.pk, Action.APPROVE, actor=yuehe_reviewer)
    assert item.state == State.NOTICE  # past the county's approval, into public notice
