"""The aid app's entries in the sidebar (服务保障)."""

from gonghui.core.navigation import EDITORS, READERS, NavItem, nav_register

nav_register(
    "services",
    20,
    NavItem("互助金申请", "aid:claim_list", "clipboard2-pulse", roles=READERS),
)
nav_register("services", 30, NavItem("大病救助", "aid:relief_list", "heart", roles=READERS))
nav_register("services", 50, NavItem("医疗互助方案", "aid:plan_list", "journal-medical"))
nav_register(
    "services",
    60,
    NavItem("大病救助政策", "aid:relief_policy_list", "journal-text", roles=READERS),
)
nav_register(
    "services",
    70,
    NavItem(
        "参保名单导入", "sheet_home", "person-check", ("mutual-aid-enrollments",), roles=EDITORS
    ),
)
nav_register(
    "services",
    80,
    NavItem(
        "互助金批量导入",
        "sheet_home",
        "file-earmark-medical",
        ("mutual-aid-claims",),
        roles=EDITORS,
    ),
)
