"""Care visits (走访慰问, 送温暖): campaigns a union runs for its subtree, and the visits, each
written with its delivery of 暖心慰问 in one transaction (never keyed twice)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone

from gonghui.care.models import (
    CampaignKind,
    CareVisit,
    Delivery,
    ServiceItem,
    Source,
    VisitCampaign,
)
from gonghui.care.permissions import require_edit
from gonghui.care.services.deliveries import (
    Served,
    delivery_row,
    person_problems,
)
from gonghui.core import pii
from gonghui.core.actors import Actor, user_of
from gonghui.core.audit import audit_record
from gonghui.core.problems import problems_raise
from gonghui.members.models import EmploymentForm
from gonghui.members.people import Person, people_find
from gonghui.orgs.models import Union


@transaction.atomic
def campaign_create(
    *, actor: Actor, union: Union, name: str, kind: str, start: date, end: date
) -> VisitCampaign:
    require_edit(actor, union)
    problems: list[tuple[str, str]] = []
    name = name.strip()[:128]
    if not name:
        problems.append(("name", "请填写活动名称。"))
    if kind not in CampaignKind.values:
        problems.append(("kind", "请选择类别。"))
    if end < start:
        problems.append(("end", "结束日期不能早于开始日期。"))
    if name and VisitCampaign.objects.filter(union=union, name=name).exists():
        problems.append(("name", f"本工会已有“{name}”活动。"))
    problems_raise(problems)
    campaign = VisitCampaign.objects.create(union=union, name=name, kind=kind, start=start, end=end)
    audit_record(
        actor=actor,
        action="care.campaign.create",
        obj=campaign,
        union=union,
        summary=f"新建走访慰问活动“{name}”（{start:%Y-%m-%d}至{end:%Y-%m-%d}）",
    )
    return campaign


@dataclass(frozen=True)
class Visit:
    """What a visit says besides who and when."""

    campaign: VisitCampaign | None = None
    household: bool = False
    visitors: str = ""
    cash: Decimal = Decimal(0)
    goods_value: Decimal = Decimal(0)
    goods: str = ""
    note: str = ""


def visit_problems(
    *, person: Person | None, union: Union, name: str, on: date, visit: Visit
) -> list[tuple[str, str]]:
    """Every problem of one visit, by field (the form's and the sheet's)."""
    problems = person_problems(person, union, name)
    if on > timezone.localdate():
        problems.append(("on", "走访日期不能晚于今天"))
    campaign = visit.campaign
    if campaign is not None:
        if not str(union.path).startswith(campaign.union.path):
            problems.append(("campaign", f"“{campaign.name}”不是本工会或上级工会的活动"))
        elif not campaign.start <= on <= campaign.end:
            problems.append(
                (
                    "on",
                    f"走访日期不在“{campaign.name}”的活动期间内"
                    f"（{campaign.start:%Y-%m-%d}至{campaign.end:%Y-%m-%d}）",
                )
            )
    if visit.cash < 0 or visit.goods_value < 0:
        problems.append(("cash", "金额不能为负数"))
    if visit.cash == 0 and visit.goods_value == 0 and not visit.goods.strip():
        problems.append(("cash", "请填写慰问金、慰问品价值或慰问品"))
    return problems


def visit_row(*, person: Person, union: Union, on: date, visit: Visit, actor: Actor) -> CareVisit:
    return CareVisit(
        campaign=visit.campaign,
        union=union,
        person_hash=person.id_hash,
        person_name=person.name,
        person_masked=person.id_masked,
        on=on,
        household=visit.household,
        visitors=visit.visitors.strip()[:128],
        cash=visit.cash,
        goods_value=visit.goods_value,
        goods=visit.goods.strip()[:128],
        note=visit.note.strip()[:255],
        new_form=person.employment_form == EmploymentForm.NEW_FORM,
        created_by=user_of(actor),
    )


def visit_deliveries(
    visits: list[CareVisit], people: dict[str, Person], actor: Actor
) -> list[Delivery]:
    """The 暖心慰问 delivery of each saved visit (referring to it)."""
    item = ServiceItem.objects.get(key="care_visit")
    return [
        delivery_row(
            item=item,
            person=people[v.person_hash],
            union=v.union,
            on=v.on,
            served=Served(cost=v.cash + v.goods_value, reference=f"visit:{v.pk}"),
            source=Source.VISIT,
            actor=actor,
        )
        for v in visits
    ]


def visit_record(
    *, actor: Actor, union: Union, id_number: str, name: str, on: date, visit: Visit
) -> CareVisit:
    """Record one visit by ``union`` to a member or registered worker of its subtree."""
    require_edit(actor, union)
    problems: list[tuple[str, str]] = []
    id_hash = ""
    try:
        id_hash = pii.id_indexer().digest(pii.normalize_id_number(id_number))
    except Exception as exc:  # ValidationError: shown beside the field
        problems.append(("id_number", getattr(exc, "messages", [str(exc)])[0]))
    person = people_find([id_hash]).get(id_hash) if id_hash else None
    if id_hash:
        problems += visit_problems(
            person=person, union=union, name=name.strip(), on=on, visit=visit
        )
    problems_raise(problems)
    assert person is not None
    again = f"{person.name}{on:%Y-%m-%d}已由本工会走访慰问，不再重复登记。"
    if CareVisit.objects.filter(person_hash=person.id_hash, on=on, union=union).exists():
        problems_raise([("", again)])
    record = visit_row(person=person, union=union, on=on, visit=visit, actor=actor)
    try:
        with transaction.atomic():
            record.save()
            (delivery,) = visit_deliveries([record], {person.id_hash: person}, actor)
            delivery.save()
            audit_record(
                actor=actor,
                action="care.visit.create",
                obj=record,
                union=union,
                summary=f"走访慰问{person.name}（{person.id_masked}）{on:%Y-%m-%d}，"
                f"慰问金{record.cash}元、慰问品{record.goods_value}元",
            )
    except IntegrityError:
        problems_raise([("", again)])
    return record
