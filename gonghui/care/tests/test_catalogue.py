"""The catalogue: the nine standard items for everyone, X items for a union's subtree."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from gonghui.care.models import Eligibility, ServiceItem, StandardItem, Unit
from gonghui.care.selectors import catalogue
from gonghui.care.services.catalogue import item_close, item_create
from gonghui.conftest import World


def test_the_nine_standard_items_have_their_fixed_keys(world: World) -> None:
    keys = set(ServiceItem.objects.filter(union__isnull=True).values_list("key", flat=True))
    assert keys == set(StandardItem.values)
    assert len(keys) == 9


def birthday(world: World, union=None, **over):
    fields: dict[str, Any] = {
        "actor": world.wuxing_staff,
        "union": union or world.wuxing,
        "name": "生日趴",
        "eligibility": Eligibility.NEW_FORM,
        "unit": Unit.PERSON_TIMES,
        "valid_from": date(2023, 1, 1),
        "valid_to": date(2023, 12, 31),
    }
    fields.update(over)
    return item_create(**fields)


def test_an_x_item_is_keyed_by_its_row_and_seen_below_not_beside(world: World) -> None:
    item = birthday(world)
    assert item.key == f"x{item.pk}"
    assert item in catalogue(actor=world.township_staff)  # 月河, below 吴兴
    assert item not in catalogue(actor=world.nanxun_staff)
    assert catalogue(actor=world.nanxun_staff).count() == 9


def test_a_township_sees_the_x_items_of_its_ancestors_only(world: World) -> None:
    zhili_item = birthday(world, union=world.zhili, name="惠享日")
    assert zhili_item not in catalogue(actor=world.township_staff)
    assert zhili_item in catalogue(actor=world.wuxing_staff)


def test_occupations_must_be_chosen_for_an_occupation_item(world: World) -> None:
    with pytest.raises(ValidationError) as caught:
        birthday(world, eligibility=Eligibility.OCCUPATIONS, occupations=[])
    assert caught.value.message_dict == {
        "occupations": ["服务对象为指定职业时，请至少选择一个职业。"]
    }


def test_a_validity_ending_before_it_starts_is_refused(world: World) -> None:
    with pytest.raises(ValidationError) as caught:
        birthday(world, valid_from=date(2023, 6, 1), valid_to=date(2023, 5, 1))
    assert caught.value.message_dict == {"valid_to": ["有效期止不能早于有效期起。"]}


def test_a_name_already_in_the_catalogue_is_refused(world: World) -> None:
    with pytest.raises(ValidationError) as caught:
        birthday(world, name="健康体检")
    assert caught.value.message_dict == {"name": ["“健康体检”已在服务项目中。"]}


def test_another_county_may_not_add_for_wuxing(world: World) -> None:
    with pytest.raises(PermissionDenied):
        birthday(world, actor=world.nanxun_staff)


def test_a_standard_item_cannot_be_closed(world: World) -> None:
    with pytest.raises(ValidationError):
        item_close(
            actor=world.city_admin,
            item=ServiceItem.objects.get(key="counseling"),
            on=date(2023, 1, 1),
        )


def test_the_catalogue_page_lists_the_nine_and_the_x_items(world: World, client_as) -> None:
    birthday(world)
    page = client_as(world.township_staff).get("/care/items/").content.decode()
    assert page.count('data-label="项目"') == 10
    assert "生日趴" in page and "吴兴区总工会" in page


def test_the_new_item_page_adds_one(world: World, client_as) -> None:
    response = client_as(world.wuxing_staff).post(
        "/care/items/new/",
        {
            "name": "惠享日",
            "eligibility": "occupations",
            "occupations": ["courier"],
            "unit": "yuan",
        },
    )
    assert response.status_code == 302
    item = ServiceItem.objects.get(name="惠享日")
    assert (item.union, item.occupation_keys, item.unit) == (world.wuxing, ["courier"], "yuan")
