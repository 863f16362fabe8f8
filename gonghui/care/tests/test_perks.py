"""X perks: the month's list of who is due by the rule, and marking them delivered once."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from gonghui.care.models import Delivery, Eligibility, PerkRule, ServiceItem, Source, Unit
from gonghui.care.services.catalogue import item_create
from gonghui.care.services.perks import perk_create, perk_deliver, perk_due
from gonghui.conftest import World
from gonghui.core import pii
from gonghui.members.models import EmploymentForm, Occupation
from gonghui.members.tests.factories import MemberFactory, WorkerFactory

JUNE = date(2023, 6, 1)


def born_in(month: int, n: int) -> str:
    return pii.id_number_compose("330502", date(1990, month, 10), n)


@pytest.fixture
def birthday_item(world: World) -> ServiceItem:
    return item_create(
        actor=world.wuxing_staff,
        union=world.wuxing,
        name="生日趴",
        eligibility=Eligibility.EVERYONE,
        unit=Unit.YUAN,
    )


def test_the_birthday_list_reads_the_birth_month_from_the_id_number(
    world: World, birthday_item: ServiceItem
) -> None:
    perk = perk_create(
        actor=world.wuxing_staff,
        union=world.wuxing,
        item=birthday_item,
        rule=PerkRule.BIRTHDAY,
        value=Decimal(100),
    )
    MemberFactory.create(union=world.wuxing_grassroots, id_number=born_in(6, 11), name="六月生")
    MemberFactory.create(union=world.wuxing_grassroots, id_number=born_in(7, 12), name="七月生")
    WorkerFactory.create(union=world.yuehe, id_number=born_in(6, 13), name="六月骑手")
    MemberFactory.create(union=world.nanxun_grassroots, id_number=born_in(6, 14), name="南浔六月")
    due, total = perk_due(perk=perk, union=world.wuxing, month=JUNE)
    assert total == 2
    assert sorted(d.name for d in due) == ["六月生", "六月骑手"]


def test_marking_delivered_writes_one_delivery_each_and_only_once(
    world: World, birthday_item: ServiceItem
) -> None:
    perk = perk_create(
        actor=world.wuxing_staff,
        union=world.wuxing,
        item=birthday_item,
        rule=PerkRule.BIRTHDAY,
        value=Decimal(100),
    )
    MemberFactory.create(union=world.wuxing_grassroots, id_number=born_in(6, 11))
    assert (
        perk_deliver(
            actor=world.wuxing_staff,
            perk=perk,
            union=world.wuxing,
            month=JUNE,
            on=date(2023, 6, 18),
        )
        == 1
    )
    assert (
        perk_deliver(
            actor=world.wuxing_staff,
            perk=perk,
            union=world.wuxing,
            month=JUNE,
            on=date(2023, 6, 19),
        )
        == 0
    )
    delivery = Delivery.objects.get()
    assert (delivery.source, delivery.cost, delivery.on) == (
        Source.PERK,
        Decimal("100.00"),
        date(2023, 6, 18),
    )
    assert perk_due(perk=perk, union=world.wuxing, month=JUNE)[1] == 0


def test_a_day_outside_the_month_is_refused(world: World, birthday_item: ServiceItem) -> None:
    perk = perk_create(
        actor=world.wuxing_staff, union=world.wuxing, item=birthday_item, rule=PerkRule.BIRTHDAY
    )
    with pytest.raises(ValidationError) as caught:
        perk_deliver(
            actor=world.wuxing_staff, perk=perk, union=world.wuxing, month=JUNE, on=date(2023, 7, 1)
        )
    assert caught.value.message_dict == {"on": ["发放日期须在2023年06月内"]}


def test_an_occupation_perk_lists_only_those_occupations(
    world: World, birthday_item: ServiceItem
) -> None:
    perk = perk_create(
        actor=world.wuxing_staff,
        union=world.wuxing,
        item=birthday_item,
        rule=PerkRule.OCCUPATION,
        occupations=[Occupation.DELIVERY_RIDER],
    )
    WorkerFactory.create(union=world.yuehe, occupation=Occupation.DELIVERY_RIDER, name="骑手")
    WorkerFactory.create(union=world.yuehe, occupation=Occupation.COURIER, name="快递员")
    MemberFactory.create(union=world.wuxing_grassroots, employment_form=EmploymentForm.STANDARD)
    due, total = perk_due(perk=perk, union=world.wuxing, month=JUNE)
    assert (total, [d.name for d in due]) == (1, ["骑手"])


def test_a_standard_item_is_not_a_perk(world: World) -> None:
    with pytest.raises(ValidationError) as caught:
        perk_create(
            actor=world.wuxing_staff,
            union=world.wuxing,
            item=ServiceItem.objects.get(key="counseling"),
            rule=PerkRule.BENEFIT_DAY,
        )
    assert set(caught.value.message_dict) == {"item", "benefit_day"}


def test_the_perk_page_lists_and_marks(world: World, birthday_item: ServiceItem, client_as) -> None:
    perk = perk_create(
        actor=world.wuxing_staff, union=world.wuxing, item=birthday_item, rule=PerkRule.BIRTHDAY
    )
    MemberFactory.create(union=world.wuxing_grassroots, id_number=born_in(6, 11), name="六月生")
    client = client_as(world.wuxing_staff)
    page = client.get(f"/care/perks/{perk.pk}/?month=2023-06").content.decode()
    assert "六月生" in page and "<strong>1</strong>" in page
    response = client.post(f"/care/perks/{perk.pk}/?month=2023-06", {"on": "2023-06-18"})
    assert response.status_code == 302 and Delivery.objects.count() == 1
    assert client_as(world.nanxun_staff).get(f"/care/perks/{perk.pk}/").status_code == 404
