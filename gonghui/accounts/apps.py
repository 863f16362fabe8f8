from gonghui.core import modules


class AccountsConfig(modules.ModuleConfig):
    name = "gonghui.accounts"
    label = "accounts"
    verbose_name = "账号管理"
    url_prefix = ""  # its pages sit at the site's root

    def ready(self) -> None:
        from gonghui.core.audit import audit_actions_register

        audit_actions_register(
            {
                "user.create": "新建账号",
                "user.update": "修改账号",
                "user.enable": "启用账号",
                "user.disable": "停用账号",
                "user.import": "批量开通账号",
                "user.export": "导出账号",
                "user.credentials_download": "下载初始密码表",
                "user.password_change": "修改本人密码",
                "user.reset_code": "生成密码重置码",
                "user.reset": "用重置码设置密码",
                "user.reset_failed": "重置码验证失败",
                "user.pii_grant": "授予查看完整个人信息权限",
                "user.pii_withdraw": "撤销查看完整个人信息权限",
            }
        )
