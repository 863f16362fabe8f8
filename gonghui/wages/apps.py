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
                "wages.congress.create": "登记职代会",
                "wages.congress.import": "导入职代会会议",
                "wages.congress.export": "导出职代会会议",
                "wages.disclosure.create": "登记厂务公开",
                "wages.disclosure.import": "导入厂务公开事项",
                "wages.disclosure.export": "导出厂务公开事项",
                "wages.relief.import": "导入工会经费缓减",
                "wages.relief.export": "导出工会经费缓减",
                "wages.relief.settle": "登记缓缴经费补缴",
                "wages.budget.line": "调整预算项目",
                "wages.budget.close": "预算关账",
                "wages.standard.create": "制定支出标准",
                "wages.expenditure.create": "登记经费支出",
                "wages.expenditure.import": "导入经费支出",
                "wages.expenditure.export": "导出经费支出",
                "wages.expenditure.explain": "说明超标准支出",
                "wages.allocation.create": "拨付经费",
                "wages.asset.create": "登记工会资产",
                "wages.lease.create": "登记租赁合同",
                "wages.rent.receive": "登记租金收款",
            }
        )
        from gonghui.orgs.extensions import EnterprisePanel, enterprise_panel_register
        from gonghui.wages import enterprise_panel

        enterprise_panel_register(
            EnterprisePanel("wages", "wages/_enterprise_panel.html", enterprise_panel.context)
        )
