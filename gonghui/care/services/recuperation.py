"""Recuperation (疗休养): batches loaded by the city with each county's places, applications
(the ``recuperation-applications`` sheet, submitted to the city's allocation step), the
allocation by the rule of ``care/allocation.py``, and attendance, which writes the
recuperation delivery of each attendant."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count

from gonghui.care.allocation import Applicant, CountyPlaces, Placement, allocate
from gonghui.care.models import (
    PRIORITY_LABELS,
    BatchQuota,
    Delivery,
    RecuperationApplication,
    RecuperationBase,
    RecuperationBatch,
    ServiceItem,
    Source,
)
from gonghui.care.services.deliveries import Served, delivery_row
from gonghui.care.workflows import RECUPERATION
from gonghui.core.actors import Actor, is_operator
from gonghui.core.audit import audit_record
from gonghui.core.problems import problems_raise
from gonghui.core.scoping import require_in_scope
from gonghui.core.workflow.models import Action, State
from gonghui.core.workflow.services import HOLDING_PLACE, may_act_at, transition_many
from gonghui.members.people import Person
from gonghui.orgs.models import Union
from gonghui.skills.models import Honour, HonourKind

# The honours whose holders a batch may put first (个人 honours of the registry).
HONOUR_KINDS = (HonourKind.MODEL_WORKER, HonourKind.MAY_DAY_MEDAL, HonourKind.CRAFTSMAN)


@dataclass
class Loaded:
    batch: RecuperationBatch
    outcome: str  # created, updated, unchanged


def _day(value: Any, name: str, problems: list[tuple[str, str]]) -> date | None:
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        problems.append((name, f"{name}应为 YYYY-MM-DD 格式的日期"))
        return None


def batch_load(*, actor: Actor, data: Any) -> Loaded:
    """Load (or update) a batch from its JSON description; idempotent by code. The union is
    the city's; every county named must be a county of it, and their places may not add up
    to more than the batch's."""
    if not isinstance(data, dict):
        raise ValidationError("文件内容应为一个 JSON 对象。")
    problems: list[tuple[str, str]] = []
    code = str(data.get("code") or "").strip()
    if not code:
        problems.append(("code", "缺少批次编号 code"))
    union = Union.objects.filter(code=str(data.get("union") or "")).first()
    if union is None:
        problems.append(("union", f"找不到组织工会 {data.get('union')!r}"))
    else:
        require_in_scope(actor, union, "只能为本工会及下级工会载入疗休养批次。")
    base_name = str(data.get("base") or "").strip()
    if not base_name:
        problems.append(("base", "缺少疗休养基地 base"))
    start = _day(data.get("start"), "start", problems)
    end = _day(data.get("end"), "end", problems)
    if start and end and end < start:
        problems.append(("end", "结束日期不能早于开始日期"))
    try:
        raw: Any = data.get("places")
        places = int(raw)
        if places <= 0:
            raise ValueError
    except (TypeError, ValueError):
        problems.append(("places", "名额 places 应为正整数"))
        places = 0
    try:
        cost = Decimal(str(data.get("cost_per_person")))
        if cost < 0 or cost != cost.quantize(Decimal("0.01")):
            raise InvalidOperation
    except InvalidOperation:
        problems.append(
            ("cost_per_person", "人均费用 cost_per_person 应为不小于0、最多两位小数的金额")
        )
        cost = Decimal(0)
    priority = data.get("priority", ["honour", "new_form", "frontline"])
    if not isinstance(priority, list) or any(p not in PRIORITY_LABELS for p in priority):
        problems.append(("priority", f"优先顺序 priority 只能取 {sorted(PRIORITY_LABELS)}"))
        priority = []
    quota = data.get("quota") or {}
    counties: dict[str, Union] = {}
    if not isinstance(quota, dict) or not quota:
        problems.append(("quota", "缺少各区县名额 quota"))
        quota = {}
    elif union is not None:
        counties = {
            u.code: u
            for u in Union.objects.filter(
                path__startswith=union.path, level=Union.Level.COUNTY, code__in=list(quota)
            )
        }
        for county_code, n in quota.items():
            if county_code not in counties:
                problems.append(("quota", f"{county_code} 不是{union.name}下的区县工会"))
            if not isinstance(n, int) or n < 0:
                problems.append(("quota", f"{county_code} 的名额应为不小于0的整数"))
        if all(isinstance(n, int) for n in quota.values()) and sum(quota.values()) > places:
            problems.append(
                ("quota", f"各区县名额合计{sum(quota.values())}个，超过批次名额{places}个")
            )
    problems_raise(problems)
    assert union is not None and start is not None and end is not None
    with transaction.atomic():
        base, _ = RecuperationBase.objects.get_or_create(
            name=base_name,
            defaults={
                "union": union,
                "location": str(data.get("location") or base_name)[:64],
                "inside_city": bool(data.get("inside_city", True)),
            },
        )
        fields = {
            "base": base,
            "union": union,
            "start": start,
            "end": end,
            "places": places,
            "cost_per_person": cost,
            "priority": ",".join(priority),
        }
        batch = RecuperationBatch.objects.select_for_update().filter(code=code).first()
        if batch is None:
            batch = RecuperationBatch.objects.create(code=code, **fields)
            outcome = "created"
        else:
            changed = any(getattr(batch, k) != v for k, v in fields.items())
            for k, v in fields.items():
                setattr(batch, k, v)
            if changed:
                batch.save()
            outcome = "updated" if changed else "unchanged"
        for county_code, n in quota.items():
            row, made = BatchQuota.objects.get_or_create(
                batch=batch, county=counties[county_code], defaults={"places": n}
            )
            if not made and row.places != n:
                held = row.applications.filter(state__in=HOLDING_PLACE).count()
                if n < held:
                    problems_raise(
                        [("quota", f"{row.county.name}已录取{held}人，名额不能减到{n}个")]
                    )
                row.places = n
                row.save(update_fields=["places"])
                outcome = "updated"
            elif made and outcome == "unchanged":
                outcome = "updated"
        if outcome != "unchanged":
            audit_record(
                actor=actor,
                action="care.batch.load",
                obj=batch,
                union=union,
                summary=f"{'载入' if outcome == 'created' else '更新'}疗休养批次{batch.code}"
                f"（{base.name}，{start:%Y-%m-%d}至{end:%Y-%m-%d}，名额{places}个）",
            )
    return Loaded(batch, outcome)


def application_problems(
    *,
    batch: RecuperationBatch,
    person: Person,
    quotas: dict[str, BatchQuota],
    held: dict[int, int],
) -> tuple[BatchQuota | None, list[tuple[str, str]]]:
    """The county quota an application of ``person`` falls under, and why it cannot be made."""
    if batch.closed:
        return None, [("batch", f"批次{batch.code}已截止报名")]
    county_path = str(person.union.path)[: 2 * Union.steplen]
    quota = quotas.get(county_path)
    if quota is None:
        return None, [("id_number", f"批次{batch.code}没有为此人所在区县分配名额")]
    if held.get(quota.pk, 0) >= quota.places:
        return quota, [
            ("id_number", f"{quota.county.name}在批次{batch.code}的{quota.places}个名额已满")
        ]
    return quota, []


def quotas_of(batch: RecuperationBatch) -> tuple[dict[str, BatchQuota], dict[int, int]]:
    """The batch's quotas by county path, and the places each holds already."""
    rows = list(batch.quotas.select_related("county"))
    held = dict(
        RecuperationApplication.objects.filter(batch=batch, state__in=HOLDING_PLACE)
        .values_list("quota_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {q.county.path: q for q in rows}, held


@dataclass
class Allocation:
    batch: RecuperationBatch
    applications: int
    placements: list[Placement] = field(default_factory=list)
    county_of: dict[int, str] = field(default_factory=dict)  # quota id -> county code
    approved: int = 0
    rejected: int = 0

    def as_dict(self) -> dict[str, Any]:
        def entry(p: Placement) -> dict[str, Any]:
            out: dict[str, Any] = {
                "row": p.applicant.row,
                "county": self.county_of[p.applicant.county],
                "rank": p.rank,
            }
            if not p.allocated:
                out["reason"] = p.reason
            return out

        return {
            "batch": self.batch.code,
            "places": self.batch.places,
            "applications": self.applications,
            "allocated": [entry(p) for p in self.placements if p.allocated],
            "refused": [entry(p) for p in self.placements if not p.allocated],
        }


def _attended_recently(batch: RecuperationBatch, hashes: list[str]) -> set[str]:
    """Who attended a recuperation batch that started in the three calendar years before
    this batch's start year."""
    year = batch.start.year
    return set(
        RecuperationApplication.objects.filter(
            person_hash__in=hashes,
            attended=True,
            batch__start__gte=date(year - 3, 1, 1),
            batch__start__lte=date(year - 1, 12, 31),
        ).values_list("person_hash", flat=True)
    )


def _honoured(hashes: list[str], before: date) -> set[str]:
    return set(
        Honour.objects.filter(
            talent__id_hash__in=hashes, kind__in=HONOUR_KINDS, granted_on__lte=before
        ).values_list("talent__id_hash", flat=True)
    )


def allocation_plan(batch: RecuperationBatch) -> Allocation:
    """The allocation of the applications waiting at the city's step, by the rule."""
    waiting = list(
        RecuperationApplication.objects.filter(
            batch=batch, state=State.IN_REVIEW, step="city_allocation"
        ).only("id", "quota_id", "applied_at", "new_form", "frontline", "person_hash", "row")
    )
    hashes = [a.person_hash for a in waiting]
    recent = _attended_recently(batch, hashes)
    honoured = _honoured(hashes, batch.start) if "honour" in batch.priority_keys else set()
    quotas, held = quotas_of(batch)
    counties = {
        q.pk: CountyPlaces(q.county.name, q.places, held.get(q.pk, 0)) for q in quotas.values()
    }
    applicants = [
        Applicant(
            id=a.pk,
            county=a.quota_id,
            applied_at=a.applied_at,
            groups=frozenset(
                g
                for g, yes in (
                    ("honour", a.person_hash in honoured),
                    ("new_form", a.new_form),
                    ("frontline", a.frontline),
                )
                if yes
            ),
            attended_recently=a.person_hash in recent,
            row=a.row,
        )
        for a in waiting
    ]
    result = Allocation(batch=batch, applications=len(waiting))
    result.placements = allocate(applicants, counties=counties, priority=batch.priority_keys)
    result.county_of = {q.pk: q.county.code for q in quotas.values()}
    return result


def batch_allocate(*, actor: Actor, batch: RecuperationBatch, dry_run: bool) -> Allocation:
    """Allocate the waiting applications. A dry run only says what the rule gives. Otherwise
    each application keeps its rank (and the reason when refused), and a reviewer of the
    batch's city approves the allocated (through the engine, whose quota holds under
    concurrent approvals) and rejects the rest with their reason; the server operator
    records the ranks only, for the city's reviewer to confirm on the batch's page."""
    require_in_scope(actor, batch.union, "只能分配本工会的疗休养批次。")
    plan = allocation_plan(batch)
    if dry_run:
        return plan
    step = RECUPERATION.step("city_allocation")
    assert step is not None
    own = getattr(actor, "union", None)
    reviews = not is_operator(actor) and own is not None and own.depth == step.depth
    with transaction.atomic():
        RecuperationApplication.objects.bulk_update(
            [
                RecuperationApplication(pk=p.applicant.id, rank=p.rank, reason=p.reason)
                for p in plan.placements
            ],
            ["rank", "reason"],
            batch_size=1000,
        )
        if reviews:
            allocated = [p.applicant.id for p in plan.placements if p.allocated]
            report = transition_many(RECUPERATION, allocated, Action.APPROVE, actor=actor)
            plan.approved = len(report.done)
            for p in plan.placements:
                if not p.allocated:
                    rejected = transition_many(
                        RECUPERATION, [p.applicant.id], Action.REJECT, actor=actor, comment=p.reason
                    )
                    plan.rejected += len(rejected.done)
        audit_record(
            actor=actor,
            action="care.batch.allocate",
            obj=batch,
            union=batch.union,
            summary=f"疗休养批次{batch.code}按规则分配：{plan.applications}份申请，"
            f"获分配{sum(p.allocated for p in plan.placements)}人",
        )
    return plan


def may_allocate(actor: Actor, batch: RecuperationBatch) -> bool:
    step = RECUPERATION.step("city_allocation")
    probe = RecuperationApplication(union=batch.union)
    return step is not None and may_act_at(actor, step, probe)


def attendance_record(
    *, actor: Actor, batch: RecuperationBatch, applications: list[RecuperationApplication]
) -> int:
    """Mark approved applications attended, each with its recuperation delivery (at the
    batch's start, the batch's cost per person); already attended ones change nothing."""
    item = ServiceItem.objects.get(key="recuperation")
    todo = [a for a in applications if not a.attended]
    if not todo:
        return 0
    from gonghui.members.people import people_find

    people = people_find([a.person_hash for a in todo])
    deliveries = []
    for a in todo:
        person = people.get(a.person_hash)
        if person is None:
            continue
        deliveries.append(
            delivery_row(
                item=item,
                person=person,
                union=a.union,
                on=batch.start,
                served=Served(
                    cost=batch.cost_per_person,
                    reference=f"recuperation:{a.pk}",
                    frontline=a.frontline,
                ),
                source=Source.RECUPERATION,
                actor=actor,
            )
        )
    with transaction.atomic():
        RecuperationApplication.objects.filter(pk__in=[a.pk for a in todo]).update(attended=True)
        Delivery.objects.bulk_create(deliveries, ignore_conflicts=True)
        audit_record(
            actor=actor,
            action="care.batch.attend",
            obj=batch,
            union=batch.union,
            summary=f"疗休养批次{batch.code}登记参加{len(todo)}人",
        )
    return len(todo)


def applied_at_of(day: date) -> datetime:
    """An imported application's time: the start of its day (the file's row order breaks
    ties, through the id)."""
    from django.utils import timezone

    return timezone.make_aware(datetime(day.year, day.month, day.day))


def recuperation_apply(
    *, actor: Actor, batch: RecuperationBatch, id_number: str, name: str, frontline: bool
) -> RecuperationApplication:
    """One application for a place in ``batch``, submitted to the city's allocation: by the
    office for a person of its subtree, or by a worker for themselves from the portal. The
    rules are the sheet's (``application_problems``), checked again under the batch's lock."""
    from django.db import IntegrityError
    from django.utils import timezone

    from gonghui.care.permissions import require_edit
    from gonghui.care.services.deliveries import person_problems, person_typed, with_id_problem
    from gonghui.core.actors import ApplicantActor, require_self, user_of
    from gonghui.core.workflow.services import workflow_submit
    from gonghui.members.models import EmploymentForm

    person, id_problem = person_typed(id_number)
    if isinstance(actor, ApplicantActor):
        if person is not None:
            require_self(actor, person.id_hash)
    else:
        assert actor.union is not None
        require_edit(actor, actor.union)
    assert actor.union is not None
    problems = with_id_problem(person_problems(person, actor.union, name.strip()), id_problem)
    problems_raise(problems)
    assert person is not None
    once = [("batch", f"已申请批次{batch.code}，不能重复申请")]
    with transaction.atomic():
        RecuperationBatch.objects.select_for_update().filter(pk=batch.pk).exists()
        if (
            batch.applications.filter(person_hash=person.id_hash)
            .exclude(state__in=(State.REJECTED, State.WITHDRAWN))
            .exists()
        ):
            problems_raise(once)
        quotas, held = quotas_of(batch)
        quota, more = application_problems(batch=batch, person=person, quotas=quotas, held=held)
        problems_raise(more)
        assert quota is not None
        try:
            with transaction.atomic():
                application = RecuperationApplication.objects.create(
                    union=person.union,
                    batch=batch,
                    quota=quota,
                    person_hash=person.id_hash,
                    person_name=person.name,
                    person_masked=person.id_masked,
                    applied_at=timezone.now(),
                    frontline=frontline,
                    new_form=person.employment_form == EmploymentForm.NEW_FORM,
                    amount=batch.cost_per_person,
                    entered_by=user_of(actor),
                )
        except IntegrityError:
            problems_raise(once)
        audit_record(
            actor=actor,
            action="care.recuperation.apply",
            obj=application,
            union=person.union,
            summary=f"{person.name}（{person.id_masked}）申请疗休养批次{batch.code}",
        )
        workflow_submit(RECUPERATION, application, actor=actor)
    return RecuperationApplication.objects.get(pk=application.pk)
