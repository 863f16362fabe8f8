"""Reading an uploaded table: .xlsx and .xls through calamine, .csv in UTF-8 or GBK.

The file is checked before parsing (size; for .xlsx the zip's entry count, uncompressed size,
compression ratio and XML entity declarations) so that a zip bomb or an XML bomb fails fast
with a clear message instead of exhausting the worker.
"""

from __future__ import annotations

import codecs
import csv
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError

XLSX_MAGIC = b"PK\x03\x04"
XLS_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@dataclass(frozen=True)
class UploadLimits:
    max_bytes: int
    max_uncompressed_bytes: int
    max_zip_entries: int
    max_compression_ratio: int
    max_rows: int

    @classmethod
    def from_settings(cls) -> UploadLimits:
        return cls(
            max_bytes=settings.GONGHUI_IMPORT_MAX_BYTES,
            max_uncompressed_bytes=settings.GONGHUI_IMPORT_MAX_UNCOMPRESSED_BYTES,
            max_zip_entries=settings.GONGHUI_IMPORT_MAX_ZIP_ENTRIES,
            max_compression_ratio=settings.GONGHUI_IMPORT_MAX_COMPRESSION_RATIO,
            max_rows=settings.GONGHUI_IMPORT_MAX_ROWS,
        )


def _mb(n: int) -> str:
    return f"{n / 1024 / 1024:.0f} MB"


def detect_format(path: Path) -> str:
    with path.open("rb") as fh:
        head = fh.read(8)
    if head.startswith(XLSX_MAGIC):
        return "xlsx"
    if head.startswith(XLS_MAGIC):
        return "xls"
    if path.suffix.lower() in (".csv", ".txt"):
        return "csv"
    raise ValidationError(
        "无法识别的文件格式：请上传 Excel（.xlsx、.xls）、WPS/LibreOffice（.ods）或 CSV 文件。",
        code="file_format",
    )


def check_upload(path: Path, limits: UploadLimits) -> str:
    """Refuse files that are too large or that unpack to far more than they weigh."""
    size = path.stat().st_size
    if size == 0:
        raise ValidationError("文件是空的。", code="file_empty")
    if size > limits.max_bytes:
        raise ValidationError(
            f"文件过大（{_mb(size)}），上限为 {_mb(limits.max_bytes)}。", code="file_too_large"
        )
    kind = detect_format(path)
    if kind == "xlsx":
        _check_xlsx(path, limits)
    return kind


def _check_xlsx(path: Path, limits: UploadLimits) -> None:
    bomb = ValidationError("文件解压后异常巨大（疑似压缩炸弹），已拒绝处理。", code="file_zip_bomb")
    try:
        with zipfile.ZipFile(path) as archive:
            entries = archive.infolist()
            if len(entries) > limits.max_zip_entries:
                raise bomb
            total = 0
            for entry in entries:
                total += entry.file_size
                ratio = entry.file_size / max(entry.compress_size, 1)
                if total > limits.max_uncompressed_bytes or (
                    entry.file_size > 1_000_000 and ratio > limits.max_compression_ratio
                ):
                    raise bomb
            for entry in entries:
                if entry.filename.endswith((".xml", ".rels")):
                    with archive.open(entry) as fh:
                        head = fh.read(4096)
                    if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
                        raise ValidationError(
                            "文件包含不允许的 XML 实体声明，已拒绝处理。", code="file_xml_entity"
                        )
    except zipfile.BadZipFile as exc:
        raise ValidationError("Excel 文件已损坏，无法打开。", code="file_corrupt") from exc


@dataclass
class RawRow:
    number: int  # as the user sees it: the Excel row number, or the CSV line number
    cells: list[Any]


_UNREADABLE = "无法读取该文件：请确认文件未损坏、未加密，并另存为 .xlsx 后重新上传。"


@dataclass
class Worksheet:
    """One sheet of a workbook (a CSV file is one sheet without a name)."""

    name: str
    rows: Iterator[RawRow]


def iter_worksheets(path: Path, kind: str) -> Iterator[Worksheet]:
    """The sheets of a file in their order, each read lazily when its rows are asked for."""
    if kind == "csv":
        yield Worksheet("", _iter_csv(path))
        return
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_path(str(path))
        names = list(workbook.sheet_names)
    except Exception as exc:  # calamine raises its own error types for broken files
        raise ValidationError(_UNREADABLE, code="file_corrupt") from exc
    for index, name in enumerate(names):
        yield Worksheet(name, _iter_sheet(workbook, index))


def _iter_sheet(workbook: Any, index: int) -> Iterator[RawRow]:
    try:
        sheet = workbook.get_sheet_by_index(index)
        # calamine yields rows from the sheet's first row, so the index is the row number.
        for number, cells in enumerate(sheet.iter_rows(), start=1):
            yield RawRow(number, cells)
    except ValidationError:
        raise
    except Exception as exc:
        raise ValidationError(_UNREADABLE, code="file_corrupt") from exc


def iter_rows(path: Path, kind: str) -> Iterator[RawRow]:
    """The rows of the first sheet."""
    for worksheet in iter_worksheets(path, kind):
        yield from worksheet.rows
        return


def detect_csv_encoding(path: Path) -> str:
    with path.open("rb") as fh:
        head = fh.read(1 << 16)
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    try:
        # A multi-byte character may be cut at the end of the sample: ignore only that.
        head.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        if exc.start >= len(head) - 3:
            return "utf-8"
    return "gb18030"


def _iter_csv(path: Path) -> Iterator[RawRow]:
    encoding = detect_csv_encoding(path)
    try:
        with open(path, encoding=encoding, newline="") as fh:
            reader = csv.reader(fh)
            for cells in reader:
                yield RawRow(reader.line_num, cells)
    except UnicodeDecodeError as exc:
        raise ValidationError(
            "CSV 文件编码无法识别：请另存为 UTF-8 或 GBK 编码。", code="file_encoding"
        ) from exc


DIMENSION = re.compile(rb'<dimension ref="[A-Z]+(\d+)(?::[A-Z]+(\d+))?"')


def estimate_rows(path: Path, kind: str) -> int:
    """A cheap row count for the progress bar (0 when unknown): CSV line breaks, or the
    dimension an .xlsx declares at the top of its first sheet."""
    if kind == "csv":
        count = 0
        with path.open("rb") as fh:
            while chunk := fh.read(1 << 20):
                count += chunk.count(b"\n")
        return count
    if kind == "xlsx":
        try:
            with zipfile.ZipFile(path) as archive:
                names = sorted(n for n in archive.namelist() if n.startswith("xl/worksheets/sheet"))
                if names:
                    with archive.open(names[0]) as fh:
                        match = DIMENSION.search(fh.read(4096))
                    if match:
                        return int(match[2] or match[1])
        except (zipfile.BadZipFile, KeyError):
            return 0
    return 0
