"""The reports app's entries in the sidebar (督导与报告)."""

from gonghui.core.navigation import READERS, NavItem, nav_register

nav_register("reports", 10, NavItem("驾驶舱", "reports:dashboard", "speedometer2"))
nav_register("reports", 20, NavItem("每月一调度", "reports:dispatch", "table"))
nav_register("reports", 30, NavItem("半年一汇报", "reports:half_year", "file-earmark-text"))
nav_register("reports", 40, NavItem("季度一展示", "reports:quarter", "easel"))
nav_register("reports", 45, NavItem("年度一总结", "reports:annual", "journal-richtext"))
nav_register("reports", 50, NavItem("年度目标", "reports:targets", "bullseye", roles=READERS))
# The 湖工有爱 bus is the services' programme: its page sits among them.
nav_register("services", 170, NavItem("共富班车", "reports:programmes", "bus-front"))
