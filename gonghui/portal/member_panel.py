"""The portal's part of a member's and a registered worker's page: whether the person has a
portal account, and the button that issues an activation code for them."""

from __future__ import annotations

from typing import Any

from gonghui.core.actors import Actor
from gonghui.members.extensions import MemberPanel, member_panel_register
from gonghui.members.models import Member
from gonghui.members.permissions import may_edit_members
from gonghui.portal.models import WorkerAccount


def panel_context(actor: Actor, person: Any) -> dict[str, Any]:
    account = WorkerAccount.objects.filter(id_hash=person.id_hash).first()
    kind = "member" if isinstance(person, Member) else "worker"
    return {
        "account": account,
        "issue_query": f"{kind}={person.pk}",
        "may_issue": may_edit_members(actor),
    }


def register() -> None:
    member_panel_register(
        MemberPanel(
            key="portal",
            template="portal/_member_panel.html",
            context=panel_context,
            pages=("member", "worker"),
        )
    )
