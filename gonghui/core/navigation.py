"""The sidebar: the domain areas of gonghui, each entry shown to the roles (and tree levels)
that can use its page. Areas with nothing for a role are not shown.

The areas are the product's frame, declared here; their entries come from each app's
``nav.py`` (``nav_register``), found by autodiscovery."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from django.utils.module_loading import autodiscover_modules

from gonghui.core import roles

# The role sets of the entries are the product's (core/roles.py), named here for nav.py files.
EDITORS, REVIEWERS, READERS = roles.EDITORS, roles.REVIEWERS, roles.READERS


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str | None = None  # a named URL once the page exists
    icon: str = "dot"
    url_args: tuple[str, ...] = ()
    badge: str = ""  # a key of the context's ``nav_badges`` (a count shown beside the label)
    roles: tuple[str, ...] = ()  # who sees it; empty: every staff role
    levels: tuple[str, ...] = ()  # at which levels of the tree; empty: all

    def visible_to(self, role: str, level: str | None) -> bool:
        return (not self.roles or role in self.roles) and (not self.levels or level in self.levels)


@dataclass(frozen=True)
class NavArea:
    slug: str
    label: str
    icon: str
    coming: str = ""  # what this area will still hold, shown on its page while it is built
    items: tuple[NavItem, ...] = field(default_factory=tuple)


# The areas of the product, in the sidebar's order: the frame every app fills. An area with
# no entries yet says what it will hold (its ``coming`` text) on its own page.
AREA_FRAME: tuple[NavArea, ...] = (
    NavArea("orgs", "组织建设", "diagram-3", coming="企业名录查询。"),
    NavArea("members", "会员管理", "people", coming="会员统计。"),
    NavArea(
        "services",
        "服务保障",
        "heart-pulse",
        coming="",
    ),
    NavArea(
        "activities",
        "工作台账",
        "journal-text",
        coming=(
            "班前十分钟、“双百千万”宣讲、文体活动、春风送岗、大调研、劳模工匠进校园、东西部协作。"
        ),
    ),
    NavArea(
        "skills",
        "技能提升",
        "trophy",
        coming="",
    ),
    NavArea(
        "wages",
        "能级工资与民主管理",
        "cash-coin",
        coming="",
    ),
    NavArea(
        "funds",
        "经费与阵地",
        "geo-alt",
        coming="",
    ),
    NavArea("reports", "督导与报告", "bar-chart-line", coming="年度一总结、督导检查与限时任务。"),
    NavArea("system", "系统", "gear"),
)
AREA_SLUGS = frozenset(area.slug for area in AREA_FRAME)

# (area slug, order, item), from each app's nav.py.
_ENTRIES: list[tuple[str, int, NavItem]] = []


def nav_register(area: str, order: int, item: NavItem) -> NavItem:
    """Add an entry to an area of the sidebar, at ``order`` among the area's entries (apps
    leave gaps of ten so that a later app can place an entry between two)."""
    if area not in AREA_SLUGS:
        raise ValueError(f"unknown navigation area {area!r}")
    _ENTRIES[:] = [e for e in _ENTRIES if not (e[0] == area and e[2] == item)]
    _ENTRIES.append((area, order, item))
    return item


# Counts shown beside entries (NavItem.badge): key -> (user) -> int, from each app's nav.py.
_BADGES: dict[str, Callable[[Any], int]] = {}


def badge_register(key: str, count: Callable[[Any], int]) -> None:
    _BADGES[key] = count


def badges_for(user: Any) -> dict[str, int]:
    """The counts of the badges the user's sidebar shows (only those: each is a query)."""
    shown = {i.badge for area in areas_for(user) for i in area.items if i.badge}
    return {key: _BADGES[key](user) for key in shown if key in _BADGES}


@functools.cache
def _areas() -> tuple[NavArea, ...]:
    autodiscover_modules("nav")
    by_area: dict[str, list[tuple[int, NavItem]]] = {}
    for area, order, item in _ENTRIES:
        by_area.setdefault(area, []).append((order, item))
    return tuple(
        replace(
            area,
            items=tuple(i for _, i in sorted(by_area.get(area.slug, []), key=lambda e: e[0])),
        )
        for area in AREA_FRAME
    )


def areas() -> tuple[NavArea, ...]:
    """Every area with the entries the apps declared."""
    return _areas()


def area_by_slug(slug: str) -> NavArea | None:
    return next((a for a in areas() if a.slug == slug), None)


def areas_for(user: Any) -> list[NavArea]:
    """The sidebar of one user: the entries their role and level can use, areas with none
    left out (areas still to be built are not menu entries)."""
    role = getattr(user, "role", "")
    union = getattr(user, "union", None)
    level = getattr(union, "level", None)
    shown = []
    for area in areas():
        items = tuple(i for i in area.items if i.visible_to(role, level))
        if items:
            shown.append(replace(area, items=items))
    return shown
