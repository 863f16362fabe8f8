"""What the sheets of 能级工资与民主管理 share: the export of a union's rows, audited."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from gonghui.core.actors import Actor
from gonghui.core.audit import audit_record
from gonghui.core.sheets import write_export
from gonghui.orgs.models import Union


def exporter(sheet_class: Any, action: str) -> Callable[..., int]:
    """The export of ``sheet_class`` for a union (its ``export_rows``), audited as
    ``action``."""

    def run(*, actor: Actor, union: Union, path: Path, reveal: bool = False) -> int:
        sheet = sheet_class(actor=actor, union=union)
        count = write_export(sheet, path, sheet.export_rows())
        audit_record(
            actor=actor,
            action=action,
            union=union,
            summary=f"导出{union.name}{sheet_class.title} {count} 行",
        )
        return count

    return run
