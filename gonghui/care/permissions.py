"""Who may do what with 服务台账: every rule on the kernel's ``in_scope``."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied

from gonghui.core.actors import Actor, is_operator
from gonghui.core.models import Role
from gonghui.core.scoping import in_scope, require_in_scope

EDIT_ROLES = (Role.ADMIN, Role.STAFF)


def may_edit(actor: Actor, union: Any) -> bool:
    """Whether the actor may record 服务台账 for ``union`` (their own or below it)."""
    return (
        getattr(actor, "is_active", False)
        and (getattr(actor, "role", None) in EDIT_ROLES or is_operator(actor))
        and in_scope(actor, union)
    )


def require_edit(actor: Actor, union: Any) -> None:
    require_in_scope(actor, union, "只能为本工会及下级工会录入。")
    if not may_edit(actor, union):
        raise PermissionDenied("您的角色无权录入服务台账。")
