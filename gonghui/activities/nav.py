"""The sidebar entry of 活动台账."""

from gonghui.core.navigation import READERS, NavItem, nav_register

nav_register(
    "activities", 900, NavItem("活动台账", "activities:list", "journal-text", roles=READERS)
)
