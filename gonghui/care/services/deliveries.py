"""The deliveries ledger: one rule set for a delivery keyed on the page, imported from the
``service-deliveries`` sheet, or written by the care module's own records (a visit, an
attendance, a session), so a service is never keyed twice."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from gonghui.care.models import Delivery, Eligibility, ServiceItem, Source
from gonghui.care.permissions import require_edit
from gonghui.core import pii
from gonghui.core.actors import Actor, user_of
from gonghui.core.audit import audit_record
from gonghui.core.problems import problems_raise
from gonghui.members.models import EmploymentForm
from gonghui.members.people import Person, people_find
from gonghui.orgs.models import Union

NOT_FOUND = "在本工会管辖范围内的会员和登记职工中找不到此人；尚未登记的，请先在“登记职工”中登记"


def person_problems(person: Person | None, union: Union, name: str = "") -> list[tuple[str, str]]:
    """Who may be served by ``union``: a member or registered worker of its subtree, under
    the name on file when a name was written. Outside the subtree, nothing is said of
    whether the person exists."""
    if person is None or not str(person.union.path).startswith(union.path):
        return [("id_number", NOT_FOUND)]
    if name and name != person.name:
        return [("name", f"与该身份证号登记的姓名“{pii.mask_name(person.name)}”不一致")]
    return []


def person_typed(id_number: str) -> tuple[Person | None, str]:
    """The person a typed ID number names (None when no one), or why it is no ID number."""
    try:
        id18 = pii.normalize_id_number(id_number)
    except ValidationError as exc:
        return None, exc.messages[0]
    id_hash = pii.id_indexer().digest(id18)
    return people_find([id_hash]).get(id_hash), ""


def with_id_problem(problems: list[tuple[str, str]], id_problem: str) -> list[tuple[str, str]]:
    """A form's problems when the ID number itself is wrong: that, instead of "not found"."""
    if not id_problem:
        return problems
    return [("id_number", id_problem), *(p for p in problems if p[0] not in ("id_number", "name"))]


def eligibility_problem(item: ServiceItem, person: Person) -> str:
    """Why ``person`` may not receive ``item`` ("" when they may)."""
    if item.eligibility == Eligibility.MEMBERS and not person.is_member:
        return f"“{item.name}”只面向工会会员，此人是{person.kind_label}"
    if (
        item.eligibility == Eligibility.NEW_FORM
        and person.employment_form != EmploymentForm.NEW_FORM
    ):
        return f"“{item.name}”只面向新就业形态劳动者"
    if (
        item.eligibility == Eligibility.OCCUPATIONS
        and person.occupation not in item.occupation_keys
    ):
        return f"“{item.name}”只面向指定职业，此人的职业不在其中"
    return ""


def validity_problem(item: ServiceItem, on: date) -> str:
    if (item.valid_from and on < item.valid_from) or (item.valid_to and on > item.valid_to):
        start = f"{item.valid_from:%Y-%m-%d}" if item.valid_from else "不限"
        end = f"{item.valid_to:%Y-%m-%d}" if item.valid_to else "不限"
        return f"服务日期不在“{item.name}”的有效期内（{start}至{end}）"
    return ""


def delivery_problems(
    *,
    item: ServiceItem,
    person: Person | None,
    union: Union,
    name: str,
    on: date,
    quantity: Decimal,
    cost: Decimal,
) -> list[tuple[str, str]]:
    """Every problem of one delivery, by field."""
    problems = person_problems(person, union, name)
    if person is not None and not problems:
        reason = eligibility_problem(item, person)
        if reason:
            problems.append(("item", reason))
    if on > timezone.localdate():
        problems.append(("on", "服务日期不能晚于今天"))
    reason = validity_problem(item, on)
    if reason:
        problems.append(("on", reason))
    if quantity <= 0:
        problems.append(("quantity", "数量须大于0"))
    if cost < 0:
        problems.append(("cost", "费用不能为负数"))
    return problems


@dataclass(frozen=True)
class Served:
    """What a delivery says besides who, what and when."""

    quantity: Decimal = Decimal(1)
    cost: Decimal = Decimal(0)
    place: str = ""
    enterprise_uscc: str = ""
    site_id: int | None = None
    reference: str = ""
    frontline: bool = False


def delivery_row(
    *,
    item: ServiceItem,
    person: Person,
    union: Union,
    on: date,
    served: Served,
    source: str,
    actor: Actor,
) -> Delivery:
    """An unsaved delivery (the sheet saves many at once)."""
    return Delivery(
        item=item,
        union=union,
        person_hash=person.id_hash,
        person_name=person.name,
        person_masked=person.id_masked,
        on=on,
        quantity=served.quantity,
        cost=served.cost,
        place=served.place[:128],
        enterprise_uscc=served.enterprise_uscc,
        site_id=served.site_id,
        reference=served.reference[:64],
        source=source,
        new_form=person.employment_form == EmploymentForm.NEW_FORM,
        frontline=served.frontline,
        created_by=user_of(actor),
    )


def delivery_record(
    *,
    actor: Actor,
    union: Union,
    item: ServiceItem,
    id_number: str,
    on: date,
    name: str = "",
    served: Served | None = None,
    source: str = Source.MANUAL,
) -> Delivery:
    """Record one delivery by ``union`` (its subtree's people only); every problem at once."""
    require_edit(actor, union)
    served = served or Served()
    person, id_problem = person_typed(id_number)
    problems = with_id_problem(
        delivery_problems(
            item=item,
            person=person,
            union=union,
            name=name.strip(),
            on=on,
            quantity=served.quantity,
            cost=served.cost,
        ),
        id_problem,
    )
    if not problems and person is not None:
        duplicate = Delivery.objects.filter(
            person_hash=person.id_hash, item=item, on=on, union=union, reference=served.reference
        ).exists()
        if duplicate:
            problems.append(("", f"{person.name}{on:%Y-%m-%d}的“{item.name}”已经录入。"))
    problems_raise(problems)
    assert person is not None
    delivery = delivery_row(
        item=item, person=person, union=union, on=on, served=served, source=source, actor=actor
    )
    try:
        with transaction.atomic():
            delivery.save()
            audit_record(
                actor=actor,
                action="care.delivery.create",
                obj=delivery,
                union=union,
                summary=f"录入服务：{person.name}（{person.id_masked}）{item.name} {on:%Y-%m-%d}",
            )
    except IntegrityError:
        problems_raise([("", f"{person.name}{on:%Y-%m-%d}的“{item.name}”已经录入。")])
    return delivery


def items_by_ref(union: Union) -> dict[str, ServiceItem]:
    table: dict[str, ServiceItem] = {}
    for item in ServiceItem.objects.applying_to(union):
        table.setdefault(item.name, item)
        table[item.key] = item
    return table
