"""Which sheets exist: each app registers its sheets' services from its ``sheets.py``.

The command line (`gonghui import NAME`, `gonghui export NAME`) and the upload pages find
sheets here, so a new sheet needs no new command or view.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.module_loading import autodiscover_modules

from gonghui.core.sheets.engine import ImportReport, Sheet


@dataclass(frozen=True)
class SheetEntry:
    name: str
    title: str
    sheet: Callable[..., Sheet]  # (actor=, union=) -> Sheet
    import_service: Callable[..., ImportReport]  # (actor=, union=, path=, dry_run=, progress=)
    export_service: Callable[..., int]  # (actor=, union=, path=, reveal=)


_REGISTRY: dict[str, SheetEntry] = {}


def register_sheet(entry: SheetEntry) -> SheetEntry:
    _REGISTRY[entry.name] = entry
    return entry


def sheet_entries() -> dict[str, SheetEntry]:
    autodiscover_modules("sheets")
    return dict(_REGISTRY)


def sheet_entry(name: str) -> SheetEntry:
    entries = sheet_entries()
    if name not in entries:
        raise KeyError(name)
    return entries[name]
