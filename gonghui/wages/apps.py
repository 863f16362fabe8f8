from gonghui.core import modules


class WagesConfig(modules.ModuleConfig):
    name = "gonghui.wages"
    label = "wages"
    verbose_name = "能级工资与民主管理"

    def ready(self) -> None:
        from gonghui.core.audit import audit_actions_register

        audit_actions_register(
            {
                "wages.wagecontract.import": "导入能级工资集体合同",
                "wages.wagecontract.export": "导出能级工资集体合同",
            }
        )
