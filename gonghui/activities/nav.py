"""The sidebar entries of the ledgers: under 工作台账 the activity ledger, the 春风送岗 fairs,
大调研, the showcase gallery and the partnerships; under 督导与报告 the follow-up inbox (with
its count), the board and 督导."""

from typing import Any

from gonghui.core.navigation import READERS, NavItem, badge_register, nav_register

nav_register(
    "activities", 900, NavItem("活动台账", "activities:list", "journal-text", roles=READERS)
)
nav_register("activities", 910, NavItem("春风送岗", "activities:fairs", "briefcase", roles=READERS))
nav_register(
    "activities", 920, NavItem("大调研", "activities:research_list", "search", roles=READERS)
)
nav_register("activities", 930, NavItem("优秀案例", "activities:showcase", "stars", roles=READERS))
nav_register(
    "activities", 940, NavItem("东西部协作", "activities:partnerships", "signpost-2", roles=READERS)
)
nav_register(
    "reports",
    60,
    NavItem("我的督办", "activities:followups", "list-check", badge="followups", roles=READERS),
)
nav_register(
    "reports", 70, NavItem("督办看板", "activities:followup_board", "kanban", roles=READERS)
)
nav_register(
    "reports", 80, NavItem("督导", "activities:supervision_list", "clipboard-check", roles=READERS)
)


def _followups_badge(user: Any) -> int:
    from gonghui.activities.selectors import followup_inbox_count

    return followup_inbox_count(actor=user)


badge_register("followups", _followups_badge)
