"""What a type declares and the engine gives: payouts to any payee, quotas, the notice row,
hooks named by path, and submission as an engine service.

Like test_workflow.py, the types are declared here (on the relief model, which carries the
engine's fields); the engine must not need to know them in advance."""

from __future__ import annotations

import io
from dataclasses import replace
from decimal import Decimal
from typing import Any

import openpyxl
import pytest
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.http import Http404

from gonghui.aid.models import ReliefApplication
from gonghui.aid.tests.factories import ReliefPolicyFactory
from gonghui.conftest import World
from gonghui.core import pii
from gonghui.core import workflow as engine
from gonghui.core.actors import SystemActor
from gonghui.core.models import Role, User
from gonghui.core.tests.factories import UserFactory
from gonghui.core.workflow import Action, Payout, Quota, State, Step, Workflow, payables
from gonghui.core.workflow.models import PayoutItem
from gonghui.core.workflow.payouts import (
    payout_batch_create,
    payout_batch_export,
    payout_batch_mark_paid,
)
from gonghui.core.workflow.services import transition, workflow_submit
from gonghui.members.tests.factories import MemberFactory
from gonghui.orgs.models import Union
from gonghui.testing.ciphers import cipher_sealed

ACCOUNT = "6228480000001234567"

GRANT = Workflow(
    key="test_unit_grant",
    label="测试单位补助",
    model=ReliefApplication,
    steps=(Step("county_approval", "审批", "county"),),
    # The payee is the owning union, not the member the row also names.
    payout=Payout(purpose="单位补助金", payee_name="union__name"),
)


def make_item(union: Union, policy: Any = None, amount: str = "3000.00") -> Any:
    return ReliefApplication.objects.create(
        union=union,
        member=MemberFactory.create(union=union),
        policy=policy or ReliefPolicyFactory.create(union=Union.objects.get(depth=1)),
        diagnosis="恶性肿瘤",
        self_paid_year=Decimal("30000.00"),
        payee_bank="中国农业银行湖州分行",
        **cipher_sealed(ReliefApplication, account_cipher=ACCOUNT),
        account_masked=pii.mask_bank_account(ACCOUNT),
        amount=Decimal(amount),
    )


def county_user(world: World, role: str, name: str) -> User:
    return UserFactory.create(username=name, union=world.wuxing, role=role)


def registry_replace(monkeypatch: pytest.MonkeyPatch, types: dict[str, Workflow]) -> None:
    """Stand ``types`` in for the registry for one test. The apps' types are discovered
    first: discovered while the stand-in is in place, they would register into it and be
    lost from the real registry when it comes back (the modules are imported only once)."""
    engine.workflows()
    monkeypatch.setattr(engine, "_REGISTRY", types)


@pytest.fixture
def only_grant(monkeypatch: pytest.MonkeyPatch) -> Workflow:
    """The registry holding the test type alone, as if it were the only payable one."""
    registry_replace(monkeypatch, {GRANT.key: GRANT})
    return GRANT


def test_the_payable_types_are_discovered() -> None:
    assert {key: wf.payout.purpose for key, wf in payables().items() if wf.payout} == {
        "mutual_aid_claim": "职工医疗互助金",
        "relief": "会员大病救助金",
        "honour_allowance": "劳模补助金",
        "hardship_aid": "困难职工帮扶金",
    }


def test_a_payout_may_pay_a_union_rather_than_a_member(world: World, only_grant) -> None:
    finance = county_user(world, Role.FINANCE, "wuxing_finance")
    item = make_item(world.wuxing_grassroots)
    ReliefApplication.objects.filter(pk=item.pk).update(state=State.APPROVED)
    batch = payout_batch_create(actor=finance, union=world.wuxing, name="单位补助")
    line = PayoutItem.objects.get(batch=batch)
    assert (line.workflow, line.object_id, line.payee_name, line.purpose, line.amount) == (
        "test_unit_grant",
        item.pk,
        world.wuxing_grassroots.name,
        "单位补助金",
        Decimal("3000.00"),
    )


def test_the_account_is_sealed_again_to_the_batch_line(world: World, only_grant) -> None:
    finance = county_user(world, Role.FINANCE, "wuxing_finance")
    item = make_item(world.wuxing_grassroots)
    ReliefApplication.objects.filter(pk=item.pk).update(state=State.APPROVED)
    batch = payout_batch_create(actor=finance, union=world.wuxing, name="单位补助")
    line = PayoutItem.objects.get(batch=batch)
    assert pii.column_cipher(PayoutItem.account_cipher).decrypt(line.pk, line.account_cipher) == (
        ACCOUNT
    )
    book = openpyxl.load_workbook(io.BytesIO(payout_batch_export(actor=finance, batch=batch)))
    assert [c.value for c in book.active[2]] == [
        world.wuxing_grassroots.name,
        "中国农业银行湖州分行",
        ACCOUNT,
        3000,
        "单位补助金",
    ]


def test_marking_a_batch_of_a_declared_type_paid_pays_its_items(world: World, only_grant) -> None:
    finance = county_user(world, Role.FINANCE, "wuxing_finance")
    item = make_item(world.wuxing_grassroots)
    ReliefApplication.objects.filter(pk=item.pk).update(state=State.APPROVED)
    batch = payout_batch_create(actor=finance, union=world.wuxing, name="单位补助")
    payout_batch_mark_paid(
        actor=finance, batch=batch, bank_reference="HZ001", paid_on=batch.created_at.date()
    )
    item.refresh_from_db()
    assert item.state == State.PAID


def test_a_type_without_a_payout_is_not_offered_to_batches(world: World, monkeypatch) -> None:
    unpaid = replace(GRANT, payout=None)
    registry_replace(monkeypatch, {unpaid.key: unpaid})
    finance = county_user(world, Role.FINANCE, "wuxing_finance")
    with pytest.raises(ValidationError, match="请选择要发放的申请类型"):
        payout_batch_create(actor=finance, union=world.wuxing, name="x", workflows=[unpaid.key])


# --- quotas --------------------------------------------------------------------------------


def one_place_per_policy(policy: Any) -> int:
    return 1


QUOTA = replace(GRANT, quota=Quota(field="policy", places=one_place_per_policy, label="名额"))


def submitted_pair(world: World) -> tuple[Any, Any]:
    policy = ReliefPolicyFactory.create(union=world.city)
    first = make_item(world.wuxing, policy)
    second = make_item(world.wuxing, policy)
    for item in (first, second):
        transition(QUOTA, item.pk, Action.SUBMIT, actor=SystemActor(world.wuxing))
    return first, second


def test_approval_beyond_the_places_is_refused_with_the_reason(world: World) -> None:
    first, second = submitted_pair(world)
    approver = county_user(world, Role.REVIEWER, "wuxing_reviewer")
    assert transition(QUOTA, first.pk, Action.APPROVE, actor=approver).state == State.APPROVED
    with pytest.raises(ValidationError) as refused:
        transition(QUOTA, second.pk, Action.APPROVE, actor=approver)
    assert refused.value.messages == [
        f"名额已满：“{first.policy}”共 1 个名额，已全部批准，不能再批准。"
    ]
    second.refresh_from_db()
    assert (second.state, second.step) == (State.IN_REVIEW, "county_approval")


def test_a_place_is_free_again_once_its_holder_is_rejected(world: World) -> None:
    quota = replace(QUOTA, notice_days=5)
    first, second = submitted_pair(world)
    approver = county_user(world, Role.REVIEWER, "wuxing_reviewer")
    other = county_user(world, Role.REVIEWER, "wuxing_reviewer2")
    assert transition(quota, first.pk, Action.APPROVE, actor=approver).state == State.NOTICE
    staff = county_user(world, Role.STAFF, "wuxing_staff2")
    transition(quota, first.pk, Action.OBJECT, actor=staff, comment="群众反映不符合条件")
    transition(quota, first.pk, Action.REJECT, actor=other, comment="核实不符合条件")
    assert transition(quota, second.pk, Action.APPROVE, actor=approver).state == State.NOTICE


def test_a_holder_without_a_limit_takes_every_approval(world: World) -> None:
    unlimited = replace(GRANT, quota=Quota(field="policy", places=lambda policy: None))
    first, second = submitted_pair(world)
    approver = county_user(world, Role.REVIEWER, "wuxing_reviewer")
    for item in (first, second):
        assert transition(unlimited, item.pk, Action.APPROVE, actor=approver).state == (
            State.APPROVED
        )


# --- notice rows and hooks -----------------------------------------------------------------


def test_a_type_with_a_notice_period_must_declare_its_notice_row(monkeypatch) -> None:
    registry_replace(monkeypatch, {})
    with pytest.raises(ImproperlyConfigured, match="notice_row"):
        engine.workflow_register(replace(GRANT, notice_days=5))


RELEASED: list[int] = []


def remember_release(items: list[Any]) -> None:
    RELEASED.extend(item.pk for item in items)


def test_a_hook_named_by_its_path_runs_at_its_moment(world: World) -> None:
    hooked = replace(
        GRANT, on_release="gonghui.core.tests.test_workflow_declarations.remember_release"
    )
    RELEASED.clear()
    item = make_item(world.wuxing)
    transition(hooked, item.pk, Action.SUBMIT, actor=SystemActor(world.wuxing))
    staff = county_user(world, Role.STAFF, "wuxing_staff2")
    transition(hooked, item.pk, Action.WITHDRAW, actor=staff)
    assert [item.pk] == RELEASED


# --- submission ----------------------------------------------------------------------------


def test_workflow_submit_sends_a_draft_to_its_first_step(world: World) -> None:
    item = make_item(world.wuxing_grassroots)
    submitted = workflow_submit(GRANT, item, actor=world.grassroots_chair)
    assert (submitted.state, submitted.step, submitted.submitted_by) == (
        State.IN_REVIEW,
        "county_approval",
        world.grassroots_chair,
    )


def test_workflow_submit_out_of_scope_is_not_found(world: World) -> None:
    item = make_item(world.wuxing_grassroots)
    with pytest.raises(Http404):
        workflow_submit(GRANT, item, actor=world.nanxun_staff)


def test_workflow_submit_by_a_county_reviewer_is_denied(world: World) -> None:
    item = make_item(world.wuxing_grassroots)
    with pytest.raises(PermissionDenied):
        workflow_submit(GRANT, item, actor=county_user(world, Role.REVIEWER, "wuxing_reviewer"))


def test_workflow_submit_twice_is_refused_with_the_state(world: World) -> None:
    item = make_item(world.wuxing_grassroots)
    workflow_submit(GRANT, item, actor=world.grassroots_chair)
    with pytest.raises(ValidationError) as refused:
        workflow_submit(GRANT, item, actor=world.grassroots_chair)
    assert refused.value.messages == ["该申请当前状态为“审核中”，不能提交。"]
