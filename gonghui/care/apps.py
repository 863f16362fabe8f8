from gonghui.core import modules


class CareConfig(modules.ModuleConfig):
    name = "gonghui.care"
    label = "care"
    verbose_name = "服务保障"

    def ready(self) -> None:
        from gonghui.core.audit import audit_actions_register
        from gonghui.core.roles import Role, confine

        # A volunteer counsellor reaches the counselling pages and nothing else.
        confine(Role.COUNSELOR, "/care/counseling/")

        audit_actions_register(
            {
                "care.item.create": "新增服务项目",
                "care.item.close": "停用服务项目",
                "care.delivery.create": "录入服务记录",
                "care.delivery.import": "导入服务记录",
                "care.delivery.export": "导出服务记录",
                "care.campaign.create": "新建走访慰问活动",
                "care.visit.create": "登记走访慰问",
                "care.visit.import": "导入走访慰问",
                "care.visit.export": "导出走访慰问",
                "care.batch.load": "载入疗休养批次",
                "care.poverty_line.set": "设置低保标准",
                "care.perk.create": "设立X项福利",
                "care.legal.open": "受理法律服务",
                "care.legal.close": "法律服务结案",
                "care.perk.deliver": "发放X项福利",
                "care.hardship.open": "困难职工建档",
                "care.hardship.review": "困难职工档案年审",
                "care.hardship.close": "困难职工档案销档",
                "care.hardship_aid.create": "申请困难职工帮扶",
                "care.batch.allocate": "分配疗休养名额",
                "care.batch.attend": "登记疗休养参加人员",
                "care.recuperation.import": "导入疗休养申请",
                "care.recuperation.apply": "申请疗休养",
                "care.recuperation.export": "导出疗休养申请",
                "care.recuperation.attend": "导入疗休养参加人员",
                "care.recuperation.attendance_export": "导出疗休养参加人员",
                "care.counseling.slots": "开设心理咨询时段",
                "care.counseling.book": "预约心理咨询",
                "care.counseling.cancel": "取消心理咨询预约",
                "care.counseling.session": "记录心理咨询",
                "care.counseling.no_show": "登记心理咨询未到",
                "care.counseling.notes_read": "查看心理咨询记录",
            }
        )
