"""Two helps for the people who keep plans: next year's plan copied from this year's, and a
payout preview for an example cost, computed exactly as a claim's is."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from gonghui.aid.models import Category, MutualAidPlan
from gonghui.aid.services.plans import plan_data, plan_save
from gonghui.aid.terms import Payout, category_terms_parse, payout_compute
from gonghui.core.actors import Actor
from gonghui.core.sheets.parsers import money


def _next_year(day: date) -> date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)


@transaction.atomic
def plan_copy_next_year(*, actor: Actor, plan: MutualAidPlan) -> MutualAidPlan:
    """A new plan for the following year with the same terms, fee and union, its dates a
    year later; its code and name have the year replaced. Refused if it exists already."""
    year = plan.year + 1
    old, new = str(plan.year), str(year)
    code = plan.code.replace(old, new) if old in plan.code else f"{plan.code}-{new}"
    if MutualAidPlan.objects.filter(code=code).exists():
        raise ValidationError(f"方案 {code} 已存在，请直接修改它。", code="plan_exists")
    data = plan_data(plan)
    data.update(
        code=code,
        year=year,
        name=plan.name.replace(old, new) if old in plan.name else f"{plan.name}（{new}年度）",
        enroll_from=_next_year(plan.enroll_from).isoformat(),
        enroll_to=_next_year(plan.enroll_to).isoformat(),
        coverage_from=_next_year(plan.coverage_from).isoformat(),
        coverage_to=_next_year(plan.coverage_to).isoformat(),
    )
    return plan_save(actor=actor, data=data).plan


def plan_preview(*, plan: MutualAidPlan, category: str, self_paid: str) -> Payout:
    """What a first claim of ``category`` with ``self_paid`` would be paid under ``plan``."""
    terms = category_terms_parse(plan.categories)
    if category not in terms:
        label = dict(Category.choices).get(category, category)
        raise ValidationError(f"本方案不保障{label}。", code="category")
    amount = money(self_paid)
    if amount <= Decimal("0"):
        raise ValidationError("请填写大于 0 的个人自付金额。", code="self_paid")
    return payout_compute(
        terms[category],
        amount,
        deductible_consumed=Decimal("0"),
        taken=Decimal("0"),
        earlier_count=0,
    )
