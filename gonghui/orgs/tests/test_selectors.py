"""Selectors of the union tree."""

from __future__ import annotations

import pytest
from django.http import Http404

from gonghui.conftest import World
from gonghui.orgs.selectors import union_of_page


def test_the_page_is_about_the_union_asked_for(world: World) -> None:
    assert union_of_page(actor=world.wuxing_staff, code=f" {world.yuehe.code} ") == world.yuehe


def test_the_page_is_about_ones_own_union_by_default(world: World) -> None:
    assert union_of_page(actor=world.wuxing_staff, code="") == world.wuxing


def test_a_union_outside_the_subtree_is_not_found(world: World) -> None:
    with pytest.raises(Http404):
        union_of_page(actor=world.wuxing_staff, code=world.nanxun.code)
