"""The demo's service package: the registry of flexible workers who are not members and the
services they and the new-form members received in the first half of 2023.

The 湖工有爱 bus's target group is the city's 5万余 flexible workers (riders, couriers,
drivers, carers, …): at city scale the new-form members and the registered workers together
number the seed's 50,500 (scaled at smaller scales), the registry filling what the roster does
not hold (and where the roster already holds that many, a share of flexible workers who
have not joined is registered all the same). Each township registers its share, from 2022
on. Then the services of the half
year, per county at rates that differ as real counties do: health check-ups for most of the
group, employment services and skills training for some. Written in bulk, once."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction

from gonghui.care.models import Delivery, ServiceItem, Source
from gonghui.core.bulk import db_now, fast_insert, ids_reserve
from gonghui.demo.people import birth_date, home_region, person_name, phone, sample_id_number
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
# Share of the group served in the half year, per item: a county's rate is drawn around it.
RATES = {"health_checkup": 0.62, "employment": 0.07, "skill_upgrading": 0.05}
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
        return {"workers": 0, "deliveries": 0}
    rng = random.Random(f"care:{seed}")
    with transaction.atomic():
        workers = _workers_write(city, goal, rng)
        deliveries = _deliveries_write(city, rng)
    log(f"登记职工：{workers} 人；上半年服务记录：{deliveries} 条。")
    return {"workers": workers, "deliveries": deliveries}


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


def _deliveries_write(city: Union, rng: random.Random) -> int:
    """The half year's check-ups, employment services and training of the new-form group,
    each county at its own rate, delivered by the person's own union."""
    group: list[tuple[str, str, str, int, str]] = list(
        Member.objects.filter(
            union__path__startswith=city.path,
            status=Member.Status.ACTIVE,
            employment_form=EmploymentForm.NEW_FORM,
        ).values_list("id_hash", "name", "id_masked", "union_id", "union__path")
    )
    group += list(
        Worker.objects.filter(union__path__startswith=city.path, member__isnull=True).values_list(
            "id_hash", "name", "id_masked", "union_id", "union__path"
        )
    )
    group.sort()
    items = {i.key: i for i in ServiceItem.objects.filter(key__in=list(RATES))}
    width = len(city.path) + Union.steplen
    county_rates: dict[tuple[str, str], float] = {}
    made: list[Delivery] = []
    for id_hash, name, masked, union_id, path in group:
        for key, base in RATES.items():
            rate = county_rates.setdefault(
                (path[:width], key), min(0.97, max(0.0, rng.gauss(base, base * 0.18)))
            )
            if rng.random() >= rate:
                continue
            cost = (
                Decimal(rng.randrange(int(CHECKUP_COST[0]), int(CHECKUP_COST[1]), 10))
                if key == "health_checkup"
                else Decimal(0)
            )
            made.append(
                Delivery(
                    item=items[key],
                    union_id=union_id,
                    person_hash=id_hash,
                    person_name=name,
                    person_masked=masked,
                    on=_day(rng, H1[0], H1[1]),
                    cost=cost,
                    source=Source.IMPORT,
                )
            )
    Delivery.objects.bulk_create(made, batch_size=2000)
    return len(made)
