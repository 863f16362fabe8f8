"""Who may do what with 能级工资集体协商: every rule on the kernel's ``in_scope``."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied

from gonghui.core.actors import Actor, is_operator
from gonghui.core.models import Role
from gonghui.core.scoping import in_scope, require_in_scope

EDIT_ROLES = (Role.ADMIN, Role.STAFF)


def may_edit(actor: Actor, union: Any) -> bool:
    """Whether the actor may record 能级工资集体协商 for ``union`` (their own or below it)."""
    return (
        getattr(actor, "is_active", False)
        and (getattr(actor, "role", None) in EDIT_ROLES or is_operator(actor))
        and in_scope(actor, union)
    )


def require_edit(actor: Actor, union: Any) -> None:
    require_in_scope(actor, union, "只能为本工会及下级工会录入。")
    if not may_edit(actor, union):
        raise PermissionDenied("您的角色无权录入能级工资集体协商。")


FUNDS_ROLES = (Role.ADMIN, Role.STAFF, Role.FINANCE)


def may_keep_funds(actor: Actor, union: Any) -> bool:
    """Whether the actor may keep ``union``'s budget and spending (finance staff too)."""
    return (
        getattr(actor, "is_active", False)
        and (getattr(actor, "role", None) in FUNDS_ROLES or is_operator(actor))
        and in_scope(actor, union)
    )


def require_funds(actor: Actor, union: Any) -> None:
    require_in_scope(actor, union, "只能管理本工会及下级工会的经费。")
    if not may_keep_funds(actor, union):
        raise PermissionDenied("您的角色无权管理经费。")


def own_union(actor: Actor) -> Any:
    """The actor's own union, for what is recorded in its name (an application, a
    payment); an account outside the tree records nothing."""
    union = getattr(actor, "union", None)
    if union is None:
        raise PermissionDenied("您的账号未归属任何工会，不能办理。")
    return union
