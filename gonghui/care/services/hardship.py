"""Hardship files (困难职工建档) and aid (帮扶): a household's class from its income per head
against the county's 低保 line (or a sudden event), reviewed yearly and closed when no longer
in hardship; aid applied for through the workflow engine and paid through payout batches."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone

from gonghui.care.models import AidKind, HardshipAid, HardshipCase, HardshipClass, PovertyLine
from gonghui.care.permissions import require_edit
from gonghui.care.services.deliveries import person_problems, person_typed, with_id_problem
from gonghui.core import pii
from gonghui.core.actors import Actor, user_of
from gonghui.core.audit import audit_record
from gonghui.core.fields import cipher_set
from gonghui.core.problems import problems_raise
from gonghui.core.scoping import require_in_scope
from gonghui.orgs.models import Union


def county_of(union: Union) -> Union:
    return Union.objects.get(path=union.path[: 2 * Union.steplen])


def poverty_line(union: Union, on: date) -> PovertyLine | None:
    """The 低保 line of ``union``'s county in force on ``on``."""
    return (
        PovertyLine.objects.filter(county__path=union.path[: 2 * Union.steplen], valid_from__lte=on)
        .order_by("-valid_from")
        .first()
    )


def poverty_line_set(
    *, actor: Actor, county: Union, amount: Decimal, valid_from: date
) -> PovertyLine:
    require_edit(actor, county)
    problems: list[tuple[str, str]] = []
    if county.level != Union.Level.COUNTY:
        problems.append(("", "低保标准由区县总工会设置。"))
    if amount <= 0:
        problems.append(("amount", "低保标准须大于0。"))
    problems_raise(problems)
    line, _ = PovertyLine.objects.update_or_create(
        county=county, valid_from=valid_from, defaults={"amount": amount}
    )
    audit_record(
        actor=actor,
        action="care.poverty_line.set",
        obj=line,
        union=county,
        summary=f"{county.name}低保标准自{valid_from:%Y-%m-%d}起为每人每月{amount}元",
    )
    return line


def hardship_class(
    *, income_per_head: Decimal, line: PovertyLine | None, sudden: bool
) -> tuple[str, str]:
    """The class and, when there is none, why (a problem on the income)."""
    if sudden:
        return HardshipClass.SUDDEN, ""
    if line is None:
        return "", "本区县尚未设置低保标准，请先由区县总工会设置"
    if income_per_head < line.amount:
        return HardshipClass.DEEP, ""
    if income_per_head < 2 * line.amount:
        return HardshipClass.RELATIVE, ""
    return "", (
        f"家庭月人均收入{income_per_head}元，不低于低保标准{line.amount}元的两倍，"
        "且非意外致困，不符合建档条件"
    )


def hardship_open(
    *,
    actor: Actor,
    union: Union,
    id_number: str,
    name: str,
    household_size: int,
    income_per_head: Decimal,
    cause: str,
    sudden: bool = False,
    opened_on: date | None = None,
) -> HardshipCase:
    """Open a household's file in ``union`` (a member or registered worker of its subtree)."""
    require_edit(actor, union)
    day = opened_on or timezone.localdate()
    person, id_problem = person_typed(id_number)
    problems = with_id_problem(person_problems(person, union, name.strip()), id_problem)
    if household_size < 1:
        problems.append(("household_size", "家庭人口至少为1"))
    if income_per_head < 0:
        problems.append(("income_per_head", "收入不能为负数"))
    if not cause.strip():
        problems.append(("cause", "请填写致困原因"))
    if day > timezone.localdate():
        problems.append(("opened_on", "建档日期不能晚于今天"))
    klass, why = hardship_class(
        income_per_head=income_per_head, line=poverty_line(union, day), sudden=sudden
    )
    if why:
        problems.append(("income_per_head", why))
    if (
        person is not None
        and HardshipCase.objects.filter(person_hash=person.id_hash, closed_on__isnull=True).exists()
    ):
        problems.append(("id_number", "此人已有困难职工档案，请在原档案中年审"))
    problems_raise(problems)
    assert person is not None
    try:
        with transaction.atomic():
            case = HardshipCase.objects.create(
                union=union,
                person_hash=person.id_hash,
                person_name=person.name,
                person_masked=person.id_masked,
                household_size=household_size,
                income_per_head=income_per_head,
                hardship_class=klass,
                cause=cause.strip()[:255],
                opened_on=day,
                reviewed_on=day,
                created_by=user_of(actor),
            )
            audit_record(
                actor=actor,
                action="care.hardship.open",
                obj=case,
                union=union,
                summary=f"为{person.name}（{person.id_masked}）建立困难职工档案："
                f"{case.get_hardship_class_display()}",
            )
    except IntegrityError:
        problems_raise([("id_number", "此人已有困难职工档案，请在原档案中年审")])
    return case


def year_after(day: date) -> date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return date(day.year + 1, 3, 1)


def year_before(day: date) -> date:
    """The latest day whose year_after is not after ``day``."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February: a review on 28 February is a year old on 29 February
        return date(day.year - 1, 2, 28)


def review_due(case: HardshipCase, today: date) -> bool:
    """A file not reviewed in the last twelve months is due for its yearly review."""
    return case.closed_on is None and year_after(case.reviewed_on) <= today


@transaction.atomic
def hardship_review(
    *,
    actor: Actor,
    case: HardshipCase,
    household_size: int,
    income_per_head: Decimal,
    sudden: bool,
    on: date,
) -> HardshipCase:
    """The yearly review: the class again from today's income; a household no longer in
    hardship is told so (its file is then closed, with the reason)."""
    require_edit(actor, case.union)
    problems: list[tuple[str, str]] = []
    if case.closed_on is not None:
        problems.append(("", "档案已销档，不能年审"))
    if on > timezone.localdate() or on < case.reviewed_on:
        problems.append(("on", "年审日期须在上次年审之后、且不晚于今天"))
    klass, why = hardship_class(
        income_per_head=income_per_head, line=poverty_line(case.union, on), sudden=sudden
    )
    if why:
        problems.append(("income_per_head", why + "；如已脱困请销档"))
    problems_raise(problems)
    before = case.get_hardship_class_display()
    case.household_size = household_size
    case.income_per_head = income_per_head
    case.hardship_class = klass
    case.reviewed_on = on
    case.save()
    audit_record(
        actor=actor,
        action="care.hardship.review",
        obj=case,
        union=case.union,
        summary=f"困难职工档案年审：{case.person_name}，{before} → {case.get_hardship_class_display()}",
    )
    return case


@transaction.atomic
def hardship_close(*, actor: Actor, case: HardshipCase, on: date, reason: str) -> HardshipCase:
    require_edit(actor, case.union)
    problems: list[tuple[str, str]] = []
    if case.closed_on is not None:
        problems.append(("", "档案已销档"))
    if not reason.strip():
        problems.append(("reason", "请填写销档原因"))
    if on < case.opened_on or on > timezone.localdate():
        problems.append(("on", "销档日期须在建档之后、且不晚于今天"))
    problems_raise(problems)
    case.closed_on = on
    case.close_reason = reason.strip()[:255]
    case.save(update_fields=["closed_on", "close_reason"])
    audit_record(
        actor=actor,
        action="care.hardship.close",
        obj=case,
        union=case.union,
        summary=f"困难职工档案销档：{case.person_name}（{case.close_reason}）",
    )
    return case


def aid_create(
    *,
    actor: Actor,
    case: HardshipCase,
    kind: str,
    amount: Decimal,
    reason: str,
    payee_bank: str,
    payee_account: str,
) -> HardshipAid:
    """An aid application for a household on file, submitted to its first review step."""
    require_in_scope(actor, case.union, "只能为本工会及下级工会的困难职工申请帮扶。")
    require_edit(actor, case.union)
    problems: list[tuple[str, str]] = []
    if case.closed_on is not None:
        problems.append(("", "档案已销档，不能申请帮扶"))
    if kind not in AidKind.values:
        problems.append(("kind", "请选择帮扶类别"))
    if amount <= 0:
        problems.append(("amount", "帮扶金额须大于0"))
    if not reason.strip():
        problems.append(("reason", "请填写申请事由"))
    if not payee_bank.strip():
        problems.append(("payee_bank", "请填写收款银行"))
    account = ""
    try:
        account = pii.normalize_bank_account(payee_account)
    except Exception as exc:  # ValidationError: beside the field
        problems.append(("payee_account", getattr(exc, "messages", [str(exc)])[0]))
    problems_raise(problems)
    aid = HardshipAid(
        union=case.union,
        case=case,
        person_hash=case.person_hash,
        person_name=case.person_name,
        person_masked=case.person_masked,
        kind=kind,
        amount=amount,
        reason=reason.strip()[:255],
        payee_bank=payee_bank.strip()[:64],
        account_masked=pii.mask_bank_account(account),
        entered_by=user_of(actor),
    )
    cipher_set(aid, "account_cipher", account)
    from gonghui.care.workflows import HARDSHIP_AID
    from gonghui.core.workflow.services import workflow_submit

    with transaction.atomic():
        aid.save(force_insert=True)
        audit_record(
            actor=actor,
            action="care.hardship_aid.create",
            obj=aid,
            union=case.union,
            summary=f"{case.person_name}申请{aid.get_kind_display()} {amount} 元",
        )
        # Submitted as it is made: a refusal (the actor may not submit) undoes the draft.
        return workflow_submit(HARDSHIP_AID, aid, actor=actor)
