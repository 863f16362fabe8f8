from gonghui.core import modules


class ReportsConfig(modules.ModuleConfig):
    name = "gonghui.reports"
    verbose_name = "督导与报告"

    def ready(self) -> None:
        from gonghui.core.audit import audit_actions_register

        audit_actions_register(
            {
                "report.dispatch.export": "导出每月一调度表",
                "report.dispatch.submit": "上报每月一调度表",
                "report.programme.load": "载入工作计划目标",
                "report.narrative.download": "下载汇报文稿",
                "report.target.set": "设置年度目标",
                "report.target.clear": "清除年度目标",
                "report.target.import": "导入年度目标",
                "report.target.export": "导出年度目标",
            }
        )
