"""The mutual-aid claims sheet (互助金申请): import with the payout of every row, and export.

A file's rows are claims in row order: a member's second row in a category is computed after
the first, so the sheet keeps, per (member, plan, category), what the database held before
the file plus what the file's earlier rows consumed and took. Every lookup is one query per
batch; the rows are written with one COPY (PostgreSQL) or executemany (SQLite).
"""

from __future__ import annotations

import json
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Count, Sum
from django.utils import timezone

from gonghui.aid.models import Category, MutualAidClaim, MutualAidEnrollment, MutualAidPlan
from gonghui.aid.terms import (
    MSG_INVOICE_USED,
    MSG_NAME_MISMATCH,
    MSG_NOT_ENROLLED,
    MSG_NOT_MEMBER,
    CategoryTerms,
    amounts_check,
    category_terms_parse,
    dates_check,
    enrollment_choose,
    enrollment_continuous,
    normalize_invoice_no,
    payout_compute,
    plan_rules_check,
)
from gonghui.core import pii
from gonghui.core.actors import Actor
from gonghui.core.bulk import db_now, fast_insert, ids_reserve
from gonghui.core.sheets import (
    INVALID,
    BatchOutcome,
    CellError,
    Column,
    ParsedRow,
    RowError,
    RowErrors,
    Sheet,
)
from gonghui.core.sheets.parsers import choice, money, parse_date, text
from gonghui.core.sheets.registry import SheetEntry, register_sheet
from gonghui.core.workflow import State
from gonghui.core.workflow.models import RELEASED_STATES
from gonghui.members.models import Member
from gonghui.members.sheets import ID_NUMBER_COLUMN, NAME_COLUMN
from gonghui.orgs.models import Union

COLUMNS = (
    NAME_COLUMN,
    ID_NUMBER_COLUMN,
    Column("category", "类别", choice(Category.choices), required=True, width=12),
    Column("hospital", "医院", text(128), synonyms=("就诊医院",), required=True, width=24),
    Column(
        "start_date",
        "入院日期",
        parse_date,
        synonyms=("就诊日期", "入院（就诊）日期"),
        required=True,
        width=12,
        note="住院填入院日期，其他类别填就诊日期",
    ),
    Column("discharge_date", "出院日期", parse_date, width=12, note="住院必填"),
    Column(
        "invoice_no",
        "发票号",
        normalize_invoice_no,
        synonyms=("发票号码",),
        required=True,
        width=18,
    ),
    Column("total_cost", "医疗总费用", money, required=True, width=12, note="单位：元"),
    Column("insurance_paid", "医保统筹支付", money, required=True, width=12, note="单位：元"),
    Column(
        "self_paid", "个人自付", money, required=True, width=12, note="符合规定的个人自付，单位：元"
    ),
    Column(
        "payee_bank", "收款银行", text(64), synonyms=("开户银行", "开户行"), required=True, width=20
    ),
    Column(
        "payee_account",
        "收款账号",
        pii.normalize_bank_account,
        synonyms=("银行账号", "银行卡号"),
        required=True,
        width=24,
    ),
)
HEADER_OF = {c.key: c.header for c in COLUMNS}
EXPORT_EXTRA_HEADERS = ["所属工会", "互助金（元）", "状态"]

# Columns written for a new claim, in the order _write builds its rows (the rest are NULL).
INSERT_FIELDS = (
    "id",
    "union",
    "state",
    "step",
    "amount",
    "created_at",
    "member",
    "plan",
    "enrollment",
    "category",
    "hospital",
    "start_date",
    "discharge_date",
    "invoice_no",
    "total_cost",
    "insurance_paid",
    "self_paid",
    "payee_bank",
    "account_cipher",
    "account_masked",
    "paper_documents",
    "deductible_used",
    "calculation",
    "source_row",
    "entered_by",
)


@dataclass
class _Consumed:
    """What the live claims of one (member, plan, category) hold, the file's rows included."""

    deductible: Decimal
    taken: Decimal
    count: int


@dataclass(frozen=True)
class _Plan:
    """What the rows need of a plan, loaded once per file (the enrollment helpers of
    gonghui.aid.terms read its coverage window, union and year)."""

    pk: int
    name: str
    union_id: int
    year: int
    coverage_from: date
    coverage_to: date
    waiting_days: int
    claim_deadline_days: int
    terms: dict[str, CategoryTerms]


@dataclass(frozen=True)
class _Member:
    pk: int
    name: str
    union_id: int


@dataclass(frozen=True)
class _Enrollment:
    pk: int
    plan_id: int
    enrolled_on: date
    plan: _Plan


@dataclass
class _Valid:
    row: ParsedRow
    member: _Member
    enrollment: _Enrollment
    terms: CategoryTerms


class ClaimSheet(Sheet):
    name = "mutual-aid-claims"
    title = "互助金申请"
    columns = COLUMNS
    key_column = "invoice_no"  # an invoice pays once: a repeat in the file is an error

    def __init__(self, *, actor: Actor, union: Union, today: date | None = None) -> None:
        self.actor = actor
        self.union = union
        # A staff user sees their subtree; the server operator (no user) the union given.
        self.scope = actor
        self.account_cipher = pii.column_cipher(MutualAidClaim.account_cipher)
        self.id_cipher = pii.column_cipher(Member.id_cipher)
        self.indexer = pii.id_indexer()
        self.today = today or timezone.localdate()
        self._plans: dict[int, _Plan] = {}
        self._consumed: dict[tuple[int, int, str], _Consumed] = {}
        # What the run produced: the payout of each valid row, and the claims written.
        self.payouts: list[dict[str, Any]] = []
        self.created_ids: list[int] = []
        self.row_of_pk: dict[int, int] = {}

    # -- import -------------------------------------------------------------------------
    def key(self, values: dict[str, Any]) -> Hashable:
        return values["invoice_no"]

    def check(self, values: dict[str, Any]) -> None:
        errors: list[RowError] = []
        amounts = [values[k] for k in ("total_cost", "insurance_paid", "self_paid")]
        if INVALID not in amounts and None not in amounts:
            errors += [self._error(f, m) for f, m in amounts_check(*amounts)]
        category, start, discharge = (
            values["category"],
            values["start_date"],
            values["discharge_date"],
        )
        if INVALID not in (category, start, discharge) and None not in (category, start):
            errors += [
                self._error(f, m)
                for f, m in dates_check(
                    category=category, start_date=start, discharge_date=discharge, today=self.today
                )
            ]
        if errors:
            raise RowErrors(errors)

    @staticmethod
    def _error(field: str, message: str) -> RowError:
        header = HEADER_OF[field]
        return RowError(header, f"{header}：{message}")

    def _cell_error(self, row: ParsedRow, field: str, message: str) -> CellError:
        header = HEADER_OF[field]
        return CellError(row.number, header, f"{header}：{message}")

    def _load_plans(self, plan_ids: set[int]) -> None:
        missing = plan_ids - self._plans.keys()
        for plan in MutualAidPlan.objects.filter(pk__in=missing):
            self._plans[plan.pk] = _Plan(
                pk=plan.pk,
                name=plan.name,
                union_id=plan.union_id,
                year=plan.year,
                coverage_from=plan.coverage_from,
                coverage_to=plan.coverage_to,
                waiting_days=plan.waiting_days,
                claim_deadline_days=plan.claim_deadline_days,
                terms=category_terms_parse(plan.categories),
            )

    def apply(self, batch: list[ParsedRow], *, write: bool) -> BatchOutcome:
        outcome = BatchOutcome()
        hashes = self.indexer.digest_many([row.values["id_number"] for row in batch])
        # Plain tuples, not model instances: a batch reads thousands of each.
        members = {
            id_hash: _Member(pk, name, union_id)
            for pk, id_hash, name, union_id in Member.objects.visible_to(self.scope)
            .filter(union__path__startswith=self.union.path, id_hash__in=set(hashes))
            .values_list("id", "id_hash", "name", "union_id")
        }
        found = list(
            MutualAidEnrollment.objects.filter(
                member_id__in=[m.pk for m in members.values()]
            ).values_list("id", "member_id", "plan_id", "enrolled_on")
        )
        self._load_plans({plan_id for _, _, plan_id, _ in found})
        enrollments: dict[int, list[_Enrollment]] = {}
        for pk, member_id, plan_id, enrolled_on in found:
            enrollments.setdefault(member_id, []).append(
                _Enrollment(pk, plan_id, enrolled_on, self._plans[plan_id])
            )
        used = set(
            MutualAidClaim.objects.filter(invoice_no__in=[r.values["invoice_no"] for r in batch])
            .exclude(state__in=RELEASED_STATES)
            .values_list("invoice_no", flat=True)
        )

        valid: list[_Valid] = []
        for row, id_hash in zip(batch, hashes, strict=True):
            errors = self._row_errors(row, members.get(id_hash), enrollments, used)
            if isinstance(errors, _Valid):
                valid.append(errors)
            else:
                outcome.errors += errors
        self._load_consumed(valid)

        to_create: list[tuple[_Valid, Any]] = []
        for item in valid:
            v = item.row.values
            key = (item.member.pk, item.enrollment.plan_id, v["category"])
            held = self._consumed[key]
            payout = payout_compute(
                item.terms,
                v["self_paid"],
                deductible_consumed=held.deductible,
                taken=held.taken,
                earlier_count=held.count,
            )
            if item.terms.is_lump_sum and payout.amount == 0:
                outcome.errors.append(self._cell_error(item.row, "category", payout.zero_reason))
                continue
            held.deductible += payout.deductible_used
            held.taken += payout.amount
            held.count += 1
            self.payouts.append({"row": item.row.number, "amount": str(payout.amount)})
            to_create.append((item, payout))
        outcome.created = len(to_create)
        if write and to_create:
            self._write(to_create)
        return outcome

    def _row_errors(
        self,
        row: ParsedRow,
        member: _Member | None,
        enrollments: dict[int, list[_Enrollment]],
        used: set[str],
    ) -> list[CellError] | _Valid:
        v = row.values
        if member is None:
            return [self._cell_error(row, "id_number", MSG_NOT_MEMBER)]
        errors: list[CellError] = []
        if member.name != v["name"]:
            errors.append(self._cell_error(row, "name", MSG_NAME_MISMATCH))
        if v["invoice_no"] in used:
            errors.append(
                self._cell_error(
                    row, "invoice_no", MSG_INVOICE_USED.format(invoice=v["invoice_no"])
                )
            )
        start: date = v["start_date"]
        mine = enrollments.get(member.pk, [])
        enrollment = enrollment_choose(mine, start)
        if enrollment is None:
            errors.append(
                self._cell_error(row, "start_date", MSG_NOT_ENROLLED.format(day=start.isoformat()))
            )
            return errors
        plan = enrollment.plan
        terms = plan.terms
        rules = plan_rules_check(
            plan_name=plan.name,
            terms=terms,
            category=v["category"],
            enrolled_on=enrollment.enrolled_on,
            waiting_days=plan.waiting_days,
            continuous=enrollment_continuous(mine, plan),
            claim_deadline_days=plan.claim_deadline_days,
            start_date=start,
            discharge_date=v["discharge_date"],
            today=self.today,
        )
        errors += [self._cell_error(row, f, m) for f, m in rules]
        if errors:
            return errors
        return _Valid(row, member, enrollment, terms[v["category"]])

    def _load_consumed(self, valid: list[_Valid]) -> None:
        """What the database holds for the keys this file meets for the first time. No row
        of the file was written for such a key yet, so the database has only other claims;
        from then on the sheet adds the file's rows itself."""
        new = {
            (i.member.pk, i.enrollment.plan_id, i.row.values["category"])
            for i in valid
            if (i.member.pk, i.enrollment.plan_id, i.row.values["category"]) not in self._consumed
        }
        if not new:
            return
        for key in new:
            self._consumed[key] = _Consumed(Decimal(0), Decimal(0), 0)
        held = (
            MutualAidClaim.objects.filter(member_id__in={k[0] for k in new})
            .exclude(state__in=RELEASED_STATES)
            .values("member_id", "plan_id", "category")
            .annotate(deductible=Sum("deductible_used"), taken=Sum("amount"), count=Count("id"))
            .order_by()
        )
        for group in held:
            key = (group["member_id"], group["plan_id"], group["category"])
            if key in new:
                self._consumed[key] = _Consumed(group["deductible"], group["taken"], group["count"])

    def _write(self, to_create: list[tuple[_Valid, Any]]) -> None:
        # Each account is sealed to its claim's row: the keys are drawn before writing.
        pks = ids_reserve(MutualAidClaim, len(to_create))
        accounts = [item.row.values["payee_account"] for item, _ in to_create]
        ciphers = self.account_cipher.encrypt_many(pks, accounts)
        now = db_now()
        rows = []
        for pk, (item, payout), cipher in zip(pks, to_create, ciphers, strict=True):
            v = item.row.values
            rows.append(
                (
                    pk,
                    item.member.union_id,
                    State.DRAFT,
                    "",
                    payout.amount,
                    now,
                    item.member.pk,
                    item.enrollment.plan_id,
                    item.enrollment.pk,
                    v["category"],
                    v["hospital"],
                    v["start_date"],
                    v["discharge_date"],
                    v["invoice_no"],
                    v["total_cost"],
                    v["insurance_paid"],
                    v["self_paid"],
                    v["payee_bank"],
                    cipher,
                    pii.mask_bank_account(v["payee_account"]),
                    True,  # a file comes with the paper documents
                    payout.deductible_used,
                    json.dumps(payout.lines_json(), ensure_ascii=False),
                    item.row.number,
                    getattr(self.actor, "pk", None),
                )
            )
        fast_insert(MutualAidClaim, INSERT_FIELDS, rows)
        for pk, (item, _) in zip(pks, to_create, strict=True):
            self.created_ids.append(pk)
            self.row_of_pk[pk] = item.row.number

    # -- export -------------------------------------------------------------------------
    def export_headers(self) -> list[str]:
        return [c.header for c in self.columns] + EXPORT_EXTRA_HEADERS

    def export_rows(self, *, reveal: bool = False) -> Iterable[list[Any]]:
        categories = dict(Category.choices)
        states = dict(State.choices)
        rows = (
            MutualAidClaim.objects.visible_to(self.scope)
            .filter(union__path__startswith=self.union.path)
            .order_by("id")
            .values_list(
                "id",
                "member_id",
                "member__name",
                "member__id_masked",
                "member__id_cipher",
                "category",
                "hospital",
                "start_date",
                "discharge_date",
                "invoice_no",
                "total_cost",
                "insurance_paid",
                "self_paid",
                "payee_bank",
                "account_masked",
                "account_cipher",
                "union__name",
                "amount",
                "state",
            )
        )
        for (
            claim_id,
            member_id,
            name,
            id_masked,
            id_cipher,
            category,
            hospital,
            start,
            discharge,
            invoice,
            total,
            insurance,
            self_paid,
            bank,
            account_masked,
            account_cipher,
            union_name,
            amount,
            state,
        ) in rows.iterator(chunk_size=5000):
            yield [
                name,
                self.id_cipher.decrypt(member_id, id_cipher) if reveal else id_masked,
                categories.get(category, category),
                hospital,
                start,
                discharge,
                invoice,
                total,
                insurance,
                self_paid,
                bank,
                self.account_cipher.decrypt(claim_id, account_cipher) if reveal else account_masked,
                union_name,
                amount,
                states.get(state, state),
            ]


register_sheet(
    SheetEntry(
        name="mutual-aid-claims",
        title=ClaimSheet.title,
        sheet=ClaimSheet,
        import_path="gonghui.aid.services.claims.claim_import",
        export_path="gonghui.aid.services.claims.claim_export",
    )
)
