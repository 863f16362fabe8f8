"""Legal services (法律服务): consultations, mediations and litigation aid as cases, opened with
their delivery of 法律服务 and closed with an outcome and a closing date."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from gonghui.care.models import LegalCase, LegalKind, LegalOutcome, ServiceItem, Source
from gonghui.care.permissions import require_edit
from gonghui.care.services.deliveries import (
    Served,
    delivery_row,
    person_problems,
    person_typed,
    with_id_problem,
)
from gonghui.core.actors import Actor, ApplicantActor, require_self, user_of
from gonghui.core.audit import audit_record
from gonghui.core.problems import problems_raise
from gonghui.orgs.models import Union


def legal_open(
    *,
    actor: Actor,
    union: Union,
    id_number: str,
    name: str,
    kind: str,
    opened_on: date,
    summary: str,
    employer_name: str = "",
    amount_claimed: Decimal = Decimal(0),
) -> LegalCase:
    person, id_problem = person_typed(id_number)
    if isinstance(actor, ApplicantActor):
        # A worker asks for a consultation from the portal, for themselves, on the day.
        if person is not None:
            require_self(actor, person.id_hash)
        if kind != LegalKind.CONSULTATION or opened_on != timezone.localdate():
            raise PermissionDenied("职工在手机上只能提交当天的法律咨询。")
    else:
        require_edit(actor, union)
    problems = with_id_problem(person_problems(person, union, name.strip()), id_problem)
    if kind not in LegalKind.values:
        problems.append(("kind", "请选择类别"))
    if opened_on > timezone.localdate():
        problems.append(("opened_on", "受理日期不能晚于今天"))
    if not summary.strip():
        problems.append(("summary", "请填写案情摘要"))
    if amount_claimed < 0:
        problems.append(("amount_claimed", "金额不能为负数"))
    problems_raise(problems)
    assert person is not None
    with transaction.atomic():
        case = LegalCase.objects.create(
            union=union,
            person_hash=person.id_hash,
            person_name=person.name,
            person_masked=person.id_masked,
            kind=kind,
            opened_on=opened_on,
            summary=summary.strip()[:255],
            employer_name=employer_name.strip()[:128],
            amount_claimed=amount_claimed,
            created_by=user_of(actor),
        )
        delivery_row(
            item=ServiceItem.objects.get(key="legal_service"),
            person=person,
            union=union,
            on=opened_on,
            served=Served(reference=f"legal:{case.pk}"),
            source=Source.LEGAL,
            actor=actor,
        ).save()
        audit_record(
            actor=actor,
            action="care.legal.open",
            obj=case,
            union=union,
            summary=f"受理{person.name}（{person.id_masked}）的{case.get_kind_display()}",
        )
    return case


@transaction.atomic
def legal_close(
    *,
    actor: Actor,
    case: LegalCase,
    outcome: str,
    closed_on: date,
    amount_recovered: Decimal = Decimal(0),
) -> LegalCase:
    require_edit(actor, case.union)
    problems: list[tuple[str, str]] = []
    if case.closed_on is not None:
        problems.append(("", "案件已结案"))
    if outcome not in LegalOutcome.values:
        problems.append(("outcome", "请选择结果"))
    if closed_on < case.opened_on or closed_on > timezone.localdate():
        problems.append(("closed_on", "结案日期须在受理日期之后、且不晚于今天"))
    if amount_recovered < 0:
        problems.append(("amount_recovered", "金额不能为负数"))
    problems_raise(problems)
    case.outcome = outcome
    case.closed_on = closed_on
    case.amount_recovered = amount_recovered
    case.save(update_fields=["outcome", "closed_on", "amount_recovered"])
    audit_record(
        actor=actor,
        action="care.legal.close",
        obj=case,
        union=case.union,
        summary=f"{case.person_name}的{case.get_kind_display()}结案：{case.get_outcome_display()}",
    )
    return case
