"""工会资产与出租: the cycles due, the rent roll with arrears and leases ending soon, the
refusal of overlapping leases, the indicators and the pages."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from gonghui.conftest import World
from gonghui.core.indicators import Period, indicator_get, indicator_values
from gonghui.wages.models import Asset, Lease, RentPayment
from gonghui.wages.services.assets import (
    add_months,
    cycles_due,
    lease_create,
    rent_receive,
    rent_roll,
)

D = datetime.date


def palace(union: Any, name: str = "湖州市工人文化宫") -> Asset:
    return Asset.objects.create(
        union=union, name=name, kind="palace", address="湖州市吴兴区", area=Decimal("12000")
    )


def lease(world: World, asset: Asset, **kw: Any) -> Lease:
    values: dict[str, Any] = {
        "premises": "一楼东侧商铺",
        "tenant": "湖州某书店",
        "starts_on": D(2023, 1, 15),
        "ends_on": D(2024, 1, 14),
        "rent": Decimal("3000"),
        "cycle": 3,
    }
    values.update(kw)
    return lease_create(actor=world.wuxing_staff, asset=asset, **values)


@pytest.mark.parametrize(
    ("on", "cycles"),
    [(D(2023, 1, 14), 0), (D(2023, 1, 15), 1), (D(2023, 7, 14), 2), (D(2023, 7, 15), 3)],
)
def test_a_cycles_rent_falls_due_on_its_first_day(world: World, on: D, cycles: int) -> None:
    assert cycles_due(lease(world, palace(world.wuxing)), on) == cycles


def test_no_rent_falls_due_after_the_lease_ends(world: World) -> None:
    assert cycles_due(lease(world, palace(world.wuxing)), D(2025, 1, 1)) == 4


def test_a_month_later_stays_inside_the_shorter_month() -> None:
    assert add_months(D(2023, 1, 31), 1) == D(2023, 2, 28)


def test_the_rent_roll_shows_arrears_and_a_lease_ending_soon(world: World) -> None:
    made = lease(world, palace(world.wuxing), ends_on=D(2023, 8, 31))
    rent_receive(
        actor=world.wuxing_staff, lease=made, paid_on=D(2023, 1, 20), amount=Decimal("3000")
    )
    [line] = rent_roll([made], on=D(2023, 6, 30))
    assert (line.due, line.paid, line.arrears, line.ending_soon) == (
        Decimal("6000"),
        Decimal("3000"),
        Decimal("3000"),
        True,
    )


def test_a_lease_overlapping_the_same_premises_is_refused(world: World) -> None:
    asset = palace(world.wuxing)
    lease(world, asset)
    with pytest.raises(ValidationError) as caught:
        lease(world, asset, tenant="另一家", starts_on=D(2023, 12, 1), ends_on=D(2024, 6, 30))
    assert caught.value.message_dict == {
        "starts_on": ["“一楼东侧商铺”在 2023-01-15 至 2024-01-14 已出租给湖州某书店"]
    }


def test_income_and_arrears_are_counted_at_the_assets_union(world: World) -> None:
    made = lease(world, palace(world.wuxing))
    rent_receive(
        actor=world.wuxing_staff, lease=made, paid_on=D(2023, 2, 1), amount=Decimal("3000")
    )
    h1 = Period.half(2023, 1)
    income = indicator_values(indicator_get("lease_income"), world.city, [h1])[0]
    arrears = indicator_values(indicator_get("lease_arrears"), world.city, [h1])[0]
    assert (income.child(world.wuxing.code), arrears.child(world.wuxing.code)) == (
        Decimal("3000"),
        Decimal("3000"),
    )


def test_the_rent_roll_page_is_scoped_and_flat_in_queries(
    world: World, client_as, django_assert_max_num_queries
) -> None:
    for n in range(5):
        asset = palace(world.wuxing, f"文化宫{n}")
        for m in range(3):
            lease(world, asset, premises=f"商铺{m}")
    palace(world.nanxun, "南浔工人文化宫")
    client = client_as(world.wuxing_staff)
    with django_assert_max_num_queries(15):
        page = client.get("/wages/funds/assets/").content.decode()
    assert page.count("商铺1") == 5 and "南浔工人文化宫" not in page


def test_the_lease_page_is_scoped(world: World, client_as) -> None:
    made = lease(world, palace(world.wuxing))
    assert client_as(world.wuxing_staff).get(f"/wages/funds/leases/{made.pk}/").status_code == 200
    assert client_as(world.nanxun_staff).get(f"/wages/funds/leases/{made.pk}/").status_code == 404
    assert not RentPayment.objects.exists()
