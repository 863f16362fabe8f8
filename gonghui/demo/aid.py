"""Demo mutual aid and relief: plans for 2022 and 2023, most members enrolled, and claims
and relief applications in every state, with their review trails and payout batches.

At city scale about 25,000 claims are paid in the first half of 2023 (the seed's 22,000+
person-times), with realistic amounts computed by the plan's own terms. Records are written
directly, in bulk, with the business dates of a past year; the services are not used
because their rules (a claim must be filed within the deadline, counted from today) would
refuse a history. A second run adds nothing: claims are generated once per plan.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.db import connection, transaction
from django.utils import timezone

from gonghui.aid.models import (
    Category,
    MutualAidClaim,
    MutualAidEnrollment,
    MutualAidPlan,
    ReliefApplication,
    ReliefPolicy,
)
from gonghui.aid.terms import (
    EXAMPLE_CATEGORIES,
    EXAMPLE_RELIEF_TIERS,
    category_terms_parse,
    payout_compute,
)
from gonghui.core import pii
from gonghui.core.bulk import ids_reserve
from gonghui.core.workflow import workflow_get
from gonghui.core.workflow.models import Action, PayoutBatch, PayoutItem, ReviewEntry, State
from gonghui.demo.seed_figures import LAST_YEAR_SHARE, last_year_goal
from gonghui.orgs.models import Union

SHANGHAI = ZoneInfo("Asia/Shanghai")
H1_START, H1_END = date(2023, 1, 1), date(2023, 6, 30)
BATCH = 2000

# The example plan's terms (issue #6) and the relief tiers, as the product states them.
CATEGORIES: dict[str, Any] = EXAMPLE_CATEGORIES
RELIEF_TIERS: list[dict[str, Any]] = EXAMPLE_RELIEF_TIERS
DISEASES = [
    "恶性肿瘤",
    "急性心肌梗塞",
    "脑中风后遗症",
    "重大器官移植术",
    "终末期肾病",
    "严重烧伤",
    "再生障碍性贫血",
    "多发性硬化",
]
HOSPITALS = (
    "湖州市中心医院",
    "湖州市第一人民医院",
    "湖州市第三人民医院",
    "湖州市中医院",
    "浙江大学医学院附属第一医院",
    "浙江省人民医院",
    "德清县人民医院",
    "长兴县人民医院",
    "安吉县人民医院",
    "南浔区人民医院",
)
BANKS = (
    "中国农业银行湖州分行",
    "中国工商银行湖州分行",
    "湖州银行",
    "浙江农商银行",
    "中国建设银行湖州分行",
)

# Claims per 10,000 enrolled members, by what became of them. "paid" in 2023 are paid in
# the first half; 2022's are a whole year, all settled (its first half is then calibrated
# to 2023's scale, as the year-on-year figures compare them).
RATES_2023 = {
    "paid": 280,
    "approved": 8,
    "notice": 6,
    "city_approval": 1,
    "county_approval": 10,
    "township_review": 14,
    "returned": 3,
    "rejected": 6,
    "withdrawn": 2,
}
RATES_2022 = {"paid": 720, "rejected": 10}
RELIEF_PER_10K = {
    "paid": 25,
    "notice": 2,
    "county_approval": 2,
    "township_review": 3,
    "rejected": 2,
}
RELIEF_2022 = {"paid": 25, "rejected": 2}


@dataclass
class Enrolled:
    member_id: int
    union_id: int
    name: str
    county_id: int


def _at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour, 0), tzinfo=SHANGHAI)


def demo_years() -> list[int]:
    """The plan years of the demo: 2022 and 2023, whose claims it generates, and the current
    year, so that a claim entered in the demo today finds a plan covering it."""
    return sorted({2022, 2023, timezone.localdate().year})


def plans_ensure(city: Union) -> dict[int, MutualAidPlan]:
    plans = {}
    for year in demo_years():
        plans[year], _ = MutualAidPlan.objects.get_or_create(
            code=f"HZ-{year}",
            defaults={
                "name": f"{year}年度湖州市职工医疗互助",
                "year": year,
                "union": city,
                "fee_per_member": Decimal("36.00"),
                "enroll_from": date(year, 1, 1),
                "enroll_to": date(year, 12, 31),
                "coverage_from": date(year, 1, 1),
                "coverage_to": date(year, 12, 31),
                "waiting_days": 90,
                "claim_deadline_days": 730,
                "city_approval_above": Decimal("20000.00"),
                "categories": CATEGORIES,
            },
        )
    return plans


def policies_ensure(city: Union) -> dict[int, ReliefPolicy]:
    policies = {}
    for year in demo_years():
        policies[year], _ = ReliefPolicy.objects.get_or_create(
            code=f"DB-{year}",
            defaults={
                "name": f"{year}年度湖州市会员大病救助",
                "year": year,
                "union": city,
                "tiers": RELIEF_TIERS,
                "diseases": DISEASES,
            },
        )
    return policies


def enrollments_ensure(plan: MutualAidPlan, city: Union) -> int:
    """Enroll about 90% of the members who had joined by the plan's end, in one statement
    (members whose id ends in 0 stay out, so the roster filter has both kinds)."""
    enrollment = MutualAidEnrollment._meta.db_table
    member = "members_member"
    union = Union._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {enrollment} (plan_id, member_id, union_id, enrolled_on, created_at)
            SELECT %s, m.id, m.union_id,
                   CASE WHEN m.join_date > %s THEN m.join_date ELSE %s END, %s
            FROM {member} m JOIN {union} u ON u.id = m.union_id
            WHERE u.path LIKE %s AND m.join_date <= %s AND m.id %% 10 <> 0
              AND NOT EXISTS (
                SELECT 1 FROM {enrollment} e WHERE e.plan_id = %s AND e.member_id = m.id)
            """,
            [
                plan.pk,
                plan.enroll_from,
                plan.enroll_from,
                timezone.now(),
                f"{city.path}%",
                plan.enroll_to,
                plan.pk,
            ],
        )
        return int(cursor.rowcount)


def _enrolled_sample(
    plan: MutualAidPlan, city: Union, per_10k: int, rng: random.Random
) -> list[Enrolled]:
    """About ``per_10k`` in 10,000 of the plan's enrolled members, drawn by ``rng``; only
    their ids are held while drawing (a city's million would not fit as objects)."""
    ids = list(
        MutualAidEnrollment.objects.filter(plan=plan)
        .order_by("member_id")
        .values_list("member_id", flat=True)
    )
    count = min(len(ids), max(10, len(ids) * per_10k // 10_000))
    chosen = sorted(rng.sample(ids, count))
    counties = {u.path: u.pk for u in Union.objects.filter(path__startswith=city.path, depth=2)}
    steplen = Union.steplen
    found: dict[int, Enrolled] = {}
    for start in range(0, len(chosen), 5000):
        rows = MutualAidEnrollment.objects.filter(
            plan=plan, member_id__in=chosen[start : start + 5000]
        ).values_list("member_id", "union_id", "member__name", "union__path")
        for member_id, union_id, name, path in rows:
            found[member_id] = Enrolled(member_id, union_id, name, counties[path[: 2 * steplen]])
    people = [found[i] for i in chosen]
    rng.shuffle(people)
    return people


class _Writer:
    """Collects claims, trails, batches and payout lines, and writes them in bulk."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.claims: list[MutualAidClaim] = []
        self.reliefs: list[ReliefApplication] = []
        self.person_of: dict[int, Enrolled] = {}  # by id() of a claim or application
        self.order: dict[int, int] = {}  # by id(): the order of generation, for ties
        # by id(): the account in clear, sealed to the row once its key is drawn
        self.account_of: dict[int, str] = {}
        # (workflow key, item, [(step, action, from, to, to_step, at)])
        self.trails: list[tuple[str, Any, list[tuple[str, str, str, str, str, datetime]]]] = []

    def account(self) -> tuple[str, str, str]:
        number = f"6228{self.rng.randrange(10**14, 10**15)}"
        return number, pii.mask_bank_account(number), self.rng.choice(BANKS)


def _history(
    outcome: str, submitted: date, *, city_step: bool, rng: random.Random
) -> tuple[str, str, list[tuple[str, str, str, str, str, datetime]], dict[str, Any]]:
    """The state a claim ends in, its step, its trail and its dates, walking the workflow."""
    trail: list[tuple[str, str, str, str, str, datetime]] = []
    day = submitted
    trail.append(("", Action.SUBMIT, State.DRAFT, State.IN_REVIEW, "township_review", _at(day, 9)))
    steps = ["township_review", "county_approval"] + (["city_approval"] if city_step else [])
    dates: dict[str, Any] = {"submitted_at": _at(submitted, 9), "step_since": _at(submitted, 9)}
    stop_at = outcome if outcome in steps else None
    decide_at = rng.choice(steps) if outcome in ("rejected", "returned") else None
    for index, step in enumerate(steps):
        if step == stop_at:
            return State.IN_REVIEW, step, trail, dates
        day += timedelta(days=rng.randrange(1, 5))
        if step == decide_at:
            action = Action.REJECT if outcome == "rejected" else Action.RETURN
            state = State.REJECTED if outcome == "rejected" else State.RETURNED
            trail.append((step, action, State.IN_REVIEW, state, "", _at(day)))
            dates["step_since"] = None
            return state, "", trail, dates
        if outcome == "withdrawn":
            trail.append(("", Action.WITHDRAW, State.IN_REVIEW, State.WITHDRAWN, "", _at(day)))
            dates["step_since"] = None
            return State.WITHDRAWN, "", trail, dates
        following = steps[index + 1] if index + 1 < len(steps) else ""
        target = State.IN_REVIEW if following else State.NOTICE
        trail.append((step, Action.APPROVE, State.IN_REVIEW, target, following, _at(day)))
        dates["step_since"] = _at(day)
    dates["step_since"] = None
    dates["approved_at"] = _at(day)
    dates["notice_until"] = day + timedelta(days=5)
    if outcome == "notice":
        return State.NOTICE, "", trail, dates
    day = dates["notice_until"]
    trail.append(("", Action.NOTICE_PASS, State.NOTICE, State.APPROVED, "", _at(day, 1)))
    dates["notice_until"] = None
    if outcome == "approved":
        return State.APPROVED, "", trail, dates
    return State.PAID, "", trail, dates


def _settle(
    state: str, trail: list[tuple[str, str, str, str, str, datetime]], pay_by: date
) -> tuple[str, date | None]:
    """A paid item is paid on the next pay day, unless that falls after ``pay_by`` (then it
    still waits for payment); the payment joins the trail."""
    if state != State.PAID:
        return state, None
    paid_on = _paid_on(trail[-1][5].date())
    if paid_on > pay_by:
        return State.APPROVED, None
    trail.append(("", Action.PAY, State.APPROVED, State.PAID, "", _at(paid_on, 15)))
    return state, paid_on


def _paid_on(day: date) -> date:
    """Counties pay on the 25th: the first 25th at least three days after ``day``."""
    target = day + timedelta(days=3)
    pay = target.replace(day=25)
    if pay < target:
        pay = (pay.replace(day=1) + timedelta(days=32)).replace(day=25)
    return pay


def claims_generate(
    plan: MutualAidPlan,
    enrolled: list[Enrolled],
    rates: dict[str, int],
    *,
    window: tuple[date, date],
    rng: random.Random,
    writer: _Writer,
    pay_by: date,
) -> None:
    terms = category_terms_parse(plan.categories)
    total = sum(rates.values())
    count = len(enrolled)
    chosen = enrolled
    outcomes = [o for o, n in rates.items() for _ in range(max(1, count * n // total))]
    rng.shuffle(outcomes)
    first, last = window
    span = (last - first).days
    for person, outcome in zip(chosen, outcomes, strict=False):
        roll = rng.random()
        category = (
            Category.INPATIENT
            if roll < 0.74
            else Category.OUTPATIENT_SPECIAL
            if roll < 0.90
            else Category.ACCIDENT
            if roll < 0.99
            else Category.CRITICAL_ILLNESS
        )
        start = first + timedelta(days=rng.randrange(span))
        stay = rng.randrange(2, 16) if category == Category.INPATIENT else 0
        discharge = start + timedelta(days=stay) if category == Category.INPATIENT else None
        # Self-paid costs whose payouts average about 560 yuan, as the seed's 12.41 million
        # yuan to 22,000 person-times do.
        if category == Category.INPATIENT:
            cost = max(rng.lognormvariate(7.75, 0.55), 1150.0)
        elif category == Category.CRITICAL_ILLNESS:
            cost = rng.uniform(30_000, 120_000)
        else:
            cost = max(rng.lognormvariate(6.9, 0.5), 650.0)
        self_paid = Decimal(int(cost * 100)) / 100
        insurance = (self_paid * Decimal(rng.choice(("1.2", "1.5", "2.0", "2.4")))).quantize(
            Decimal("0.01")
        )
        other = Decimal(rng.randrange(0, 80_000)) / 100
        payout = payout_compute(
            terms[category],
            self_paid,
            deductible_consumed=Decimal("0"),
            taken=Decimal("0"),
            earlier_count=0,
        )
        if payout.amount <= 0 and outcome in ("paid", "approved", "notice"):
            outcome = "rejected"
        submitted = (discharge or start) + timedelta(days=rng.randrange(3, 20))
        state, step, trail, dates = _history(
            outcome,
            submitted,
            city_step=payout.amount > plan.city_approval_above,
            rng=rng,
        )
        state, paid_on = _settle(state, trail, pay_by)
        account, masked, bank = writer.account()
        claim = MutualAidClaim(
            union_id=person.union_id,
            member_id=person.member_id,
            plan=plan,
            category=category,
            hospital=rng.choice(HOSPITALS),
            start_date=start,
            discharge_date=discharge,
            invoice_no=f"{plan.year}{rng.randrange(10**11, 10**12)}",
            total_cost=self_paid + insurance + other,
            insurance_paid=insurance,
            self_paid=self_paid,
            payee_bank=bank,
            account_masked=masked,
            paper_documents=True,
            amount=payout.amount,
            deductible_used=payout.deductible_used,
            calculation=payout.lines_json(),
            state=state,
            step=step,
            paid_on=paid_on,
            paid_at=_at(paid_on, 15) if paid_on else None,
            **{k: v for k, v in dates.items()},
        )
        writer.person_of[id(claim)] = person
        writer.account_of[id(claim)] = account
        writer.order[id(claim)] = len(writer.order)
        writer.claims.append(claim)
        writer.trails.append(("mutual_aid_claim", claim, trail))


def reliefs_generate(
    policy: ReliefPolicy,
    enrolled: list[Enrolled],
    *,
    rng: random.Random,
    writer: _Writer,
    pay_by: date,
    rates: dict[str, int] = RELIEF_PER_10K,
) -> None:
    total = sum(rates.values())
    count = len(enrolled)
    chosen = enrolled
    outcomes = [o for o, n in rates.items() for _ in range(max(1, count * n // total))]
    for person, outcome in zip(chosen, outcomes, strict=False):
        cost = Decimal(rng.randrange(2_000_000, 16_000_000)) / 100
        grant = next(
            Decimal(t["grant"]) for t in reversed(RELIEF_TIERS) if cost >= Decimal(t["from"])
        )
        submitted = date(policy.year, 1, 10) + timedelta(days=rng.randrange(150))
        state, step, trail, dates = _history(outcome, submitted, city_step=False, rng=rng)
        state, paid_on = _settle(state, trail, pay_by)
        account, masked, bank = writer.account()
        relief = ReliefApplication(
            union_id=person.union_id,
            member_id=person.member_id,
            policy=policy,
            diagnosis=rng.choice(DISEASES),
            self_paid_year=cost,
            payee_bank=bank,
            account_masked=masked,
            amount=grant,
            state=state,
            step=step,
            paid_on=paid_on,
            paid_at=_at(paid_on, 15) if paid_on else None,
            **dates,
        )
        writer.person_of[id(relief)] = person
        writer.account_of[id(relief)] = account
        writer.reliefs.append(relief)
        writer.trails.append(("relief", relief, trail))


def _write(writer: _Writer, plans: dict[int, MutualAidPlan]) -> dict[str, int]:
    enrollment_of = {
        (plan_id, member_id): pk
        for pk, plan_id, member_id in MutualAidEnrollment.objects.filter(
            plan__in=plans.values(),
            member_id__in={c.member_id for c in writer.claims},
        ).values_list("pk", "plan_id", "member_id")
    }
    for claim in writer.claims:
        claim.enrollment_id = enrollment_of[(claim.plan_id, claim.member_id)]
    _seal(writer, MutualAidClaim, writer.claims)
    _seal(writer, ReliefApplication, writer.reliefs)
    MutualAidClaim.objects.bulk_create(writer.claims, batch_size=BATCH)
    ReliefApplication.objects.bulk_create(writer.reliefs, batch_size=BATCH)
    entries = []
    for workflow, item, trail in writer.trails:
        for step, action, from_state, to_state, to_step, at in trail:
            entries.append(
                ReviewEntry(
                    workflow=workflow,
                    object_id=item.pk,
                    union_id=item.union_id,
                    step=step,
                    action=action,
                    from_state=from_state,
                    to_state=to_state,
                    to_step=to_step,
                    actor_name="演示数据" if action != Action.NOTICE_PASS else "系统",
                    at=at,
                )
            )
    ReviewEntry.objects.bulk_create(entries, batch_size=BATCH)
    batches = _batches_write(writer)
    return {
        "claims": len(writer.claims),
        "reliefs": len(writer.reliefs),
        "review_entries": len(entries),
        "batches": batches,
    }


def _batches_write(writer: _Writer) -> int:
    """One paid batch per county and pay day, holding what was paid that day."""
    groups: dict[tuple[int, date], list[tuple[str, Any]]] = defaultdict(list)
    items: list[tuple[str, Any]] = [("mutual_aid_claim", c) for c in writer.claims]
    items += [("relief", r) for r in writer.reliefs]
    for workflow, item in items:
        if item.state == State.PAID:
            groups[(writer.person_of[id(item)].county_id, item.paid_on)].append((workflow, item))
    lines = []
    accounts: list[str] = []
    for (county_id, paid_on), members in sorted(groups.items(), key=lambda g: (g[0][1], g[0][0])):
        total = sum((item.amount for _, item in members), Decimal("0.00"))
        batch = PayoutBatch.objects.create(
            union_id=county_id,
            name=f"{paid_on:%Y年%m月}互助金及救助金发放",
            state=PayoutBatch.State.PAID,
            total=total,
            item_count=len(members),
            bank_reference=f"HZ{paid_on:%Y%m%d}{county_id:04d}",
            paid_on=paid_on,
        )
        for workflow, item in members:
            lines.append(
                PayoutItem(
                    batch=batch,
                    workflow=workflow,
                    object_id=item.pk,
                    union_id=item.union_id,
                    payee_name=writer.person_of[id(item)].name,
                    payee_bank=item.payee_bank,
                    account_masked=item.account_masked,
                    amount=item.amount,
                    purpose=_purpose(workflow),
                    status=PayoutItem.Status.PAID,
                )
            )
            accounts.append(writer.account_of[id(item)])
    _seal(writer, PayoutItem, lines, accounts)
    PayoutItem.objects.bulk_create(lines, batch_size=BATCH)
    return len(groups)


def _purpose(workflow_key: str) -> str:
    payout = workflow_get(workflow_key).payout
    return payout.purpose if payout else ""


def _seal(writer: _Writer, model: Any, rows: list[Any], accounts: list[str] | None = None) -> None:
    """Draw the rows' keys and seal each account to its row (payout lines carry the account
    of their application, given in ``accounts``)."""
    pks = ids_reserve(model, len(rows))
    if accounts is None:
        accounts = [writer.account_of[id(row)] for row in rows]
    tokens = pii.column_cipher(model.account_cipher).encrypt_many(pks, accounts)
    for row, pk, token in zip(rows, pks, tokens, strict=True):
        row.pk = pk
        row.account_cipher = token


def _calibrate_h1(
    writer: _Writer, plan: MutualAidPlan, count: int, amount: Decimal, *, spread: bool = False
) -> tuple[int, Decimal]:
    """Make exactly ``count`` claims of the plan's year paid in its first half (others are
    paid in July instead, or over July–December with ``spread``, so that a past year's
    monthly figures run on without a July leap), and their total just above ``amount``: the self-paid costs of
    those claims are scaled by one factor, found by bisection, and their payouts recomputed
    by the plan."""
    terms = category_terms_parse(plan.categories)
    first, last = H1_START.replace(year=plan.year), H1_END.replace(year=plan.year)
    paid = [
        c
        for c in writer.claims
        if c.plan_id == plan.pk
        and c.state == State.PAID
        and c.paid_on is not None
        and first <= c.paid_on <= last
    ]
    paid.sort(key=lambda c: writer.order[id(c)])
    trails = {id(item): trail for _, item, trail in writer.trails}
    # Those beyond the count, drawn across the months, are paid in the July run instead.
    later = set(
        random.Random(f"h1:{plan.code}").sample(range(len(paid)), max(0, len(paid) - count))
    )
    for index, claim in enumerate(paid):
        if index in later:
            claim.paid_on = last.replace(month=7 + (index % 6 if spread else 0), day=25)
            claim.paid_at = _at(claim.paid_on, 15)
            step, action, before, after, to_step, _ = trails[id(claim)][-1]
            trails[id(claim)][-1] = (step, action, before, after, to_step, claim.paid_at)
    paid = [c for index, c in enumerate(paid) if index not in later]
    threshold = plan.city_approval_above
    base = {id(c): c.self_paid for c in paid}

    def payouts(factor: Decimal) -> dict[int, Any]:
        result = {}
        for claim in paid:
            cost = (base[id(claim)] * factor).quantize(Decimal("0.01"))
            payout = payout_compute(
                terms[claim.category],
                cost,
                deductible_consumed=Decimal("0"),
                taken=Decimal("0"),
                earlier_count=0,
            )
            # A claim whose amount would cross the city's threshold, or pay nothing, keeps
            # its own: its review trail was drawn for it.
            if payout.amount <= 0 or (payout.amount > threshold) != (claim.amount > threshold):
                continue
            result[id(claim)] = (cost, payout)
        return result

    def total(found: dict[int, Any]) -> Decimal:
        return sum(
            (found[id(c)][1].amount if id(c) in found else c.amount for c in paid), Decimal(0)
        )

    low, high = Decimal("0.05"), Decimal("4")
    found = payouts(Decimal(1))
    for _ in range(60):
        middle = ((low + high) / 2).quantize(Decimal("0.000001"))
        found = payouts(middle)
        reached = total(found)
        if amount <= reached < amount + 10_000 * (amount / Decimal("12410000")):
            break
        if reached < amount:
            low = middle
        else:
            high = middle
    for claim in paid:
        if id(claim) not in found:
            continue
        cost, payout = found[id(claim)]
        claim.total_cost += cost - claim.self_paid
        claim.self_paid = cost
        claim.amount = payout.amount
        claim.deductible_used = payout.deductible_used
        claim.calculation = payout.lines_json()
    return len(paid), total(found)


def pending_refresh(now: datetime) -> int:
    """Applications the demo leaves waiting (in review, returned, under notice) wait as a
    live office's do: days, not the years since the demo's 2023 records. Their step clock
    and notice end are set relative to ``now``; everything decided keeps its dates."""
    today = timezone.localtime(now).date()
    moved = 0
    for model in (MutualAidClaim, ReliefApplication):
        # A few days apart, so the inbox shows some overdue, most not: one UPDATE per spread.
        groups: dict[tuple[str, int], list[int]] = defaultdict(list)
        waiting = model.objects.filter(state__in=[State.IN_REVIEW, State.NOTICE])
        for pk, state in waiting.values_list("pk", "state"):
            groups[(state, pk % 5)].append(pk)
        for (state, spread), pks in groups.items():
            fields: dict[str, Any] = (
                {"step_since": now - timedelta(days=spread, hours=3)}
                if state == State.IN_REVIEW
                else {"notice_until": today + timedelta(days=1 + spread)}
            )
            for start in range(0, len(pks), 5000):
                moved += model.objects.filter(pk__in=pks[start : start + 5000]).update(**fields)
    return moved


def aid_demo_generate(
    *,
    city_code: str,
    seed: int,
    log: Callable[[str], None],
    goal: dict[str, Any] | None = None,
) -> dict[str, int]:
    city = Union.objects.get(code=city_code)
    plans = plans_ensure(city)
    policies = policies_ensure(city)
    result = {f"enrolled_{year}": enrollments_ensure(plan, city) for year, plan in plans.items()}
    if MutualAidClaim.objects.filter(plan__in=plans.values()).exists():
        log("医疗互助演示数据已存在，跳过。")
        return result
    rng = random.Random(f"aid:{seed}")
    writer = _Writer(rng)
    per_10k_2022 = sum(RATES_2022.values()) + sum(RELIEF_2022.values())
    enrolled_2022 = _enrolled_sample(plans[2022], city, per_10k_2022, rng)
    relief_people_2022 = sum(RELIEF_2022.values()) * len(enrolled_2022) // per_10k_2022
    claims_generate(
        plans[2022],
        enrolled_2022[relief_people_2022:],
        RATES_2022,
        window=(date(2022, 1, 3), date(2022, 11, 30)),
        rng=rng,
        writer=writer,
        pay_by=date(2022, 12, 31),
    )
    reliefs_generate(
        policies[2022],
        enrolled_2022[:relief_people_2022],
        rng=rng,
        writer=writer,
        pay_by=date(2022, 12, 31),
        rates=RELIEF_2022,
    )
    enrolled_2023 = _enrolled_sample(
        plans[2023], city, sum(RATES_2023.values()) + sum(RELIEF_PER_10K.values()), rng
    )
    relief_people = (
        sum(RELIEF_PER_10K.values())
        * len(enrolled_2023)
        // (sum(RATES_2023.values()) + sum(RELIEF_PER_10K.values()))
    )
    claims_generate(
        plans[2023],
        enrolled_2023[relief_people:],
        RATES_2023,
        window=(date(2023, 1, 3), date(2023, 5, 20)),
        rng=rng,
        writer=writer,
        pay_by=date(2023, 6, 30),
    )
    if goal is not None:
        count, amount = _calibrate_h1(
            writer, plans[2023], goal["mutual_aid_paid_count"], goal["mutual_aid_paid_amount"]
        )
        log(f"按工作总结校准：2023 年上半年发放互助金 {count} 人次，{amount} 元。")
        # Last year's first half on the same scale: the dashboard compares the two.
        count, amount = _calibrate_h1(
            writer,
            plans[2022],
            last_year_goal(goal, "mutual_aid_paid_count"),
            (goal["mutual_aid_paid_amount"] * LAST_YEAR_SHARE).quantize(Decimal("0.01")),
            spread=True,
        )
        log(f"2022 年上半年发放互助金 {count} 人次，{amount} 元（与 2023 年同一量级）。")
    reliefs_generate(
        policies[2023],
        enrolled_2023[:relief_people],
        rng=rng,
        writer=writer,
        pay_by=date(2023, 6, 30),
    )
    with transaction.atomic():
        result.update(_write(writer, plans))
        result["pending_refreshed"] = pending_refresh(timezone.now())
    log(
        f"医疗互助：新参保 {result['enrolled_2023']} 人（2023年度），"
        f"互助金申请 {result['claims']} 件，大病救助 {result['reliefs']} 件，"
        f"发放批次 {result['batches']} 个。"
    )
    return result
