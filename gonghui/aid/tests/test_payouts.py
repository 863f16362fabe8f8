"""发放批次: what a batch gathers, its total, the export, paying and bank returns, and the
constraint that pays an application at most once."""

from __future__ import annotations

import io
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from gonghui.aid.models import MutualAidClaim, ReliefApplication
from gonghui.aid.tests.factories import (
    PAYEE_ACCOUNT,
    ApprovedClaimFactory,
    ReliefApplicationFactory,
)
from gonghui.conftest import World
from gonghui.core.fields import cipher_get
from gonghui.core.models import AuditEvent, Role, User
from gonghui.core.tests.factories import UserFactory
from gonghui.core.workflow import State
from gonghui.core.workflow.models import PayoutBatch, PayoutItem, ReviewEntry
from gonghui.core.workflow.payouts import (
    payout_batch_create,
    payout_batch_export,
    payout_batch_mark_paid,
    payout_eligible_summary,
    payout_item_return,
    payout_return_confirm,
)
from gonghui.members.tests.factories import MemberFactory
from gonghui.orgs.models import Union

PAID_ON = date(2023, 9, 15)


def finance(union: Union, name: str) -> User:
    return UserFactory.create(username=name, union=union, role=Role.FINANCE)


@pytest.fixture
def wuxing_finance(world: World) -> User:
    return finance(world.wuxing, "wuxing_finance")


def claim(union: Union, amount: str = "1500.00", **kwargs: Any) -> MutualAidClaim:
    member = kwargs.pop("member", None) or MemberFactory.create(union=union)
    return ApprovedClaimFactory.create(member=member, amount=Decimal(amount), **kwargs)


def relief(union: Union, amount: str = "3000.00", **kwargs: Any) -> ReliefApplication:
    member = kwargs.pop("member", None) or MemberFactory.create(union=union)
    kwargs.setdefault("state", State.APPROVED)
    return ReliefApplicationFactory.create(member=member, amount=Decimal(amount), **kwargs)


def batch_of(actor: User, union: Union, **kwargs: Any) -> PayoutBatch:
    return payout_batch_create(actor=actor, union=union, name="测试批次", **kwargs)


def lines(batch: PayoutBatch) -> set[tuple[str, int]]:
    return set(batch.items.values_list("workflow", "object_id"))


# --- Gathering -------------------------------------------------------------------------------


def test_a_batch_gathers_the_approved_items_of_both_types_in_the_subtree(
    world: World, wuxing_finance
) -> None:
    c = claim(world.wuxing_grassroots)
    r = relief(world.yuehe)
    claim(world.wuxing_grassroots, state=State.NOTICE)
    relief(world.wuxing_grassroots, state=State.IN_REVIEW)
    claim(world.nanxun_grassroots)
    batch = batch_of(wuxing_finance, world.wuxing)
    assert lines(batch) == {("mutual_aid_claim", c.pk), ("relief", r.pk)}


def test_a_claim_approved_at_zero_is_never_batched(world: World, wuxing_finance) -> None:
    # Below the deductible: approved at 0.00, it consumed deductible but pays nothing.
    paying = claim(world.wuxing_grassroots)
    claim(world.wuxing_grassroots, amount="0.00")
    batch = batch_of(wuxing_finance, world.wuxing)
    assert lines(batch) == {("mutual_aid_claim", paying.pk)}


def test_a_sibling_countys_finance_gets_no_wuxing_item(world: World) -> None:
    claim(world.wuxing_grassroots)
    relief(world.wuxing_grassroots)
    own = claim(world.nanxun_grassroots)
    batch = batch_of(finance(world.nanxun, "nanxun_finance"), world.nanxun)
    assert lines(batch) == {("mutual_aid_claim", own.pk)}


def test_the_city_finance_gathers_every_county(world: World) -> None:
    c = claim(world.wuxing_grassroots)
    r = relief(world.nanxun_grassroots)
    batch = batch_of(finance(world.city, "city_finance"), world.city)
    assert lines(batch) == {("mutual_aid_claim", c.pk), ("relief", r.pk)}


def test_the_total_is_the_sum_of_the_items_to_the_cent(world: World, wuxing_finance) -> None:
    claim(world.wuxing_grassroots, "1234.56")
    claim(world.wuxing_grassroots, "0.01")
    relief(world.wuxing_grassroots, "999.99")
    relief(world.yuehe, "3000.00")
    batch = batch_of(wuxing_finance, world.wuxing)
    # 1234.56 + 0.01 + 999.99 + 3000.00
    assert (batch.total, batch.item_count) == (Decimal("5234.56"), 4)
    batch.refresh_from_db()
    assert batch.total == Decimal("5234.56")


def test_a_line_copies_the_payee_amount_and_purpose(world: World, wuxing_finance) -> None:
    member = MemberFactory.create(union=world.wuxing_grassroots, name="钱晓红")
    r = relief(world.wuxing_grassroots, "5000.00", member=member)
    c = claim(world.wuxing_grassroots, "812.40", member=member)
    batch = batch_of(wuxing_finance, world.wuxing)
    by_type = {line.workflow: line for line in batch.items.all()}
    line = by_type["relief"]
    assert (line.object_id, line.payee_name, line.payee_bank, line.amount, line.purpose) == (
        r.pk,
        "钱晓红",
        "中国工商银行湖州分行",
        Decimal("5000.00"),
        "会员大病救助金",
    )
    assert line.account_masked == "622202******1234"
    assert cipher_get(line, "account_cipher") == PAYEE_ACCOUNT
    assert (by_type["mutual_aid_claim"].object_id, by_type["mutual_aid_claim"].purpose) == (
        c.pk,
        "职工医疗互助金",
    )


def test_items_in_a_live_batch_are_skipped(world: World, wuxing_finance) -> None:
    claim(world.wuxing_grassroots)
    batch_of(wuxing_finance, world.wuxing)
    newer = relief(world.wuxing_grassroots)
    second = batch_of(wuxing_finance, world.wuxing)
    assert lines(second) == {("relief", newer.pk)}


def test_nothing_to_gather_is_refused(world: World, wuxing_finance) -> None:
    claim(world.nanxun_grassroots)
    with pytest.raises(ValidationError) as exc:
        batch_of(wuxing_finance, world.wuxing)
    assert exc.value.messages == ["没有可纳入批次的待发放申请（可能已被其他发放批次选取）。"]
    assert not PayoutBatch.objects.exists()


def test_one_type_only(world: World, wuxing_finance) -> None:
    claim(world.wuxing_grassroots)
    r = relief(world.wuxing_grassroots)
    batch = batch_of(wuxing_finance, world.wuxing, workflows=("relief",))
    assert lines(batch) == {("relief", r.pk)}


def test_chosen_ids_only(world: World, wuxing_finance) -> None:
    c1 = claim(world.wuxing_grassroots)
    claim(world.wuxing_grassroots)
    relief(world.wuxing_grassroots)
    batch = batch_of(wuxing_finance, world.wuxing, ids={"mutual_aid_claim": [c1.pk], "relief": []})
    assert lines(batch) == {("mutual_aid_claim", c1.pk)}


def test_chosen_ids_outside_the_subtree_are_skipped(world: World, wuxing_finance) -> None:
    own = claim(world.wuxing_grassroots)
    other = claim(world.nanxun_grassroots)
    batch = batch_of(
        wuxing_finance, world.wuxing, workflows=("mutual_aid_claim",), ids=[own.pk, other.pk]
    )
    assert lines(batch) == {("mutual_aid_claim", own.pk)}


def test_creating_a_batch_is_audited(world: World, wuxing_finance) -> None:
    claim(world.wuxing_grassroots, "100.50")
    batch = batch_of(wuxing_finance, world.wuxing)
    event = AuditEvent.objects.get(action="payout_batch.create")
    assert (event.object_id, event.summary) == (
        str(batch.pk),
        "建立发放批次“测试批次”：1 笔，合计 100.50 元",
    )


def test_the_eligible_summary_counts_and_sums_per_type(world: World, wuxing_finance) -> None:
    claim(world.wuxing_grassroots, "100.10")
    claim(world.yuehe, "200.20")
    relief(world.wuxing_grassroots, "3000.00")
    claim(world.nanxun_grassroots, "999.00")
    summary = {
        s.key: (s.count, s.total)
        for s in payout_eligible_summary(actor=wuxing_finance, union=world.wuxing)
    }
    assert summary == {
        "mutual_aid_claim": (2, Decimal("300.30")),
        "relief": (1, Decimal("3000.00")),
        "honour_allowance": (0, Decimal("0.00")),
        "hardship_aid": (0, Decimal("0.00")),
    }


@pytest.mark.parametrize("role", [Role.STAFF, Role.ADMIN, Role.REVIEWER, Role.VIEWER])
def test_only_finance_creates_a_batch(world: World, role: str) -> None:
    claim(world.wuxing_grassroots)
    actor = UserFactory.create(username=f"wx_{role}", union=world.wuxing, role=role)
    with pytest.raises(PermissionDenied):
        batch_of(actor, world.wuxing)


def test_a_township_finance_user_cannot_create_a_batch(world: World) -> None:
    claim(world.wuxing_grassroots)
    with pytest.raises(PermissionDenied):
        batch_of(finance(world.yuehe, "yuehe_finance"), world.yuehe)


# --- Export ----------------------------------------------------------------------------------


def read_book(data: bytes) -> list[tuple[Any, ...]]:
    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    return [tuple(row) for row in book.active.iter_rows(values_only=True)]


def test_the_export_has_full_accounts_and_a_total_row(world: World, wuxing_finance) -> None:
    member = MemberFactory.create(union=world.wuxing_grassroots, name="钱晓红")
    relief(world.wuxing_grassroots, "3000.00", member=member)
    claim(world.wuxing_grassroots, "812.45", member=member, account="6217001234567890123")
    batch = batch_of(wuxing_finance, world.wuxing)
    rows = read_book(payout_batch_export(actor=wuxing_finance, batch=batch))
    assert rows[0] == ("户名", "开户行", "账号", "金额", "用途")
    assert sorted(rows[1:3]) == [
        ("钱晓红", "中国工商银行湖州分行", "6217001234567890123", 812.45, "职工医疗互助金"),
        ("钱晓红", "中国工商银行湖州分行", "6222020000001234", 3000, "会员大病救助金"),
    ]
    assert rows[3] == ("合计", None, None, 3812.45, "共 2 笔")


def test_the_export_is_audited_without_the_accounts(world: World, wuxing_finance) -> None:
    relief(world.wuxing_grassroots, "3000.00")
    batch = batch_of(wuxing_finance, world.wuxing)
    payout_batch_export(actor=wuxing_finance, batch=batch)
    event = AuditEvent.objects.get(action="payout_batch.export")
    assert event.actor == wuxing_finance
    assert (
        event.summary == "导出发放批次“测试批次”银行代发文件（含完整账号）：1 笔，合计 3000.00 元"
    )
    batch.refresh_from_db()
    assert batch.exported_at is not None


def test_the_export_leaves_out_returned_lines(world: World, wuxing_finance) -> None:
    kept = relief(world.wuxing_grassroots, "3000.00")
    relief(world.wuxing_grassroots, "5000.00")
    batch = batch_of(wuxing_finance, world.wuxing)
    gone = batch.items.exclude(object_id=kept.pk).get()
    payout_item_return(actor=wuxing_finance, item=gone, reason="账号错误")
    rows = read_book(payout_batch_export(actor=wuxing_finance, batch=batch))
    assert [r[3] for r in rows[1:]] == [3000, 3000]


@pytest.mark.parametrize("role", [Role.STAFF, Role.ADMIN, Role.REVIEWER])
def test_only_finance_exports(world: World, wuxing_finance, role: str) -> None:
    relief(world.wuxing_grassroots)
    batch = batch_of(wuxing_finance, world.wuxing)
    actor = UserFactory.create(username=f"wx_{role}", union=world.wuxing, role=role)
    with pytest.raises(PermissionDenied):
        payout_batch_export(actor=actor, batch=batch)
    assert not AuditEvent.objects.filter(action="payout_batch.export").exists()


# --- Marking paid ----------------------------------------------------------------------------


def paid_batch(world: World, actor: User) -> PayoutBatch:
    claim(world.wuxing_grassroots, "1500.00")
    relief(world.wuxing_grassroots, "3000.00")
    batch = batch_of(actor, world.wuxing)
    return payout_batch_mark_paid(
        actor=actor, batch=batch, bank_reference="HZ20230915001", paid_on=PAID_ON
    )


def test_marking_paid_pays_every_line_and_application(world: World, wuxing_finance) -> None:
    batch = paid_batch(world, wuxing_finance)
    assert (batch.state, batch.bank_reference, batch.paid_on) == (
        PayoutBatch.State.PAID,
        "HZ20230915001",
        PAID_ON,
    )
    assert set(batch.items.values_list("status", flat=True)) == {PayoutItem.Status.PAID}
    assert list(MutualAidClaim.objects.values_list("state", "paid_on")) == [(State.PAID, PAID_ON)]
    assert list(ReliefApplication.objects.values_list("state", "paid_on")) == [
        (State.PAID, PAID_ON)
    ]
    assert ReviewEntry.objects.filter(action="pay").count() == 2


def test_a_batch_is_marked_paid_once(world: World, wuxing_finance) -> None:
    batch = paid_batch(world, wuxing_finance)
    with pytest.raises(ValidationError) as exc:
        payout_batch_mark_paid(
            actor=wuxing_finance, batch=batch, bank_reference="HZ2", paid_on=PAID_ON
        )
    assert exc.value.messages == ["该批次已于 2023-09-15 标记为已发放，不能重复发放。"]
    assert ReviewEntry.objects.filter(action="pay").count() == 2


def test_one_application_that_cannot_be_paid_stops_the_whole_batch(
    world: World, wuxing_finance
) -> None:
    c = claim(world.wuxing_grassroots)
    r = relief(world.wuxing_grassroots)
    batch = batch_of(wuxing_finance, world.wuxing)
    # Behind the batch's back, the relief is no longer waiting for payment.
    ReliefApplication.objects.filter(pk=r.pk).update(state=State.IN_REVIEW)
    with pytest.raises(ValidationError, match="整批未标记"):
        payout_batch_mark_paid(
            actor=wuxing_finance, batch=batch, bank_reference="HZ1", paid_on=PAID_ON
        )
    batch.refresh_from_db()
    assert batch.state == PayoutBatch.State.OPEN
    assert set(batch.items.values_list("status", flat=True)) == {PayoutItem.Status.BATCHED}
    assert MutualAidClaim.objects.get(pk=c.pk).state == State.APPROVED
    assert not ReviewEntry.objects.filter(action="pay").exists()


def test_marking_paid_needs_a_bank_reference(world: World, wuxing_finance) -> None:
    claim(world.wuxing_grassroots)
    batch = batch_of(wuxing_finance, world.wuxing)
    with pytest.raises(ValidationError) as exc:
        payout_batch_mark_paid(
            actor=wuxing_finance, batch=batch, bank_reference=" ", paid_on=PAID_ON
        )
    assert exc.value.messages == ["请填写银行流水号。"]


def test_a_paid_date_in_the_future_is_refused(world: World, wuxing_finance) -> None:
    claim(world.wuxing_grassroots)
    batch = batch_of(wuxing_finance, world.wuxing)
    with pytest.raises(ValidationError) as exc:
        payout_batch_mark_paid(
            actor=wuxing_finance,
            batch=batch,
            bank_reference="HZ1",
            paid_on=timezone.localdate() + timedelta(days=1),
        )
    assert exc.value.messages == ["发放日期不能晚于今天。"]


def test_only_finance_marks_paid(world: World, wuxing_finance) -> None:
    claim(world.wuxing_grassroots)
    batch = batch_of(wuxing_finance, world.wuxing)
    admin = UserFactory.create(username="wx_admin", union=world.wuxing, role=Role.ADMIN)
    with pytest.raises(PermissionDenied):
        payout_batch_mark_paid(actor=admin, batch=batch, bank_reference="HZ1", paid_on=PAID_ON)


# --- Bank returns ----------------------------------------------------------------------------


def test_a_line_returned_after_payment_sends_the_application_back_to_approved(
    world: World, wuxing_finance
) -> None:
    batch = paid_batch(world, wuxing_finance)
    line = batch.items.get(workflow="relief")
    returned = payout_item_return(actor=wuxing_finance, item=line, reason="户名与账号不符")
    assert (returned.status, returned.return_reason) == ("returned", "户名与账号不符")
    assert returned.returned_at is not None
    application = ReliefApplication.objects.get()
    assert (application.state, application.paid_on) == (State.APPROVED, None)
    entry = ReviewEntry.objects.filter(workflow="relief").order_by("pk").last()
    assert entry is not None
    assert (entry.action, entry.comment) == ("bank_return", "户名与账号不符")


def test_a_return_recomputes_the_batch_total_and_count(world: World, wuxing_finance) -> None:
    batch = paid_batch(world, wuxing_finance)  # 1500.00 + 3000.00
    payout_item_return(
        actor=wuxing_finance, item=batch.items.get(workflow="relief"), reason="账号错误"
    )
    batch.refresh_from_db()
    assert (batch.total, batch.item_count) == (Decimal("1500.00"), 1)


def test_a_returned_application_can_be_batched_again(world: World, wuxing_finance) -> None:
    batch = paid_batch(world, wuxing_finance)
    line = batch.items.get(workflow="relief")
    payout_item_return(actor=wuxing_finance, item=line, reason="账号错误")
    payout_return_confirm(actor=finance(world.wuxing, "wuxing_finance_two"), item=line)
    again = batch_of(wuxing_finance, world.wuxing)
    assert lines(again) == {("relief", line.object_id)}
    payout_batch_mark_paid(
        actor=wuxing_finance, batch=again, bank_reference="HZ20230920002", paid_on=PAID_ON
    )
    assert ReliefApplication.objects.get().state == State.PAID


def test_a_line_returned_before_payment_leaves_the_application_approved(
    world: World, wuxing_finance
) -> None:
    c = claim(world.wuxing_grassroots, "1500.00")
    r = relief(world.wuxing_grassroots, "3000.00")
    batch = batch_of(wuxing_finance, world.wuxing)
    payout_item_return(actor=wuxing_finance, item=batch.items.get(workflow="relief"), reason="退回")
    payout_batch_mark_paid(actor=wuxing_finance, batch=batch, bank_reference="HZ", paid_on=PAID_ON)
    assert ReliefApplication.objects.get(pk=r.pk).state == State.APPROVED
    assert MutualAidClaim.objects.get(pk=c.pk).state == State.PAID
    assert dict(batch.items.values_list("workflow", "status")) == {
        "relief": "returned",
        "mutual_aid_claim": "paid",
    }
    assert not ReviewEntry.objects.filter(workflow="relief").exists()


def test_a_line_is_returned_once(world: World, wuxing_finance) -> None:
    batch = paid_batch(world, wuxing_finance)
    line = batch.items.get(workflow="relief")
    payout_item_return(actor=wuxing_finance, item=line, reason="账号错误")
    with pytest.raises(ValidationError) as exc:
        payout_item_return(actor=wuxing_finance, item=line, reason="账号错误")
    assert exc.value.messages == ["该明细已退回，不能重复退回。"]


def test_a_return_needs_a_reason(world: World, wuxing_finance) -> None:
    batch = paid_batch(world, wuxing_finance)
    with pytest.raises(ValidationError) as exc:
        payout_item_return(actor=wuxing_finance, item=batch.items.all()[0], reason="")
    assert exc.value.messages == ["请填写退回原因。"]


def test_only_finance_returns_a_line(world: World, wuxing_finance) -> None:
    batch = paid_batch(world, wuxing_finance)
    with pytest.raises(PermissionDenied):
        payout_item_return(actor=world.wuxing_staff, item=batch.items.all()[0], reason="账号错误")


# --- Paid at most once: the database --------------------------------------------------------


def test_a_second_live_line_for_an_application_is_refused_by_the_database(
    world: World, wuxing_finance
) -> None:
    relief(world.wuxing_grassroots)
    batch = batch_of(wuxing_finance, world.wuxing)
    line = batch.items.get()
    line.pk = None
    with pytest.raises(IntegrityError), transaction.atomic():
        line.save()


def test_a_returned_line_frees_the_application_in_the_database(
    world: World, wuxing_finance
) -> None:
    relief(world.wuxing_grassroots)
    batch = batch_of(wuxing_finance, world.wuxing)
    line = batch.items.get()
    PayoutItem.objects.filter(pk=line.pk).update(status=PayoutItem.Status.RETURNED)
    line.pk = None
    line.status = PayoutItem.Status.BATCHED
    line.save()
    assert PayoutItem.objects.count() == 2


def test_a_paid_line_returned_is_not_paid_again_until_a_second_person_confirms(
    world: World, wuxing_finance
) -> None:
    batch = paid_batch(world, wuxing_finance)
    line = batch.items.get(workflow="relief")
    returned = payout_item_return(actor=wuxing_finance, item=line, reason="账号错误")
    assert (returned.return_needs_confirm, returned.returned_by) == (True, wuxing_finance)
    summary = {
        s.key: s.count for s in payout_eligible_summary(actor=wuxing_finance, union=world.wuxing)
    }
    assert summary.get("relief", 0) == 0
    with pytest.raises(ValidationError, match="另一位财务人员复核"):
        payout_return_confirm(actor=wuxing_finance, item=line)
    second = finance(world.wuxing, "wuxing_finance_two")
    confirmed = payout_return_confirm(actor=second, item=line)
    assert confirmed.return_confirmed_by == second
    summary = {
        s.key: s.count for s in payout_eligible_summary(actor=wuxing_finance, union=world.wuxing)
    }
    assert summary["relief"] == 1
    assert AuditEvent.objects.filter(action="payout_item.return_confirm").count() == 1


def test_a_line_returned_before_payment_needs_no_confirmation(world: World, wuxing_finance) -> None:
    c = claim(world.wuxing_grassroots, "1500.00")
    batch = batch_of(wuxing_finance, world.wuxing)
    line = batch.items.get(object_id=c.pk)
    returned = payout_item_return(actor=wuxing_finance, item=line, reason="账号错误")
    assert returned.return_needs_confirm is False
    with pytest.raises(ValidationError, match="不需要复核"):
        payout_return_confirm(actor=finance(world.wuxing, "wuxing_finance_two"), item=line)
