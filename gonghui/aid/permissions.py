"""Who may do what in mutual aid and relief: every ``may_*`` and ``require_*`` of the app, on
the kernel's ``in_scope`` and the workflow engine's submitter rule."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404

from gonghui.aid.workflows import CLAIM, RELIEF
from gonghui.core.actors import Actor, is_operator
from gonghui.core.models import Role
from gonghui.core.scoping import in_scope
from gonghui.core.workflow.permissions import may_submit, require_submitter

# The levels whose administrators set a relief policy (for their union or a county below).
POLICY_LEVELS = ("city", "county")
POLICY_ADMINS_ONLY = "只有市、区县工会的管理员可以设置大病救助政策。"


def may_enter_claims(actor: Actor) -> bool:
    """Staff, reviewers and administrators of grassroots and township unions enter claims
    (the workflow's submitters); everyone else only reads them."""
    return may_submit(actor, CLAIM)


def may_apply_relief(actor: Actor) -> bool:
    return may_submit(actor, RELIEF)


def require_relief_submitter(actor: Actor) -> None:
    require_submitter(actor, RELIEF)


def may_set_relief_policy(actor: Actor) -> bool:
    union = getattr(actor, "union", None)
    return (
        union is not None
        and getattr(actor, "role", None) == Role.ADMIN
        and union.level in POLICY_LEVELS
    )


def require_relief_policy_admin(actor: Actor, union: Any) -> None:
    """An administrator of a city or county union, for their union or one below (404 for a
    union outside their subtree)."""
    if not may_set_relief_policy(actor):
        raise PermissionDenied(POLICY_ADMINS_ONLY)
    if not in_scope(actor, union):
        raise Http404("未找到该工会，或不在您的管辖范围内。")


def may_edit_plan(actor: Actor, plan: Any) -> bool:
    """Only an administrator of the union that runs a plan changes it."""
    return getattr(actor, "role", None) == Role.ADMIN and getattr(actor, "union_id", None) == (
        plan.union_id
    )


def require_plan_admin(actor: Actor, union: Any) -> None:
    """A user changes only the plans of their own union, as its administrator; the server
    operator (no user) loads any."""
    if is_operator(actor):
        return
    if getattr(actor, "role", None) != Role.ADMIN or getattr(actor, "union_id", None) != union.pk:
        raise PermissionDenied("只有举办工会的管理员才能修改互助方案。")
