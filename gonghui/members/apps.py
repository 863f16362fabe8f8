from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "gonghui.members"
    verbose_name = "会员管理"
