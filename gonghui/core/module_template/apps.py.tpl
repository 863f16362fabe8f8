from gonghui.core import modules


class %%Config%%(modules.ModuleConfig):
    name = "%%package%%"
    label = "%%app%%"
    verbose_name = "%%title%%"

    def ready(self) -> None:
        from gonghui.core.audit import audit_actions_register

        audit_actions_register(
            {
                "%%app%%.%%entity%%.create": "新建%%title%%",
                "%%app%%.%%entity%%.import": "导入%%title%%",
                "%%app%%.%%entity%%.export": "导出%%title%%",
            }
        )
