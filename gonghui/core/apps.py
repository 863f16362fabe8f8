from gonghui.core import modules


class CoreConfig(modules.ModuleConfig):
    name = "gonghui.core"
    verbose_name = "系统"
    url_prefix = ""  # its pages sit at the site's root

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from gonghui.core import checks  # noqa: F401  (registers deploy checks)
        from gonghui.core.audit import audit_sqlite_functions

        connection_created.connect(audit_sqlite_functions, dispatch_uid="gonghui_audit_sqlite")
