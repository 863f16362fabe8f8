"""Factories of the aid app. ``PLAN_2023`` is the plan of issue #6, as a loader would read it."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import factory

from gonghui.aid.models import (
    MutualAidClaim,
    MutualAidEnrollment,
    MutualAidPlan,
    ReliefApplication,
    ReliefPolicy,
)
from gonghui.aid.terms import EXAMPLE_CATEGORIES
from gonghui.core import pii
from gonghui.core.bulk import ids_reserve
from gonghui.core.workflow import State
from gonghui.members.tests.factories import MemberFactory
from gonghui.orgs.models import Union
from gonghui.orgs.tests.factories import UnionFactory

# The terms of issue #6's example plan.
CATEGORIES_2023: dict[str, Any] = EXAMPLE_CATEGORIES

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


PAYEE_ACCOUNT = "6222020000001234"


def _root(union: Union) -> Union:
    """The city at the top of ``union``'s tree."""
    return Union.objects.get(path=union.path[: Union.steplen])


class ReliefApplicationFactory(factory.django.DjangoModelFactory[ReliefApplication]):
    """A relief application written directly (state draft unless given), under the city's
    2023 policy; pass ``member=`` (its union owns the application) and ``account=``."""

    class Meta:
        model = ReliefApplication

    class Params:
        account = PAYEE_ACCOUNT

    member = factory.SubFactory(MemberFactory)
    union = factory.LazyAttribute(lambda o: o.member.union)
    policy = factory.LazyAttribute(
        lambda o: ReliefPolicyFactory.create(union=_root(o.member.union))
    )
    diagnosis = "恶性肿瘤"
    self_paid_year = Decimal("30000.00")
    amount = Decimal("3000.00")
    payee_bank = "中国工商银行湖州分行"
    id = factory.LazyFunction(lambda: ids_reserve(ReliefApplication, 1)[0])
    account_cipher = factory.LazyAttribute(
        lambda o: pii.column_cipher(ReliefApplication.account_cipher).encrypt(o.id, o.account)
    )
    account_masked = factory.LazyAttribute(lambda o: pii.mask_bank_account(o.account))


class ApprovedClaimFactory(factory.django.DjangoModelFactory[MutualAidClaim]):
    """A mutual-aid claim waiting for payment (state approved, amount set), written
    directly rather than through the claim services; pass ``member=`` and ``amount=``."""

    class Meta:
        model = MutualAidClaim

    class Params:
        account = PAYEE_ACCOUNT

    member = factory.SubFactory(MemberFactory)
    union = factory.LazyAttribute(lambda o: o.member.union)
    plan = factory.LazyAttribute(lambda o: PlanFactory.create(union=_root(o.member.union)))
    enrollment = factory.LazyAttribute(
        lambda o: MutualAidEnrollment.objects.get_or_create(
            plan=o.plan,
            member=o.member,
            defaults={"union": o.member.union, "enrolled_on": o.plan.enroll_from},
        )[0]
    )
    state = State.APPROVED
    amount = Decimal("1500.00")
    category = "inpatient"
    hospital = "湖州市中心医院"
    start_date = date(2023, 6, 1)
    discharge_date = date(2023, 6, 10)
    invoice_no = factory.Sequence(lambda n: f"FP2023{n:08d}")
    total_cost = Decimal("8000.00")
    insurance_paid = Decimal("5000.00")
    self_paid = Decimal("3000.00")
    payee_bank = "中国工商银行湖州分行"
    id = factory.LazyFunction(lambda: ids_reserve(MutualAidClaim, 1)[0])
    account_cipher = factory.LazyAttribute(
        lambda o: pii.column_cipher(MutualAidClaim.account_cipher).encrypt(o.id, o.account)
    )
    account_masked = factory.LazyAttribute(lambda o: pii.mask_bank_account(o.account))


class ClaimFactory(factory.django.DjangoModelFactory[MutualAidClaim]):
    """A claim written directly (state draft unless given), as the earlier claims of the
    payout tests: pass ``enrollment=`` and the ``amount`` and ``deductible_used`` it holds."""

    class Meta:
        model = MutualAidClaim

    class Params:
        account = PAYEE_ACCOUNT

    enrollment = factory.SubFactory(EnrollmentFactory)
    member = factory.SelfAttribute("enrollment.member")
    plan = factory.SelfAttribute("enrollment.plan")
    union = factory.LazyAttribute(lambda o: o.member.union)
    category = "inpatient"
    hospital = "湖州市第一人民医院"
    start_date = factory.LazyAttribute(lambda o: date(o.plan.year, 6, 1))
    discharge_date = factory.LazyAttribute(lambda o: date(o.plan.year, 6, 10))
    invoice_no = factory.Sequence(lambda n: f"CL{n:010d}")
    total_cost = Decimal("20000.00")
    insurance_paid = Decimal("10000.00")
    self_paid = Decimal("10000.00")
    amount = Decimal("0.00")
    deductible_used = Decimal("0.00")
    payee_bank = "中国工商银行湖州分行"
    id = factory.LazyFunction(lambda: ids_reserve(MutualAidClaim, 1)[0])
    account_cipher = factory.LazyAttribute(
        lambda o: pii.column_cipher(MutualAidClaim.account_cipher).encrypt(o.id, o.account)
    )
    account_masked = factory.LazyAttribute(lambda o: pii.mask_bank_account(o.account))
