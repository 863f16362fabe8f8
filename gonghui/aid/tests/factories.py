"""Factories of the aid app. ``PLAN_2023`` is the plan of issue #6, as a loader would read it."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import factory

from gonghui.aid.models import MutualAidEnrollment, MutualAidPlan, ReliefPolicy
from gonghui.members.tests.factories import MemberFactory
from gonghui.orgs.tests.factories import UnionFactory

CATEGORIES_2023: dict[str, Any] = {
    "inpatient": {
        "deductible": "1000.00",
        "bands": [
            {"up_to": "10000.00", "ratio": "0.50"},
            {"up_to": "50000.00", "ratio": "0.60"},
            {"up_to": None, "ratio": "0.70"},
        ],
        "yearly_cap": "50000.00",
    },
    "outpatient_special": {
        "deductible": "500.00",
        "bands": [{"up_to": None, "ratio": "0.40"}],
        "yearly_cap": "5000.00",
    },
    "accident": {
        "deductible": "100.00",
        "bands": [{"up_to": None, "ratio": "0.80"}],
        "yearly_cap": "20000.00",
    },
    "critical_illness": {"lump_sum": "10000.00", "per_year": 1},
}

PLAN_2023: dict[str, Any] = {
    "code": "HZ-2023",
    "name": "2023年度湖州市职工医疗互助",
    "year": 2023,
    "union": "3305",
    "fee_per_member": "36.00",
    "enroll_from": "2023-01-01",
    "enroll_to": "2023-12-31",
    "coverage_from": "2023-01-01",
    "coverage_to": "2023-12-31",
    "waiting_days": 90,
    "claim_deadline_days": 730,
    "city_approval_above": "20000.00",
    "categories": CATEGORIES_2023,
}


class PlanFactory(factory.django.DjangoModelFactory[MutualAidPlan]):
    """A plan on the terms of PLAN_2023 for ``year`` (dates follow the year)."""

    class Meta:
        model = MutualAidPlan
        django_get_or_create = ("code",)

    class Params:
        year_ = 2023

    year = factory.SelfAttribute("year_")
    code = factory.LazyAttribute(lambda o: f"HZ-{o.year_}")
    name = factory.LazyAttribute(lambda o: f"{o.year_}年度湖州市职工医疗互助")
    union = factory.SubFactory(UnionFactory)
    fee_per_member = Decimal("36.00")
    enroll_from = factory.LazyAttribute(lambda o: date(o.year_, 1, 1))
    enroll_to = factory.LazyAttribute(lambda o: date(o.year_, 12, 31))
    coverage_from = factory.LazyAttribute(lambda o: date(o.year_, 1, 1))
    coverage_to = factory.LazyAttribute(lambda o: date(o.year_, 12, 31))
    waiting_days = 90
    claim_deadline_days = 730
    city_approval_above = Decimal("20000.00")
    categories = factory.LazyFunction(lambda: dict(CATEGORIES_2023))


class EnrollmentFactory(factory.django.DjangoModelFactory[MutualAidEnrollment]):
    class Meta:
        model = MutualAidEnrollment

    plan = factory.SubFactory(PlanFactory)
    member = factory.SubFactory(MemberFactory)
    union = factory.LazyAttribute(lambda o: o.member.union)
    enrolled_on = factory.LazyAttribute(lambda o: o.plan.enroll_from)


RELIEF_TIERS_2023 = [
    {"from": "20000.00", "to": "50000.00", "grant": "3000.00"},
    {"from": "50000.00", "to": "100000.00", "grant": "5000.00"},
    {"from": "100000.00", "to": None, "grant": "10000.00"},
]
RELIEF_DISEASES = [
    "恶性肿瘤",
    "急性心肌梗塞",
    "脑中风后遗症",
    "重大器官移植术",
    "终末期肾病",
    "严重烧伤",
]


class ReliefPolicyFactory(factory.django.DjangoModelFactory[ReliefPolicy]):
    class Meta:
        model = ReliefPolicy
        django_get_or_create = ("code",)

    class Params:
        year_ = 2023

    year = factory.SelfAttribute("year_")
    code = factory.LazyAttribute(lambda o: f"DB-{o.year_}")
    name = factory.LazyAttribute(lambda o: f"{o.year_}年度会员大病救助")
    union = factory.SubFactory(UnionFactory)
    tiers = factory.LazyFunction(lambda: list(RELIEF_TIERS_2023))
    diseases = factory.LazyFunction(lambda: list(RELIEF_DISEASES))
