"""The members of a township's unions, and the mass-enrollment ceremonies they joined at.

A union's members come from a stream seeded by the union's code, so member *j* of a
union is the same person at every scale. Nothing here touches the database.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date

from gonghui.demo import people
from gonghui.demo.plan import (
    DATA_END,
    DATA_START,
    EnterprisePlan,
    Township,
    TownshipPlan,
    UnionPlan,
    date_between,
)
from gonghui.members.models import EmploymentForm, JoinChannel, Occupation, SkillGrade
from gonghui.orgs.models import Union

NEW_FORM_SHARE = 0.10
# Of a township's new-form workers, the share that joins a platform lead's union when the
# township has one; the rest join the township union directly (兜底).
PLATFORM_SHARE_OF_NEW_FORM = 0.6
SKILL_GRADE_SHARE = 0.40

DIRECT_OCCUPATIONS = (
    (Occupation.DELIVERY_RIDER, 30),
    (Occupation.COURIER, 22),
    (Occupation.RIDE_HAILING_DRIVER, 15),
    (Occupation.TRUCK_DRIVER, 15),
    (Occupation.CARE_WORKER, 5),
    (Occupation.DOMESTIC_WORKER, 5),
    (Occupation.SECURITY_GUARD, 4),
    (Occupation.REAL_ESTATE_AGENT, 2),
    (Occupation.MALL_INFO_STAFF, 2),
)
MALE_SHARE: dict[str, float] = {
    Occupation.DELIVERY_RIDER: 0.9,
    Occupation.COURIER: 0.88,
    Occupation.RIDE_HAILING_DRIVER: 0.93,
    Occupation.TRUCK_DRIVER: 0.97,
    Occupation.CARE_WORKER: 0.12,
    Occupation.DOMESTIC_WORKER: 0.08,
    Occupation.SECURITY_GUARD: 0.85,
    Occupation.REAL_ESTATE_AGENT: 0.55,
    Occupation.MALL_INFO_STAFF: 0.4,
}
# More junior workers than senior technicians.
GRADES = (
    SkillGrade.JUNIOR,
    SkillGrade.INTERMEDIATE,
    SkillGrade.SENIOR,
    SkillGrade.TECHNICIAN,
    SkillGrade.SENIOR_TECHNICIAN,
)
GRADE_WEIGHTS = (38, 32, 20, 7, 3)
CEREMONY_NAMES = (
    "{year}年{town}新就业形态劳动者集中入会仪式",
    "{year}年{town}快递外卖骑手“暖蜂”集中入会仪式",
    "{year}年{town}小微企业职工集中入会仪式",
    "{year}年{town}货车司机集中入会活动",
)
CEREMONY_PLACES = ("{town}党群服务中心", "{town}新就业群体服务驿站", "{town}职工服务中心")


@dataclass(frozen=True)
class EventPlan:
    township_code: str
    name: str
    held_on: date
    location: str


@dataclass(slots=True)
class MemberSpec:
    union_code: str
    name: str
    id_number: str
    phone: str
    employer_name: str
    employer_uscc: str
    employment_form: str
    occupation: str
    skill_grade: int | None
    join_date: date
    join_channel: str
    event: EventPlan | None


def mass_enrollments_plan(
    townships: list[Township], *, per_county: int, seed: int
) -> list[EventPlan]:
    """A few 集中入会仪式 per county, each held by one of its township unions."""
    events = []
    counties = sorted({t.county_code for t in townships})
    for county in counties:
        rng = random.Random(f"{seed}:{county}:mass")
        in_county = [t for t in townships if t.county_code == county]
        # Draw for every township, keep the first few: a larger scale adds ceremonies.
        order = rng.sample(in_county, len(in_county))
        drawn = []
        for n, township in enumerate(order):
            held_on = date_between(rng, date(2019, 3, 1), date(2023, 6, 30))
            name = CEREMONY_NAMES[n % len(CEREMONY_NAMES)].format(
                year=held_on.year, town=township.name
            )
            place = rng.choice(CEREMONY_PLACES).format(town=township.name)
            drawn.append(EventPlan(township.code, name, held_on, place))
        events.extend(drawn[:per_county])
    return events


def _adult_on(born: date) -> date:
    try:
        return born.replace(year=born.year + 18)
    except ValueError:  # born on 29 February
        return born.replace(year=born.year + 18, day=28)


def _allocate(target: int, unions: list[UnionPlan]) -> dict[str, int]:
    """Share ``target`` members over unions by capacity, never above a union's capacity."""
    capacity = {u.code: u.member_capacity for u in unions}
    total = sum(capacity.values())
    if not total or target <= 0:
        return dict.fromkeys(capacity, 0)
    ratio = min(1.0, target / total)
    return {code: min(cap, max(1, round(cap * ratio))) for code, cap in capacity.items()}


class _Roster:
    def __init__(self, plan: TownshipPlan, events: list[EventPlan], today: date) -> None:
        self.t = plan.township
        self.events = [e for e in events if e.township_code == self.t.code]
        self.latest = min(DATA_END, today)
        self.used: set[str] = set()
        self.out: list[MemberSpec] = []

    def add(
        self,
        rng: random.Random,
        *,
        union_code: str,
        established: date,
        employer: EnterprisePlan | None,
        occupation: str = "",
        event_chance: float = 0.0,
    ) -> None:
        new_form = bool(occupation)
        male = rng.random() < (MALE_SHARE[occupation] if new_form else 0.56)
        while True:
            born = people.birth_date(rng, young=new_form)
            region = people.home_region(
                rng,
                self.t.county_code,
                self.t.city_counties,
                migrant_share=0.45 if new_form else 0.25,
            )
            id18 = people.id_number(
                rng, region=region, born=born, male=male, block=self.t.id_sequences
            )
            if id18 not in self.used:
                break
        self.used.add(id18)
        grade_share = SKILL_GRADE_SHARE / 2 if new_form else SKILL_GRADE_SHARE
        grade = rng.choices(GRADES, GRADE_WEIGHTS)[0] if rng.random() < grade_share else None
        earliest = max(DATA_START, _adult_on(born), established)
        if new_form:
            earliest = max(earliest, date(2017, 1, 1))
        earliest = min(earliest, self.latest)
        event = None
        if self.events and rng.random() < event_chance:
            candidate = rng.choice(self.events)
            if earliest <= candidate.held_on <= self.latest:
                event = candidate
        if event is not None:
            joined, channel = event.held_on, JoinChannel.MASS_ENROLLMENT
        else:
            recent = max(earliest, date(2021, 1, 1))
            # A realistic bump in recent years (new-form drives) over a steady rise.
            if rng.random() < 0.12 and recent <= self.latest:
                joined = date_between(rng, recent, self.latest)
            else:
                joined = date_between(rng, earliest, self.latest)
            u = rng.random()
            if new_form:
                channel = (
                    JoinChannel.ONLINE
                    if u < 0.35
                    else JoinChannel.INDIVIDUAL
                    if u < 0.7
                    else JoinChannel.IMPORT
                )
            else:
                channel = (
                    JoinChannel.IMPORT
                    if u < 0.55
                    else JoinChannel.INDIVIDUAL
                    if u < 0.88
                    else JoinChannel.ONLINE
                    if u < 0.95
                    else JoinChannel.TRANSFER
                )
        self.out.append(
            MemberSpec(
                union_code=union_code,
                name=people.person_name(rng, male),
                id_number=id18,
                phone=people.phone(rng) if rng.random() < 0.97 else "",
                employer_name=employer.name if employer else "",
                employer_uscc=employer.uscc if employer else "",
                employment_form=EmploymentForm.NEW_FORM if new_form else EmploymentForm.STANDARD,
                occupation=occupation,
                skill_grade=int(grade) if grade is not None else None,
                join_date=joined,
                join_channel=channel,
                event=event,
            )
        )


def township_members(
    plan: TownshipPlan, *, events: list[EventPlan], seed: int, today: date
) -> list[MemberSpec]:
    """Members of the township's grassroots unions and, for new-form workers without a
    platform union, of the township union itself."""
    roster = _Roster(plan, events, today)
    new_form_target = round(plan.members * NEW_FORM_SHARE)
    platform_unions = [u for u in plan.unions if u.platform]
    other_unions = [u for u in plan.unions if not u.platform]
    in_platforms = _allocate(round(new_form_target * PLATFORM_SHARE_OF_NEW_FORM), platform_unions)
    standard = _allocate(plan.members - new_form_target, other_unions)
    for union in plan.unions:
        rng = random.Random(f"{seed}:{union.code}:members")
        if union.platform:
            employer = union.enterprises[0]
            for _ in range(in_platforms[union.code]):
                roster.add(
                    rng,
                    union_code=union.code,
                    established=union.established_on,
                    employer=employer,
                    occupation=employer.platform_occupation,
                    event_chance=0.5,
                )
            continue
        joint = union.kind == Union.Kind.JOINT
        weights = [max(1, e.member_capacity) for e in union.enterprises]
        for _ in range(standard[union.code]):
            employer = (
                rng.choices(union.enterprises, weights)[0]
                if len(union.enterprises) > 1
                else union.enterprises[0]
            )
            roster.add(
                rng,
                union_code=union.code,
                established=union.established_on,
                employer=employer,
                event_chance=0.3 if joint else 0.03,
            )
    # 兜底: new-form workers without a platform union join the township union directly;
    # some work for an uncovered platform branch of the township.
    rng = random.Random(f"{seed}:{plan.township.code}:direct")
    uncovered_platforms = [e for e in plan.enterprises if e.is_platform_lead and e.union is None]
    occupations = [o for o, _ in DIRECT_OCCUPATIONS]
    weights = [w for _, w in DIRECT_OCCUPATIONS]
    for _ in range(new_form_target - sum(in_platforms.values())):
        works_for: EnterprisePlan | None = None
        if uncovered_platforms and rng.random() < 0.5:
            works_for = rng.choice(uncovered_platforms)
            occupation = works_for.platform_occupation
        else:
            occupation = rng.choices(occupations, weights)[0]
        roster.add(
            rng,
            union_code=plan.township.code,
            established=DATA_START,
            employer=works_for,
            occupation=occupation,
            event_chance=0.45,
        )
    return roster.out
