"""Mutual-aid claims (互助金申请): entry, import, the payout and its recomputation.

What a claim pays depends on the claims of the same member, plan and category before it
(pk order, which is the order of entry and of a file's rows): they consume the deductible
and take from the yearly cap. So the amount is computed when a claim is entered, computed
again for the pending claims after one of them is rejected or withdrawn (``claims_release``),
and once more, under a lock on the enrollment, when a claim leaves its last review step
(``claims_final_recompute``). An approved claim's amount never changes.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from gonghui.aid.models import (
    Category,
    MutualAidClaim,
    MutualAidEnrollment,
    MutualAidPlan,
)
from gonghui.aid.permissions import may_enter_claims
from gonghui.aid.terms import (
    MSG_CATEGORY,
    MSG_INVOICE_USED,
    MSG_NOT_ENROLLED,
    CategoryTerms,
    Payout,
    amounts_check,
    category_terms_parse,
    dates_check,
    enrollment_choose,
    enrollment_continuous,
    normalize_invoice_no,
    payout_compute,
    plan_rules_check,
)
from gonghui.aid.workflows import CLAIM
from gonghui.core import pii
from gonghui.core.actors import Actor, is_operator, require_self, user_of
from gonghui.core.audit import audit_record
from gonghui.core.fields import cipher_set
from gonghui.core.scoping import access, in_scope
from gonghui.core.sheets import ImportReport, run_import, write_export
from gonghui.core.sheets.engine import CellError, ImportAudit, Progress, audit_import
from gonghui.core.sheets.parsers import money
from gonghui.core.workflow import Action, State
from gonghui.core.workflow.models import RELEASED_STATES
from gonghui.core.workflow.services import transition_many, workflow_submit
from gonghui.members.models import Member
from gonghui.orgs.models import Union

# A claim in these states has passed its review: its amount is final.
APPROVED_STATES = (State.NOTICE, State.APPROVED, State.PAID)
# A claim in these states is still being decided: its amount follows the earlier claims.
PENDING_STATES = (State.DRAFT, State.IN_REVIEW, State.RETURNED)

ClaimKey = tuple[int, int, str]  # (member_id, plan_id, category)


def plan_terms(plan: MutualAidPlan) -> dict[str, CategoryTerms]:
    """The parsed terms of a plan's categories (ValidationError if its JSON is bad)."""
    return category_terms_parse(plan.categories)


def live_claims(member_id: int, plan_id: int, category: str) -> Any:
    """The claims that hold part of the deductible, the cap or the lump-sum count."""
    return MutualAidClaim.objects.filter(
        member_id=member_id, plan_id=plan_id, category=category
    ).exclude(state__in=RELEASED_STATES)


def consumed_by_others(
    claims: Iterable[MutualAidClaim], pk: int | None
) -> tuple[Decimal, Decimal, int]:
    """What the claims before claim ``pk`` (and any later one already approved, which was
    computed with this one counted) consumed of the deductible, took, and how many they are.
    ``claims`` are the live claims of the same member, plan and category; ``pk`` None is a
    claim not stored yet, after all of them."""
    deductible, taken, count = Decimal(0), Decimal(0), 0
    for other in claims:
        if other.pk == pk:
            continue
        if pk is None or other.pk < pk or other.state in APPROVED_STATES:
            deductible += other.deductible_used
            taken += other.amount
            count += 1
    return deductible, taken, count


def _field_errors(pairs: Iterable[tuple[str, str]]) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = defaultdict(list)
    for field, message in pairs:
        errors[field].append(message)
    return dict(errors)


def _enrollments_of(member: Member) -> list[MutualAidEnrollment]:
    return list(MutualAidEnrollment.objects.filter(member=member).select_related("plan"))


def claim_payout_preview(
    *,
    actor: Actor,
    member: Member,
    category: str,
    start_date: date,
    self_paid: Decimal,
) -> Payout:
    """What a claim with these values would pay now (the form's live preview); refuses
    (ValidationError) when no plan covers the date or the plan does not cover the category."""
    member = access(Member.objects.all(), actor=actor, pk=member.pk)
    if category not in Category.values:
        raise ValidationError({"category": [MSG_CATEGORY]})
    enrollments = _enrollments_of(member)
    enrollment = enrollment_choose(enrollments, start_date)
    if enrollment is None:
        raise ValidationError({"start_date": [MSG_NOT_ENROLLED.format(day=start_date.isoformat())]})
    terms = plan_terms(enrollment.plan)
    if category not in terms:
        raise ValidationError({"category": [f"该会员参加的“{enrollment.plan.name}”不保障此类别"]})
    claims = list(live_claims(member.pk, enrollment.plan_id, category).order_by("pk"))
    deductible, taken, count = consumed_by_others(claims, None)
    return payout_compute(
        terms[category],
        money(self_paid),
        deductible_consumed=deductible,
        taken=taken,
        earlier_count=count,
    )


def claim_create(
    *,
    actor: Actor,
    member: Member,
    category: str,
    hospital: str,
    start_date: date,
    discharge_date: date | None,
    invoice_no: str,
    total_cost: Decimal | str,
    insurance_paid: Decimal | str,
    self_paid: Decimal | str,
    payee_bank: str,
    payee_account: str,
    paper_documents: bool = False,
    submit: bool = True,
    today: date | None = None,
) -> MutualAidClaim:
    """Enter one claim: check every rule, compute its payout against the member's earlier
    claims, store it and (unless ``submit`` is False) submit it for review.

    Raises Http404 when the member is outside the actor's scope, ValidationError with
    {field: [message]} for a broken rule, and whatever the engine raises on submission."""
    today = today or timezone.localdate()
    member = access(Member.objects.select_related("union"), actor=actor, pk=member.pk)
    require_self(actor, member.id_hash)
    errors: list[tuple[str, str]] = []
    if category not in Category.values:
        errors.append(("category", MSG_CATEGORY))
    hospital = (hospital or "").strip()
    if not hospital:
        errors.append(("hospital", "医院不能为空"))
    elif len(hospital) > 128:
        errors.append(("hospital", "医院不能超过128个字符"))
    payee_bank = (payee_bank or "").strip()
    if not payee_bank:
        errors.append(("payee_bank", "收款银行不能为空"))
    elif len(payee_bank) > 64:
        errors.append(("payee_bank", "收款银行不能超过64个字符"))
    account = invoice = ""
    try:
        account = pii.normalize_bank_account(payee_account)
    except ValidationError as exc:
        errors.append(("payee_account", exc.messages[0]))
    try:
        invoice = normalize_invoice_no(invoice_no)
    except ValidationError as exc:
        errors.append(("invoice_no", exc.messages[0]))
    amounts: dict[str, Decimal] = {}
    for field, raw in (
        ("total_cost", total_cost),
        ("insurance_paid", insurance_paid),
        ("self_paid", self_paid),
    ):
        try:
            amounts[field] = money(raw)
        except ValidationError as exc:
            errors.append((field, exc.messages[0]))
    if len(amounts) == 3:
        errors += amounts_check(
            amounts["total_cost"], amounts["insurance_paid"], amounts["self_paid"]
        )
    errors += dates_check(
        category=category, start_date=start_date, discharge_date=discharge_date, today=today
    )
    if errors:
        raise ValidationError(_field_errors(errors))

    with transaction.atomic():
        enrollments = _enrollments_of(member)
        enrollment = enrollment_choose(enrollments, start_date)
        if enrollment is None:
            raise ValidationError(
                {"start_date": [MSG_NOT_ENROLLED.format(day=start_date.isoformat())]}
            )
        # Claims of one member and plan are computed one at a time.
        MutualAidEnrollment.objects.select_for_update().filter(pk=enrollment.pk).first()
        plan = enrollment.plan
        terms = plan_terms(plan)
        errors = plan_rules_check(
            plan_name=plan.name,
            terms=terms,
            category=category,
            enrolled_on=enrollment.enrolled_on,
            waiting_days=plan.waiting_days,
            continuous=enrollment_continuous(enrollments, plan),
            claim_deadline_days=plan.claim_deadline_days,
            start_date=start_date,
            discharge_date=discharge_date,
            today=today,
        )
        if (
            MutualAidClaim.objects.filter(invoice_no=invoice)
            .exclude(state__in=RELEASED_STATES)
            .exists()
        ):
            errors.append(("invoice_no", MSG_INVOICE_USED.format(invoice=invoice)))
        if errors:
            raise ValidationError(_field_errors(errors))
        claims = list(live_claims(member.pk, plan.pk, category).order_by("pk"))
        deductible, taken, count = consumed_by_others(claims, None)
        category_terms = terms[category]
        payout = payout_compute(
            category_terms,
            amounts["self_paid"],
            deductible_consumed=deductible,
            taken=taken,
            earlier_count=count,
        )
        if category_terms.is_lump_sum and payout.amount == 0:
            raise ValidationError({"category": [payout.zero_reason]})
        claim = MutualAidClaim(
            union=member.union,
            member=member,
            plan=plan,
            enrollment=enrollment,
            category=category,
            hospital=hospital,
            start_date=start_date,
            discharge_date=discharge_date,
            invoice_no=invoice,
            total_cost=amounts["total_cost"],
            insurance_paid=amounts["insurance_paid"],
            self_paid=amounts["self_paid"],
            payee_bank=payee_bank,
            account_masked=pii.mask_bank_account(account),
            paper_documents=paper_documents,
            amount=payout.amount,
            deductible_used=payout.deductible_used,
            calculation=payout.lines_json(),
            entered_by=user_of(actor),
        )
        cipher_set(claim, "account_cipher", account)
        try:
            with transaction.atomic():
                claim.save(force_insert=True)
        except IntegrityError as exc:
            # Another claim took the invoice number since the check above.
            raise ValidationError(
                {"invoice_no": [MSG_INVOICE_USED.format(invoice=invoice)]}
            ) from exc
        audit_record(
            actor=actor,
            action="mutual_aid_claim.create",
            obj=claim,
            union=claim.union,
            summary=f"新建互助金申请#{claim.pk}：{claim.get_category_display()}，"
            f"互助金 {claim.amount} 元",
        )
        if submit:
            claim = workflow_submit(CLAIM, claim, actor=actor)
    return claim


# --- recomputation -------------------------------------------------------------------------


def _recompute(
    claims: list[MutualAidClaim], terms: CategoryTerms, targets: set[int]
) -> dict[int, Payout]:
    """Recompute the ``targets`` among ``claims`` (the live claims of one member, plan and
    category, in pk order), each against the others as they stand, earlier targets already
    recomputed. The instances are updated in place; returns the payout of each target."""
    results: dict[int, Payout] = {}
    for claim in claims:
        if claim.pk not in targets:
            continue
        deductible, taken, count = consumed_by_others(claims, claim.pk)
        payout = payout_compute(
            terms,
            claim.self_paid,
            deductible_consumed=deductible,
            taken=taken,
            earlier_count=count,
        )
        results[claim.pk] = payout
        claim.amount = payout.amount
        claim.deductible_used = payout.deductible_used
        claim.calculation = payout.lines_json()
    return results


def _lock_enrollments(keys: Iterable[ClaimKey]) -> None:
    """Lock the enrollments of these members and plans, in pk order (saleor's lock_objects):
    claims on one enrollment are recomputed by one transaction at a time."""
    pairs = {(member_id, plan_id) for member_id, plan_id, _ in keys}
    if not pairs:
        return
    condition = Q()
    for member_id, plan_id in sorted(pairs):
        condition |= Q(member_id=member_id, plan_id=plan_id)
    list(
        MutualAidEnrollment.objects.select_for_update()
        .filter(condition)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def _live_by_key(
    keys: set[ClaimKey], instances: dict[int, MutualAidClaim] | None = None
) -> dict[ClaimKey, list[MutualAidClaim]]:
    """The live claims of each key, in pk order, in one query; ``instances`` replace the rows
    of the same pk (the caller's locked objects, so what is recomputed is what it holds)."""
    instances = instances or {}
    grouped: dict[ClaimKey, list[MutualAidClaim]] = defaultdict(list)
    rows = (
        MutualAidClaim.objects.filter(
            member_id__in={k[0] for k in keys}, plan_id__in={k[1] for k in keys}
        )
        .exclude(state__in=RELEASED_STATES)
        .only(
            "id",
            "member_id",
            "plan_id",
            "category",
            "state",
            "amount",
            "deductible_used",
            "self_paid",
            "calculation",
        )
        .order_by("pk")
    )
    for row in rows:
        key = (row.member_id, row.plan_id, row.category)
        if key in keys:
            grouped[key].append(instances.get(row.pk, row))
    return grouped


def _terms_of(plan_ids: Iterable[int]) -> dict[int, dict[str, CategoryTerms]]:
    return {
        plan.pk: plan_terms(plan) for plan in MutualAidPlan.objects.filter(pk__in=set(plan_ids))
    }


def _save(claims: Iterable[MutualAidClaim]) -> None:
    changed = list(claims)
    if changed:
        MutualAidClaim.objects.bulk_update(
            changed, ["amount", "deductible_used", "calculation"], batch_size=500
        )


def _recompute_keys(keys: set[ClaimKey]) -> list[int]:
    """Recompute every pending claim of these keys; returns the pks whose amount changed."""
    if not keys:
        return []
    with transaction.atomic():
        _lock_enrollments(keys)
        terms = _terms_of(k[1] for k in keys)
        changed: list[MutualAidClaim] = []
        for key, claims in _live_by_key(keys).items():
            category_terms = terms[key[1]].get(key[2])
            if category_terms is None:
                continue
            before = {c.pk: (c.amount, c.deductible_used) for c in claims}
            targets = {c.pk for c in claims if c.state in PENDING_STATES}
            _recompute(claims, category_terms, targets)
            changed += [c for c in claims if (c.amount, c.deductible_used) != before[c.pk]]
        _save(changed)
    return [c.pk for c in changed]


def claims_recompute(member_id: int, plan_id: int, category: str) -> list[int]:
    """Recompute the pending claims of one member, plan and category against the claims
    before them as they stand now; returns the pks whose amount changed."""
    return _recompute_keys({(member_id, plan_id, category)})


def claims_release(items: list[MutualAidClaim]) -> None:
    """After claims were rejected or withdrawn (in the engine's transaction): what they held
    of the deductible and the cap goes to the pending claims of the same member, plan and
    category, which are recomputed. Approved claims keep their amounts."""
    _recompute_keys({(i.member_id, i.plan_id, i.category) for i in items})


def claims_final_recompute(items: list[MutualAidClaim]) -> dict[int, str]:
    """Called by the engine, under its row locks, with the claims leaving their last review
    step. Locks their enrollments (pk order), recomputes each against the member's claims as
    they stand now, saves what changed, and refuses the claims that now take nothing at all ({pk: reason}).
    Payout batches skip claims of 0.00."""
    if not items:
        return {}
    keys = {(i.member_id, i.plan_id, i.category) for i in items}
    _lock_enrollments(keys)
    by_pk = {i.pk: i for i in items}
    plans = {i.plan_id: i.plan for i in items}
    terms = {pk: plan_terms(plan) for pk, plan in plans.items()}
    refusals: dict[int, str] = {}
    changed: list[MutualAidClaim] = []
    for key, claims in _live_by_key(keys, by_pk).items():
        category_terms = terms[key[1]].get(key[2])
        targets = {c.pk for c in claims if c.pk in by_pk}
        if category_terms is None:
            for pk in targets:
                refusals[pk] = "方案已不再保障此类别，不能通过"
            continue
        before = {pk: (by_pk[pk].amount, by_pk[pk].deductible_used) for pk in targets}
        for pk, payout in _recompute(claims, category_terms, targets).items():
            claim = by_pk[pk]
            if (claim.amount, claim.deductible_used) != before[pk]:
                changed.append(claim)
            # A claim below the deductible passes at 0.00: it consumed deductible, which
            # later claims rely on. One that takes nothing at all (cap used up, lump sum
            # already paid) is refused, so it never reaches a payout batch.
            if payout.amount == 0 and payout.deductible_used == 0:
                refusals[pk] = payout.zero_reason
    _save(changed)
    return refusals


# --- import and export ---------------------------------------------------------------------


class _SubmitRefused(Exception):
    pass


def _check_may_import(actor: Actor, union: Union) -> None:
    """Imported claims are submitted at once: only those who may submit may import."""
    if is_operator(actor):
        return
    if not in_scope(actor, union):
        raise PermissionDenied("您无权向该工会导入互助金申请。")
    if not may_enter_claims(actor):
        raise ValidationError(
            "互助金申请导入后即提交审核：只有基层或乡镇（街道）工会的工作人员可以导入。",
            code="submit_denied",
        )


def claim_import(
    *,
    actor: Actor,
    union: Union,
    path: Path,
    dry_run: bool,
    progress: Progress | None = None,
    today: date | None = None,
) -> ImportReport:
    """Import a claims file into ``union``'s subtree, all rows or none: every claim is
    computed (``report.extra["payouts"]``, a dry run included), stored with paper documents,
    and submitted for review in the same transaction. Re-importing a file creates nothing:
    its invoice numbers are then in use."""
    from gonghui.aid.sheets.claims import ClaimSheet

    _check_may_import(actor, union)
    sheet = ClaimSheet(actor=actor, union=union, today=today)
    submitter = actor
    audit = ImportAudit(
        actor=actor, union=union, action="mutual_aid_claim.import", title=ClaimSheet.title
    )
    try:
        with transaction.atomic():
            report = run_import(sheet, path, dry_run=dry_run, progress=progress)
            if report.committed and sheet.created_ids:
                submitted = transition_many(
                    CLAIM, sheet.created_ids, Action.SUBMIT, actor=submitter
                )
                if submitted.refused:
                    for pk, message in submitted.refused.items():
                        report.errors.append(
                            CellError(sheet.row_of_pk.get(pk, 0), "身份证号", message)
                        )
                    raise _SubmitRefused
            if report.committed:  # the event in the import's own transaction
                audit_import(
                    report,
                    path=path,
                    actor=audit.actor,
                    union=audit.union,
                    action=audit.action,
                    title=audit.title,
                )
    except _SubmitRefused:
        report.committed = False
        report.created = report.updated = report.unchanged = 0
    report.extra["payouts"] = sheet.payouts
    if not report.committed:
        audit_import(
            report,
            path=path,
            actor=audit.actor,
            union=audit.union,
            action=audit.action,
            title=audit.title,
        )
    return report


def claim_export(*, actor: Actor, union: Union, path: Path, reveal: bool = False) -> int:
    """Export the claims of ``union``'s subtree with the import's headers, plus the union,
    the payout and the state; ID numbers and accounts masked unless ``reveal`` is allowed."""
    from gonghui.aid.sheets.claims import ClaimSheet

    if reveal and not getattr(actor, "pii_access", False):
        raise PermissionDenied("您没有导出完整个人信息的权限。")
    sheet = ClaimSheet(actor=actor, union=union)
    count = write_export(sheet, path, sheet.export_rows(reveal=reveal))
    audit_record(
        actor=actor,
        action="mutual_aid_claim.export.revealed" if reveal else "mutual_aid_claim.export",
        union=union,
        summary=f"导出{union.name}互助金申请 {count} 件"
        + ("（含完整身份证号和账号）" if reveal else "（脱敏）"),
    )
    return count
