"""The sidebar entries of 能级工资与民主管理."""

from gonghui.core.navigation import READERS, NavItem, nav_register

nav_register("wages", 10, NavItem("能级工资协商", "wages:list", "cash-coin", roles=READERS))
nav_register("wages", 20, NavItem("职代会与厂务公开", "wages:democracy", "people", roles=READERS))
nav_register("wages", 30, NavItem("工会经费缓减", "wages:reliefs", "piggy-bank", roles=READERS))
