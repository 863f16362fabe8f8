"""The %%title%% sheet: import, template and export from one declaration. A row is keyed by
its union, name and date, so importing the same file again creates nothing."""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from pathlib import Path
from typing import Any

from %%package%%.models import %%Entity%%
from %%package%%.permissions import require_edit
from gonghui.core.actors import Actor
from gonghui.core.audit import audit_record
from gonghui.core.sheets import (
    BatchOutcome,
    Column,
    ImportReport,
    ParsedRow,
    Sheet,
    run_import,
    write_export,
)
from gonghui.core.sheets.engine import ImportAudit, Progress
from gonghui.core.sheets.parsers import parse_date, text
from gonghui.core.sheets.registry import SheetEntry, register_sheet

COLUMNS = (
    Column("name", "名称", text(128), required=True, width=32),
    Column("held_on", "日期", parse_date, required=True, width=12, note="如 2023-06-30"),
)


class %%Entity%%Sheet(Sheet):
    name = "%%app%%"
    title = "%%title%%"
    columns = COLUMNS
    key_column = "name"

    def __init__(self, *, actor: Actor, union: Any) -> None:
        self.actor = actor
        self.union = union

    def key(self, values: dict[str, Any]) -> Hashable:
        return (values["name"], values["held_on"])

    def apply(self, batch: list[ParsedRow], *, write: bool) -> BatchOutcome:
        outcome = BatchOutcome()
        existing = set(
            %%Entity%%.objects.filter(
                union=self.union, name__in=[row.values["name"] for row in batch]
            ).values_list("name", "held_on")
        )
        new = [
            %%Entity%%(union=self.union, name=row.values["name"], held_on=row.values["held_on"])
            for row in batch
            if (row.values["name"], row.values["held_on"]) not in existing
        ]
        outcome.created, outcome.unchanged = len(new), len(batch) - len(new)
        if write:
            %%Entity%%.objects.bulk_create(new, batch_size=1000)
        return outcome

    def export_rows(self) -> Iterable[list[Any]]:
        rows = (
            %%Entity%%.objects.visible_to(self.actor)
            .filter(union__path__startswith=self.union.path)
            .order_by("id")
            .values_list("name", "held_on")
        )
        for name, held_on in rows.iterator(chunk_size=5000):
            yield [name, held_on]


def %%entity%%_import(
    *, actor: Actor, union: Any, path: Path, dry_run: bool, progress: Progress | None = None
) -> ImportReport:
    require_edit(actor, union)
    audit = ImportAudit(
        actor=actor, union=union, action="%%app%%.%%entity%%.import", title=%%Entity%%Sheet.title
    )
    return run_import(
        %%Entity%%Sheet(actor=actor, union=union),
        path,
        dry_run=dry_run,
        progress=progress,
        audit=audit,
    )


def %%entity%%_export(*, actor: Actor, union: Any, path: Path, reveal: bool = False) -> int:
    sheet = %%Entity%%Sheet(actor=actor, union=union)
    count = write_export(sheet, path, sheet.export_rows())
    audit_record(
        actor=actor,
        action="%%app%%.%%entity%%.export",
        union=union,
        summary=f"导出{union.name}%%title%% {count} 条",
    )
    return count


register_sheet(
    SheetEntry(
        name="%%app%%",
        title=%%Entity%%Sheet.title,
        sheet=%%Entity%%Sheet,
        import_path="%%package%%.sheets.%%entity%%_import",
        export_path="%%package%%.sheets.%%entity%%_export",
    )
)
