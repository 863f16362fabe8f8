"""The orgs app's entries in the sidebar."""

from gonghui.core.navigation import EDITORS, NavItem, nav_register

nav_register("orgs", 10, NavItem("工会组织树", "orgs:union_tree", "diagram-3"))
nav_register("orgs", 20, NavItem("应建未建", "orgs:formation_worklist", "list-check"))
nav_register(
    "orgs",
    30,
    NavItem("企业名录导入导出", "sheet_home", "building", ("enterprises",), roles=EDITORS),
)
