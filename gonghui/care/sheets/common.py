"""What the care module's sheets share: a service's problems (field, message) as the cells
of one row, under the sheet's headers (a problem of no column of the sheet is the person's,
on the ID number)."""

from __future__ import annotations

from collections.abc import Sequence

from gonghui.core.sheets import CellError, Sheet


def problem_cells(sheet: Sheet, row: int, problems: Sequence[tuple[str, str]]) -> list[CellError]:
    keys = {c.key for c in sheet.columns}
    cells = []
    for field, message in problems:
        header = sheet.column(field).header if field in keys else "身份证号"
        cells.append(CellError(row, header, f"{header}：{message}"))
    return cells
