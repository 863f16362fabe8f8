"""The members app's entries in the sidebar."""

from gonghui.core.navigation import EDITORS, NavItem, nav_register

nav_register("members", 10, NavItem("会员名册", "members:member_list", "person-lines-fill"))
nav_register("members", 15, NavItem("登记职工", "members:worker_list", "person-badge"))
nav_register(
    "members",
    20,
    NavItem("转会申请", "members:transfer_list", "arrow-left-right", roles=EDITORS),
)
nav_register(
    "members",
    30,
    NavItem("会员导入导出", "sheet_home", "file-earmark-spreadsheet", ("members",), roles=EDITORS),
)
