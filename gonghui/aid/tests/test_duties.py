"""Separation of duties, for every application type on the workflow engine: whoever entered
or submitted an item never approves it, and one person approves one step of an item."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
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


def _nomination(world: World, entered_by: User | None) -> Any:
    from gonghui.skills.models import Nomination, NominationRound, RoundPlaces

    round_ = NominationRound.objects.create(
        union=world.city,
        year=2023,
        kind="may_day_award",
        level="city",
        name="五一劳动奖状",
        closes_on=date(2099, 1, 1),
    )
    places = RoundPlaces.objects.create(round=round_, county=world.wuxing, places=3)
    return Nomination.objects.create(
        union=world.yuehe,
        round=round_,
        places=places,
        unit_name="月河某厂",
        deeds="事迹",
        entered_by=entered_by,
    )


def _allowance(world: World, entered_by: User | None) -> Any:
    from gonghui.core.fields import cipher_set
    from gonghui.skills.models import Honour, HonourAllowance
    from gonghui.skills.tests.factories import TalentFactory

    honour = Honour.objects.create(
        union=world.yuehe,
        kind="model_worker",
        level="city",
        year=2020,
        granted_on=date(2020, 4, 28),
        talent=TalentFactory.create(union=world.yuehe),
    )
    item = HonourAllowance(
        union=world.yuehe,
        honour=honour,
        year=2023,
        amount=1000,
        reason="补助",
        payee_bank="湖州银行",
        account_masked="6217********5678",
        entered_by=entered_by,
    )
    cipher_set(item, "account_cipher", "6217000012345678")
    item.save()
    return item


def _hardship_aid(world: World, entered_by: User | None) -> Any:
    from decimal import Decimal

    from gonghui.care.models import HardshipAid, HardshipCase
    from gonghui.core.fields import cipher_set

    case = HardshipCase.objects.create(
        union=world.yuehe,
        person_hash="k" * 64,
        person_name="困难户",
        person_masked="330502********0000",
        household_size=3,
        income_per_head=Decimal("800"),
        hardship_class="deep",
        cause="重病",
        opened_on=date(2023, 1, 5),
        reviewed_on=date(2023, 1, 5),
    )
    item = HardshipAid(
        union=world.yuehe,
        case=case,
        person_hash=case.person_hash,
        person_name=case.person_name,
        person_masked=case.person_masked,
        kind="living",
        amount=Decimal("2000"),
        reason="生活困难",
        payee_bank="湖州银行",
        account_masked="6217********5678",
        entered_by=entered_by,
    )
    cipher_set(item, "account_cipher", "6217000012345678")
    item.save()
    return item


# Every type registered with the engine: a new type must say how to make one of its items.
ITEMS: dict[str, Callable[[World, User | None], Any]] = {
    "hardship_aid": _hardship_aid,
    "mutual_aid_claim": _claim,
    "relief": _relief,
    "honour_nomination": _nomination,
    "honour_allowance": _allowance,
}


def _dues_relief(world: World, entered_by: User | None) -> Any:
    from decimal import Decimal

    from gonghui.orgs.models import Enterprise, Region

    region = Region.objects.create(code="330502100", name="织里镇", level="township")
    enterprise = Enterprise.objects.create(
        name="月河某厂",
        uscc="91330502MA2E00109",
        region=region,
        owner_union=world.yuehe,
        union=world.yuehe,
    )
    from gonghui.wages.models import DuesRelief

    return DuesRelief.objects.create(
        union=world.yuehe,
        enterprise=enterprise,
        kind="reduce",
        period_from=date(2023, 1, 1),
        period_to=date(2023, 6, 30),
        payroll=Decimal("100000"),
        amount=Decimal("2000"),
        reason="small",
        entered_by=entered_by,
    )


def _recuperation(world: World, entered_by: User | None) -> Any:
    from django.utils import timezone

    from gonghui.care.models import BatchQuota, RecuperationApplication
    from gonghui.care.services.recuperation import batch_load
    from gonghui.core.actors import SystemActor

    batch = batch_load(
        actor=SystemActor(world.city),
        data={
            "code": "D-1",
            "base": "基地",
            "start": "2023-05-01",
            "end": "2023-05-05",
            "union": world.city.code,
            "places": 5,
            "quota": {world.wuxing.code: 5},
            "cost_per_person": "1000.00",
        },
    ).batch
    return RecuperationApplication.objects.create(
        union=world.yuehe,
        batch=batch,
        quota=BatchQuota.objects.get(batch=batch),
        person_hash="h" * 64,
        person_name="测试",
        person_masked="330502********0000",
        applied_at=timezone.now(),
        entered_by=entered_by,
    )


def _join(world: World, entered_by: User | None) -> Any:
    from gonghui.portal.models import JoinApplication
    from gonghui.portal.tests.factories import account_signed_up

    account = account_signed_up()
    return JoinApplication.objects.create(
        union=world.yuehe,
        account=account,
        person_hash=account.id_hash,
        person_name=account.name,
        person_masked=account.id_masked,
        employer_name="美团外卖",
        occupation="delivery_rider",
        entered_by=entered_by,
    )


# Types reviewed at one step only: the duties that apply to one step, with the union whose
# reviewers act at it (the county's for dues relief, the city's for recuperation places, the
# township's for an application to join a township union).
ONE_STEP: dict[str, Callable[[World, User | None], Any]] = {
    "dues_relief": _dues_relief,
    "recuperation": _recuperation,
    "member_application": _join,
}
ONE_STEP_AT = {"dues_relief": "wuxing", "recuperation": "city", "member_application": "yuehe"}
# The union an item is moved to so that the step's reviewer may submit it too.
ONE_STEP_OWNER = {"dues_relief": "wuxing", "recuperation": "wuxing", "member_application": "yuehe"}


def _steps(workflow: Any, item: Any) -> list[Any]:
    return workflow.applicable_steps(item)


def test_every_registered_type_is_covered() -> None:
    assert set(workflows()) == set(ITEMS) | set(ONE_STEP)


def step_reviewer(world: World, key: str) -> User:
    union = getattr(world, ONE_STEP_AT[key])
    return UserFactory.create(username=f"{key}_reviewer", union=union, role=Role.REVIEWER)


@pytest.mark.parametrize("key", sorted(ONE_STEP))
def test_one_step_the_submitter_cannot_approve(key: str, world: World) -> None:
    wuxing_reviewer = step_reviewer(world, key)
    workflow = workflow_get(key)
    item = ONE_STEP[key](world, None)
    item.union = getattr(world, ONE_STEP_OWNER[key])
    item.save()
    transition(workflow, item.pk, Action.SUBMIT, actor=wuxing_reviewer)
    with pytest.raises(PermissionDenied, match="须由其他人审核通过"):
        transition(workflow, item.pk, Action.APPROVE, actor=wuxing_reviewer)


@pytest.mark.parametrize("key", sorted(ONE_STEP))
def test_one_step_whoever_entered_it_cannot_approve(key: str, world: World) -> None:
    wuxing_reviewer = step_reviewer(world, key)
    workflow = workflow_get(key)
    item = ONE_STEP[key](world, wuxing_reviewer)
    transition(workflow, item.pk, Action.SUBMIT, actor=world.township_staff)
    report = transition_many(workflow, [item.pk], Action.APPROVE, actor=wuxing_reviewer)
    assert report.refused == {item.pk: OWN_ITEM}


@pytest.mark.parametrize("key", sorted(ONE_STEP))
def test_one_step_another_reviewer_approves(key: str, world: World) -> None:
    wuxing_reviewer = step_reviewer(world, key)
    workflow = workflow_get(key)
    item = ONE_STEP[key](world, world.township_staff)
    transition(workflow, item.pk, Action.SUBMIT, actor=world.township_staff)
    item = transition(workflow, item.pk, Action.APPROVE, actor=wuxing_reviewer)
    assert (item.state, item.step) == (State.APPROVED, "")


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
    assert _steps(workflow, item)[0].key == "township_review"


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
    assert (item.state, item.step) == (State.IN_REVIEW, _steps(workflow, item)[1].key)


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
    first = _steps(workflow, item)[0].label
    with pytest.raises(PermissionDenied, match=f"您已在“{re.escape(first)}”环节审核通过了这份申请"):
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
