"""X perks (X项福利): a union's perk for its subtree, given by a rule (the birthday month read
from the ID number's birth date, a monthly benefit day, chosen occupations); the month's list
of who is due, and marking them delivered (one delivery per person and month, never twice)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.db.models import Q, QuerySet

from gonghui.care.models import Delivery, Eligibility, Perk, PerkRule, ServiceItem, Source
from gonghui.care.permissions import require_edit
from gonghui.core.actors import Actor, user_of
from gonghui.core.audit import audit_record
from gonghui.core.problems import problems_raise
from gonghui.members.models import EmploymentForm, Member, Occupation, Worker
from gonghui.orgs.models import Union


@transaction.atomic
def perk_create(
    *,
    actor: Actor,
    union: Union,
    item: ServiceItem,
    rule: str,
    benefit_day: int | None = None,
    occupations: list[str] | None = None,
    value: Decimal = Decimal(0),
) -> Perk:
    require_edit(actor, union)
    occupations = occupations or []
    problems: list[tuple[str, str]] = []
    if item.union is None or not str(union.path).startswith(str(item.union.path)):
        problems.append(("item", "请选择本工会或上级工会设立的X项服务"))
    if rule not in PerkRule.values:
        problems.append(("rule", "请选择发放规则"))
    if rule == PerkRule.BENEFIT_DAY and not (benefit_day and 1 <= benefit_day <= 28):
        problems.append(("benefit_day", "惠享日须为每月1至28日中的一天"))
    if rule == PerkRule.OCCUPATION and not occupations:
        problems.append(("occupations", "请至少选择一个职业"))
    if any(o not in Occupation.values for o in occupations):
        problems.append(("occupations", "请从列表中选择职业"))
    if value < 0:
        problems.append(("value", "价值不能为负数"))
    problems_raise(problems)
    perk = Perk.objects.create(
        union=union,
        item=item,
        rule=rule,
        benefit_day=benefit_day if rule == PerkRule.BENEFIT_DAY else None,
        occupations=",".join(occupations) if rule == PerkRule.OCCUPATION else "",
        value=value,
    )
    audit_record(
        actor=actor,
        action="care.perk.create",
        obj=perk,
        union=union,
        summary=f"设立X项福利“{item.name}”（{perk.get_rule_display()}）",
    )
    return perk


@dataclass(frozen=True)
class Due:
    id_hash: str
    name: str
    id_masked: str
    union_id: int
    union_name: str
    new_form: bool


def _reference(perk: Perk, month: date) -> str:
    return f"perk:{perk.pk}:{month:%Y-%m}"


def _condition(perk: Perk, month: date) -> Q:
    item = perk.item
    condition = Q()
    if perk.rule == PerkRule.BIRTHDAY:
        condition &= Q(birth_date__month=month.month)
    if perk.rule == PerkRule.OCCUPATION:
        condition &= Q(occupation__in=perk.occupation_keys)
    if item.eligibility == Eligibility.NEW_FORM:
        condition &= Q(employment_form=EmploymentForm.NEW_FORM)
    if item.eligibility == Eligibility.OCCUPATIONS:
        condition &= Q(occupation__in=item.occupation_keys)
    return condition


def perk_due(
    *, perk: Perk, union: Union, month: date, limit: int | None = None
) -> tuple[list[Due], int]:
    """Who in ``union``'s subtree is due ``perk`` in ``month`` and has not had it yet, and how
    many in all: active members, and (unless the item is for members) registered workers
    who are not active members."""
    month = month.replace(day=1)
    given = Delivery.objects.filter(item=perk.item, reference=_reference(perk, month)).values(
        "person_hash"
    )
    condition = _condition(perk, month)
    members: QuerySet[Member] = Member.objects.filter(
        condition, status=Member.Status.ACTIVE, union__path__startswith=union.path
    ).exclude(id_hash__in=given)
    parts: list[QuerySet[Member] | QuerySet[Worker]] = [members]
    if perk.item.eligibility != Eligibility.MEMBERS:
        parts.append(
            Worker.objects.filter(condition, union__path__startswith=union.path)
            .filter(Q(member__isnull=True) | ~Q(member__status=Member.Status.ACTIVE))
            .exclude(id_hash__in=given)
        )
    total = sum(p.count() for p in parts)
    rows: list[Due] = []
    for part in parts:
        if limit is not None and len(rows) >= limit:
            break
        qs = part.order_by("union__path", "name", "id").values_list(
            "id_hash", "name", "id_masked", "union_id", "union__name", "employment_form"
        )
        for id_hash, name, masked, union_id, union_name, form in (
            qs[: limit - len(rows)] if limit is not None else qs.iterator(chunk_size=5000)
        ):
            rows.append(
                Due(id_hash, name, masked, union_id, union_name, form == EmploymentForm.NEW_FORM)
            )
    return rows, total


def perk_deliver(*, actor: Actor, perk: Perk, union: Union, month: date, on: date) -> int:
    """Mark everyone due in ``month`` delivered on ``on`` (a day of that month): one delivery
    each, by the person's own union; those already given it are left as they are."""
    require_edit(actor, union)
    month = month.replace(day=1)
    problems: list[tuple[str, str]] = []
    if (on.year, on.month) != (month.year, month.month):
        problems.append(("on", f"发放日期须在{month:%Y年%m月}内"))
    item = perk.item
    if (item.valid_from and on < item.valid_from) or (item.valid_to and on > item.valid_to):
        problems.append(("on", f"发放日期不在“{item.name}”的有效期内"))
    problems_raise(problems)
    due, _ = perk_due(perk=perk, union=union, month=month)
    made = [
        Delivery(
            item=item,
            union_id=d.union_id,
            person_hash=d.id_hash,
            person_name=d.name,
            person_masked=d.id_masked,
            on=on,
            cost=perk.value,
            reference=_reference(perk, month),
            source=Source.PERK,
            new_form=d.new_form,
            created_by=user_of(actor),
        )
        for d in due
    ]
    with transaction.atomic():
        Delivery.objects.bulk_create(made, batch_size=2000, ignore_conflicts=True)
        audit_record(
            actor=actor,
            action="care.perk.deliver",
            obj=perk,
            union=union,
            summary=f"X项福利“{item.name}”{month:%Y年%m月}发放 {len(made)} 人",
        )
    return len(made)


def perks_due_to(*, person_hash: str, union: Union, month: date) -> list[Perk]:
    """The perks a person of ``union`` is due in ``month`` and has not had yet: those set up
    by the union or a union above it whose rule the person meets (the workers' portal shows
    them; ``perk_due`` lists the same people from the office's side)."""
    month = month.replace(day=1)
    ancestors = [union.path[:n] for n in range(Union.steplen, len(union.path) + 1, Union.steplen)]
    due = []
    for perk in (
        Perk.objects.filter(union__path__in=ancestors).select_related("item").order_by("pk")
    ):
        condition = _condition(perk, month)
        member = Member.objects.filter(condition, id_hash=person_hash, status=Member.Status.ACTIVE)
        worker = Worker.objects.filter(condition, id_hash=person_hash)
        if perk.item.eligibility == Eligibility.MEMBERS:
            worker = worker.none()
        if not (member.exists() or worker.exists()):
            continue
        given = Delivery.objects.filter(
            item=perk.item, reference=_reference(perk, month), person_hash=person_hash
        )
        if not given.exists():
            due.append(perk)
    return due
