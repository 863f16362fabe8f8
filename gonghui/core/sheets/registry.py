"""Which sheets exist: each app registers its sheets' services from its ``sheets.py``.

The command line (`gonghui import NAME`, `gonghui export NAME`) and the upload pages find
sheets here, so a new sheet needs no new command or view.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.module_loading import autodiscover_modules, import_string

from gonghui.core.roles import EDITORS
from gonghui.core.sheets.engine import ImportReport, Sheet


@dataclass(frozen=True)
class SheetOption:
    """A value an import needs besides the file and the union (the plan of an enrollment).

    Given as ``--NAME`` on the command line and as a select on the upload page; passed to
    the import service and to the sheet as a keyword argument."""

    name: str
    label: str
    help: str = ""
    required: bool = True
    # (actor) -> [(value, label)] for the upload page's select.
    choices: Callable[[Any], list[tuple[str, str]]] | None = None
    # (value) -> the union that owns what the value names (a competition's organiser), or
    # None when it names nothing: the command line then needs no --union.
    owner: Callable[[str], Any] | None = None


@dataclass(frozen=True)
class SheetEntry:
    name: str
    title: str
    sheet: Callable[..., Sheet]  # (actor=, union=, **options) -> Sheet
    # Dotted paths, resolved on use: an app's services import its sheets module, so the
    # sheets module cannot import the services when it registers.
    import_path: str  # (actor=, union=, path=, dry_run=, progress=, **options) -> ImportReport
    export_path: str  # (actor=, union=, path=, reveal=, **options) -> int
    options: tuple[SheetOption, ...] = ()
    # The roles that may import and export it (the pages and the menu follow this).
    roles: tuple[str, ...] = EDITORS

    @property
    def import_service(self) -> Callable[..., ImportReport]:
        return import_string(self.import_path)

    @property
    def export_service(self) -> Callable[..., int]:
        return import_string(self.export_path)


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
