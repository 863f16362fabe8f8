"""The honour nomination (荣誉推荐), declared once for the workflow engine: township, county
and city review, public notice by name, the county's places as the engine's quota, the
frontline share checked before the final approval, and the registry written on approval."""

from __future__ import annotations

from typing import Any

from django.conf import settings

from gonghui.core.workflow import Payout, Quota, Step, Workflow, workflow_register
from gonghui.skills.models import HonourAllowance, Nomination


def _notice_days(item: Any) -> int:
    return settings.GONGHUI_NOTICE_DAYS


def _notice_row(item: Nomination) -> dict[str, Any]:
    round_ = item.round
    return {
        "person_name": item.nominee,
        "id_masked": "",
        "name_public": True,
        "union": item.union.name,
        "summary": f"拟推荐{round_.get_level_display()}{round_.get_kind_display()}"
        + (f"（{item.unit_name}）" if item.talent_id and item.unit_name else ""),
        "amount": None,
        "notice_until": item.notice_until,
    }


NOMINATION = workflow_register(
    Workflow(
        key="honour_nomination",
        label="荣誉推荐",
        model=Nomination,
        steps=(
            Step("township_review", "乡镇（街道）初审", "township"),
            Step("county_review", "区县审核", "county"),
            Step("city_approval", "市总审定", "city"),
        ),
        notice_days=_notice_days,
        notice_row=_notice_row,
        quota=Quota(field="places", places=lambda row: row.places, label="名额"),
        before_final="gonghui.skills.services.honours.nominations_frontline_check",
        on_approved="gonghui.skills.services.honours.honours_grant",
        state_labels={"approved": "已授予"},
        select_related=("round", "talent", "places"),
        url_name="skills:nomination",
        applicant="nominee",
    )
)


ALLOWANCE = workflow_register(
    Workflow(
        key="honour_allowance",
        label="劳模补助",
        model=HonourAllowance,
        steps=(
            Step("township_review", "乡镇（街道）初审", "township"),
            Step("county_approval", "区县审核", "county"),
            Step("city_approval", "市总审批", "city"),
        ),
        submit_levels=("city", "county", "township", "grassroots"),
        payout=Payout(purpose="劳模补助金", payee_name="honour__talent__name"),
        select_related=("honour__talent",),
        url_name="skills:allowance",
        applicant="honour.talent.name",
    )
)
