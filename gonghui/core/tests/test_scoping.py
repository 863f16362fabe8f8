"""The scoping mechanism itself: visible_to, visible_under, access."""

from __future__ import annotations

from datetime import date

import pytest
from django.http import Http404

from gonghui.conftest import World
from gonghui.core.pii import id_number_compose
from gonghui.core.scoping import access
from gonghui.members.models import Member
from gonghui.members.services import member_join
from gonghui.orgs.models import Union


@pytest.fixture
def two_members(world: World) -> tuple[Member, Member]:
    a = member_join(
        actor=world.city_admin,
        union=world.wuxing_grassroots,
        name="吴兴会员",
        id_number=id_number_compose("330502", date(1990, 1, 1), 1),
    )
    b = member_join(
        actor=world.city_admin,
        union=world.nanxun_grassroots,
        name="南浔会员",
        id_number=id_number_compose("330503", date(1990, 1, 1), 2),
    )
    return a, b


def test_visible_to_keeps_the_subtree(world: World, two_members: tuple[Member, Member]) -> None:
    assert [m.name for m in Member.objects.visible_to(world.wuxing_staff)] == ["吴兴会员"]
    assert Member.objects.visible_to(world.city_admin).count() == 2
    assert not Member.objects.visible_to(world.worker).exists()


def test_visible_under_is_the_same_rule_by_union_ids(
    world: World, two_members: tuple[Member, Member]
) -> None:
    assert [m.name for m in Member.objects.visible_under(world.city_admin, world.nanxun)] == [
        "南浔会员"
    ]
    assert not Member.objects.visible_under(world.nanxun_staff, world.wuxing).exists()
    assert (
        not Member.objects.visible_under(world.township_staff, world.city)
        .filter(name="南浔会员")
        .exists()
    )


def test_visible_under_can_keep_only_some_levels(
    world: World, two_members: tuple[Member, Member]
) -> None:
    qs = Member.objects.visible_under(world.city_admin, world.city, [Union.Level.TOWNSHIP])
    assert not qs.exists()


def test_access_answers_404_for_missing_and_out_of_scope_alike(
    world: World, two_members: tuple[Member, Member]
) -> None:
    wuxing_member, _ = two_members
    with pytest.raises(Http404):
        access(Member.objects.all(), actor=world.nanxun_staff, pk=wuxing_member.pk)
    with pytest.raises(Http404):
        access(Member.objects.all(), actor=world.wuxing_staff, pk=10**9)
    assert (
        access(Member.objects.all(), actor=world.wuxing_staff, pk=wuxing_member.pk) == wuxing_member
    )


def test_in_scope_is_the_actors_union_and_below(world: World) -> None:
    from gonghui.core.scoping import in_scope

    assert [in_scope(world.wuxing_staff, u) for u in (world.wuxing, world.yuehe)] == [True, True]
    assert [in_scope(world.wuxing_staff, u) for u in (world.city, world.nanxun)] == [False, False]


def test_require_in_scope_refuses_with_the_reason_given(world: World) -> None:
    import pytest
    from django.core.exceptions import PermissionDenied

    from gonghui.core.scoping import require_in_scope

    with pytest.raises(PermissionDenied, match="只能为本级及下级工会开通接口"):
        require_in_scope(world.wuxing_staff, world.nanxun, "只能为本级及下级工会开通接口。")
