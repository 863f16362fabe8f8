"""How other apps add to the enterprise page without orgs knowing them: a panel (democratic
management and wage contracts, later services delivered there). Apps register from their
AppConfig.ready()."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class EnterprisePanel:
    key: str
    template: str
    context: Callable[[Any, Any], dict[str, Any]]  # (actor, enterprise) -> template context


_PANELS: dict[str, EnterprisePanel] = {}


def enterprise_panel_register(panel: EnterprisePanel) -> None:
    _PANELS[panel.key] = panel


def enterprise_panels() -> list[EnterprisePanel]:
    return list(_PANELS.values())
