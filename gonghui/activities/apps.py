from gonghui.core import modules


class ActivitiesConfig(modules.ModuleConfig):
    name = "gonghui.activities"
    label = "activities"
    verbose_name = "活动台账"

    def ready(self) -> None:
        from gonghui.core.audit import audit_actions_register

        audit_actions_register(
            {
                "activities.activity.create": "新建活动台账",
                "activities.activity.import": "导入活动台账",
                "activities.activity.export": "导出活动台账",
            }
        )
