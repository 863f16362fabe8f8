"""The aid app's part of the member pages: enrollments, claims and relief with yearly
totals on the member's page, and an "enrolled in a plan or not" filter on the roster."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet

from gonghui.aid.models import MutualAidClaim, MutualAidEnrollment, MutualAidPlan, ReliefApplication
from gonghui.core.actors import Actor
from gonghui.core.workflow.models import RELEASED_STATES, State
from gonghui.members.extensions import (
    MemberFilter,
    MemberPanel,
    member_filter_register,
    member_panel_register,
)

# What counts in a year's total: money decided for the member (approved, under notice, paid).
COUNTED = (State.NOTICE, State.APPROVED, State.PAID)


def panel_context(actor: Actor, member: Any) -> dict[str, Any]:
    enrollments = list(
        MutualAidEnrollment.objects.filter(member=member)
        .select_related("plan", "union")
        .order_by("-plan__year")
    )
    claims = list(
        MutualAidClaim.objects.visible_to(actor)
        .filter(member=member)
        .select_related("plan")
        .order_by("-start_date", "-pk")
    )
    reliefs = list(
        ReliefApplication.objects.visible_to(actor)
        .filter(member=member)
        .select_related("policy")
        .order_by("-policy__year", "-pk")
    )
    totals: dict[int, dict[str, Any]] = defaultdict(
        lambda: {"claims": Decimal("0.00"), "claim_count": 0, "relief": Decimal("0.00")}
    )
    for claim in claims:
        if claim.state in COUNTED:
            totals[claim.plan.year]["claims"] += claim.amount
            totals[claim.plan.year]["claim_count"] += 1
    for relief in reliefs:
        if relief.state in COUNTED:
            totals[relief.policy.year]["relief"] += relief.amount
    from gonghui.aid.permissions import may_enter_claims

    return {
        "may_enter": member.status == "active" and may_enter_claims(actor),
        "enrollments": enrollments,
        "claims": claims,
        "reliefs": reliefs,
        "released": RELEASED_STATES,
        "totals": [
            {"year": year, **values, "sum": values["claims"] + values["relief"]}
            for year, values in sorted(totals.items(), reverse=True)
        ],
    }


def _plan_choices(actor: Actor) -> list[tuple[str, str]]:
    plans = MutualAidPlan.objects.visible_to(actor).order_by("-year", "code")[:4]
    choices = [("", "医疗互助：全部")]
    for plan in plans:
        choices.append((f"in:{plan.pk}", f"已参保{plan.year}年度"))
        choices.append((f"out:{plan.pk}", f"未参保{plan.year}年度"))
    return choices


def _enrolled_filter(members: QuerySet[Any], value: str, actor: Actor) -> QuerySet[Any]:
    kind, _, raw = value.partition(":")
    if kind not in ("in", "out") or not raw.isdigit():
        return members
    plan = MutualAidPlan.objects.visible_to(actor).filter(pk=int(raw)).first()
    if plan is None:
        return members.none()
    enrolled = Exists(MutualAidEnrollment.objects.filter(plan=plan, member_id=OuterRef("pk")))
    return members.filter(enrolled) if kind == "in" else members.exclude(enrolled)


def register() -> None:
    member_panel_register(MemberPanel("aid", "aid/_member_panel.html", panel_context))
    member_filter_register(MemberFilter("aid", "医疗互助参保", _plan_choices, _enrolled_filter))
