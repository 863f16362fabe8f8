"""导师帮带, innovation studios and their alliances: recorded from the pages, validated
with every problem at once, audited."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from gonghui.core import pii
from gonghui.core.actors import Actor
from gonghui.core.audit import audit_record
from gonghui.core.problems import problems_raise
from gonghui.orgs.models import Enterprise, Union
from gonghui.skills.models import (
    InnovationStudio,
    Mentorship,
    StudioAlliance,
    StudioLevel,
)
from gonghui.skills.permissions import require_edit
from gonghui.skills.services.talents import Person, talents_resolve


def _people(
    pairs: list[tuple[str, str, str, str]], problems: list[tuple[str, str]]
) -> dict[str, Person]:
    """(field, label, ID number, name) → the person, or a problem by field."""
    found: dict[str, Person] = {}
    for field, label, raw_id, name in pairs:
        try:
            id18 = pii.normalize_id_number(raw_id)
        except ValidationError as exc:
            problems.append((field, f"{label}身份证号：{exc.messages[0]}"))
            continue
        if not name.strip():
            problems.append((field, f"请填写{label}姓名"))
            continue
        found[field] = Person(id18, name.strip())
    return found


def _names_check(people: dict[str, Person], union: Union, problems: list[tuple[str, str]]) -> None:
    """A name that differs from the one on file (or on the roster) is a problem."""
    resolved = talents_resolve(list(people.values()), union=union, write=False)
    for field, person in people.items():
        reason = resolved.refused.get(person.id_number)
        if reason:
            problems.append((field, reason))


def mentorship_create(
    *,
    actor: Actor,
    union: Union,
    mentor_id: str,
    mentor_name: str,
    apprentice_id: str,
    apprentice_name: str,
    started_on: date,
    ended_on: date | None = None,
    outcome: str = "",
) -> Mentorship:
    """Pair a mentor and an apprentice (their skills files made if they have none)."""
    require_edit(actor, union)
    problems: list[tuple[str, str]] = []
    people = _people(
        [
            ("mentor_id", "导师", mentor_id, mentor_name),
            ("apprentice_id", "徒弟", apprentice_id, apprentice_name),
        ],
        problems,
    )
    if len(people) == 2 and people["mentor_id"].id_number == people["apprentice_id"].id_number:
        problems.append(("apprentice_id", "导师和徒弟不能是同一个人"))
    if ended_on is not None and ended_on < started_on:
        problems.append(("ended_on", "结束日期不能早于结对日期"))
    _names_check(people, union, problems)
    problems_raise(problems)
    with transaction.atomic():
        resolved = talents_resolve(list(people.values()), union=union, write=True)
        mentor = resolved.talents[people["mentor_id"].id_number]
        apprentice = resolved.talents[people["apprentice_id"].id_number]
        if Mentorship.objects.filter(
            mentor=mentor, apprentice=apprentice, ended_on__isnull=True
        ).exists():
            problems_raise(
                [("apprentice_id", f"{mentor.name}与{apprentice.name}的帮带关系已经登记")]
            )
        made = Mentorship.objects.create(
            union=union,
            mentor=mentor,
            apprentice=apprentice,
            started_on=started_on,
            ended_on=ended_on,
            outcome=outcome.strip()[:300],
        )
        audit_record(
            actor=actor,
            action="skills.mentorship.create",
            obj=made,
            union=union,
            summary=f"登记导师帮带：{pii.mask_name(mentor.name)} 带 {pii.mask_name(apprentice.name)}",
        )
    return made


def studio_create(
    *,
    actor: Actor,
    union: Union,
    name: str,
    level: str,
    leader_id: str,
    leader_name: str,
    enterprise_name: str,
    founded_on: date,
    uscc: str = "",
    members_count: int = 0,
    patents: int = 0,
    innovations: int = 0,
    savings: Decimal = Decimal(0),
) -> InnovationStudio:
    require_edit(actor, union)
    problems: list[tuple[str, str]] = []
    name = name.strip()
    if not name:
        problems.append(("name", "请填写工作室名称"))
    elif InnovationStudio.objects.filter(name=name).exists():
        problems.append(("name", f"“{name}”已经登记"))
    if level not in StudioLevel.values:
        problems.append(("level", "请选择级别"))
    people = _people([("leader_id", "领衔人", leader_id, leader_name)], problems)
    enterprise = None
    if uscc:
        try:
            code = pii.normalize_uscc(uscc)
        except ValidationError as exc:
            problems.append(("uscc", f"统一社会信用代码：{exc.messages[0]}"))
        else:
            enterprise = Enterprise.objects.visible_to(actor).filter(uscc=code).first()
    if not enterprise_name.strip() and enterprise is None:
        problems.append(("enterprise_name", "请填写所在企业"))
    _names_check(people, union, problems)
    problems_raise(problems)
    with transaction.atomic():
        leader = talents_resolve(list(people.values()), union=union, write=True).talents[
            people["leader_id"].id_number
        ]
        made = InnovationStudio.objects.create(
            union=union,
            name=name[:128],
            level=level,
            leader=leader,
            enterprise=enterprise,
            enterprise_name=(enterprise_name.strip() or (enterprise.name if enterprise else ""))[
                :128
            ],
            founded_on=founded_on,
            members_count=members_count,
            patents=patents,
            innovations=innovations,
            savings=savings,
        )
        audit_record(
            actor=actor,
            action="skills.studio.create",
            obj=made,
            union=union,
            summary=f"登记创新工作室“{made.name}”",
        )
    return made


def alliance_create(
    *,
    actor: Actor,
    union: Union,
    name: str,
    founded_on: date,
    lead_studio: InnovationStudio,
    studios: list[InnovationStudio],
    industry: str = "",
) -> StudioAlliance:
    """An alliance of studios in the actor's scope, led by one of them."""
    require_edit(actor, union)
    problems: list[tuple[str, Any]] = []
    name = name.strip()
    if not name:
        problems.append(("name", "请填写联盟名称"))
    elif StudioAlliance.objects.filter(name=name).exists():
        problems.append(("name", f"“{name}”已经登记"))
    members = {s.pk: s for s in [lead_studio, *studios]}
    if len(members) < 2:
        problems.append(("studios", "联盟至少由两个工作室组成"))
    problems_raise(problems)
    with transaction.atomic():
        made = StudioAlliance.objects.create(
            union=union,
            name=name[:128],
            industry=industry.strip()[:64],
            founded_on=founded_on,
            lead_studio=lead_studio,
        )
        made.studios.set(members.values())
        audit_record(
            actor=actor,
            action="skills.alliance.create",
            obj=made,
            union=union,
            summary=f"登记创新工作室联盟“{made.name}”（{len(members)} 个工作室）",
        )
    return made
