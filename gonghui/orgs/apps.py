from gonghui.core import modules


class OrgsConfig(modules.ModuleConfig):
    name = "gonghui.orgs"
    verbose_name = "组织建设"

    def ready(self) -> None:
        from gonghui.core.audit import audit_actions_register

        audit_actions_register(
            {
                "union.create": "新建工会",
                "union.view": "查看工会",
                "enterprise.import": "导入企业名录",
                "enterprise.export": "导出企业名录",
                "formation.close": "建会销号",
                "formation.export": "导出应建未建台账",
            }
        )
