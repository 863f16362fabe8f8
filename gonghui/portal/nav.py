"""The portal's entries in the staff sidebar: the join applications workers send, the
集中入会 events, and verifying a member card."""

from gonghui.core.navigation import READERS, NavItem, nav_register

nav_register("members", 25, NavItem("网上入会申请", "portal:joins", "phone", roles=READERS))
nav_register("members", 26, NavItem("集中入会活动", "portal:events", "megaphone", roles=READERS))
nav_register(
    "members", 40, NavItem("核验会员卡", "portal:card_verify", "qr-code-scan", roles=READERS)
)
