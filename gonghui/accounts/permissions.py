"""Who may administer which accounts."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from gonghui.core.actors import Actor
from gonghui.core.models import Role, User
from gonghui.core.scoping import require_in_scope
from gonghui.orgs.models import Union


def may_administer_accounts(actor: Actor) -> bool:
    """An administrator of a union administers the accounts of its subtree."""
    return (
        getattr(actor, "role", None) == Role.ADMIN
        and getattr(actor, "union", None) is not None
        and getattr(actor, "is_active", False)
    )


def may_grant_pii(actor: Actor) -> bool:
    """Only the city's administrators grant the right to see full personal data."""
    union = actor.union
    return may_administer_accounts(actor) and union is not None and union.level == Union.Level.CITY


def require_admin(actor: User) -> None:
    if not may_administer_accounts(actor):
        raise PermissionDenied("只有管理员可以管理账号。")


def require_administer(actor: User, user: User) -> None:
    """The actor administers ``user``'s account: an admin whose subtree holds it."""
    require_admin(actor)
    require_in_scope(actor, user.union, "只能管理本级及下级工会的账号。")


def require_city_admin(actor: User) -> None:
    if not may_grant_pii(actor):
        raise PermissionDenied("只有市总工会的管理员可以授予或撤销查看完整个人信息的权限。")
