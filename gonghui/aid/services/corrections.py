"""退回修改: the entering side corrects a returned claim or relief application, replaces its
documents, and submits it again; the trail says what changed.

A correction is checked by every rule of entry, with the same code: the corrected version is
entered in a savepoint, with the item itself set aside as withdrawn so that it counts
neither against its own invoice number nor against the year's one relief; its computed
figures are taken and the savepoint is discarded. Only the original item is kept.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404

from gonghui.aid.documents import Upload, claim_documents_store
from gonghui.aid.models import Category, ClaimDocument, MutualAidClaim, ReliefApplication
from gonghui.aid.workflows import CLAIM, RELIEF
from gonghui.core.actors import Actor
from gonghui.core.attachments import files_delete
from gonghui.core.audit import audit_record
from gonghui.core.fields import cipher_get, cipher_set
from gonghui.core.workflow import State, Workflow
from gonghui.core.workflow.services import (
    Refused,
    check_correction,
    correction_record,
    workflow_submit,
)

CLAIM_FIELDS = {
    "category": "类别",
    "hospital": "就诊医院",
    "start_date": "入院（就诊）日期",
    "discharge_date": "出院日期",
    "invoice_no": "发票号",
    "total_cost": "医疗总费用",
    "insurance_paid": "医保统筹支付",
    "self_paid": "个人自付",
    "payee_bank": "收款银行",
    "account_masked": "收款账号",
    "amount": "互助金",
}
RELIEF_FIELDS = {
    "diagnosis": "疾病",
    "self_paid_year": "年度个人自付医疗费用",
    "payee_bank": "收款银行",
    "account_masked": "收款账号",
    "amount": "救助金",
}


class _Discard(Exception):
    pass


def _shown(value: Any) -> str:
    if value is None or value == "":
        return "（空）"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{value:,.2f}"
    if value in Category.values:
        return str(Category(value).label)
    return str(value)


def _changes(before: Any, after: dict[str, Any], labels: dict[str, str]) -> list[str]:
    return [
        f"{label}：{_shown(getattr(before, name))} → {_shown(after[name])}"
        for name, label in labels.items()
        if getattr(before, name) != after[name]
    ]


def _lock(workflow: Workflow, model: type[Any], actor: Actor, item_id: int) -> Any:
    item = (
        model.objects.select_for_update(of=("self",))
        .select_related("union", "member", "member__union")
        .filter(pk=item_id)
        .first()
    )
    if item is None:
        raise Http404("未找到该申请，或不在您的管辖范围内。")
    try:
        check_correction(workflow, item, actor)
    except Refused as refused:
        if refused.not_found:
            raise Http404(refused.message) from refused
        if refused.denied:
            raise PermissionDenied(refused.message) from refused
        raise ValidationError(refused.message, code="not_correctable") from refused
    return item


def claim_correct(
    *,
    actor: Actor,
    claim_id: int,
    uploads: Sequence[Upload] = (),
    remove_documents: Sequence[int] = (),
    resubmit: bool = True,
    payee_account: str = "",
    **fields: Any,
) -> MutualAidClaim:
    """Correct a returned (or draft) claim: its fields, its documents; then submit it again.
    ``payee_account`` left blank keeps the account on file."""
    from gonghui.aid.services.claims import claim_create

    written: list[str] = []
    try:
        with transaction.atomic():
            claim = _lock(CLAIM, MutualAidClaim, actor, claim_id)
            account = payee_account.strip() or cipher_get(claim, "account_cipher")
            try:
                with transaction.atomic():
                    MutualAidClaim.objects.filter(pk=claim.pk).update(state=State.WITHDRAWN)
                    draft = claim_create(
                        actor=actor,
                        member=claim.member,
                        payee_account=account,
                        paper_documents=claim.paper_documents,
                        submit=False,
                        **fields,
                    )
                    raise _Discard(draft)
            except _Discard as discarded:
                draft = discarded.args[0]
            after = {name: getattr(draft, name) for name in CLAIM_FIELDS}
            changes = _changes(claim, after, CLAIM_FIELDS)
            for name in (*CLAIM_FIELDS, "plan_id", "enrollment_id"):
                setattr(claim, name, getattr(draft, name))
            # Sealed to the claim's own row, not to the discarded draft's.
            cipher_set(claim, "account_cipher", account)
            claim.deductible_used = draft.deductible_used
            claim.calculation = draft.calculation
            claim.save()
            changes += _documents_replace(actor, claim, uploads, remove_documents, written)
            correction_record(CLAIM, claim, actor=actor, changes=changes)
            if resubmit:
                claim = workflow_submit(CLAIM, claim, actor=actor)
    except BaseException:
        files_delete(written)
        raise
    return claim


def _documents_replace(
    actor: Actor,
    claim: MutualAidClaim,
    uploads: Sequence[Upload],
    remove: Sequence[int],
    written: list[str],
) -> list[str]:
    """Take out the documents named and store the new ones (the page checks, as at entry,
    that the category's required documents remain). Returns what changed, for the trail."""
    removed = list(ClaimDocument.objects.filter(claim=claim, pk__in=list(remove)))
    changes = [f"删除材料：{d.get_kind_display()}（{d.original_name}）" for d in removed]
    names = [d.file.name or "" for d in removed]
    ClaimDocument.objects.filter(pk__in=[d.pk for d in removed]).delete()
    transaction.on_commit(lambda: files_delete(names))
    stored = claim_documents_store(actor=actor, claim=claim, uploads=uploads, written=written)
    changes += [f"上传材料：{d.get_kind_display()}（{d.original_name}）" for d in stored]
    if removed or stored:
        audit_record(
            actor=actor,
            action="aid.claim.documents",
            obj=claim,
            summary="更换申请材料：" + "；".join(changes),
        )
    return changes


def relief_correct(
    *,
    actor: Actor,
    relief_id: int,
    diagnosis: str,
    self_paid_year: Decimal | str,
    payee_bank: str,
    payee_account: str = "",
    resubmit: bool = True,
) -> ReliefApplication:
    """Correct a returned (or draft) relief application and submit it again."""
    from gonghui.aid.services.relief import relief_apply

    with transaction.atomic():
        item = _lock(RELIEF, ReliefApplication, actor, relief_id)
        account = payee_account.strip() or cipher_get(item, "account_cipher")
        try:
            with transaction.atomic():
                ReliefApplication.objects.filter(pk=item.pk).update(state=State.WITHDRAWN)
                draft = relief_apply(
                    actor=actor,
                    member=item.member,
                    year=item.policy.year,
                    diagnosis=diagnosis,
                    self_paid_year=self_paid_year,
                    payee_bank=payee_bank,
                    payee_account=account,
                    submit=False,
                )
                raise _Discard(draft)
        except _Discard as discarded:
            draft = discarded.args[0]
        after = {name: getattr(draft, name) for name in RELIEF_FIELDS}
        changes = _changes(item, after, RELIEF_FIELDS)
        for name in (*RELIEF_FIELDS, "policy_id"):
            setattr(item, name, getattr(draft, name))
        cipher_set(item, "account_cipher", account)
        item.save()
        correction_record(RELIEF, item, actor=actor, changes=changes)
        if resubmit:
            item = workflow_submit(RELIEF, item, actor=actor)
    return item
