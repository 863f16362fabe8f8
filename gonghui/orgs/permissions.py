"""Who may do what on the union tree and the 应建未建 worklist, on the kernel's rules."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from gonghui.core.actors import Actor
from gonghui.core.roles import EDITORS, Role


def require_tree_admin(actor: Actor) -> None:
    """Rebuilding the tree's cached counts is an administrator's task."""
    if getattr(actor, "role", None) != Role.ADMIN:
        raise PermissionDenied("您的角色无权执行此操作。")


def may_close_formation(actor: Actor) -> bool:
    """Administrators and staff record a union's formation (建会销号); others read."""
    return getattr(actor, "role", None) in EDITORS


def require_formation_closer(actor: Actor) -> None:
    if not may_close_formation(actor):
        raise PermissionDenied("您的角色无权执行此操作。")
