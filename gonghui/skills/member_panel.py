"""The member page's skills panel: the grade and tier, titles, promotions and honours of the
member's skills file (other modules read the honours registry the same way)."""

from __future__ import annotations

from typing import Any

from gonghui.members.extensions import MemberPanel, member_panel_register
from gonghui.skills.models import Talent
from gonghui.skills.selectors import talent_history


def panel_context(actor: Any, member: Any) -> dict[str, Any]:
    talent = Talent.objects.filter(member=member).first()
    if talent is None:
        return {"talent": None}
    history = talent_history(talent)
    history["honours"] = list(talent.honours.order_by("-granted_on"))
    return {"talent": talent, **history}


def register() -> None:
    member_panel_register(MemberPanel("skills", "skills/_member_panel.html", panel_context))
