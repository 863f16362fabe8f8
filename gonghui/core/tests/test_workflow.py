"""The workflow engine, exercised through an application type declared here.

The engine must not know any type: these tests declare their own (on the relief model,
which carries the engine's fields) with a threshold step, and drive it."""

from __future__ import annotations

import threading
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.http import Http404
from django.utils import timezone

from gonghui.aid.models import ReliefApplication
from gonghui.aid.tests.factories import ReliefPolicyFactory
from gonghui.conftest import World
from gonghui.core import pii
from gonghui.core.models import AuditEvent, PeriodicRun, Role, User
from gonghui.core.periodic import periodic_tick
from gonghui.core.tests.factories import UserFactory
from gonghui.core.workflow import Action, State, Step, Workflow
from gonghui.core.workflow.models import ReviewEntry
from gonghui.core.workflow.selectors import allowed_actions, inbox, is_overdue
from gonghui.core.workflow.services import (
    SystemActor,
    notice_expire,
    transition,
    transition_many,
)
from gonghui.members.tests.factories import MemberFactory
from gonghui.orgs.models import Union
from gonghui.testing.ciphers import cipher_sealed

TYPE = Workflow(
    key="test_grant",
    label="测试补助",
    model=ReliefApplication,
    steps=(
        Step("township_review", "初审", "township"),
        Step("county_approval", "审批", "county"),
        Step("city_approval", "市总审批", "city", applies=lambda i: i.amount > Decimal("5000")),
    ),
    notice_days=5,
)


def make_item(union: Union, amount: str = "3000.00", state: str = State.DRAFT) -> Any:
    member = MemberFactory.create(union=union)
    policy = ReliefPolicyFactory.create(union=Union.objects.get(depth=1))
    return ReliefApplication.objects.create(
        union=union,
        member=member,
        policy=policy,
        diagnosis="恶性肿瘤",
        self_paid_year=Decimal("30000.00"),
        payee_bank="中国农业银行湖州分行",
        **cipher_sealed(ReliefApplication, account_cipher="6228480000001234567"),
        account_masked=pii.mask_bank_account("6228480000001234567"),
        amount=Decimal(amount),
        state=state,
    )


def reviewer(union: Union, name: str) -> User:
    return UserFactory.create(username=name, union=union, role=Role.REVIEWER)


@pytest.fixture
def people(world: World) -> dict[str, User]:
    return {
        "yuehe": reviewer(world.yuehe, "yuehe_reviewer"),
        "wuxing": reviewer(world.wuxing, "wuxing_reviewer"),
        "nanxun": reviewer(world.nanxun, "nanxun_reviewer"),
        "city": reviewer(world.city, "city_reviewer"),
    }


def submitted(world: World, amount: str = "3000.00") -> Any:
    item = make_item(world.wuxing_grassroots, amount)
    return transition(TYPE, item.pk, Action.SUBMIT, actor=world.grassroots_chair)


def test_submit_puts_the_item_at_the_first_step(world: World) -> None:
    item = submitted(world)
    assert (item.state, item.step) == (State.IN_REVIEW, "township_review")
    assert item.submitted_by == world.grassroots_chair
    assert item.step_since is not None


def test_each_transition_writes_a_trail_entry_and_an_audit_event(world: World) -> None:
    item = submitted(world)
    entry = ReviewEntry.objects.get(workflow="test_grant", object_id=item.pk)
    assert (entry.action, entry.from_state, entry.to_state, entry.to_step) == (
        "submit",
        "draft",
        "in_review",
        "township_review",
    )
    assert entry.actor == world.grassroots_chair
    event = AuditEvent.objects.get(action="test_grant.submit")
    assert event.object_id == str(item.pk)
    assert event.union == world.wuxing_grassroots
    assert "草稿→审核中（初审）" in event.summary


def test_item_owned_by_a_township_is_reviewed_by_that_township(world: World, people) -> None:
    item = make_item(world.yuehe)
    transition(TYPE, item.pk, Action.SUBMIT, actor=world.township_staff)
    item = transition(TYPE, item.pk, Action.APPROVE, actor=people["yuehe"])
    assert item.step == "county_approval"


def test_item_owned_by_a_county_skips_the_township_step(world: World) -> None:
    item = make_item(world.wuxing)
    item = transition_many(TYPE, [item.pk], Action.SUBMIT, actor=SystemActor(world.wuxing))
    assert ReliefApplication.objects.get().step == "county_approval"


def test_approvals_lead_through_the_steps_to_public_notice(world: World, people) -> None:
    item = submitted(world)
    item = transition(TYPE, item.pk, Action.APPROVE, actor=people["yuehe"])
    assert item.step == "county_approval"
    item = transition(TYPE, item.pk, Action.APPROVE, actor=people["wuxing"])
    assert (item.state, item.step) == (State.NOTICE, "")
    assert item.notice_until == timezone.localdate() + timedelta(days=5)
    assert item.approved_at is not None


def test_amount_above_the_threshold_adds_the_city_step(world: World, people) -> None:
    item = submitted(world, amount="5000.01")
    transition(TYPE, item.pk, Action.APPROVE, actor=people["yuehe"])
    item = transition(TYPE, item.pk, Action.APPROVE, actor=people["wuxing"])
    assert (item.state, item.step) == (State.IN_REVIEW, "city_approval")
    item = transition(TYPE, item.pk, Action.APPROVE, actor=people["city"])
    assert item.state == State.NOTICE


def test_amount_at_the_threshold_needs_no_city_approval(world: World, people) -> None:
    item = submitted(world, amount="5000.00")
    transition(TYPE, item.pk, Action.APPROVE, actor=people["yuehe"])
    item = transition(TYPE, item.pk, Action.APPROVE, actor=people["wuxing"])
    assert item.state == State.NOTICE


def test_a_reviewer_of_another_level_is_refused(world: World, people) -> None:
    item = submitted(world)
    with pytest.raises(PermissionDenied, match="“初审”环节"):
        transition(TYPE, item.pk, Action.APPROVE, actor=people["wuxing"])
    item.refresh_from_db()
    assert item.step == "township_review"


def test_staff_without_the_reviewer_role_cannot_approve(world: World) -> None:
    item = submitted(world)
    with pytest.raises(PermissionDenied):
        transition(TYPE, item.pk, Action.APPROVE, actor=world.township_staff)


def test_a_sibling_county_gets_not_found(world: World, people) -> None:
    item = submitted(world)
    with pytest.raises(Http404):
        transition(TYPE, item.pk, Action.APPROVE, actor=people["nanxun"])


def test_a_transition_not_allowed_from_the_state_is_refused_in_chinese(
    world: World, people
) -> None:
    item = submitted(world)
    transition(TYPE, item.pk, Action.REJECT, actor=people["yuehe"], comment="材料不全")
    with pytest.raises(ValidationError) as exc:
        transition(TYPE, item.pk, Action.APPROVE, actor=people["yuehe"])
    assert exc.value.messages == ["该申请当前状态为“未通过”，不能通过。"]


def test_a_double_click_makes_one_transition(world: World, people) -> None:
    item = submitted(world)
    transition(TYPE, item.pk, Action.APPROVE, actor=people["yuehe"])
    with pytest.raises(PermissionDenied):
        # The second click finds the item at the county's step.
        transition(TYPE, item.pk, Action.APPROVE, actor=people["yuehe"])
    assert ReviewEntry.objects.filter(object_id=item.pk, action="approve").count() == 1


@pytest.mark.parametrize("action", [Action.REJECT, Action.RETURN])
def test_reject_and_return_need_a_reason(world: World, people, action: Action) -> None:
    item = submitted(world)
    with pytest.raises(ValidationError, match="须填写意见"):
        transition(TYPE, item.pk, action, actor=people["yuehe"], comment="  ")


def test_a_returned_item_is_resubmitted_to_the_first_step(world: World, people) -> None:
    item = submitted(world)
    transition(TYPE, item.pk, Action.APPROVE, actor=people["yuehe"])
    item = transition(TYPE, item.pk, Action.RETURN, actor=people["wuxing"], comment="补充发票")
    assert (item.state, item.step) == (State.RETURNED, "")
    item = transition(TYPE, item.pk, Action.SUBMIT, actor=world.grassroots_chair)
    assert (item.state, item.step) == (State.IN_REVIEW, "township_review")


def test_the_submitting_side_can_withdraw_while_in_review(world: World, people) -> None:
    item = submitted(world)
    item = transition(TYPE, item.pk, Action.WITHDRAW, actor=world.grassroots_chair)
    assert item.state == State.WITHDRAWN


def test_a_reviewer_above_cannot_withdraw(world: World, people) -> None:
    item = submitted(world)
    with pytest.raises(PermissionDenied):
        transition(TYPE, item.pk, Action.WITHDRAW, actor=people["wuxing"])


def under_notice(world: World, people) -> Any:
    item = submitted(world)
    transition(TYPE, item.pk, Action.APPROVE, actor=people["yuehe"])
    return transition(TYPE, item.pk, Action.APPROVE, actor=people["wuxing"])


def test_an_objection_sends_the_item_back_to_its_last_approver(world: World, people) -> None:
    item = under_notice(world, people)
    item = transition(
        TYPE, item.pk, Action.OBJECT, actor=world.township_staff, comment="群众反映非本单位职工"
    )
    assert (item.state, item.step, item.notice_until) == (State.IN_REVIEW, "county_approval", None)
    item = transition(TYPE, item.pk, Action.APPROVE, actor=people["wuxing"])
    assert item.state == State.NOTICE


def test_notice_passes_by_itself_after_its_days(world: World, people) -> None:
    item = under_notice(world, people)
    today = timezone.localdate()
    assert notice_expire(TYPE, today=today + timedelta(days=4)) == 0
    assert notice_expire(TYPE, today=today + timedelta(days=5)) == 1
    item.refresh_from_db()
    assert item.state == State.APPROVED
    entry = ReviewEntry.objects.filter(object_id=item.pk).last()
    assert entry is not None
    assert (entry.action, entry.actor_name) == ("notice_pass", "系统")


def test_payment_needs_the_finance_role(world: World, people) -> None:
    item = under_notice(world, people)
    notice_expire(TYPE, today=timezone.localdate() + timedelta(days=5))
    finance = UserFactory.create(username="wuxing_finance", union=world.wuxing, role=Role.FINANCE)
    report = transition_many(TYPE, [item.pk], Action.PAY, actor=people["wuxing"])
    assert item.pk in report.refused
    report = transition_many(TYPE, [item.pk], Action.PAY, actor=finance)
    assert report.done == [item.pk]
    item.refresh_from_db()
    assert (item.state, item.paid_on) == (State.PAID, timezone.localdate())


def test_bulk_approval_reports_what_it_could_not_do(world: World, people) -> None:
    first, second = submitted(world), submitted(world)
    other = make_item(world.nanxun_grassroots)
    transition(TYPE, second.pk, Action.APPROVE, actor=people["yuehe"])
    report = transition_many(
        TYPE, [first.pk, second.pk, other.pk, 999999], Action.APPROVE, actor=people["yuehe"]
    )
    assert report.done == [first.pk]
    assert set(report.refused) == {second.pk, other.pk, 999999}
    assert "“审批”环节" in report.refused[second.pk]
    assert report.refused[other.pk] == "未找到该申请，或不在您的管辖范围内。"


def test_allowed_actions_follow_the_actor(world: World, people) -> None:
    item = submitted(world)
    assert allowed_actions(TYPE, item, people["yuehe"]) == [
        Action.APPROVE,
        Action.RETURN,
        Action.REJECT,
    ]
    assert allowed_actions(TYPE, item, world.grassroots_chair) == [Action.WITHDRAW]
    assert allowed_actions(TYPE, item, people["nanxun"]) == []


def test_inbox_holds_what_waits_at_the_reviewers_step_oldest_first(
    world: World, people, settings
) -> None:
    settings.GONGHUI_REVIEW_OVERDUE_DAYS = 3
    newer, older = submitted(world), submitted(world)
    ReliefApplication.objects.filter(pk=older.pk).update(
        step_since=timezone.now() - timedelta(days=4)
    )
    make_item(world.nanxun_grassroots)  # a sibling county's item, never listed
    (section,) = [s for s in inbox(people["yuehe"]) if s.workflow.key == "relief"]
    assert [i.pk for i in section.items] == [older.pk, newer.pk]
    assert [is_overdue(TYPE, i) for i in section.items] == [True, False]
    (county,) = [s for s in inbox(people["wuxing"]) if s.workflow.key == "relief"]
    assert county.items.count() == 0
    assert inbox(people["nanxun"])[0].items.count() == 0


def test_scheduler_enqueues_each_periodic_task_once_per_period(db: None) -> None:
    enqueued: list[Any] = []
    now = timezone.now()
    periodic_tick(now=now, enqueue=enqueued.append)
    periodic_tick(now=now + timedelta(seconds=30), enqueue=enqueued.append)
    assert len(enqueued) == len(PeriodicRun.objects.all()) >= 1
    periodic_tick(now=now + timedelta(hours=1), enqueue=enqueued.append)
    assert len(enqueued) == 2 * PeriodicRun.objects.count()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("second", [Action.APPROVE, Action.REJECT])
def test_two_reviewers_racing_make_exactly_one_transition(second: Action) -> None:
    from gonghui.conftest import build_world

    world = build_world()
    one = reviewer(world.yuehe, "yuehe_one")
    two = reviewer(world.yuehe, "yuehe_two")
    item = submitted(world)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def act(actor: User, action: Action) -> None:
        try:
            barrier.wait()
            report = transition_many(TYPE, [item.pk], action, actor=actor, comment="并发")
            outcomes.append("done" if report.done else report.refused[item.pk])
        finally:
            connection.close()

    threads = [
        threading.Thread(target=act, args=(one, Action.APPROVE)),
        threading.Thread(target=act, args=(two, second)),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes)[0] == "done"
    assert outcomes.count("done") == 1
    assert ReviewEntry.objects.filter(object_id=item.pk).exclude(action="submit").count() == 1


def test_the_scheduler_ends_notices_through_the_task_queue(world: World, people) -> None:
    from gonghui.aid.workflows import RELIEF

    item = make_item(world.wuxing_grassroots)
    transition(RELIEF, item.pk, Action.SUBMIT, actor=world.grassroots_chair)
    transition(RELIEF, item.pk, Action.APPROVE, actor=people["yuehe"])
    transition(RELIEF, item.pk, Action.APPROVE, actor=people["wuxing"])
    ReliefApplication.objects.filter(pk=item.pk).update(
        notice_until=timezone.localdate() - timedelta(days=1)
    )
    assert "notice_expire" in periodic_tick()  # the test task backend runs it at once
    item.refresh_from_db()
    assert item.state == State.APPROVED
