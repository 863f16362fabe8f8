from typing import Any

from django.db import DEFAULT_DB_ALIAS

from gonghui.core import modules


def facts_migrated(sender: Any, using: str = DEFAULT_DB_ALIAS, **kwargs: Any) -> None:
    # `flush` (between transactional tests) sends post_migrate too, without a plan: its
    # tables are emptied, the triggers stay, and reports count live until the next rebuild.
    if kwargs.get("plan") is None:
        return
    # The primary keeps the facts; a replica receives them (and its triggers) from it.
    if using == DEFAULT_DB_ALIAS:
        from gonghui.core.indicators.facts import facts_install

        facts_install(using)


class CoreConfig(modules.ModuleConfig):
    name = "gonghui.core"
    verbose_name = "系统"
    url_prefix = ""  # its pages sit at the site's root

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from gonghui.core import checks  # noqa: F401  (registers deploy checks)
        from gonghui.core.audit import audit_sqlite_functions

        connection_created.connect(audit_sqlite_functions, dispatch_uid="gonghui_audit_sqlite")
        from django.db.models.signals import post_migrate, pre_migrate

        from gonghui.core.replica import migration_ended, migration_started

        pre_migrate.connect(migration_started, dispatch_uid="gonghui_migrating")
        post_migrate.connect(migration_ended, dispatch_uid="gonghui_migrated")
        post_migrate.connect(facts_migrated, sender=self, dispatch_uid="gonghui_facts")
