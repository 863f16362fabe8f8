from gonghui.core import modules


class SitesConfig(modules.ModuleConfig):
    name = "gonghui.sites"
    label = "sites"
    verbose_name = "服务阵地"

    def ready(self) -> None:
        from gonghui.core.audit import audit_actions_register

        audit_actions_register(
            {
                "sites.site.create": "新建服务阵地",
                "sites.site.import": "导入服务阵地",
                "sites.site.export": "导出服务阵地",
                "sites.inspection.create": "检查服务阵地",
                "sites.visitors.record": "登记服务人次",
                "sites.site.photos": "上传阵地照片",
                "sites.facility.create": "增加阵地设施",
            }
        )
