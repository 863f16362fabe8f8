"""The sidebar entries of 能级工资与民主管理, and of union funds (in 经费与阵地)."""

from gonghui.core.navigation import READERS, NavItem, nav_register

nav_register("wages", 10, NavItem("能级工资协商", "wages:list", "cash-coin", roles=READERS))
nav_register("wages", 20, NavItem("职代会与厂务公开", "wages:democracy", "people", roles=READERS))
nav_register("funds", 10, NavItem("工会经费缓减", "wages:reliefs", "piggy-bank", roles=READERS))

FUNDS = (*READERS, "finance")
nav_register("funds", 20, NavItem("年度预算", "wages:budget", "journal-text", roles=FUNDS))
nav_register("funds", 30, NavItem("经费支出台账", "wages:expenditures", "receipt", roles=FUNDS))
nav_register("funds", 40, NavItem("支出标准", "wages:standards", "rulers", roles=FUNDS))
nav_register("funds", 50, NavItem("经费拨付", "wages:allocations", "arrow-down-up", roles=FUNDS))
nav_register("funds", 60, NavItem("资产与租赁", "wages:assets", "building", roles=FUNDS))
