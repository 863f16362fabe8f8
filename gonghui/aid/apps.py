from django.apps import AppConfig


class AidConfig(AppConfig):
    name = "gonghui.aid"
    verbose_name = "职工医疗互助与大病救助"

    def ready(self) -> None:
        from gonghui.aid import member_panel

        member_panel.register()
