"""发放批次: money leaves only through payout batches.

A finance user of a county (or the city) gathers the approved items of the types that declare
a payout (``Workflow.payout``) in the subtree of a union into a batch, exports the
bank-transfer workbook (the only place where an account number appears in full), and marks the batch paid with the bank's
reference, which moves every line and every application to "paid" in one transaction.

A line the bank sends back (a wrong account) is marked returned. If the batch was already
paid, the application goes back from "paid" to "approved" through the engine's
BANK_RETURN; if not, the application never left "approved". Either way the returned line
frees the application (the partial unique index payout_item_once holds one live line per
application), so a later batch takes it again. A batch's ``total`` and ``item_count`` are
those of its live lines (batched or paid), recomputed when a line is returned.
"""

from __future__ import annotations

import io
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import xlsxwriter
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, OuterRef, QuerySet, Sum
from django.utils import timezone

from gonghui.core import pii
from gonghui.core.actors import Actor, user_of
from gonghui.core.audit import audit_record
from gonghui.core.bulk import ids_reserve
from gonghui.core.scoping import access
from gonghui.core.sheets.writer import neutralise
from gonghui.core.workflow import Action, Payout, State, Workflow, payables, workflow_get
from gonghui.core.workflow.models import PayoutBatch, PayoutItem
from gonghui.core.workflow.permissions import (
    BATCH_LEVELS,
    require_finance,
    require_scope_or_404,
)
from gonghui.core.workflow.services import transition_many

EXPORT_HEADERS = ["户名", "开户行", "账号", "金额", "用途"]
ZERO = Decimal("0.00")
CENT = Decimal("0.01")


# --- Reads ---------------------------------------------------------------------------------


def _eligible(workflow: Workflow, union: Any) -> QuerySet[Any]:
    """Approved items of ``union``'s subtree that no live batch line holds, nor a paid line
    returned by the bank and not yet confirmed by a second finance user."""
    lines = PayoutItem.objects.filter(workflow=workflow.key, object_id=OuterRef("pk"))
    live = lines.exclude(status=PayoutItem.Status.RETURNED)
    unconfirmed = lines.filter(
        status=PayoutItem.Status.RETURNED,
        return_needs_confirm=True,
        return_confirmed_by__isnull=True,
    )
    return workflow.model.objects.filter(
        union__path__startswith=union.path,
        state=State.APPROVED,
        **{f"{_payout(workflow).amount}__gt": 0},
    ).filter(~Exists(live), ~Exists(unconfirmed))


@dataclass(frozen=True)
class EligibleSummary:
    key: str
    label: str
    purpose: str
    count: int
    total: Decimal


def _payout(workflow: Workflow) -> Payout:
    if workflow.payout is None:  # payables() holds only types that declare one
        raise ValueError(f"{workflow.key} declares no payout")
    return workflow.payout


def _payable(key: str) -> Workflow:
    """The declaration of a payable type; a line of a type no longer payable still names
    a registered type."""
    return payables().get(key) or workflow_get(key)


def payout_eligible_summary(*, actor: Actor, union: Any) -> list[EligibleSummary]:
    """For each payable type: how many approved items wait for payment in ``union``'s
    subtree, and their sum (what a new batch would take)."""
    require_scope_or_404(actor, union)
    out = []
    for key, workflow in payables().items():
        payout = _payout(workflow)
        row = _eligible(workflow, union).aggregate(n=Count("pk"), total=Sum(payout.amount))
        out.append(
            EligibleSummary(
                key,
                workflow.label,
                payout.purpose,
                row["n"],
                # SQLite returns a sum without its scale (8000 for 8000.00).
                (row["total"] or ZERO).quantize(CENT, rounding=ROUND_HALF_UP),
            )
        )
    return out


def payout_batches(*, actor: Actor) -> QuerySet[PayoutBatch]:
    return PayoutBatch.objects.visible_to(actor).select_related("union", "created_by")


def access_batch(*, actor: Actor, batch_id: int) -> PayoutBatch:
    return access(
        PayoutBatch.objects.select_related("union", "created_by"), actor=actor, pk=batch_id
    )


def access_line(*, actor: Actor, batch: PayoutBatch, item_id: int) -> PayoutItem:
    """One line of ``batch`` inside the actor's scope, or Http404."""
    return access(
        PayoutItem.objects.filter(batch=batch).select_related("union"), actor=actor, pk=item_id
    )


def payout_lines(*, batch: PayoutBatch) -> QuerySet[PayoutItem]:
    return batch.items.select_related("union").order_by("id")


# --- Writes --------------------------------------------------------------------------------


def _wanted_ids(
    keys: list[str], ids: Mapping[str, Iterable[int]] | Iterable[int] | None
) -> dict[str, list[int]] | None:
    if ids is None:
        return None
    if isinstance(ids, Mapping):
        return {key: [int(i) for i in ids.get(key, ())] for key in keys}
    if len(keys) != 1:
        raise ValueError("ids for several workflows must be given as {workflow: ids}")
    return {keys[0]: [int(i) for i in ids]}


def payout_batch_create(
    *,
    actor: Actor,
    union: Any,
    name: str,
    workflows: Iterable[str] | None = None,
    ids: Mapping[str, Iterable[int]] | Iterable[int] | None = None,
) -> PayoutBatch:
    """A batch of the approved items of ``union``'s subtree, of the payable types named
    (every one when None): all of them, or those of ``ids`` ({workflow key: ids}, or a list
    when one type is named). Items a live batch line already holds are skipped; no item
    left is refused."""
    require_finance(actor)
    require_scope_or_404(actor, union)
    if union.level not in BATCH_LEVELS:
        raise ValidationError("发放批次须由市或区县工会建立。", code="level")
    payable = payables()
    keys = list(dict.fromkeys(payable if workflows is None else workflows))
    unknown = [k for k in keys if k not in payable]
    if unknown or not keys:
        raise ValidationError("请选择要发放的申请类型。", code="workflows")
    wanted = _wanted_ids(keys, ids)
    name = name.strip() or f"{union.name}{timezone.localdate():%Y年%m月%d日}发放批次"
    with transaction.atomic():
        lines: list[PayoutItem] = []
        accounts: list[str] = []
        for key in keys:
            workflow = payable[key]
            payout = _payout(workflow)
            # The account is sealed to the item's row: read there, sealed again to the line's.
            source = pii.column_cipher(workflow.model._meta.get_field(payout.account))
            candidates = _eligible(workflow, union)
            if wanted is not None:
                candidates = candidates.filter(pk__in=wanted[key])
            # Lock the applications in key order, so that two finance users gathering the
            # same items queue here rather than deadlock; then look again for lines a
            # batch committed while we waited (the lock's wait does not refresh the
            # NOT EXISTS above). Plain tuples, not model instances: a batch may take 10^4.
            locked = list(
                candidates.select_for_update(of=("self",))
                .order_by("pk")
                .values_list(
                    "pk",
                    "union_id",
                    payout.payee_name,
                    payout.amount,
                    payout.bank,
                    payout.account,
                    payout.account_masked,
                )
            )
            taken = set(
                PayoutItem.objects.filter(workflow=key, object_id__in=[row[0] for row in locked])
                .exclude(status=PayoutItem.Status.RETURNED)
                .values_list("object_id", flat=True)
            )
            for pk, union_id, payee_name, amount, bank, cipher, masked in locked:
                if pk in taken:
                    continue
                lines.append(
                    PayoutItem(
                        workflow=key,
                        object_id=pk,
                        union_id=union_id,
                        payee_name=str(payee_name or "")[:30],
                        payee_bank=bank,
                        account_masked=masked,
                        amount=amount,
                        purpose=payout.purpose,
                    )
                )
                accounts.append(source.decrypt(pk, cipher))
        if not lines:
            raise ValidationError(
                "没有可纳入批次的待发放申请（可能已被其他发放批次选取）。", code="empty"
            )
        total = sum((line.amount for line in lines), ZERO)
        batch = PayoutBatch.objects.create(
            union=union,
            name=name[:128],
            created_by=user_of(actor),
            total=total,
            item_count=len(lines),
        )
        line_ids = ids_reserve(PayoutItem, len(lines))
        sealed = pii.column_cipher(PayoutItem.account_cipher).encrypt_many(line_ids, accounts)
        for line, line_id, token in zip(lines, line_ids, sealed, strict=True):
            line.pk = line_id
            line.account_cipher = token
            line.batch = batch
        try:
            with transaction.atomic():
                PayoutItem.objects.bulk_create(lines, batch_size=1000)
        except IntegrityError as exc:
            # Only reachable if an item was batched outside these locks.
            raise ValidationError(
                "部分申请已被其他发放批次选取，请刷新后重试。", code="taken"
            ) from exc
        audit_record(
            actor=actor,
            action="payout_batch.create",
            obj=batch,
            union=union,
            summary=f"建立发放批次“{batch.name}”：{len(lines)} 笔，合计 {total} 元",
        )
    return batch


def _recount(batch: PayoutBatch) -> None:
    # Summed here rather than by SUM(): SQLite adds decimals as floats.
    amounts = list(
        batch.items.exclude(status=PayoutItem.Status.RETURNED).values_list("amount", flat=True)
    )
    batch.total = sum(amounts, ZERO)
    batch.item_count = len(amounts)
    batch.save(update_fields=["total", "item_count"])


def payout_batch_mark_paid(
    *, actor: Actor, batch: PayoutBatch, bank_reference: str, paid_on: date
) -> PayoutBatch:
    """The bank paid the batch: every live line and every application becomes paid, in one
    transaction; if any application may not be paid, nothing is."""
    require_finance(actor)
    require_scope_or_404(actor, batch.union)
    reference = bank_reference.strip()
    if not reference:
        raise ValidationError("请填写银行流水号。", code="bank_reference")
    if len(reference) > 64:
        raise ValidationError("银行流水号不能超过64个字符。", code="bank_reference")
    if paid_on is None:
        raise ValidationError("请填写发放日期。", code="paid_on")
    if paid_on > timezone.localdate():
        raise ValidationError("发放日期不能晚于今天。", code="paid_on")
    with transaction.atomic():
        # The batch row is the lock: two finance users marking it at once queue here and
        # the second finds it paid.
        locked = PayoutBatch.objects.select_for_update().select_related("union").get(pk=batch.pk)
        if locked.state == PayoutBatch.State.PAID:
            raise ValidationError(
                f"该批次已于 {locked.paid_on:%Y-%m-%d} 标记为已发放，不能重复发放。",
                code="already_paid",
            )
        by_workflow: dict[str, list[int]] = defaultdict(list)
        for key, object_id in (
            locked.items.filter(status=PayoutItem.Status.BATCHED)
            .order_by("workflow", "object_id")
            .values_list("workflow", "object_id")
        ):
            by_workflow[key].append(object_id)
        if not by_workflow:
            raise ValidationError("该批次没有待发放的明细。", code="empty")
        for key, object_ids in by_workflow.items():
            workflow = _payable(key)
            report = transition_many(workflow, object_ids, Action.PAY, actor=actor, paid_on=paid_on)
            if report.refused:
                pk, reason = next(iter(report.refused.items()))
                raise ValidationError(
                    f"有 {len(report.refused)} 笔申请不能发放，整批未标记。"
                    f"{workflow.label}#{pk}：{reason}",
                    code="refused",
                )
        paid = locked.items.filter(status=PayoutItem.Status.BATCHED).update(
            status=PayoutItem.Status.PAID
        )
        locked.state = PayoutBatch.State.PAID
        locked.bank_reference = reference
        locked.paid_on = paid_on
        locked.save(update_fields=["state", "bank_reference", "paid_on"])
        audit_record(
            actor=actor,
            action="payout_batch.paid",
            obj=locked,
            union=locked.union,
            summary=f"发放批次“{locked.name}”已发放：{paid} 笔，合计 {locked.total} 元，"
            f"银行流水号 {reference}，发放日期 {paid_on:%Y-%m-%d}",
        )
    return locked


def payout_item_return(*, actor: Actor, item: PayoutItem, reason: str) -> PayoutItem:
    """The bank sent a line back (wrong account): the line is returned, its application
    waits for payment again (BANK_RETURN if it had been paid), and the batch's total and
    count drop by the line."""
    require_finance(actor)
    require_scope_or_404(actor, item.union)
    reason = reason.strip()
    if not reason:
        raise ValidationError("请填写退回原因。", code="reason")
    if len(reason) > 200:
        raise ValidationError("退回原因不能超过200个字。", code="reason")
    with transaction.atomic():
        # Batch first, then the line: the same order as marking the batch paid.
        batch = PayoutBatch.objects.select_for_update().get(pk=item.batch_id)
        line = PayoutItem.objects.select_for_update().get(pk=item.pk)
        if line.status == PayoutItem.Status.RETURNED:
            raise ValidationError("该明细已退回，不能重复退回。", code="already_returned")
        if line.status == PayoutItem.Status.PAID:
            workflow = _payable(line.workflow)
            report = transition_many(
                workflow, [line.object_id], Action.BANK_RETURN, actor=actor, comment=reason
            )
            if line.object_id in report.refused:
                raise ValidationError(report.refused[line.object_id], code="refused")
        line.return_needs_confirm = line.status == PayoutItem.Status.PAID
        line.status = PayoutItem.Status.RETURNED
        line.return_reason = reason
        line.returned_at = timezone.now()
        line.returned_by = user_of(actor)
        line.save(
            update_fields=[
                "status",
                "return_reason",
                "returned_at",
                "returned_by",
                "return_needs_confirm",
            ]
        )
        _recount(batch)
        audit_record(
            actor=actor,
            action="payout_item.return",
            obj=batch,
            union=line.union,
            summary=f"发放批次“{batch.name}”明细#{line.pk}（{line.purpose} {line.amount} 元，"
            f"账号 {line.account_masked}）银行退回：{reason}",
        )
    return line


def payout_return_confirm(*, actor: Actor, item: PayoutItem) -> PayoutItem:
    """A second finance user confirms that the bank really returned a paid line: only then
    may its application go into another batch. The one who recorded the return may not
    (one person alone could otherwise mark a paid line returned and pay it again)."""
    require_finance(actor)
    require_scope_or_404(actor, item.union)
    with transaction.atomic():
        line = PayoutItem.objects.select_for_update().get(pk=item.pk)
        if line.status != PayoutItem.Status.RETURNED or not line.return_needs_confirm:
            raise ValidationError("该明细不需要复核。", code="no_confirm")
        if line.return_confirmed_by_id is not None:
            raise ValidationError("该退回已经复核。", code="already_confirmed")
        if line.returned_by_id == actor.pk:
            raise ValidationError(
                "退回须由另一位财务人员复核，登记退回的人不能自己复核。", code="own_return"
            )
        line.return_confirmed_by = user_of(actor)
        line.return_confirmed_at = timezone.now()
        line.save(update_fields=["return_confirmed_by", "return_confirmed_at"])
        audit_record(
            actor=actor,
            action="payout_item.return_confirm",
            obj=line.batch,
            union=line.union,
            summary=f"复核发放明细#{line.pk}（{line.purpose} {line.amount} 元，"
            f"账号 {line.account_masked}）的银行退回，该申请可重新发放",
        )
    return line


def payout_batch_export(*, actor: Actor, batch: PayoutBatch) -> bytes:
    """The bank-transfer workbook (户名, 开户行, 账号, 金额, 用途, then a total row) of the
    batch's live lines, with full account numbers: finance only, and audited."""
    require_finance(actor)
    require_scope_or_404(actor, batch.union)
    lines = list(
        batch.items.exclude(status=PayoutItem.Status.RETURNED)
        .order_by("id")
        .values_list("id", "payee_name", "payee_bank", "account_cipher", "amount", "purpose")
    )
    cipher = pii.column_cipher(PayoutItem.account_cipher)
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(
        buffer,
        {
            "in_memory": True,
            "strings_to_formulas": False,
            "strings_to_numbers": False,
            "strings_to_urls": False,
        },
    )
    sheet = book.add_worksheet("银行代发")
    head = book.add_format({"bold": True, "bg_color": "#F2DCDB", "border": 1})
    text = book.add_format({"num_format": "@"})
    money = book.add_format({"num_format": "0.00"})
    bold_money = book.add_format({"num_format": "0.00", "bold": True})
    bold = book.add_format({"bold": True})
    for col, header in enumerate(EXPORT_HEADERS):
        sheet.write_string(0, col, header, head)
    total = ZERO
    row = 0
    for row, (line_id, name, bank, account_cipher, amount, purpose) in enumerate(lines, start=1):
        # Names and banks are typed by users: never let a spreadsheet run them.
        sheet.write_string(row, 0, _neutral(name), text)
        sheet.write_string(row, 1, _neutral(bank), text)
        sheet.write_string(row, 2, cipher.decrypt(line_id, account_cipher), text)
        sheet.write_number(row, 3, amount, money)
        sheet.write_string(row, 4, purpose, text)
        total += amount
    sheet.write_string(row + 1, 0, "合计", bold)
    sheet.write_number(row + 1, 3, total, bold_money)
    sheet.write_string(row + 1, 4, f"共 {len(lines)} 笔", bold)
    for col, width in enumerate((12, 24, 24, 14, 18)):
        sheet.set_column(col, col, width)
    sheet.freeze_panes(1, 0)
    book.close()
    with transaction.atomic():
        PayoutBatch.objects.filter(pk=batch.pk).update(exported_at=timezone.now())
        audit_record(
            actor=actor,
            action="payout_batch.export",
            obj=batch,
            union=batch.union,
            summary=f"导出发放批次“{batch.name}”银行代发文件（含完整账号）："
            f"{len(lines)} 笔，合计 {total} 元",
        )
    return buffer.getvalue()


def _neutral(value: str) -> str:
    return str(neutralise(value))


def payout_export_filename(batch: PayoutBatch) -> str:
    return f"发放批次{batch.pk}-银行代发.xlsx"
