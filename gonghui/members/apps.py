from gonghui.core import modules


class MembersConfig(modules.ModuleConfig):
    name = "gonghui.members"
    verbose_name = "会员管理"

    def ready(self) -> None:
        from gonghui.core.audit import audit_actions_register
        from gonghui.members.selectors import active_members_by_union_path
        from gonghui.orgs.services import union_count_register

        union_count_register("member_count", active_members_by_union_path)

        audit_actions_register(
            {
                "member.join": "会员入会",
                "member.leave": "会员离会",
                "member.transfer": "会员转会",
                "member.transfer_propose": "申请转会（跨辖区）",
                "member.transfer_accept": "接收转会",
                "member.transfer_decline": "拒绝转会",
                "member.transfer_cancel": "撤回转会申请",
                "member.update": "修改会员信息",
                "member.reveal": "查看完整个人信息",
                "member.import": "导入会员名册",
                "member.export": "导出会员名册（脱敏）",
                "member.export.revealed": "导出会员名册（含完整身份证号）",
                "worker.register": "登记职工",
                "worker.update": "修改登记职工信息",
                "worker.join": "登记职工入会",
                "worker.import": "导入登记职工",
                "worker.export": "导出登记职工（脱敏）",
                "worker.export.revealed": "导出登记职工（含完整身份证号）",
            }
        )
