from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "gonghui.core"
    verbose_name = "系统"

    def ready(self) -> None:
        from gonghui.core import checks  # noqa: F401  (registers deploy checks)
