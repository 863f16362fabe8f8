"""Targets (目标) and how a report reads them: a union's own target, or, when it has none,
the sum of its children's (the city's target as the sum of its counties')."""

from __future__ import annotations

from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from gonghui.core.actors import Actor, is_operator, user_of
from gonghui.core.audit import audit_record
from gonghui.core.indicators.registry import Indicator, Tree, indicator_get
from gonghui.core.scoping import require_role
from gonghui.orgs.models import Union
from gonghui.reports.models import Target

ADDITIVE = ("flow", "stock")
# The largest target the column holds (max_digits 16, two decimals).
TARGET_MAX = Decimal("99999999999999.99")


def is_additive(indicator: Indicator) -> bool:
    """Whether a union's target may be the sum of its children's: counts and amounts add
    up; a ratio or a median (days to payment) does not."""
    return indicator.kind in ADDITIVE and indicator.combine == "sum"


def targets_for(tree: Tree, year: int, keys: list[str]) -> dict[str, dict[str | None, Decimal]]:
    """{indicator: {child code: target, None: the union's target}} for a union and its
    children, in one query."""
    codes = {c.pk: c.code for c in tree.children}
    found: dict[str, dict[str | None, Decimal]] = defaultdict(dict)
    rows = Target.objects.filter(
        year=year, indicator__in=keys, union_id__in=[tree.union.pk, *codes]
    ).values_list("indicator", "union_id", "value")
    for key, union_id, value in rows:
        found[key][codes.get(union_id)] = value
    for key, by in found.items():
        if None not in by and is_additive(indicator_get(key)):
            children = [v for code, v in by.items() if code is not None]
            if children:
                by[None] = sum(children, Decimal(0))
    return dict(found)


@transaction.atomic
def target_set(*, actor: Actor, union: Union, indicator: str, year: int, value: Any) -> Target:
    """Set one target; audited. A user sets targets inside their own subtree (the city for
    itself and its counties, a county for itself and its townships)."""
    if not is_operator(actor):
        if not Union.objects.visible_to(actor).filter(pk=union.pk).exists():
            raise PermissionDenied("只能设置本级及下级工会的目标。")
        require_role(actor, "admin", "staff")
    try:
        spec = indicator_get(indicator)
    except KeyError as exc:
        raise ValidationError(f"没有指标“{indicator}”。", code="indicator") from exc
    if union.level not in (Union.Level.CITY, Union.Level.COUNTY, Union.Level.TOWNSHIP):
        raise ValidationError("目标只设到市、区县和乡镇（街道）工会。", code="target_level")
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    except Exception as exc:
        raise ValidationError(f"{spec.label}：目标须为数字。", code="target_value") from exc
    if not amount.is_finite():  # "NaN" parses, and then refuses every comparison
        raise ValidationError(f"{spec.label}：目标须为数字。", code="target_value")
    if amount < 0:
        raise ValidationError(f"{spec.label}：目标不能为负数。", code="target_negative")
    if amount > TARGET_MAX:
        raise ValidationError(f"{spec.label}：目标数值过大。", code="target_too_large")
    target, _ = Target.objects.update_or_create(
        indicator=indicator,
        year=year,
        union=union,
        defaults={"value": amount, "updated_by": user_of(actor)},
    )
    audit_record(
        actor=actor,
        action="report.target.set",
        obj=target,
        union=union,
        summary=f"{year}年{union.name}“{spec.label}”目标设为 {amount}{spec.unit}",
    )
    return target


@transaction.atomic
def target_clear(*, actor: Actor, union: Union, indicator: str, year: int) -> bool:
    """Remove one target (the city's falls back to the sum of its counties'); audited.
    Returns whether there was one. The same permissions as ``target_set``."""
    if not is_operator(actor):
        if not Union.objects.visible_to(actor).filter(pk=union.pk).exists():
            raise PermissionDenied("只能设置本级及下级工会的目标。")
        require_role(actor, "admin", "staff")
    target = Target.objects.filter(indicator=indicator, year=year, union=union).first()
    if target is None:
        return False
    target.delete()
    try:
        label = indicator_get(indicator).label
    except KeyError:  # a target of an indicator since removed from the registry
        label = indicator
    audit_record(
        actor=actor,
        action="report.target.clear",
        union=union,
        summary=f"{year}年{union.name}“{label}”目标已清除",
    )
    return True
