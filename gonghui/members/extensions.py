"""How other apps add to the member pages without the members app knowing them: a panel on
the member's page (mutual aid, later hardship files and recuperation), and a filter on the
roster (enrolled in a plan or not). Apps register from their AppConfig.ready()."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet


@dataclass(frozen=True)
class MemberPanel:
    key: str
    template: str
    context: Callable[[Any, Any], dict[str, Any]]  # (actor, member) -> template context
    # The pages it appears on: a member's, and a registered worker's (then ``context`` gets
    # the Worker row); both rows carry the person's name, masked number, hash and union.
    pages: tuple[str, ...] = ("member",)


@dataclass(frozen=True)
class MemberFilter:
    key: str  # the query-string parameter
    label: str
    choices: Callable[[Any], list[tuple[str, str]]]  # (actor) -> [(value, label)], "" = all
    apply: Callable[[QuerySet[Any], str, Any], QuerySet[Any]]  # (members, value, actor)


_PANELS: dict[str, MemberPanel] = {}
_FILTERS: dict[str, MemberFilter] = {}


def member_panel_register(panel: MemberPanel) -> None:
    _PANELS[panel.key] = panel


def member_filter_register(member_filter: MemberFilter) -> None:
    _FILTERS[member_filter.key] = member_filter


def member_panels(page: str = "member") -> list[MemberPanel]:
    return [p for p in _PANELS.values() if page in p.pages]


def member_filters() -> list[MemberFilter]:
    return list(_FILTERS.values())
