"""The care module's entries in the sidebar (服务保障)."""

from gonghui.core.navigation import READERS, NavItem, nav_register
from gonghui.core.roles import Role

nav_register("services", 100, NavItem("“9+X”服务项目", "care:items", "grid-3x3-gap", roles=READERS))
nav_register("services", 110, NavItem("服务记录", "care:list", "journal-check", roles=READERS))
nav_register(
    "services", 120, NavItem("服务参与率", "care:participation", "speedometer2", roles=READERS)
)
nav_register("services", 130, NavItem("走访慰问", "care:visits", "house-heart", roles=READERS))
nav_register(
    "services", 135, NavItem("走访慰问活动", "care:campaigns", "calendar-heart", roles=READERS)
)
nav_register("services", 140, NavItem("职工疗休养", "care:batches", "suitcase", roles=READERS))
nav_register("services", 150, NavItem("困难职工帮扶", "care:hardship", "house-door", roles=READERS))
nav_register("services", 160, NavItem("X项福利", "care:perks", "gift", roles=READERS))
nav_register("services", 155, NavItem("法律服务", "care:legal", "bank", roles=READERS))
nav_register(
    "services",
    158,
    NavItem(
        "心理咨询预约",
        "care:counseling",
        "chat-heart",
        roles=(*READERS, Role.COUNSELOR),
    ),
)
