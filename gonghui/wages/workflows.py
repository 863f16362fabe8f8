"""工会经费缓减, declared once for the workflow engine: submitted by an enterprise's union, by
the township on its behalf or (policy relief in bulk) by the county's office, reviewed by
the county. Nothing is paid: approval is the outcome."""

from __future__ import annotations

from gonghui.core.workflow import Step, Workflow, workflow_register
from gonghui.wages.models import DuesRelief

RELIEF = workflow_register(
    Workflow(
        key="dues_relief",
        label="工会经费缓减",
        model=DuesRelief,
        steps=(Step("county_review", "区县总工会审核", "county"),),
        submit_levels=("grassroots", "township", "county"),
        state_labels={"approved": "已批准"},
        select_related=("enterprise",),
        url_name="wages:relief",
        applicant="enterprise.name",
    )
)
