"""Who may do what with members: every ``may_*`` and ``require_*`` of the app, on the
kernel's ``in_scope`` and the role sets of ``core/roles.py``."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied

from gonghui.core.actors import Actor
from gonghui.core.roles import EDITORS
from gonghui.core.scoping import in_scope

EDITORS_ONLY = "您的角色无权执行此操作。"


def may_edit_members(actor: Actor) -> bool:
    """Administrators and staff key in, correct, move and remove members; others read."""
    return getattr(actor, "role", None) in EDITORS


def require_member_editor(actor: Actor) -> None:
    if not may_edit_members(actor):
        raise PermissionDenied(EDITORS_ONLY)


def require_transfer_handler(actor: Actor) -> None:
    if not may_edit_members(actor):
        raise PermissionDenied("只有管理员和工作人员可以办理转会。")


def may_cancel_transfer(actor: Actor, transfer: Any) -> bool:
    """The sending side withdraws a proposal the receiver has not decided yet."""
    return (
        may_edit_members(actor)
        and transfer.state == "proposed"
        and in_scope(actor, transfer.from_union)
    )


def require_receiving_union(actor: Actor, transfer: Any) -> None:
    require_transfer_handler(actor)
    if not in_scope(actor, transfer.to_union):
        raise PermissionDenied("只有转入工会可以接收或拒绝转会。")


def require_sending_union(actor: Actor, transfer: Any) -> None:
    require_transfer_handler(actor)
    if not in_scope(actor, transfer.from_union):
        raise PermissionDenied("只有转出工会可以撤回转会申请。")


def require_pii_access(actor: Actor, refusal: str = "您没有查看完整个人信息的权限。") -> None:
    """Full ID numbers and phones are for users holding the personal-data right."""
    if not getattr(actor, "pii_access", False):
        raise PermissionDenied(refusal)
