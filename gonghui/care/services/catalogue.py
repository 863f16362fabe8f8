"""The catalogue: the nine standard items are fixed (a migration writes them); a union adds
X items for its subtree, with who may receive them, a validity period and a unit."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction

from gonghui.care.models import Eligibility, ServiceItem, Unit
from gonghui.care.permissions import require_edit
from gonghui.core.actors import Actor
from gonghui.core.audit import audit_record
from gonghui.core.problems import problems_raise
from gonghui.members.models import Occupation


def item_problems(
    *,
    name: str,
    eligibility: str,
    occupations: list[str],
    unit: str,
    valid_from: date | None,
    valid_to: date | None,
) -> list[tuple[str, str]]:
    problems = []
    if not name.strip():
        problems.append(("name", "请填写项目名称。"))
    if eligibility not in Eligibility.values:
        problems.append(("eligibility", "请选择服务对象。"))
    if eligibility == Eligibility.OCCUPATIONS and not occupations:
        problems.append(("occupations", "服务对象为指定职业时，请至少选择一个职业。"))
    if any(o not in Occupation.values for o in occupations):
        problems.append(("occupations", "请从列表中选择职业。"))
    if unit not in Unit.values:
        problems.append(("unit", "请选择计量单位。"))
    if valid_from and valid_to and valid_to < valid_from:
        problems.append(("valid_to", "有效期止不能早于有效期起。"))
    return problems


@transaction.atomic
def item_create(
    *,
    actor: Actor,
    union: Any,
    name: str,
    eligibility: str,
    unit: str,
    occupations: list[str] | None = None,
    valid_from: date | None = None,
    valid_to: date | None = None,
    description: str = "",
) -> ServiceItem:
    """An X item of ``union`` for its subtree (惠享日, 生日趴, …)."""
    require_edit(actor, union)
    occupations = occupations or []
    problems = item_problems(
        name=name,
        eligibility=eligibility,
        occupations=occupations,
        unit=unit,
        valid_from=valid_from,
        valid_to=valid_to,
    )
    name = name.strip()[:64]
    if name and ServiceItem.objects.applying_to(union).filter(name=name).exists():
        problems.append(("name", f"“{name}”已在服务项目中。"))
    problems_raise(problems)
    item = ServiceItem.objects.create(
        key="",
        union=union,
        name=name,
        eligibility=eligibility,
        occupations=",".join(occupations) if eligibility == Eligibility.OCCUPATIONS else "",
        unit=unit,
        valid_from=valid_from,
        valid_to=valid_to,
        description=description.strip()[:255],
    )
    # X items are keyed by their row: a key typed by someone could one day collide with a
    # standard key DOMAIN.md adds.
    item.key = f"x{item.pk}"
    item.save(update_fields=["key"])
    audit_record(
        actor=actor,
        action="care.item.create",
        obj=item,
        union=union,
        summary=f"新增服务项目“{item.name}”（{item.get_eligibility_display()}）",
    )
    return item


@transaction.atomic
def item_close(*, actor: Actor, item: ServiceItem, on: date) -> ServiceItem:
    """End an X item's validity on a day (its deliveries stay)."""
    problems: list[tuple[str, str]] = []
    if item.union is None:
        problems.append(("", "标准服务项目不能停用。"))
    else:
        require_edit(actor, item.union)
    if item.valid_from and on < item.valid_from:
        problems.append(("valid_to", "有效期止不能早于有效期起。"))
    problems_raise(problems)
    item.valid_to = on
    item.save(update_fields=["valid_to"])
    audit_record(
        actor=actor,
        action="care.item.close",
        obj=item,
        union=item.union,
        summary=f"服务项目“{item.name}”有效期至{on:%Y-%m-%d}",
    )
    return item
