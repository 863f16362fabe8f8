"""疗休养 applications, declared once for the workflow engine: submitted by the applicant's
union (or in bulk by the office that imports them), allocated by the city within each
county's places (the engine's quota holds the line under concurrent approvals). Nothing is
paid to the worker: the batch's cost is the union's."""

from __future__ import annotations

from gonghui.care.models import HardshipAid, RecuperationApplication
from gonghui.core.workflow import Payout, Quota, Step, Workflow, workflow_register

RECUPERATION = workflow_register(
    Workflow(
        key="recuperation",
        label="职工疗休养",
        model=RecuperationApplication,
        steps=(Step("city_allocation", "市总工会分配名额", "city"),),
        submit_levels=("grassroots", "township", "county", "city"),
        quota=Quota(field="quota", places=lambda q: q.places, label="名额"),
        state_labels={"approved": "已录取", "rejected": "未获分配"},
        select_related=("batch", "quota__county"),
        url_name="care:recuperation_application",
        applicant="person_name",
    )
)


HARDSHIP_AID = workflow_register(
    Workflow(
        key="hardship_aid",
        label="困难职工帮扶",
        model=HardshipAid,
        steps=(
            Step("township_review", "乡镇（街道）初审", "township"),
            Step("county_approval", "区县总工会审批", "county"),
        ),
        submit_levels=("grassroots", "township", "county"),
        payout=Payout(purpose="困难职工帮扶金", payee_name="person_name"),
        select_related=("case",),
        url_name="care:hardship_aid",
        applicant="person_name",
    )
)
