"""The sheets engine: see engine.py for the declaration, reader.py and writer.py for files."""

from gonghui.core.sheets.engine import (
    INVALID,
    BatchOutcome,
    CellError,
    Column,
    ImportReport,
    ParsedRow,
    RowError,
    RowErrors,
    Sheet,
    run_import,
)
from gonghui.core.sheets.writer import (
    neutralise,
    write_error_workbook,
    write_export,
    write_template,
)

__all__ = [
    "INVALID",
    "BatchOutcome",
    "CellError",
    "Column",
    "ImportReport",
    "ParsedRow",
    "RowError",
    "RowErrors",
    "Sheet",
    "neutralise",
    "run_import",
    "write_error_workbook",
    "write_export",
    "write_template",
]
