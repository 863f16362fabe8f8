"""The sidebar entry of %%title%%."""

from gonghui.core.navigation import READERS, NavItem, nav_register

nav_register("%%area%%", 900, NavItem("%%title%%", "%%app%%:list", "journal-text", roles=READERS))
