"""Hardship files: the class from the county's 低保 line, yearly review, closure; aid through the
workflow engine and the payout batches, counted as a delivery of 困难帮扶 when paid."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from gonghui.care.models import HardshipCase, HardshipClass
from gonghui.care.selectors import participation
from gonghui.care.services.hardship import (
    aid_create,
    hardship_close,
    hardship_open,
    hardship_review,
    poverty_line_set,
    review_due,
    year_after,
)
from gonghui.care.tests.factories import standard
from gonghui.conftest import World
from gonghui.core.indicators import Period, indicator_get, indicator_values
from gonghui.core.workflow.models import State
from gonghui.members.people import group_get
from gonghui.members.tests.factories import MemberFactory, id_number_for

LINE = Decimal("1100.00")


@pytest.fixture
def line(world: World) -> None:
    poverty_line_set(
        actor=world.wuxing_staff, county=world.wuxing, amount=LINE, valid_from=date(2023, 1, 1)
    )


@pytest.fixture
def worker(world: World) -> Any:
    return MemberFactory.create(
        union=world.wuxing_grassroots,
        id_number=id_number_for(61),
        name="陈困难",
        employment_form="new_form",
        occupation="courier",
    )


def open_case(world: World, **over: Any) -> HardshipCase:
    fields: dict[str, Any] = {
        "actor": world.township_staff,
        "union": world.yuehe,
        "id_number": id_number_for(61),
        "name": "陈困难",
        "household_size": 3,
        "income_per_head": Decimal("900"),
        "cause": "家人重病",
        "opened_on": date(2023, 2, 1),
    }
    fields.update(over)
    return hardship_open(**fields)


@pytest.mark.parametrize(
    ("income", "sudden", "klass"),
    [
        ("900", False, HardshipClass.DEEP),
        ("1500", False, HardshipClass.RELATIVE),
        ("5000", True, HardshipClass.SUDDEN),
    ],
)
def test_the_class_follows_the_countys_line(
    world: World, line: None, worker: Any, income: str, sudden: bool, klass: str
) -> None:
    case = open_case(world, income_per_head=Decimal(income), sudden=sudden)
    assert case.hardship_class == klass


def test_a_household_above_twice_the_line_is_not_on_file(
    world: World, line: None, worker: Any
) -> None:
    with pytest.raises(ValidationError) as caught:
        open_case(world, income_per_head=Decimal("2200"))
    assert caught.value.message_dict["income_per_head"] == [
        "家庭月人均收入2200元，不低于低保标准1100.00元的两倍，且非意外致困，不符合建档条件"
    ]


def test_without_a_line_the_county_is_asked_to_set_one(world: World, worker: Any) -> None:
    with pytest.raises(ValidationError) as caught:
        open_case(world)
    assert caught.value.message_dict["income_per_head"] == [
        "本区县尚未设置低保标准，请先由区县总工会设置"
    ]


def test_one_open_file_per_person(world: World, line: None, worker: Any) -> None:
    open_case(world)
    with pytest.raises(ValidationError) as caught:
        open_case(world)
    assert caught.value.message_dict["id_number"] == ["此人已有困难职工档案，请在原档案中年审"]


def test_a_file_is_due_for_review_a_year_after_the_last(
    world: World, line: None, worker: Any
) -> None:
    case = open_case(world)
    assert not review_due(case, date(2024, 1, 31))
    assert review_due(case, date(2024, 2, 1))
    assert year_after(date(2024, 2, 29)) == date(2025, 3, 1)


def test_the_review_reclassifies_or_sends_to_closure(world: World, line: None, worker: Any) -> None:
    case = open_case(world)
    hardship_review(
        actor=world.township_staff,
        case=case,
        household_size=3,
        income_per_head=Decimal("1600"),
        sudden=False,
        on=date(2024, 2, 1),
    )
    assert (case.hardship_class, case.reviewed_on) == (HardshipClass.RELATIVE, date(2024, 2, 1))
    with pytest.raises(ValidationError) as caught:
        hardship_review(
            actor=world.township_staff,
            case=case,
            household_size=3,
            income_per_head=Decimal("3000"),
            sudden=False,
            on=date(2024, 3, 1),
        )
    assert caught.value.message_dict["income_per_head"][0].endswith("如已脱困请销档")
    hardship_close(actor=world.township_staff, case=case, on=date(2024, 3, 1), reason="再就业脱困")
    assert case.closed_on == date(2024, 3, 1)


def aid(world: World, case: HardshipCase, **over: Any) -> Any:
    fields: dict[str, Any] = {
        "actor": world.township_staff,
        "case": case,
        "kind": "schooling",
        "amount": Decimal("3000"),
        "reason": "子女上大学",
        "payee_bank": "湖州银行",
        "payee_account": "6217000012345678",
    }
    fields.update(over)
    return aid_create(**fields)


def test_aid_is_submitted_to_the_township_with_the_account_sealed(
    world: World, line: None, worker: Any
) -> None:
    item = aid(world, open_case(world))
    assert (item.state, item.step, item.account_masked) == (
        State.IN_REVIEW,
        "township_review",
        "621700******5678",
    )
    assert b"6217000012345678" not in bytes(item.account_cipher)


def test_aid_names_every_problem(world: World, line: None, worker: Any) -> None:
    with pytest.raises(ValidationError) as caught:
        aid(world, open_case(world), amount=Decimal(0), reason="", payee_account="12")
    assert set(caught.value.message_dict) == {"amount", "reason", "payee_account"}


def test_paid_aid_is_a_delivery_and_counts_in_the_reports(
    world: World, line: None, worker: Any
) -> None:
    item = aid(world, open_case(world))
    type(item).objects.filter(pk=item.pk).update(state=State.PAID, paid_on=date(2023, 3, 10))
    h1 = Period(date(2023, 1, 1), date(2023, 6, 30), "2023年上半年")
    values = {
        key: indicator_values(indicator_get(key), union=world.city, periods=[h1])[0].total
        for key in ("hardship_cases_open", "hardship_aid_amount", "hardship_aid_count")
    }
    assert values == {
        "hardship_cases_open": 1,
        "hardship_aid_amount": Decimal("3000.00"),
        "hardship_aid_count": 1,
    }
    total, _ = participation(
        actor=world.city_admin,
        union=world.city,
        item=standard("hardship_aid"),
        group=group_get("new_form"),
        start=h1.start,
        end=h1.end,
    )
    assert (total.served, total.people) == (1, 1)  # paid aid: a delivery of 困难帮扶


def test_the_pages_open_a_file_and_apply_for_aid(
    world: World, line: None, worker: Any, client_as
) -> None:
    client = client_as(world.township_staff)
    response = client.post(
        "/care/hardship/new/",
        {
            "name": "陈困难",
            "id_number": id_number_for(61),
            "household_size": "3",
            "income_per_head": "900",
            "cause": "家人重病",
            "opened_on": "2023-02-01",
        },
    )
    case = HardshipCase.objects.get()
    assert response["Location"] == f"/care/hardship/{case.pk}/"
    response = client.post(
        f"/care/hardship/{case.pk}/",
        {
            "form": "aid",
            "kind": "living",
            "amount": "2000",
            "reason": "生活困难",
            "payee_bank": "湖州银行",
            "payee_account": "6217000012345678",
        },
    )
    assert response.status_code == 302
    assert "陈困难" in client.get("/care/hardship/").content.decode()


def test_a_sibling_county_sees_no_file(world: World, line: None, worker: Any, client_as) -> None:
    case = open_case(world)
    client = client_as(world.nanxun_staff)
    assert client.get(f"/care/hardship/{case.pk}/").status_code == 404
    assert "陈困难" not in client.get("/care/hardship/").content.decode()
