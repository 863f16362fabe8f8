"""Honours: nomination rounds with places per county, nominations proposed by grassroots
and township unions and reviewed through the workflow engine, and the registry written
when a nomination is approved after its public notice."""

from __future__ import annotations

import math
from collections import defaultdict
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from gonghui.core import pii
from gonghui.core.actors import Actor, user_of
from gonghui.core.audit import audit_record
from gonghui.core.fields import cipher_set
from gonghui.core.problems import problems_raise
from gonghui.core.scoping import in_scope
from gonghui.core.workflow import State
from gonghui.core.workflow.services import HOLDING_PLACE, workflow_submit
from gonghui.orgs.models import Union
from gonghui.skills.models import (
    HONOUR_SUBJECTS,
    CareKind,
    Honour,
    HonourAllowance,
    HonourCare,
    HonourKind,
    HonourLevel,
    HonourSubject,
    Nomination,
    NominationRound,
    RoundPlaces,
)
from gonghui.skills.permissions import require_edit
from gonghui.skills.services.talents import Person, talents_resolve

RELEASED = (State.REJECTED, State.WITHDRAWN)


def round_counties(union: Union) -> list[Union]:
    """The counties a round organised by ``union`` gives places to."""
    if union.level == Union.Level.COUNTY:
        return [union]
    return list(
        Union.objects.filter(path__startswith=union.path, level=Union.Level.COUNTY).order_by("code")
    )


def round_create(
    *,
    actor: Actor,
    union: Union,
    year: int,
    kind: str,
    level: str,
    name: str,
    closes_on: date,
    places: dict[str, int],
    conditions: str = "",
    frontline_min_pct: int = 0,
) -> NominationRound:
    """A nomination round with ``places`` by county code (counties left out get none)."""
    require_edit(actor, union)
    if union.level not in (Union.Level.CITY, Union.Level.COUNTY):
        raise PermissionDenied("荣誉评选由市总工会或区县总工会组织。")
    problems: list[tuple[str, str]] = []
    if kind not in HonourKind.values:
        problems.append(("kind", "请选择荣誉"))
    if level not in HonourLevel.values:
        problems.append(("level", "请选择级别"))
    if not name.strip():
        problems.append(("name", "请填写评选名称"))
    if not 0 <= frontline_min_pct <= 100:
        problems.append(("frontline_min_pct", "一线职工比例应为 0 到 100"))
    counties = {c.code: c for c in round_counties(union)}
    unknown = sorted(set(places) - set(counties))
    if unknown:
        problems.append(("places", f"不是本工会下属的区县：{'、'.join(unknown)}"))
    if any(n < 0 for n in places.values()):
        problems.append(("places", "名额不能为负数"))
    if not any(places.values()):
        problems.append(("places", "请至少为一个区县分配名额"))
    if NominationRound.objects.filter(union=union, year=year, kind=kind, level=level).exists():
        problems.append(("name", f"{year}年的这项评选已经建立"))
    problems_raise(problems)
    with transaction.atomic():
        made = NominationRound.objects.create(
            union=union,
            year=year,
            kind=kind,
            level=level,
            name=name.strip()[:128],
            conditions=conditions.strip(),
            frontline_min_pct=frontline_min_pct,
            closes_on=closes_on,
        )
        RoundPlaces.objects.bulk_create(
            [
                RoundPlaces(round=made, county=counties[code], places=n)
                for code, n in sorted(places.items())
                if n
            ]
        )
        audit_record(
            actor=actor,
            action="skills.round.create",
            obj=made,
            union=union,
            summary=f"建立荣誉评选“{made.name}”，名额 {sum(places.values())} 个",
        )
    return made


def _places_of(round_: NominationRound, union: Union) -> RoundPlaces | None:
    return (
        RoundPlaces.objects.select_related("county")
        .filter(round=round_, county__code=union.code[:6])
        .first()
    )


def nomination_create(
    *,
    actor: Actor,
    union: Union,
    round_: NominationRound,
    deeds: str,
    id_number: str = "",
    name: str = "",
    unit_name: str = "",
    team_name: str = "",
    frontline: bool = False,
    submit: bool = True,
    today: date | None = None,
) -> Nomination:
    """Propose a person, a unit or a team for the round's honour, and submit it for review
    (unless ``submit`` is false: a draft)."""
    require_edit(actor, union)
    if union.level not in (Union.Level.GRASSROOTS, Union.Level.TOWNSHIP):
        raise PermissionDenied("荣誉推荐由基层工会或乡镇（街道）工会提出。")
    today = today or timezone.localdate()
    problems: list[tuple[str, str]] = []
    subject = HONOUR_SUBJECTS[HonourKind(round_.kind)]
    honour = f"{round_.get_level_display()}{round_.get_kind_display()}"
    if today > round_.closes_on:
        problems.append(("round", f"“{round_.name}”已于 {round_.closes_on:%Y-%m-%d} 截止推荐"))
    places = _places_of(round_, union)
    if places is None:
        problems.append(("round", f"“{round_.name}”没有给{union.name}所在区县分配名额"))
    if not deeds.strip():
        problems.append(("deeds", "请填写主要事迹"))
    person: Person | None = None
    if subject == HonourSubject.PERSON:
        try:
            person = Person(pii.normalize_id_number(id_number), name.strip())
        except ValidationError as exc:
            problems.append(("id_number", f"身份证号：{exc.messages[0]}"))
        if not name.strip():
            problems.append(("name", "请填写被推荐人姓名"))
    if subject in (HonourSubject.UNIT, HonourSubject.TEAM) and not unit_name.strip():
        problems.append(("unit_name", "请填写单位名称"))
    if subject == HonourSubject.TEAM and not team_name.strip():
        problems.append(("team_name", "请填写班组（团队）名称"))
    if person is not None and name.strip():
        resolved = talents_resolve([person], union=union, write=False)
        reason = resolved.refused.get(person.id_number)
        if reason:
            problems.append(("name", reason))
        talent = resolved.talents.get(person.id_number)
        if talent is not None and talent.pk is not None:
            if Honour.objects.filter(talent=talent, kind=round_.kind, level=round_.level).exists():
                problems.append(("name", f"{talent.name}已获得{honour}，不能重复推荐"))
            if (
                Nomination.objects.filter(round=round_, talent=talent)
                .exclude(state__in=RELEASED)
                .exists()
            ):
                problems.append(("name", f"{talent.name}已在本次评选中被推荐"))
    if places is not None:
        held = Nomination.objects.filter(places=places, state__in=HOLDING_PLACE).count()
        if held >= places.places:
            problems.append(
                ("round", f"{places.county.name}的 {places.places} 个名额已全部批准，不能再推荐")
            )
    problems_raise(problems)
    assert places is not None
    with transaction.atomic():
        talent = None
        if person is not None:
            talent = talents_resolve([person], union=union, write=True).talents[person.id_number]
        made = Nomination.objects.create(
            union=union,
            round=round_,
            places=places,
            talent=talent,
            unit_name=unit_name.strip()[:128],
            team_name=team_name.strip()[:128],
            frontline=frontline,
            deeds=deeds.strip(),
            entered_by=user_of(actor),
        )
        audit_record(
            actor=actor,
            action="skills.nomination.create",
            obj=made,
            union=union,
            summary=f"推荐{pii.mask_name(made.nominee) if talent else made.nominee}为{honour}",
        )
    if submit:
        from gonghui.skills.workflows import NOMINATION

        made = workflow_submit(NOMINATION, made, actor=actor)
    return made


def nominations_frontline_check(items: list[Nomination]) -> dict[int, str]:
    """Under the approval's lock: a county's places keep the round's share for frontline
    workers, so nominations of others beyond the rest are refused (a person's honour only;
    units and teams are not counted)."""
    rows = sorted(
        {i.places_id for i in items if not i.frontline and i.round.frontline_min_pct},
    )
    if not rows:
        return {}
    locked = {
        p.pk: p
        for p in RoundPlaces.objects.select_for_update()
        .select_related("round", "county")
        .filter(pk__in=rows)
        .order_by("pk")
    }
    held = dict(
        Nomination.objects.filter(places_id__in=rows, frontline=False, state__in=HOLDING_PLACE)
        .exclude(pk__in=[i.pk for i in items])
        .values_list("places_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    by_row: dict[int, list[Nomination]] = defaultdict(list)
    for item in sorted(items, key=lambda i: i.pk):
        if not item.frontline and item.places_id in locked:
            by_row[item.places_id].append(item)
    refused: dict[int, str] = {}
    for pk, waiting in by_row.items():
        row = locked[pk]
        pct = row.round.frontline_min_pct
        others = row.places - math.ceil(row.places * pct / 100)
        free = max(others - held.get(pk, 0), 0)
        for item in waiting[free:]:
            refused[item.pk] = (
                f"一线职工比例不得低于 {pct}%：{row.county.name}的 {row.places} 个名额中，"
                f"非一线职工最多 {others} 个，已全部批准。"
            )
    return refused


def honours_grant(items: list[Nomination]) -> None:
    """Approved nominations enter the registry (in the approval's transaction)."""
    today = timezone.localdate()
    granted = set(
        Honour.objects.filter(nomination__in=items).values_list("nomination_id", flat=True)
    )
    fresh: list[Honour] = []
    for item in items:
        round_ = item.round
        if item.pk in granted:
            continue
        fresh.append(
            Honour(
                union=item.union,
                kind=round_.kind,
                level=round_.level,
                year=round_.year,
                granted_on=today,
                talent=item.talent,
                unit_name=item.unit_name,
                team_name=item.team_name,
                nomination=item,
            )
        )
    Honour.objects.bulk_create(fresh)


def honour_record(
    *,
    actor: Actor,
    union: Union,
    kind: str,
    level: str,
    year: int,
    granted_on: date,
    id_number: str = "",
    name: str = "",
    unit_name: str = "",
    team_name: str = "",
) -> Honour:
    """Record an honour granted earlier (before gonghui) in the registry."""
    require_edit(actor, union)
    problems: list[tuple[str, str]] = []
    subject = HONOUR_SUBJECTS.get(HonourKind(kind)) if kind in HonourKind.values else None
    if subject is None:
        problems.append(("kind", "请选择荣誉"))
    if level not in HonourLevel.values:
        problems.append(("level", "请选择级别"))
    person = None
    if subject == HonourSubject.PERSON:
        try:
            person = Person(pii.normalize_id_number(id_number), name.strip())
        except ValidationError as exc:
            problems.append(("id_number", f"身份证号：{exc.messages[0]}"))
    elif not unit_name.strip():
        problems.append(("unit_name", "请填写单位名称"))
    problems_raise(problems)
    with transaction.atomic():
        talent = None
        if person is not None:
            resolved = talents_resolve([person], union=union, write=True)
            if person.id_number in resolved.refused:
                problems_raise([("name", resolved.refused[person.id_number])])
            talent = resolved.talents[person.id_number]
            if Honour.objects.filter(talent=talent, kind=kind, level=level).exists():
                problems_raise([("name", f"{talent.name}已在荣誉名录中")])
        made = Honour.objects.create(
            union=union,
            kind=kind,
            level=level,
            year=year,
            granted_on=granted_on,
            talent=talent,
            unit_name=unit_name.strip()[:128],
            team_name=team_name.strip()[:128],
        )
        audit_record(
            actor=actor,
            action="skills.honour.record",
            obj=made,
            union=union,
            summary=f"登记荣誉：{made.get_level_display()}{made.get_kind_display()}",
        )
    return made


def may_nominate(actor: Actor, union: Union) -> bool:
    return union.level in (Union.Level.GRASSROOTS, Union.Level.TOWNSHIP) and in_scope(actor, union)


def places_board(round_: NominationRound) -> list[dict[str, Any]]:
    """Each county's places with how many are taken and how many are under review."""
    counts: defaultdict[int, defaultdict[str, int]] = defaultdict(lambda: defaultdict(int))
    for places_id, state, n in (
        Nomination.objects.filter(round=round_)
        .values_list("places_id", "state")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        counts[places_id][state] += n
    return [
        {
            "county": row.county,
            "places": row.places,
            "held": sum(counts[row.pk][s] for s in HOLDING_PLACE),
            "in_review": counts[row.pk][State.IN_REVIEW],
        }
        for row in round_.places.select_related("county").order_by("county__code")
    ]


def care_record(*, actor: Actor, honour: Honour, kind: str, on: date, note: str = "") -> HonourCare:
    """Record a visit or a health check of an honoured person, by a union above them or
    their own."""
    require_edit(actor, honour.union)
    problems: list[tuple[str, str]] = []
    if kind not in CareKind.values:
        problems.append(("kind", "请选择事项"))
    if honour.talent_id is None:
        problems.append(("kind", "集体和班组荣誉没有个人关爱记录"))
    if on > timezone.localdate():
        problems.append(("on", "日期不能晚于今天"))
    problems_raise(problems)
    with transaction.atomic():
        made = HonourCare.objects.create(
            union=honour.union,
            honour=honour,
            kind=kind,
            on=on,
            note=note.strip()[:300],
            created_by=user_of(actor),
        )
        audit_record(
            actor=actor,
            action="skills.care.record",
            obj=made,
            union=honour.union,
            summary=f"登记劳模关爱：{made.get_kind_display()}（{on:%Y-%m-%d}）",
        )
    return made


ALLOWANCE_MAX = Decimal("100000.00")


def allowance_create(
    *,
    actor: Actor,
    honour: Honour,
    year: int,
    amount: Decimal,
    reason: str,
    payee_bank: str,
    account: str,
) -> HonourAllowance:
    """Apply for a person's yearly allowance and submit it for review: once a year per
    honour, paid through a payout batch after approval."""
    require_edit(actor, honour.union)
    problems: list[tuple[str, str]] = []
    if honour.talent_id is None:
        problems.append(("amount", "补助发给个人：集体和班组荣誉不能申请"))
    if not Decimal(0) < amount <= ALLOWANCE_MAX:
        problems.append(("amount", f"金额应大于 0、不超过 {ALLOWANCE_MAX} 元"))
    if not reason.strip():
        problems.append(("reason", "请填写补助事由"))
    if not payee_bank.strip():
        problems.append(("payee_bank", "请填写收款银行"))
    normalised = ""
    try:
        normalised = pii.normalize_bank_account(account)
    except ValidationError as exc:
        problems.append(("account", f"收款账号：{exc.messages[0]}"))
    if (
        HonourAllowance.objects.filter(honour=honour, year=year)
        .exclude(state__in=RELEASED)
        .exists()
    ):
        problems.append(("year", f"{year}年的补助已经申请"))
    problems_raise(problems)
    with transaction.atomic():
        made = HonourAllowance(
            union=honour.union,
            honour=honour,
            year=year,
            amount=amount,
            reason=reason.strip()[:200],
            payee_bank=payee_bank.strip()[:64],
            account_masked=pii.mask_bank_account(normalised),
            entered_by=user_of(actor),
        )
        cipher_set(made, "account_cipher", normalised)
        made.save()
        audit_record(
            actor=actor,
            action="skills.allowance.create",
            obj=made,
            union=honour.union,
            summary=f"申请劳模补助 {amount} 元（{year}年）",
        )
    from gonghui.skills.workflows import ALLOWANCE

    submitted: HonourAllowance = workflow_submit(ALLOWANCE, made, actor=actor)
    return submitted
