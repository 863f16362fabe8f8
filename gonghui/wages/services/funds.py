"""经费支出管理: budgets by year and line, expenditures checked against the spending standards
(特色工会活动项目支出标准) when they are recorded, the county's explanation of those above
them, and allocations to the unions below. A closed budget year takes no more spending."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from gonghui.core.actors import Actor, user_of
from gonghui.core.audit import audit_record
from gonghui.core.problems import problems_raise
from gonghui.core.scoping import require_in_scope
from gonghui.core.sheets.parsers import local_today
from gonghui.orgs.models import Union
from gonghui.wages.models import (
    Allocation,
    AllocationPurpose,
    BudgetCategory,
    BudgetLine,
    BudgetYear,
    Expenditure,
    SpendingKind,
    SpendingStandard,
)
from gonghui.wages.permissions import may_keep_funds, own_union, require_funds

CENT = Decimal("0.01")


def _money(value: Decimal) -> str:
    return f"{value.quantize(CENT):,}"


# --- budgets --------------------------------------------------------------------------------


def budget_line_set(
    *, actor: Actor, union: Union, year: int, category: str, name: str, amount: Decimal
) -> BudgetLine:
    """Add a budget line, or change its amount, in the union's budget for ``year``."""
    require_funds(actor, union)
    name = name.strip()
    problems: list[tuple[str, str]] = []
    if category not in BudgetCategory.values:
        problems.append(("category", "请选择支出科目"))
    if not name:
        problems.append(("name", "请填写预算项目"))
    if amount < 0:
        problems.append(("amount", "预算数不能为负数"))
    budget = BudgetYear.objects.filter(union=union, year=year).first()
    if budget is not None and budget.closed_on is not None:
        problems.append(("year", f"{year}年预算已于 {budget.closed_on:%Y-%m-%d} 关账，不能再调整"))
    problems_raise(problems)
    with transaction.atomic():
        budget, _ = BudgetYear.objects.get_or_create(union=union, year=year)
        line, created = BudgetLine.objects.update_or_create(
            budget=budget, category=category, name=name, defaults={"amount": amount}
        )
    audit_record(
        actor=actor,
        action="wages.budget.line",
        union=union,
        summary=f"{'新增' if created else '调整'}{year}年预算项目“{line}”：{_money(amount)}元",
    )
    return line


def budget_year_close(*, actor: Actor, budget: BudgetYear, closed_on: date) -> BudgetYear:
    """Close a year's budget at its settlement (决算): no expenditure is recorded on it after."""
    require_funds(actor, budget.union)
    problems: list[tuple[str, str]] = []
    if budget.closed_on is not None:
        problems.append(("closed_on", f"已于 {budget.closed_on:%Y-%m-%d} 关账"))
    if closed_on.year <= budget.year:
        problems.append(("closed_on", f"关账日期须在{budget.year}年之后"))
    if closed_on > local_today():
        problems.append(("closed_on", "关账日期不能晚于今天"))
    problems_raise(problems)
    BudgetYear.objects.filter(pk=budget.pk).update(closed_on=closed_on)
    budget.closed_on = closed_on
    audit_record(
        actor=actor,
        action="wages.budget.close",
        union=budget.union,
        summary=f"{budget.year}年预算关账（{closed_on:%Y-%m-%d}）",
    )
    return budget


# --- standards ------------------------------------------------------------------------------


def standard_set(
    *,
    actor: Actor,
    union: Union,
    kind: str,
    effective_from: date,
    per_person: Decimal | None,
    per_event: Decimal | None,
    basis: str = "",
) -> SpendingStandard:
    """Set a spending standard for the union's subtree from ``effective_from`` on."""
    require_funds(actor, union)
    problems: list[tuple[str, str]] = []
    if kind not in SpendingKind.values or kind == SpendingKind.OTHER:
        problems.append(("kind", "请选择有标准的支出类别"))
    if per_person is None and per_event is None:
        problems.append(("per_person", "人均上限、单次上限至少填写一项"))
    for field, value in (("per_person", per_person), ("per_event", per_event)):
        if value is not None and value <= 0:
            problems.append((field, "上限须大于 0"))
    if SpendingStandard.objects.filter(
        union=union, kind=kind, effective_from=effective_from
    ).exists():
        problems.append(("effective_from", "该类别在这一天起执行的标准已存在"))
    problems_raise(problems)
    standard = SpendingStandard.objects.create(
        union=union,
        kind=kind,
        effective_from=effective_from,
        per_person=per_person,
        per_event=per_event,
        basis=basis.strip(),
    )
    audit_record(
        actor=actor, action="wages.standard.create", union=union, summary=f"制定{standard}"
    )
    return standard


class Standards:
    """Every standard that may apply to spending of a union's subtree, loaded once (the
    table is small): the one that applies to a payment is the nearest union's latest in
    force on the day."""

    def __init__(self, union: Union) -> None:
        steps = [union.path[:n] for n in range(Union.steplen, len(union.path) + 1, Union.steplen)]
        self._rows = list(
            SpendingStandard.objects.filter(union__path__in=steps)
            .select_related("union")
            .order_by("-effective_from")
        )
        self._below = list(
            SpendingStandard.objects.filter(union__path__startswith=union.path)
            .exclude(union=union)
            .select_related("union")
            .order_by("-effective_from")
        )

    def applying(self, union_path: str, kind: str, on: date) -> SpendingStandard | None:
        best: SpendingStandard | None = None
        for s in (*self._rows, *self._below):
            if s.kind != kind or s.effective_from > on or not union_path.startswith(s.union.path):
                continue
            if best is None or (len(s.union.path), s.effective_from) > (
                len(best.union.path),
                best.effective_from,
            ):
                best = s
        return best


def over_standard(standard: SpendingStandard | None, amount: Decimal, people: int | None) -> str:
    """Why a payment is above its standard, or "" (a per-person cap needs the people)."""
    if standard is None:
        return ""
    reasons: list[str] = []
    if standard.per_event is not None and amount > standard.per_event:
        reasons.append(f"单次 {_money(amount)} 元，超过上限 {_money(standard.per_event)} 元")
    if standard.per_person is not None and people:
        each = (amount / people).quantize(CENT, rounding=ROUND_HALF_UP)
        if each > standard.per_person:
            reasons.append(f"人均 {_money(each)} 元，超过上限 {_money(standard.per_person)} 元")
    return "；".join(reasons)


# --- expenditures ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Spending:
    spent_on: date
    amount: Decimal
    payee: str
    voucher: str
    kind: str = SpendingKind.OTHER
    people: int | None = None
    summary: str = ""
    activity_id: int | None = None


def spending_problems(
    union: Union, line: BudgetLine | None, spending: Spending, standard: SpendingStandard | None
) -> list[tuple[str, str]]:
    """Every problem of one payment (a form's and a sheet row's), as (field, message)."""
    problems: list[tuple[str, str]] = []
    if line is None:
        problems.append(("line", f"{union.name}{spending.spent_on.year}年预算中没有该预算项目"))
    else:
        budget = line.budget
        if budget.union_id != union.pk:
            problems.append(("line", "只能列支本工会的预算项目"))
        elif budget.closed_on is not None:
            problems.append(("line", f"{budget.year}年预算已于 {budget.closed_on:%Y-%m-%d} 关账"))
        elif budget.year != spending.spent_on.year:
            problems.append(("spent_on", f"支出日期不在{budget.year}年预算年度内"))
    if spending.amount <= 0:
        problems.append(("amount", "金额须大于 0"))
    if spending.spent_on > local_today():
        problems.append(("spent_on", "支出日期不能晚于今天"))
    if not spending.payee.strip():
        problems.append(("payee", "请填写收款方"))
    if not spending.voucher.strip():
        problems.append(("voucher", "请填写凭证号"))
    if standard is not None and standard.per_person is not None and not spending.people:
        problems.append(("people", f"{standard.get_kind_display()}按人均标准核算，请填写受益人数"))
    return problems


def expenditure_record(
    *, actor: Actor, union: Union, line: BudgetLine | None, spending: Spending
) -> Expenditure:
    """Record a payment out of one of the union's budget lines, flagged when above its
    standard."""
    require_funds(actor, union)
    standard = Standards(union).applying(union.path, spending.kind, spending.spent_on)
    problems = spending_problems(union, line, spending, standard)
    if Expenditure.objects.filter(
        union=union, voucher=spending.voucher.strip(), spent_on=spending.spent_on
    ).exists():
        problems.append(("voucher", "同一天的该凭证号已登记"))
    problems_raise(problems)
    assert line is not None
    made = Expenditure.objects.create(
        union=union,
        line=line,
        spent_on=spending.spent_on,
        amount=spending.amount,
        payee=spending.payee.strip(),
        voucher=spending.voucher.strip(),
        kind=spending.kind,
        people=spending.people,
        summary=spending.summary.strip(),
        activity_id=spending.activity_id,
        over_standard=over_standard(standard, spending.amount, spending.people),
        created_by=user_of(actor),
    )
    audit_record(
        actor=actor,
        action="wages.expenditure.create",
        union=union,
        summary=f"登记经费支出 {made.voucher}：{_money(made.amount)}元",
    )
    return made


def may_explain(actor: Actor, expenditure: Expenditure) -> bool:
    """The county (or the city) explains what its subtree spent above the standard."""
    union = getattr(actor, "union", None)
    return (
        bool(expenditure.over_standard)
        and union is not None
        and union.depth <= 2
        and may_keep_funds(actor, expenditure.union)
    )


def expenditure_explain(*, actor: Actor, expenditure: Expenditure, text: str) -> Expenditure:
    """The county's explanation of a payment above its standard."""
    require_in_scope(actor, expenditure.union, "只能说明本工会及下级工会的支出。")
    text = text.strip()
    problems: list[tuple[str, str]] = []
    if not expenditure.over_standard:
        problems.append(("explanation", "该支出未超标准，无须说明"))
    elif not may_explain(actor, expenditure):
        problems.append(("explanation", "超标准支出由区县总工会说明"))
    if not text:
        problems.append(("explanation", "请填写说明"))
    problems_raise(problems)
    expenditure.explanation = text
    expenditure.explained_by = user_of(actor)
    expenditure.explained_at = timezone.now()
    expenditure.save(update_fields=["explanation", "explained_by", "explained_at"])
    audit_record(
        actor=actor,
        action="wages.expenditure.explain",
        union=expenditure.union,
        summary=f"说明超标准支出 {expenditure.voucher}",
    )
    return expenditure


# --- allocations ----------------------------------------------------------------------------


def allocation_record(
    *,
    actor: Actor,
    to_union: Union,
    allocated_on: date,
    amount: Decimal,
    purpose: str,
    note: str = "",
) -> Allocation:
    """Money the actor's union allocates to a union below it."""
    giver = own_union(actor)
    require_funds(actor, giver)
    problems: list[tuple[str, str]] = []
    if to_union.pk == giver.pk or not to_union.path.startswith(giver.path):
        problems.append(("to_union", "只能拨付给本工会的下级工会"))
    if amount <= 0:
        problems.append(("amount", "金额须大于 0"))
    if allocated_on > local_today():
        problems.append(("allocated_on", "拨付日期不能晚于今天"))
    if purpose not in AllocationPurpose.values:
        problems.append(("purpose", "请选择用途"))
    problems_raise(problems)
    made = Allocation.objects.create(
        from_union=giver,
        to_union=to_union,
        allocated_on=allocated_on,
        amount=amount,
        purpose=purpose,
        note=note.strip(),
        created_by=user_of(actor),
    )
    audit_record(
        actor=actor,
        action="wages.allocation.create",
        union=giver,
        summary=f"拨付{to_union.name} {_money(amount)}元（{made.get_purpose_display()}）",
    )
    return made


def lines_spent(lines: Iterable[BudgetLine]) -> dict[int, Decimal]:
    """Spent so far on each line: one query."""
    ids = [line.pk for line in lines]
    return {
        row["line_id"]: row["total"]
        for row in Expenditure.objects.filter(line_id__in=ids)
        .values("line_id")
        .annotate(total=Sum("amount"))
        .order_by()
    }
