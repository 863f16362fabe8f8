"""The kernel's entries in the sidebar: the review inbox, jobs, audit log, notice settings."""

from gonghui.core.navigation import EDITORS, REVIEWERS, NavItem, nav_register

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
nav_register("system", 10, NavItem("后台任务", "jobs", "hourglass-split"))
nav_register("system", 20, NavItem("审计日志", "audit", "shield-check", roles=EDITORS))
nav_register(
    "system",
    30,
    NavItem("公示设置", "workflow_notice_settings", "megaphone", roles=("admin",)),
)
