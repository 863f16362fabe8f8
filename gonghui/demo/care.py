"""The demo's service package: the registry of flexible workers who are not members and the
services they and the new-form members received in the first half of 2023.

The 湖工有爱 bus's target group is the city's 5万余 flexible workers (riders, couriers,
drivers, carers, …): at city scale the new-form members and the registered workers together
number the seed's 50,500 (scaled at smaller scales), the registry filling what the roster does
not hold (and where the roster already holds that many, a share of flexible workers who
have not joined is registered all the same). Each township registers its share, from 2022
on. Then the services of the half
year: health check-ups for most of the group, per county at rates that differ as real
counties do; and at city scale the seed's figures from records: employment services and
training for new-form workers 6053 person-times, free check-ups of frontline workers 1711
(recuperation will share that figure when it is built), visits to new-form workers 4211
person-times, and 345万元 spent on visits in all. Written in bulk, once."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction

from gonghui.care.models import (
    CampaignKind,
    CareVisit,
    Delivery,
    ServiceItem,
    Source,
    VisitCampaign,
)
from gonghui.core.bulk import db_now, fast_insert, ids_reserve
from gonghui.demo.people import birth_date, home_region, person_name, phone, sample_id_number
from gonghui.demo.skills import split_total
from gonghui.members.identity import member_identities
from gonghui.members.models import EmploymentForm, Member, Occupation, Worker
from gonghui.members.sheets import WORKER_INSERT_FIELDS
from gonghui.orgs.models import Union

H1 = (date(2023, 1, 1), date(2023, 6, 30))
# Occupations of the registry, by weight, and the platforms or employers each works for.
OCCUPATIONS = (
    (Occupation.DELIVERY_RIDER, 0.24, ("美团", "饿了么")),
    (Occupation.COURIER, 0.22, ("顺丰", "中通", "圆通", "韵达", "申通", "京东物流")),
    (Occupation.TRUCK_DRIVER, 0.14, ("满帮", "货拉拉")),
    (Occupation.RIDE_HAILING_DRIVER, 0.08, ("滴滴出行", "曹操出行", "T3出行")),
    (Occupation.CARE_WORKER, 0.08, ("",)),
    (Occupation.DOMESTIC_WORKER, 0.08, ("",)),
    (Occupation.SECURITY_GUARD, 0.07, ("",)),
    (Occupation.REAL_ESTATE_AGENT, 0.05, ("贝壳找房", "我爱我家")),
    (Occupation.MALL_INFO_STAFF, 0.04, ("",)),
)
# Share of the group given a check-up in the half year: a county's rate is drawn around it.
RATES = {"health_checkup": 0.62}
CHECKUP_COST = (Decimal("150"), Decimal("380"))
REGISTERED_SHARE = 0.12  # at least, of the new-form members


def _day(rng: random.Random, start: date, end: date) -> date:
    return start + timedelta(days=rng.randrange((end - start).days + 1))


def care_demo_write(
    *, city: Union, goal: dict[str, Any], seed: int, log: Callable[[str], None]
) -> dict[str, int]:
    """Write the registry and the half year's deliveries; returns how many of each."""
    if (
        Worker.objects.filter(union__path__startswith=city.path).exists()
        or Delivery.objects.filter(union__path__startswith=city.path).exists()
    ):
        log("登记职工与服务记录演示数据已存在，跳过。")
        return {"workers": 0, "deliveries": 0, "visits": 0, "recuperation": 0, "hardship": 0}
    rng = random.Random(f"care:{seed}")
    with transaction.atomic():
        workers = _workers_write(city, goal, rng)
        deliveries = _deliveries_write(city, goal, rng)
        visits = _visits_write(city, goal, rng)
        went = _recuperation_write(city, goal, rng)
        households = _hardship_write(city, rng)
    log(
        f"登记职工：{workers} 人；上半年服务记录：{deliveries} 条；走访慰问：{visits} 人次；"
        f"参与疗休养：{went} 人；困难职工档案：{households} 户。"
    )
    return {
        "workers": workers,
        "deliveries": deliveries,
        "visits": visits,
        "recuperation": went,
        "hardship": households,
    }


def _workers_write(city: Union, goal: dict[str, Any], rng: random.Random) -> int:
    members = Member.objects.filter(
        union__path__startswith=city.path,
        status=Member.Status.ACTIVE,
        employment_form=EmploymentForm.NEW_FORM,
    ).count()
    # The registry fills the group up to the seed's figure; where the roster already holds
    # that many new-form members, the townships still register some who have not joined.
    want = max(goal["flexible_workers"] - members, int(members * REGISTERED_SHARE))
    townships = list(
        Union.objects.filter(path__startswith=city.path, level=Union.Level.TOWNSHIP).order_by(
            "path"
        )
    )
    if not want or not townships:
        return 0
    counties = {u.path[: len(city.path) + Union.steplen]: u for u in townships}
    county_codes = dict(Union.objects.filter(path__in=list(counties)).values_list("path", "code"))
    cities = tuple(county_codes.values())
    taken = set(Member.objects.filter(union__path__startswith=city.path).values_list("id_hash"))
    kinds = [o for o, _, _ in OCCUPATIONS]
    weights = [w for _, w, _ in OCCUPATIONS]
    platforms = {o: p for o, _, p in OCCUPATIONS}
    people: list[tuple[Union, str, str, str, str, date]] = []
    seen: set[str] = set()
    while len(people) < want:
        township = rng.choice(townships)
        county = county_codes[township.path[: len(city.path) + Union.steplen]]
        male = rng.random() < 0.72
        born = birth_date(rng, young=True)
        region = home_region(rng, county, cities, 0.45)
        id18 = sample_id_number(rng, region=region, born=born, male=male)
        if id18 in seen:
            continue
        seen.add(id18)
        occupation = rng.choices(kinds, weights)[0]
        people.append(
            (
                township,
                person_name(rng, male),
                id18,
                occupation,
                rng.choice(platforms[occupation]),
                _day(rng, date(2022, 6, 1), H1[1]),
            )
        )
    from gonghui.core import pii

    hashes = pii.id_indexer().digest_many([p[2] for p in people])
    kept = [(p, h) for p, h in zip(people, hashes, strict=True) if (h,) not in taken]
    pks = ids_reserve(Worker, len(kept))
    phones = [phone(rng) for _ in kept]
    identities = member_identities(
        pks, [p[2] for p, _ in kept], phones, id_hashes=[h for _, h in kept], model=Worker
    )
    now = db_now()
    rows = [
        (
            pk,
            township.pk,
            name,
            *identity,
            "",
            "",
            EmploymentForm.NEW_FORM,
            occupation,
            platform,
            registered_on,
            now,
            now,
        )
        for pk, ((township, name, _, occupation, platform, registered_on), _), identity in zip(
            pks, kept, identities, strict=True
        )
    ]
    fast_insert(Worker, WORKER_INSERT_FIELDS, rows)
    return len(rows)


Person = tuple[str, str, str, int, str, str]  # hash, name, masked, union id, path, form


def _group(city: Union) -> tuple[list[Person], list[Person]]:
    """The new-form group (members and registered workers who have not joined) and the
    active members in standard employment, each sorted (the draws depend on the seed only)."""
    fields = ("id_hash", "name", "id_masked", "union_id", "union__path", "employment_form")
    members = list(
        Member.objects.filter(union__path__startswith=city.path, status=Member.Status.ACTIVE)
        .values_list(*fields)
        .order_by("id_hash")
    )
    new_form = [m for m in members if m[5] == EmploymentForm.NEW_FORM]
    new_form += list(
        Worker.objects.filter(union__path__startswith=city.path, member__isnull=True)
        .values_list(*fields)
        .order_by("id_hash")
    )
    standard = [m for m in members if m[5] != EmploymentForm.NEW_FORM]
    return sorted(new_form), standard


def _delivery(item: ServiceItem, person: Person, on: date, **fields: Any) -> Delivery:
    id_hash, name, masked, union_id, _, form = person
    return Delivery(
        item=item,
        union_id=union_id,
        person_hash=id_hash,
        person_name=name,
        person_masked=masked,
        on=on,
        new_form=form == EmploymentForm.NEW_FORM,
        source=fields.pop("source", Source.IMPORT),
        **fields,
    )


def _person_days(
    rng: random.Random, people: list[Person], want: int, start: date, end: date
) -> list[tuple[Person, date]]:
    """``want`` distinct (person, day) pairs: person-times, a person now and then twice."""
    chosen: set[tuple[int, date]] = set()
    while people and len(chosen) < want:
        chosen.add((rng.randrange(len(people)), _day(rng, start, end)))
    return [(people[n], day) for n, day in sorted(chosen)]


def _deliveries_write(city: Union, goal: dict[str, Any], rng: random.Random) -> int:
    """The half year's services: check-ups of the new-form group, each county at its own
    rate; employment services and training of new-form workers (the seed's 6053 person-times
    at city scale); free check-ups of frontline workers in standard jobs (1711)."""
    new_form, standard = _group(city)
    items = {i.key: i for i in ServiceItem.objects.filter(union__isnull=True)}
    width = len(city.path) + Union.steplen
    county_rates: dict[str, float] = {}
    made: list[Delivery] = []
    base = RATES["health_checkup"]
    for person in new_form:
        rate = county_rates.setdefault(
            person[4][:width], min(0.97, max(0.05, rng.gauss(base, base * 0.18)))
        )
        if rng.random() < rate:
            cost = Decimal(rng.randrange(int(CHECKUP_COST[0]), int(CHECKUP_COST[1]), 10))
            made.append(_delivery(items["health_checkup"], person, _day(rng, *H1), cost=cost))
    for person, day in _person_days(rng, new_form, goal["employment_training_new_form"], *H1):
        key = "employment" if rng.random() < 0.55 else "skill_upgrading"
        made.append(_delivery(items[key], person, day))
    frontline = goal["checkup_recuperation_frontline"] - frontline_recuperation(goal)
    for person, day in _person_days(rng, standard, frontline, *H1):
        made.append(
            _delivery(items["health_checkup"], person, day, cost=Decimal(220), frontline=True)
        )
    Delivery.objects.bulk_create(made, batch_size=2000)
    return len(made)


CAMPAIGNS = (
    ("迎新春·送万福·进万家", CampaignKind.SPRING_FESTIVAL, date(2023, 1, 5), date(2023, 2, 5)),
    ("夏送清凉", CampaignKind.SUMMER_COOL, date(2023, 6, 1), date(2023, 8, 31)),
)
# Of every 100 visits, the new-form workers' share is the seed's; the others visited are
# members in hardship, retired model workers, frontline workers at the festival.
OTHERS_PER_NEW_FORM = 1.2


def _visits_write(city: Union, goal: dict[str, Any], rng: random.Random) -> int:
    """The city's two campaigns and the half year's visits: the seed's 4211 visits to
    new-form workers and 345万元 in all (scaled), cash and goods split in proportion."""
    campaigns = [
        VisitCampaign.objects.create(union=city, name=name, kind=kind, start=start, end=end)
        for name, kind, start, end in CAMPAIGNS
    ]
    new_form, standard = _group(city)
    spring, summer = campaigns
    want_new = goal["care_visits_new_form"]
    chosen = _person_days(rng, new_form, want_new, spring.start, spring.end)
    chosen += _person_days(
        rng, standard, int(want_new * OTHERS_PER_NEW_FORM), spring.start, spring.end
    )
    # Summer visits reuse a tenth of the people at a June date (the campaign's first month).
    chosen += [
        (p, _day(rng, summer.start, H1[1])) for p, _ in rng.sample(chosen, len(chosen) // 10)
    ]
    # New-form visits are the seed's count: the summer ones come out of the spring's.
    excess = sum(1 for p, _ in chosen if p[5] == EmploymentForm.NEW_FORM) - want_new
    if excess > 0:
        dropped = 0
        kept: list[tuple[Person, date]] = []
        for p, day in chosen:
            if dropped < excess and p[5] == EmploymentForm.NEW_FORM and day < summer.start:
                dropped += 1
                continue
            kept.append((p, day))
        chosen = kept
    chosen = sorted(set(chosen))
    weights = [300.0 if p[5] == EmploymentForm.NEW_FORM else 520.0 for p, _ in chosen]
    # In tens of yuan, as offices hand them out; what does not divide goes to the first.
    total = int(Decimal(goal["care_visit_amount"]) * 100)
    cents = [tens * 1000 for tens in split_total(total // 1000, weights, least=5)]
    if cents:
        cents[0] += total - sum(cents)
    visits: list[CareVisit] = []
    for (person, day), cent in zip(chosen, cents, strict=True):
        id_hash, name, masked, union_id, _, form = person
        amount = Decimal(cent) / 100
        goods = (amount * Decimal("0.03")).quantize(Decimal(1)) * 10
        visits.append(
            CareVisit(
                campaign=spring if day <= spring.end else summer,
                union_id=union_id,
                person_hash=id_hash,
                person_name=name,
                person_masked=masked,
                on=day,
                household=form != EmploymentForm.NEW_FORM and rng.random() < 0.4,
                visitors="工会主席、工会干部",
                cash=amount - goods,
                goods_value=goods,
                goods="米、油、防暑用品" if day >= summer.start else "米、油、春联",
                new_form=form == EmploymentForm.NEW_FORM,
            )
        )
    saved = CareVisit.objects.bulk_create(visits, batch_size=2000)
    item = ServiceItem.objects.get(key="care_visit")
    by_hash = {p[0]: p for p, _ in chosen}
    Delivery.objects.bulk_create(
        [
            _delivery(
                item,
                by_hash[v.person_hash],
                v.on,
                cost=v.cash + v.goods_value,
                reference=f"visit:{v.pk}",
                source=Source.VISIT,
            )
            for v in saved
        ],
        batch_size=2000,
    )
    return len(saved)


BASES = (
    ("白山市职工疗休养基地", "吉林省白山市", False),
    ("湖州市劳模疗休养基地（莫干山）", "德清县莫干山镇", True),
    ("安吉县职工疗休养基地", "安吉县", True),
)
# Frontline workers among the attendants: a share of the seed's 1711 "免费体检及疗休养".
FRONTLINE_RECUPERATION_SHARE = Decimal("0.4")
COST = {False: Decimal("2800.00"), True: Decimal("1200.00")}


def frontline_recuperation(goal: dict[str, Any]) -> int:
    return int(goal["checkup_recuperation_frontline"] * FRONTLINE_RECUPERATION_SHARE)


def _recuperation_write(city: Union, goal: dict[str, Any], rng: random.Random) -> int:
    """Weekly batches at three bases from March to June, every place taken and attended (the
    seed's 3.8万余 at city scale), frontline workers among them; and a July batch open for
    applications, oversubscribed in some counties, waiting for the city's allocation."""
    from gonghui.care.models import (
        BatchQuota,
        RecuperationApplication,
        RecuperationBase,
        RecuperationBatch,
    )
    from gonghui.core.workflow.models import Action, ReviewEntry, State

    bases = [
        RecuperationBase.objects.create(union=city, name=n, location=loc, inside_city=inside)
        for n, loc, inside in BASES
    ]
    counties = list(Union.objects.filter(path__startswith=city.path, level=Union.Level.COUNTY))
    width = len(city.path) + Union.steplen
    new_form, standard = _group(city)
    # Members (a registered worker's place is the same, but the roster is who goes first).
    joined = member_hashes(city)
    people = sorted(set(standard) | {p for p in new_form if p[0] in joined})
    rng.shuffle(people)
    want = min(goal["recuperation_participants"], len(people))
    weeks = [date(2023, 3, 6) + timedelta(days=7 * n) for n in range(17)]
    slots = [(week, base) for week in weeks for base in bases]
    sizes = split_total(want, [1.0] * len(slots), least=1)
    frontline_left = frontline_recuperation(goal)
    county_of = {c.path: c for c in counties}
    item = ServiceItem.objects.get(key="recuperation")
    applications: list[RecuperationApplication] = []
    deliveries: list[Delivery] = []
    taken = 0
    for n, ((week, base), size) in enumerate(zip(slots, sizes, strict=True)):
        chosen = people[taken : taken + size]
        taken += size
        if not chosen:
            continue
        by_county: dict[str, list[Person]] = {}
        for p in chosen:
            by_county.setdefault(p[4][:width], []).append(p)
        batch = RecuperationBatch.objects.create(
            code=f"LXY-2023-{n + 1:03d}",
            base=base,
            union=city,
            start=week,
            end=week + timedelta(days=4),
            places=len(chosen),
            cost_per_person=COST[base.inside_city],
            closed=True,
        )
        quotas = {
            path: BatchQuota.objects.create(batch=batch, county=county_of[path], places=len(group))
            for path, group in by_county.items()
        }
        for path, group in by_county.items():
            for p in group:
                front = (
                    p[5] != EmploymentForm.NEW_FORM and frontline_left > 0 and rng.random() < 0.5
                )
                frontline_left -= 1 if front else 0
                applied = week - timedelta(days=rng.randrange(20, 40))
                applications.append(
                    RecuperationApplication(
                        union_id=p[3],
                        batch=batch,
                        quota=quotas[path],
                        person_hash=p[0],
                        person_name=p[1],
                        person_masked=p[2],
                        applied_at=aware(applied),
                        submitted_at=aware(applied),
                        approved_at=aware(week - timedelta(days=10)),
                        state=State.APPROVED,
                        amount=batch.cost_per_person,
                        frontline=front,
                        new_form=p[5] == EmploymentForm.NEW_FORM,
                        rank=None,
                        attended=True,
                    )
                )
    saved = RecuperationApplication.objects.bulk_create(applications, batch_size=5000)
    by_hash = {p[0]: p for p in people[:taken]}
    for a in saved:
        deliveries.append(
            _delivery(
                item,
                by_hash[a.person_hash],
                a.batch.start,
                cost=a.amount,
                reference=f"recuperation:{a.pk}",
                source=Source.RECUPERATION,
                frontline=a.frontline,
            )
        )
    Delivery.objects.bulk_create(deliveries, batch_size=5000)
    entries = []
    for a in saved:
        assert a.submitted_at is not None and a.approved_at is not None
        entries.append(
            _trail(
                a,
                Action.SUBMIT,
                "",
                State.DRAFT,
                State.IN_REVIEW,
                "city_allocation",
                a.submitted_at,
            )
        )
        entries.append(
            _trail(
                a,
                Action.APPROVE,
                "city_allocation",
                State.IN_REVIEW,
                State.APPROVED,
                "",
                a.approved_at,
            )
        )
    ReviewEntry.objects.bulk_create(entries, batch_size=5000)
    _open_batch(city, bases[0], counties, people[taken:], rng)
    return len(saved)


def _open_batch(
    city: Union, base: Any, counties: list[Union], rest: list[Person], rng: random.Random
) -> None:
    """July's batch, open: each county's places taken by more applicants in some counties."""
    from gonghui.care.models import BatchQuota, RecuperationApplication, RecuperationBatch
    from gonghui.core.workflow.models import Action, ReviewEntry, State

    batch = RecuperationBatch.objects.create(
        code="LXY-2023-JUL",
        base=base,
        union=city,
        start=date(2023, 7, 17),
        end=date(2023, 7, 21),
        places=5 * len(counties),
        cost_per_person=COST[base.inside_city],
    )
    width = len(city.path) + Union.steplen
    quotas = {c.path: BatchQuota.objects.create(batch=batch, county=c, places=5) for c in counties}
    waiting: list[RecuperationApplication] = []
    for n, p in enumerate(rest[: 8 * len(counties)]):
        quota = quotas.get(p[4][:width])
        if quota is None:
            continue
        applied = date(2023, 6, 1) + timedelta(days=rng.randrange(25))
        waiting.append(
            RecuperationApplication(
                union_id=p[3],
                batch=batch,
                quota=quota,
                person_hash=p[0],
                person_name=p[1],
                person_masked=p[2],
                applied_at=aware(applied),
                submitted_at=aware(applied),
                state=State.IN_REVIEW,
                step="city_allocation",
                step_since=aware(applied),
                amount=batch.cost_per_person,
                frontline=p[5] != EmploymentForm.NEW_FORM and rng.random() < 0.3,
                new_form=p[5] == EmploymentForm.NEW_FORM,
                row=n + 2,
            )
        )
    saved = RecuperationApplication.objects.bulk_create(waiting)
    ReviewEntry.objects.bulk_create(
        [
            _trail(
                a, Action.SUBMIT, "", State.DRAFT, State.IN_REVIEW, "city_allocation", a.applied_at
            )
            for a in saved
        ]
    )


def aware(day: date, hour: int = 10) -> Any:
    """A moment of a demo day, in the server's time zone."""
    from datetime import datetime, time

    from django.utils import timezone

    return timezone.make_aware(datetime.combine(day, time(hour)))


def _trail(
    item: Any, action: str, step: str, before: str, after: str, to_step: str, at: Any
) -> Any:
    from gonghui.core.workflow.models import ReviewEntry

    return ReviewEntry(
        workflow="recuperation",
        object_id=item.pk,
        union_id=item.union_id,
        step=step,
        action=action,
        from_state=before,
        to_state=after,
        to_step=to_step,
        at=at,
    )


def member_hashes(city: Union) -> set[str]:
    return set(
        Member.objects.filter(
            union__path__startswith=city.path,
            status=Member.Status.ACTIVE,
            employment_form=EmploymentForm.NEW_FORM,
        ).values_list("id_hash", flat=True)
    )


# Households on file per 1,000 members, and the lines the counties set (yuan a month).
HARDSHIP_PER_THOUSAND = 3
POVERTY_LINE = Decimal("1130.00")


def _hardship_write(city: Union, rng: random.Random) -> int:
    """Each county's 低保 line, households on file across the classes (a few closed, a few
    due for their yearly review), and the half year's aid, paid."""
    from gonghui.care.models import AidKind, HardshipAid, HardshipCase, HardshipClass, PovertyLine
    from gonghui.core.fields import cipher_set
    from gonghui.core.workflow.models import State

    counties = list(Union.objects.filter(path__startswith=city.path, level=Union.Level.COUNTY))
    for county in counties:
        PovertyLine.objects.create(county=county, amount=POVERTY_LINE, valid_from=date(2023, 1, 1))
    _, standard = _group(city)
    want = max(3, len(standard) * HARDSHIP_PER_THOUSAND // 1000)
    chosen = rng.sample(standard, min(want, len(standard)))
    causes = ("本人重病", "家人重病", "子女就学负担重", "因灾致困", "单亲抚养子女", "工伤致残")
    cases = []
    for id_hash, name, masked, union_id, _, _ in chosen:
        sudden = rng.random() < 0.15
        income = Decimal(rng.randrange(500, 2200, 10))
        klass = (
            HardshipClass.SUDDEN
            if sudden
            else HardshipClass.DEEP
            if income < POVERTY_LINE
            else HardshipClass.RELATIVE
        )
        opened = _day(rng, date(2021, 1, 1), H1[1])
        reviewed = (
            opened
            if opened.year == 2023 or rng.random() < 0.1
            else _day(rng, date(2022, 7, 1), H1[1])
        )
        cases.append(
            HardshipCase(
                union_id=union_id,
                person_hash=id_hash,
                person_name=name,
                person_masked=masked,
                household_size=rng.randrange(1, 6),
                income_per_head=income,
                hardship_class=klass,
                cause=rng.choice(causes),
                opened_on=opened,
                reviewed_on=max(reviewed, opened),
            )
        )
    saved = HardshipCase.objects.bulk_create(cases, batch_size=2000)
    aids = []
    for case in saved[: len(saved) * 2 // 3]:
        kind = rng.choice(AidKind.values)
        paid = _day(rng, H1[0], H1[1])
        aid = HardshipAid(
            union_id=case.union_id,
            case=case,
            person_hash=case.person_hash,
            person_name=case.person_name,
            person_masked=case.person_masked,
            kind=kind,
            amount=Decimal(rng.choice((1000, 2000, 3000, 5000))),
            reason={"living": "生活困难", "medical": "住院医疗费用负担重", "schooling": "子女就学"}[
                kind
            ],
            payee_bank="湖州银行",
            account_masked="621700******" + f"{rng.randrange(10000):04d}",
            state=State.PAID,
            paid_on=paid,
            approved_at=aware(paid - timedelta(days=10)),
            submitted_at=aware(paid - timedelta(days=20)),
        )
        cipher_set(aid, "account_cipher", f"621700{rng.randrange(10**10):010d}")
        aids.append(aid)
    HardshipAid.objects.bulk_create(aids, batch_size=2000)
    return len(saved)
