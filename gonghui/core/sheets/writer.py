"""Workbooks the engine writes: the template, the error workbook, and exports.

All through xlsxwriter in constant-memory mode, so a 10^6-row export streams to disk.
Every text cell is written as text, and text that a spreadsheet would run as a formula
(starting with = + - @, a tab or a carriage return) is prefixed with an apostrophe.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime
from pathlib import Path
from typing import Any

import xlsxwriter

from gonghui.core.pii import mask_bank_account, scrub_personal
from gonghui.core.sheets.engine import ImportReport, Sheet, locate_header
from gonghui.core.sheets.reader import UploadLimits, check_upload

# What a spreadsheet may run as a formula, including the full-width forms some programs
# fold to ASCII; leading spaces do not protect a cell, so they are looked through.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")
ERROR_HEADER = "错误原因"


def neutralise(value: Any) -> Any:
    if isinstance(value, str) and (
        value.startswith(FORMULA_STARTS) or value.lstrip(" ").startswith(FORMULA_STARTS)
    ):
        return "'" + value
    return value


class _Writer:
    def __init__(self, path: Path, sheet_title: str) -> None:
        self.book = xlsxwriter.Workbook(
            str(path),
            {
                "constant_memory": True,
                "strings_to_formulas": False,
                "strings_to_numbers": False,
                "strings_to_urls": False,
            },
        )
        self.ws = self.book.add_worksheet(sheet_title[:31])
        self.title = self.book.add_format({"bold": True, "font_size": 14})
        self.head = self.book.add_format({"bold": True, "bg_color": "#F2DCDB", "border": 1})
        self.date = self.book.add_format({"num_format": "yyyy-mm-dd"})
        self.text = self.book.add_format({"num_format": "@"})
        self.error = self.book.add_format({"font_color": "#B5121B"})

    def row(self, index: int, values: Iterable[Any], fmt: Any = None) -> None:
        for col, value in enumerate(values):
            self.cell(index, col, value, fmt)

    def cell(self, row: int, col: int, value: Any, fmt: Any = None) -> None:
        if value is None or value == "":
            return
        if isinstance(value, datetime):
            self.ws.write_datetime(row, col, value.replace(tzinfo=None), fmt or self.date)
        elif isinstance(value, date):
            self.ws.write_datetime(
                row, col, datetime(value.year, value.month, value.day), fmt or self.date
            )
        elif isinstance(value, bool):
            self.ws.write_string(row, col, "是" if value else "否", fmt)
        elif isinstance(value, int | float):
            self.ws.write_number(row, col, value, fmt)
        else:
            self.ws.write_string(row, col, neutralise(str(value)), fmt)

    def close(self) -> None:
        self.book.close()


def write_template(sheet: Sheet, path: Path) -> Path:
    """An empty workbook users fill in: a title row, the headers (required ones marked *),
    dropdowns for coded columns and text format for long digit strings such as ID numbers."""
    writer = _Writer(path, sheet.title)
    ws = writer.ws
    columns = list(sheet.columns)
    ws.merge_range(
        0,
        0,
        0,
        max(len(columns) - 1, 1),
        f"{sheet.title}导入模板（带 * 的列为必填；请从第 3 行起填写）",
        writer.title,
    )
    for index, column in enumerate(columns):
        header = column.header + (" *" if column.required else "")
        ws.write_string(1, index, header, writer.head)
        ws.set_column(index, index, column.width, writer.text if column.width >= 18 else None)
        if column.note:
            ws.write_comment(1, index, column.note)
        if column.choices:
            ws.data_validation(
                2,
                index,
                100_000,
                index,
                {
                    "validate": "list",
                    "source": column.choices,
                    "error_title": "请从下拉列表中选择",
                    "error_message": "、".join(column.choices)[:250],
                },
            )
    ws.freeze_panes(2, 0)
    writer.close()
    return path


_LONG_DIGITS = re.compile(r"\d{12,}")


def _masked_cell(value: Any) -> Any:
    """A cell of the error workbook: ID and phone numbers, and any long run of digits (a
    bank account), masked. The workbook stays on the server for others in scope to open;
    the person fixes their own file by the row numbers."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        text = str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)
        if len(text) < 11:
            return value
        value = text
    if not isinstance(value, str):
        return value
    masked = scrub_personal(value)
    return _LONG_DIGITS.sub(lambda m: mask_bank_account(m[0]), masked)


ERROR_NOTE = "身份证号、手机号和账号已隐去中间部分。请按“原行号”在原文件中修改后重新上传。"


def write_error_workbook(sheet: Sheet, report: ImportReport, source: Path, path: Path) -> Path:
    """The rows that failed, with a column giving every reason; personal numbers masked."""
    reasons: dict[int, list[str]] = {}
    for error in report.errors:
        reasons.setdefault(error.row, []).append(error.message)
    kind = check_upload(source, UploadLimits.from_settings())
    header, rows, _, _ = locate_header(sheet, source, kind)
    writer = _Writer(path, f"{sheet.title}错误")
    writer.row(0, ["原行号", *header.headers, ERROR_HEADER], writer.head)
    out = 1
    for raw in rows:
        if raw.number in reasons:
            # Cells beyond the header (a long CSV line) would land in the reason column.
            cells = [_masked_cell(c) for c in raw.cells[: len(header.headers)]]
            writer.row(out, [raw.number, *cells])
            writer.cell(out, len(header.headers) + 1, "；".join(reasons[raw.number]), writer.error)
            out += 1
    writer.ws.set_column(len(header.headers) + 1, len(header.headers) + 1, 50)
    notes = writer.book.add_worksheet("说明")
    notes.write_string(0, 0, ERROR_NOTE)
    notes.set_column(0, 0, 80)
    writer.close()
    return path


def write_export(
    sheet: Sheet, path: Path, rows: Iterable[list[Any]] | None = None, *, marking: str = ""
) -> int:
    """Headers, then one row per object; returns the number of rows written. ``marking``
    (who exported personal data, and when) goes on a sheet of its own and in the file's
    properties, so the workbook says it wherever it travels."""
    return write_rows(
        path,
        sheet.title,
        sheet.export_headers(),
        rows if rows is not None else sheet.export_rows(),
        marking=marking,
    )


def write_rows(
    path: Path, title: str, headers: list[str], rows: Iterable[list[Any]], *, marking: str = ""
) -> int:
    """A plain table workbook (header row frozen); returns the number of data rows."""
    writer = _Writer(path, title)
    if marking:
        writer.book.set_properties({"title": title, "comments": marking, "keywords": "个人信息"})
        note = writer.book.add_worksheet("导出说明")
        note.write_string(0, 0, marking)
        note.set_column(0, 0, 100)
    writer.row(0, headers, writer.head)
    count = 0
    for count, values in enumerate(rows, start=1):
        writer.row(count, values)
    for index in range(len(headers)):
        writer.ws.set_column(index, index, 16)
    writer.ws.freeze_panes(1, 0)
    writer.close()
    return count


def exporter(sheet_class: Any, action: str) -> Any:
    """The export of a sheet whose rows are a union's (its ``export_rows()``), audited as
    ``action``: what most sheets' ``export_path`` names."""
    from gonghui.core.audit import audit_record

    def run(*, actor: Any, union: Any, path: Path, reveal: bool = False) -> int:
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
