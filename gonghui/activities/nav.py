"""The sidebar entries of 工作台账: the activity ledger and the 春风送岗 fairs."""

from gonghui.core.navigation import READERS, NavItem, nav_register

nav_register(
    "activities", 900, NavItem("活动台账", "activities:list", "journal-text", roles=READERS)
)
nav_register("activities", 910, NavItem("春风送岗", "activities:fairs", "briefcase", roles=READERS))
