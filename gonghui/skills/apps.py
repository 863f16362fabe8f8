from gonghui.core import modules


class SkillsConfig(modules.ModuleConfig):
    name = "gonghui.skills"
    label = "skills"
    verbose_name = "技能提升"

    def ready(self) -> None:
        from gonghui.core.audit import audit_actions_register
        from gonghui.skills import member_panel

        member_panel.register()

        audit_actions_register(
            {
                "skills.competition.load": "载入技能竞赛",
                "skills.competition.publish": "公布竞赛名次",
                "skills.title.grant": "授予技能称号",
                "skills.entry.import": "导入参赛成绩",
                "skills.entry.export": "导出参赛成绩",
                "skills.promotion.import": "导入技能晋级",
                "skills.promotion.export": "导出技能晋级",
                "skills.mentorship.create": "登记导师帮带",
                "skills.studio.create": "登记创新工作室",
                "skills.alliance.create": "登记创新工作室联盟",
                "skills.round.create": "建立荣誉评选",
                "skills.nomination.create": "荣誉推荐",
                "skills.honour.record": "登记荣誉",
                "skills.care.record": "登记劳模关爱",
                "skills.allowance.create": "申请劳模补助",
            }
        )
