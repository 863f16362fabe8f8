"""Who may do what with 活动台账: every rule on the kernel's ``in_scope``."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied

from gonghui.core.actors import Actor, is_operator
from gonghui.core.models import Role
from gonghui.core.scoping import in_scope, require_in_scope
from gonghui.orgs.models import Union

EDIT_ROLES = (Role.ADMIN, Role.STAFF)


def may_edit(actor: Actor, union: Any) -> bool:
    """Whether the actor may record the ledgers for ``union`` (their own or below it): staff
    and administrators, and the server operator importing for the union a command names."""
    return (
        getattr(actor, "is_active", False)
        and (getattr(actor, "role", None) in EDIT_ROLES or is_operator(actor))
        and in_scope(actor, union)
    )


def require_edit(actor: Actor, union: Any) -> None:
    require_in_scope(actor, union, "只能为本工会及下级工会录入。")
    if not may_edit(actor, union):
        raise PermissionDenied("您的角色无权录入工作台账。")


def may_select(actor: Actor) -> bool:
    """The city's staff pick the 优秀活动案例, the 领讲员 and the 典型工作案例."""
    union = getattr(actor, "union", None)
    return (
        getattr(actor, "is_active", False)
        and getattr(actor, "role", None) in EDIT_ROLES
        and union is not None
        and union.level == Union.Level.CITY
    )


def require_select(actor: Actor) -> None:
    if not may_select(actor):
        raise PermissionDenied("优秀案例和领讲员由市总工会选定。")
