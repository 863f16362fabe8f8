"""The two application types of this app, declared once for the workflow engine."""

from __future__ import annotations

from typing import Any

from django.conf import settings

from gonghui.aid.models import MutualAidClaim, ReliefApplication
from gonghui.core.workflow import Step, Workflow, workflow_register


def _notice_days(item: Any) -> int:
    return settings.GONGHUI_NOTICE_DAYS


def _claims_before_final(items: list[Any]) -> dict[int, str]:
    from gonghui.aid.services.claims import claims_final_recompute

    return claims_final_recompute(items)


def _claims_release(items: list[Any]) -> None:
    from gonghui.aid.services.claims import claims_release

    claims_release(items)


def _above_city_threshold(claim: MutualAidClaim) -> bool:
    return bool(claim.amount > claim.plan.city_approval_above)


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
        before_final=_claims_before_final,
        on_release=_claims_release,
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
        select_related=("policy", "member"),
        url_name="aid:relief_detail",
    )
)
