from __future__ import annotations

import datetime
from decimal import Decimal

import factory

from gonghui.wages.models import WageContract, WageRow


class WageContractFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WageContract

    code = factory.Sequence(lambda n: f"NJ-2023-{n:04d}")
    signed_on = datetime.date(2023, 5, 10)
    starts_on = datetime.date(2023, 6, 1)
    ends_on = datetime.date(2026, 5, 31)
    pilot = True


class WageRowFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WageRow

    contract = factory.SubFactory(WageContractFactory)
    grade = "junior"
    workers = 10
    wage_before = Decimal("5000.00")
    wage_after = Decimal("5400.00")
