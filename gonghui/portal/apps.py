from gonghui.core import modules


class PortalConfig(modules.ModuleConfig):
    name = "gonghui.portal"
    label = "portal"
    verbose_name = "职工服务"
    # Two trees of pages: the workers' own under /m/, the union office's under /portal/.
    url_prefix = ""

    def ready(self) -> None:
        from gonghui.core.audit import audit_actions_register
        from gonghui.core.roles import Role, confine

        # A worker's account reaches the portal's pages and nothing of the staff's.
        confine(Role.WORKER, "/m/")
        from gonghui.portal import member_panel

        member_panel.register()
        audit_actions_register(
            {
                "portal.account.signup": "职工注册账号",
                "portal.account.activate": "职工激活账号",
                "portal.account.refused": "职工注册或激活被拒绝",
                "portal.code.issue": "签发职工激活码",
                "portal.join.apply": "职工网上申请入会",
                "portal.card.verify": "核验会员电子卡",
                "portal.event.create": "新建集中入会活动",
            }
        )
