"""Legal services: cases opened with their delivery of 法律服务 and closed with an outcome."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from gonghui.care.models import Delivery, LegalCase
from gonghui.care.services.legal import legal_close, legal_open
from gonghui.conftest import World
from gonghui.core.indicators import Period, indicator_get, indicator_values
from gonghui.members.tests.factories import WorkerFactory, id_number_for


@pytest.fixture
def rider(world: World) -> Any:
    return WorkerFactory.create(union=world.yuehe, id_number=id_number_for(71), name="欠薪骑手")


def open_case(world: World) -> LegalCase:
    return legal_open(
        actor=world.township_staff,
        union=world.yuehe,
        id_number=id_number_for(71),
        name="欠薪骑手",
        kind="mediation",
        opened_on=date(2023, 4, 3),
        summary="站点拖欠两个月劳务报酬",
        amount_claimed=Decimal("9000"),
    )


def test_a_case_is_a_delivery_of_legal_service(world: World, rider: Any) -> None:
    case = open_case(world)
    delivery = Delivery.objects.get()
    assert (delivery.item.key, delivery.reference, delivery.on) == (
        "legal_service",
        f"legal:{case.pk}",
        date(2023, 4, 3),
    )


def test_closing_needs_an_outcome_and_a_day_after_opening(world: World, rider: Any) -> None:
    case = open_case(world)
    with pytest.raises(ValidationError) as caught:
        legal_close(actor=world.township_staff, case=case, outcome="", closed_on=date(2023, 4, 1))
    assert set(caught.value.message_dict) == {"outcome", "closed_on"}
    legal_close(
        actor=world.township_staff,
        case=case,
        outcome="settled",
        closed_on=date(2023, 5, 6),
        amount_recovered=Decimal("9000"),
    )
    h1 = Period(date(2023, 1, 1), date(2023, 6, 30), "2023年上半年")
    (values,) = indicator_values(
        indicator_get("legal_cases_closed"), union=world.city, periods=[h1]
    )
    assert values.total == 1


def test_the_pages_open_and_close_a_case(world: World, rider: Any, client_as) -> None:
    client = client_as(world.township_staff)
    response = client.post(
        "/care/legal/new/",
        {
            "name": "欠薪骑手",
            "id_number": id_number_for(71),
            "kind": "consultation",
            "opened_on": "2023-04-03",
            "summary": "咨询工伤认定",
            "amount_claimed": "0",
        },
    )
    case = LegalCase.objects.get()
    assert response["Location"] == f"/care/legal/{case.pk}/"
    client.post(
        f"/care/legal/{case.pk}/",
        {"outcome": "answered", "closed_on": "2023-04-03", "amount_recovered": "0"},
    )
    case.refresh_from_db()
    assert (case.outcome, case.closed_on) == ("answered", date(2023, 4, 3))
    assert client_as(world.nanxun_staff).get(f"/care/legal/{case.pk}/").status_code == 404
