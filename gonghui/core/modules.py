"""What makes an installed app a module of the product: its ``AppConfig`` is a
``ModuleConfig``. The site's pages (``config/urls.py``) and the API (``gonghui/api/api.py``)
are assembled from the modules found here, so adding a module means creating its folder and
adding it to ``INSTALLED_APPS``."""

from __future__ import annotations

from django.apps import AppConfig, apps
from django.utils.module_loading import module_has_submodule


class ModuleConfig(AppConfig):
    """A module of gonghui. An ``apps.py`` refers to it as ``modules.ModuleConfig``: Django
    picks the config class of a module only when its namespace holds exactly one. Its pages (``urls.py``, if it has one) are mounted at
    ``url_prefix``: ``<label>/`` unless the module says otherwise ("" for the site's root)."""

    url_prefix: str | None = None

    @property
    def mount(self) -> str:
        return f"{self.label}/" if self.url_prefix is None else self.url_prefix


def product_modules() -> list[ModuleConfig]:
    """The installed modules, in ``INSTALLED_APPS`` order."""
    return [c for c in apps.get_app_configs() if isinstance(c, ModuleConfig)]


def modules_with(submodule: str) -> list[ModuleConfig]:
    """The installed modules that have ``submodule`` (``urls``, ``api``)."""
    return [c for c in product_modules() if module_has_submodule(c.module, submodule)]
