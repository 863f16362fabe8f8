"""The accounts app's entries in the sidebar (系统)."""

from gonghui.core.navigation import NavItem, nav_register

nav_register(
    "system", 40, NavItem("账号管理", "accounts:user_list", "person-badge", roles=("admin",))
)
nav_register(
    "system",
    50,
    NavItem("批量开通账号", "sheet_home", "people", ("staff-accounts",), roles=("admin",)),
)
nav_register("system", 60, NavItem("修改密码", "accounts:password_change", "key"))
