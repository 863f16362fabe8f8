"""The portal's entries in the staff sidebar: the join applications workers send, and
verifying a member card."""

from gonghui.core.navigation import READERS, NavItem, nav_register

nav_register("members", 25, NavItem("网上入会申请", "portal:joins", "phone", roles=READERS))
nav_register(
    "members", 40, NavItem("核验会员卡", "portal:card_verify", "qr-code-scan", roles=READERS)
)
