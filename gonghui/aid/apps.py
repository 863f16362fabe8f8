from gonghui.core import modules


class AidConfig(modules.ModuleConfig):
    name = "gonghui.aid"
    verbose_name = "职工医疗互助与大病救助"

    def ready(self) -> None:
        from gonghui.core.audit import audit_actions_register

        audit_actions_register(
            {
                "aid.plan.create": "新建医疗互助方案",
                "aid.plan.update": "修改医疗互助方案",
                "aid.enrollment.import": "导入参保名单",
                "aid.enrollment.enroll_union": "整体参保",
                "aid.enrollment.export": "导出参保名单（脱敏）",
                "aid.enrollment.export.revealed": "导出参保名单（含完整身份证号）",
                "aid.enrollment.fees_export": "导出参保费",
                "aid.claim.documents": "上传互助金申请材料",
                "aid.claim.document_view": "查看互助金申请材料",
                "mutual_aid_claim.create": "录入互助金申请",
                "mutual_aid_claim.import": "批量导入互助金申请",
                "mutual_aid_claim.export": "导出互助金申请（脱敏）",
                "mutual_aid_claim.export.revealed": "导出互助金申请（含完整身份证号）",
                "relief.create": "录入大病救助申请",
                "relief_policy.create": "新建大病救助政策",
                "relief_policy.update": "修改大病救助政策",
                "payout_batch.create": "生成发放批次",
                "payout_batch.export": "下载银行发放文件",
                "payout_batch.paid": "确认批次已发放",
                "payout_item.return": "登记银行退回",
                "payout_item.return_confirm": "复核银行退回",
            }
        )
        from gonghui.aid import member_panel

        member_panel.register()
