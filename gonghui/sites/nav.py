"""The sidebar entry of 服务阵地."""

from gonghui.core.navigation import READERS, NavItem, nav_register

nav_register("funds", 900, NavItem("服务阵地", "sites:list", "geo-alt", roles=READERS))
nav_register("funds", 910, NavItem("阵地看板", "sites:board", "clipboard-data", roles=READERS))
nav_register("funds", 905, NavItem("阵地地图", "sites:map", "map", roles=READERS))
