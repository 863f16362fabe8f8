"""The two application types of this app, declared once for the workflow engine: their
review steps, public notice, what they pay and the hooks the engine runs under its lock."""

from __future__ import annotations

from typing import Any

from django.conf import settings

from gonghui.aid.models import MutualAidClaim, ReliefApplication
from gonghui.core.workflow import Payout, Step, Workflow, workflow_register


def _notice_days(item: Any) -> int:
    return settings.GONGHUI_NOTICE_DAYS


def _above_city_threshold(claim: MutualAidClaim) -> bool:
    return bool(claim.amount > claim.plan.city_approval_above)


def _notice_row(item: Any, summary: str) -> dict[str, Any]:
    """The item as the public notice lists it; the engine decides how much of the person's
    name and ID number it shows (the union's notice setting)."""
    return {
        "person_name": item.member.name,
        "id_masked": item.member.id_masked,
        "union": item.union.name,
        "summary": summary,
        "amount": item.amount,
        "notice_until": item.notice_until,
    }


def _claim_notice_row(claim: MutualAidClaim) -> dict[str, Any]:
    return _notice_row(claim, f"{claim.get_category_display()}互助金")


def _relief_notice_row(application: ReliefApplication) -> dict[str, Any]:
    return _notice_row(application, "会员大病救助")


CLAIM = workflow_register(
    Workflow(
        key="mutual_aid_claim",
        label="互助金申请",
        model=MutualAidClaim,
        steps=(
            Step("township_review", "初审", "township"),
            Step("county_approval", "审批", "county"),
            Step("city_approval", "市总审批", "city", applies=_above_city_threshold),
        ),
        notice_days=_notice_days,
        notice_row=_claim_notice_row,
        payout=Payout(purpose="职工医疗互助金", payee_name="member__name"),
        before_final="gonghui.aid.services.claims.claims_final_recompute",
        on_release="gonghui.aid.services.claims.claims_release",
        select_related=("plan", "member"),
        url_name="aid:claim_detail",
    )
)

RELIEF = workflow_register(
    Workflow(
        key="relief",
        label="大病救助申请",
        model=ReliefApplication,
        steps=(
            Step("township_review", "初审", "township"),
            Step("county_approval", "审批", "county"),
        ),
        notice_days=_notice_days,
        notice_row=_relief_notice_row,
        payout=Payout(purpose="会员大病救助金", payee_name="member__name"),
        select_related=("policy", "member"),
        url_name="aid:relief_detail",
    )
)
