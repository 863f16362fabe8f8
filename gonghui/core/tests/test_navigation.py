"""The sidebar: the product's areas, filled by each app's nav.py."""

from __future__ import annotations

import pytest

from gonghui.conftest import World
from gonghui.core.navigation import NavItem, areas, areas_for, nav_register


def test_every_app_fills_its_area_in_order() -> None:
    labels = {area.slug: [i.label for i in area.items] for area in areas()}
    assert labels["orgs"] == ["工会组织树", "应建未建", "企业名录导入导出"]
    assert labels["services"][:3] == ["待办审核", "互助金申请", "大病救助"]
    assert labels["system"] == [
        "后台任务",
        "审计日志",
        "公示设置",
        "账号管理",
        "批量开通账号",
        "修改密码",
    ]
    assert labels["activities"][:1] == ["活动台账"]


def test_a_role_sees_only_its_entries(world: World) -> None:
    shown = {a.slug: [i.label for i in a.items] for a in areas_for(world.wuxing_staff)}
    assert "账号管理" not in shown["system"]
    assert "发放批次" not in shown["services"]
    assert shown["activities"][:1] == ["活动台账"]


def test_an_entry_for_an_unknown_area_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown navigation area"):
        nav_register("nowhere", 10, NavItem("无", "home"))


def test_an_area_page_links_its_entries_and_says_only_what_is_still_coming(
    world: World, client_as
) -> None:
    client = client_as(world.wuxing_staff)
    skills = client.get("/area/skills/").content.decode()
    assert 'href="/skills/"' in skills and "建设中" not in skills
    wages = client.get("/area/wages/").content.decode()
    assert 'href="/wages/democracy/"' in wages and "建设中" not in wages
    funds = client.get("/area/funds/").content.decode()
    assert 'href="/wages/funds/assets/"' in funds and "建设中" not in funds
