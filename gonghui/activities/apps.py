from gonghui.core import modules


class ActivitiesConfig(modules.ModuleConfig):
    name = "gonghui.activities"
    label = "activities"
    verbose_name = "工作台账"

    def ready(self) -> None:
        from gonghui.core.audit import audit_actions_register

        audit_actions_register(
            {
                "activities.activity.create": "新建活动台账",
                "activities.activity.import": "导入活动台账",
                "activities.activity.export": "导出活动台账",
                "activities.activity.photos": "上传活动照片",
                "activities.activity.select": "选定优秀活动案例和领讲员",
                "activities.case.create": "选定典型工作案例",
                "activities.jobfair.create": "新建招聘会",
                "activities.jobfair.close": "结束招聘会",
                "activities.jobposition.import": "导入招聘岗位",
                "activities.jobposition.export": "导出招聘岗位",
                "activities.partnership.create": "录入协作协议",
                "activities.research.create": "录入大调研走访",
                "activities.supervision.create": "录入督导",
                "activities.followup.create": "交办督办事项",
                "activities.followup.start": "开始办理督办事项",
                "activities.followup.complete": "办结督办事项",
                "activities.followup.verify": "验收督办事项",
                "activities.followup.return": "退回督办事项",
            }
        )
