"""Who may submit items of a type and who may pay them: the engine's rules, on the kernel's
``in_scope``. A type's app builds its own page rules on these (``aid/permissions.py``)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404

from gonghui.core.actors import Actor
from gonghui.core.models import Role
from gonghui.core.scoping import in_scope
from gonghui.core.workflow import Workflow

# Payout batches are made by a finance user of a county or of the city.
BATCH_LEVELS = ("city", "county")
FINANCE_ONLY = "只有市、区县工会的财务人员可以办理发放。"
SUBMITTERS_ONLY = "只有基层或乡镇（街道）工会的工作人员可以提交{label}。"


def may_submit(actor: Actor, workflow: Workflow) -> bool:
    """Staff, reviewers and administrators of the levels that submit the type (grassroots
    and township by default) enter and submit its items; everyone else only reads them."""
    union = getattr(actor, "union", None)
    return (
        union is not None
        and getattr(actor, "role", None) in workflow.submit_roles
        and union.level in workflow.submit_levels
    )


def require_submitter(actor: Actor, workflow: Workflow) -> None:
    if not may_submit(actor, workflow):
        raise PermissionDenied(SUBMITTERS_ONLY.format(label=workflow.label))


def may_pay(actor: Actor) -> bool:
    """Whether the actor makes payout batches (and the pages show them the buttons)."""
    union = getattr(actor, "union", None)
    return (
        union is not None
        and getattr(actor, "is_active", False)
        and getattr(actor, "role", None) == Role.FINANCE
        and union.level in BATCH_LEVELS
    )


def require_finance(actor: Actor) -> None:
    if not may_pay(actor):
        raise PermissionDenied(FINANCE_ONLY)


def require_scope_or_404(actor: Actor, union: Any) -> None:
    """Outside the actor's subtree a batch or line does not exist for them (404, not 403)."""
    if not in_scope(actor, union):
        raise Http404("未找到该对象，或不在您的管辖范围内。")
