"""What the demo data is, decided without the database: townships, enterprises, unions.

Each township has its own enterprise stream, seeded by the seed and the township code and
read in order: enterprise *i* is the same at every scale, a scale only decides how many
are taken. So a township's first unions (and their codes) exist at every scale, which is
what the sample workbooks rely on, and a larger scale extends a smaller one.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from faker import Faker

from gonghui.demo import people
from gonghui.demo.vocabulary import (
    BASE_INDUSTRY_WEIGHTS,
    COUNTY_INDUSTRY_BOOST,
    INDUSTRY_WORDS,
    JOINT_ZONES,
    PLATFORMS,
    trade_names,
)
from gonghui.orgs.models import Union


@dataclass(frozen=True)
class Scale:
    name: str
    enterprises: int  # across the city
    members: int  # across the city
    mass_enrollments_per_county: int


SCALES: dict[str, Scale] = {
    "tiny": Scale("tiny", enterprises=216, members=2_000, mass_enrollments_per_county=2),
    "small": Scale("small", enterprises=3_000, members=20_000, mass_enrollments_per_county=3),
    "city": Scale("city", enterprises=50_000, members=1_000_000, mass_enrollments_per_county=4),
}

# The first enterprises of every township are fixed in kind, so that even the tiny scale
# has grassroots unions everywhere, platform leads and joint unions in every county.
MIN_ENTERPRISES_PER_TOWNSHIP = 3
# Enterprises i // JOINT_SPAN of a township share one joint union (区域联建 / 行业统建).
JOINT_SPAN = 250

DATA_START = date(2005, 1, 1)
DATA_END = date(2023, 12, 31)


@dataclass(frozen=True)
class Township:
    code: str
    name: str
    county_code: str
    county_name: str
    city_name: str
    city_counties: tuple[str, ...]
    index: int  # among the city's townships in code order
    city_townships: int  # how many the city has
    position: int  # among its county's townships in code order
    weight: float  # relative size (mean 1 across the city)
    id_sequences: range  # the ID-number sequences its members are given

    @property
    def city_short(self) -> str:
        return self.city_name.removesuffix("市") or self.city_name

    @property
    def short_name(self) -> str:
        for suffix in ("街道", "镇", "乡"):
            if self.name.endswith(suffix) and len(self.name) > len(suffix) + 1:
                return self.name[: -len(suffix)]
        return self.name

    @property
    def county_short(self) -> str:
        name = self.county_name
        return name[:-1] if name.endswith(("区", "县", "市")) and len(name) > 2 else name


@dataclass(eq=False)
class EnterprisePlan:
    index: int
    name: str
    uscc: str
    industry: str
    employee_count: int
    is_above_scale: bool
    is_reform_pilot: bool
    is_platform_lead: bool
    membership_rate: float
    platform_occupation: str = ""
    union: UnionPlan | None = None

    @property
    def member_capacity(self) -> int:
        return int(self.employee_count * self.membership_rate)


@dataclass(eq=False)
class UnionPlan:
    code: str
    name: str
    kind: str
    established_on: date
    chair: str
    platform: bool = False
    enterprises: list[EnterprisePlan] = field(default_factory=list)

    @property
    def member_capacity(self) -> int:
        return sum(e.member_capacity for e in self.enterprises)


@dataclass
class TownshipPlan:
    township: Township
    enterprises: list[EnterprisePlan]
    unions: list[UnionPlan]  # in code order
    members: int  # how many members the township should hold


def townships_plan(rows: list[tuple[str, str, str, str, str]], *, seed: int) -> list[Township]:
    """Townships from (code, name, county code, county name, city name) rows, with a size
    weight: streets (街道) are denser than towns, and towns than rural townships (乡)."""
    rows = sorted(rows)
    raw: list[float] = []
    for code, name, *_ in rows:
        base = 1.4 if name.endswith("街道") else (0.45 if name.endswith("乡") else 1.0)
        raw.append(base * random.Random(f"{seed}:{code}:size").lognormvariate(0, 0.35))
    mean = sum(raw) / len(raw) if raw else 1.0
    counties = tuple(sorted({row[2] for row in rows}))
    block = people.id_sequence_block(len(rows))
    positions: dict[str, int] = {}
    townships = []
    for index, (row, weight) in enumerate(zip(rows, raw, strict=True)):
        code, name, county, county_name, city_name = row
        position = positions.get(county, 0)
        positions[county] = position + 1
        townships.append(
            Township(
                code=code,
                name=name,
                county_code=county,
                county_name=county_name,
                city_name=city_name,
                city_counties=counties,
                index=index,
                city_townships=len(rows),
                position=position,
                weight=weight / mean,
                id_sequences=range(index * block, (index + 1) * block),
            )
        )
    return townships


def _should_form(employees: int, above_scale: bool, platform: bool) -> bool:
    # The configured rule of gonghui.orgs.formation.should_form, on plain values.
    return (
        employees >= settings.GONGHUI_FORMATION_MIN_EMPLOYEES
        or (settings.GONGHUI_FORMATION_ABOVE_SCALE and above_scale)
        or (settings.GONGHUI_FORMATION_PLATFORM_LEAD and platform)
    )


def _log_uniform(rng: random.Random, low: float, high: float) -> int:
    return int(math.exp(rng.uniform(math.log(low), math.log(high))))


def _employees(rng: random.Random) -> int:
    """Heavy-tailed: most under 25, some hundreds, a few thousands."""
    u = rng.random()
    if u < 0.70:
        return 3 + int(22 * rng.random() ** 1.4)
    if u < 0.92:
        return _log_uniform(rng, 25, 100)
    if u < 0.996:
        return _log_uniform(rng, 100, 1000)
    return _log_uniform(rng, 1000, 8000)


def date_between(rng: random.Random, start: date, end: date, skew: float = 1.0) -> date:
    """A date in [start, end]; skew < 1 leans towards the end (more recent)."""
    if end <= start:
        return start
    return start + timedelta(days=int((end - start).days * rng.random() ** skew))


class EnterpriseStream:
    """The enterprise stream of one township: call ``enterprise(i)`` for i = 0, 1, 2, …."""

    def __init__(
        self,
        township: Township,
        seed: int,
        *,
        key: str = "enterprises",
        uscc_stream: int = -1,
        sample: bool = False,
    ) -> None:
        self.t = township
        self.seed = seed
        self.uscc_stream = township.index if uscc_stream < 0 else uscc_stream
        # One share per township, and the last one for the sample workbooks.
        shares = township.city_townships + 1
        self.name_share = (shares - 1 if sample else township.index, shares)
        self.rng = random.Random(f"{seed}:{township.code}:{key}")
        self.fake = Faker("zh_CN")
        self.fake.seed_instance(f"{seed}:{township.code}:{key}")
        weights = dict(BASE_INDUSTRY_WEIGHTS)
        for industry, boost in COUNTY_INDUSTRY_BOOST.get(township.county_code, {}).items():
            weights[industry] *= boost
        self.industries = list(weights)
        self.industry_weights = list(weights.values())
        self.unions: list[UnionPlan] = []
        self.joint_by_slot: dict[int, UnionPlan] = {}
        self.union_names: set[str] = set()
        self.enterprise_names: set[str] = set()

    def _next_code(self) -> str:
        return f"{self.t.code}{len(self.unions) + 1:04d}"

    def _trade_name(self) -> str:
        """A trade name from this stream's share of the vocabulary: the city's townships
        (and the sample workbooks) draw from disjoint shares, so that company names are
        unique across the city as a registry keeps them, with no township knowing what
        another drew."""
        rng = self.rng
        names = trade_names()[0 if rng.random() < 0.45 else 1]
        slot, slots = self.name_share
        return names[rng.randrange((len(names) - slot + slots - 1) // slots) * slots + slot]

    def _unique_enterprise_name(self, draw: Callable[[], str]) -> str:
        """Names are unique within a township, as a registration authority keeps them."""
        name = draw()
        for _ in range(50):
            if name not in self.enterprise_names:
                break
            name = draw()
        else:
            name = f"{name}（{len(self.enterprise_names)}）"
        self.enterprise_names.add(name)
        return name

    def _company_name(self, industry: str, large: bool) -> str:
        rng = self.rng
        word = rng.choice(INDUSTRY_WORDS[industry])
        trade = self._trade_name()
        u = rng.random()
        if large and u < 0.3:
            return f"浙江{trade}{word}股份有限公司"
        if u < 0.5:
            return f"{self.t.city_short}{trade}{word}有限公司"
        if u < 0.8:
            return f"{self.t.county_short}{trade}{word}有限公司"
        return f"{self.t.city_short}{self.t.short_name}{trade}{word}有限公司"

    def _unique_union_name(self, name: str) -> str:
        candidate, n = name, 1
        while candidate in self.union_names:
            n += 1
            candidate = name.removesuffix("联合工会") + f"第{n}联合工会"
        self.union_names.add(candidate)
        return candidate

    def _own_union(self, enterprise: EnterprisePlan) -> UnionPlan:
        rng = self.rng
        if enterprise.is_platform_lead:
            established = date_between(rng, date(2018, 1, 1), date(2023, 6, 30))
        elif enterprise.employee_count >= 300:
            established = date_between(rng, date(2000, 1, 1), date(2015, 12, 31))
        else:
            established = date_between(rng, date(2003, 1, 1), date(2023, 6, 30))
        union = UnionPlan(
            code=self._next_code(),
            name=self._unique_union_name(f"{enterprise.name}工会委员会"),
            kind=Union.Kind.STANDARD,
            established_on=established,
            chair=self.fake.name(),
            platform=enterprise.is_platform_lead,
        )
        self.unions.append(union)
        return union

    def _joint_union(self, slot: int, industry: str) -> UnionPlan:
        union = self.joint_by_slot.get(slot)
        if union is None:
            if slot % 2 == 0:
                zone = JOINT_ZONES[(slot // 2) % len(JOINT_ZONES)]
                name = f"{self.t.name}{zone}区域联合工会"
            else:
                name = f"{self.t.name}{INDUSTRY_WORDS[industry][0]}行业联合工会"
            union = UnionPlan(
                code=self._next_code(),
                name=self._unique_union_name(name),
                kind=Union.Kind.JOINT,
                established_on=date_between(self.rng, date(2015, 1, 1), date(2022, 12, 31)),
                chair=self.fake.name(),
            )
            self.unions.append(union)
            self.joint_by_slot[slot] = union
        return union

    def enterprise(self, i: int) -> EnterprisePlan:
        rng, t = self.rng, self.t
        special = ""
        if i < 2:
            special = "anchor"
        elif i == 2 and t.position == 0:
            special = "platform"
        elif i == 2 and t.position == 1:
            special = "joint"
        platform = special == "platform" or (not special and rng.random() < 0.003)
        occupation = ""
        if platform:
            core, occupation, industry = rng.choice(PLATFORMS)
            employees = _log_uniform(rng, 40, 600)
            name = self._unique_enterprise_name(
                lambda: (
                    f"{t.city_short}{t.county_short}{core}{t.short_name}"
                    + rng.choice(("分公司", "营业部", "服务站", "第二服务站", "城区站"))
                )
            )
        else:
            industry = rng.choices(self.industries, self.industry_weights)[0]
            if special == "anchor":
                employees = _log_uniform(rng, 150, 2500) if i == 0 else _log_uniform(rng, 60, 600)
            elif special == "joint":
                employees = rng.randint(6, 20)
            else:
                employees = _employees(rng)
            name = self._unique_enterprise_name(
                lambda: self._company_name(industry, large=employees >= 300)
            )
        if special == "anchor":
            above = True
        elif employees >= 300:
            above = rng.random() < 0.95
        elif employees >= 100:
            above = rng.random() < 0.55
        elif employees >= 25:
            above = rng.random() < 0.1
        else:
            above = rng.random() < 0.01
        pilot = rng.random() < (0.5 if i == 0 else 0.25 if above else 0.004)
        enterprise = EnterprisePlan(
            index=i,
            name=name,
            uscc=people.uscc(
                county_code=t.county_code, stream=self.uscc_stream, index=i, seed=self.seed
            ),
            industry=industry,
            employee_count=employees,
            is_above_scale=above,
            is_reform_pilot=pilot,
            is_platform_lead=platform,
            membership_rate=rng.uniform(0.70, 0.95),
            platform_occupation=occupation,
        )
        self._cover(enterprise, special)
        # Two draws once spent on the register's congress and disclosure flags (now dated
        # records, made by the demo's wages step): kept so every later draw stays the same.
        rng.random()
        rng.random()
        return enterprise

    def _cover(self, e: EnterprisePlan, special: str) -> None:
        """About 60% of the enterprises that should form a union have one."""
        rng = self.rng
        slot = e.index // JOINT_SPAN
        if special in ("anchor", "platform"):
            e.union = self._own_union(e)
        elif special == "joint":
            e.union = self._joint_union(slot, e.industry)
        elif _should_form(e.employee_count, e.is_above_scale, e.is_platform_lead):
            if e.is_platform_lead:
                covered = 0.7
            elif e.employee_count >= 300:
                covered = 0.92
            elif e.employee_count >= 100:
                covered = 0.75
            else:
                covered = 0.5
            if rng.random() < covered:
                small = e.employee_count < 100 and not e.is_platform_lead and not e.is_above_scale
                if small and rng.random() < 0.25:
                    e.union = self._joint_union(slot, e.industry)
                else:
                    e.union = self._own_union(e)
        elif rng.random() < 0.07:
            e.union = self._joint_union(slot, e.industry)
        if e.union is not None:
            e.union.enterprises.append(e)


def township_plan(township: Township, *, scale: Scale, seed: int) -> TownshipPlan:
    share = township.weight / township.city_townships
    stream = EnterpriseStream(township, seed)
    count = max(MIN_ENTERPRISES_PER_TOWNSHIP, round(scale.enterprises * share))
    enterprises = [stream.enterprise(i) for i in range(count)]
    return TownshipPlan(
        township=township,
        enterprises=enterprises,
        unions=stream.unions,
        members=round(scale.members * share),
    )


def first_unions(township: Township, *, seed: int) -> list[UnionPlan]:
    """The unions every scale creates in a township (those of its fixed first enterprises)."""
    stream = EnterpriseStream(township, seed)
    for i in range(MIN_ENTERPRISES_PER_TOWNSHIP):
        stream.enterprise(i)
    return stream.unions
