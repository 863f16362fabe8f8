"""The kernel's entries in the sidebar: the review inbox, payout batches, jobs, audit log,
notice settings."""

from typing import Any

from gonghui.core.navigation import EDITORS, REVIEWERS, NavItem, badge_register, nav_register


def _inbox_badge(user: Any) -> int:
    from gonghui.core.workflow.selectors import inbox_count

    return inbox_count(user)


badge_register("inbox", _inbox_badge)

nav_register(
    "services",
    10,
    NavItem(
        "待办审核",
        "workflow_inbox",
        "inbox",
        badge="inbox",
        roles=REVIEWERS,
        levels=("city", "county", "township"),
    ),
)
# Payout batches pay every type that declares a payout; the slot is the one they had in aid.
nav_register("services", 40, NavItem("发放批次", "payout_list", "bank", roles=("finance",)))
nav_register("system", 10, NavItem("后台任务", "jobs", "hourglass-split"))
nav_register("system", 20, NavItem("审计日志", "audit", "shield-check", roles=EDITORS))
nav_register(
    "system",
    30,
    NavItem("公示设置", "workflow_notice_settings", "megaphone", roles=("admin",)),
)
