"""入会申请, declared once for the workflow engine: a worker sends it from the portal to a
grassroots or township union; that union's own reviewers decide, and the township's may
decide for a grassroots union of its area (many have no reviewer of their own: the step's
``deputies``). Approval makes the person a member on the day of approval
(``services/joining.py`` ``joins_approved``)."""

from __future__ import annotations

from gonghui.core.workflow import Step, Workflow, workflow_register
from gonghui.portal.models import JoinApplication

JOIN = workflow_register(
    Workflow(
        key="member_application",
        label="入会申请",
        model=JoinApplication,
        steps=(
            Step(
                "grassroots_review",
                "基层工会审核",
                "grassroots",
                applies=lambda item: item.union.level == "grassroots",
                deputies=("township",),
            ),
            Step(
                "township_review",
                "乡镇（街道）工会审核",
                "township",
                applies=lambda item: item.union.level == "township",
            ),
        ),
        state_labels={"approved": "已入会"},
        before_final="gonghui.portal.services.joining.joins_refusals",
        on_approved="gonghui.portal.services.joining.joins_approved",
        select_related=("account", "mass_enrollment"),
        url_name="portal:join_detail",
        applicant="person_name",
    )
)
