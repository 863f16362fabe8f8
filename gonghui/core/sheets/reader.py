"""Reading an uploaded table: .xlsx and .xls through calamine, .csv in UTF-8 or GBK.

The file is checked before parsing (size; for .xlsx the zip's entry count, uncompressed size,
compression ratio and XML entity declarations) so that a zip bomb or an XML bomb fails fast
with a clear message instead of exhausting the worker.
"""

from __future__ import annotations

import codecs
import csv
import logging
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError

logger = logging.getLogger(__name__)

XLSX_MAGIC = b"PK\x03\x04"
XLS_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@dataclass(frozen=True)
class UploadLimits:
    max_bytes: int
    max_uncompressed_bytes: int
    max_zip_entries: int
    max_compression_ratio: int
    max_rows: int
    max_columns: int = 256

    @classmethod
    def from_settings(cls) -> UploadLimits:
        return cls(
            max_bytes=settings.GONGHUI_IMPORT_MAX_BYTES,
            max_uncompressed_bytes=settings.GONGHUI_IMPORT_MAX_UNCOMPRESSED_BYTES,
            max_zip_entries=settings.GONGHUI_IMPORT_MAX_ZIP_ENTRIES,
            max_compression_ratio=settings.GONGHUI_IMPORT_MAX_COMPRESSION_RATIO,
            max_rows=settings.GONGHUI_IMPORT_MAX_ROWS,
            max_columns=settings.GONGHUI_IMPORT_MAX_COLUMNS,
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
            for entry in entries:
                if entry.filename.startswith("xl/worksheets/") and entry.filename.endswith(".xml"):
                    with archive.open(entry) as fh:
                        _check_extent(fh, limits)
    except zipfile.BadZipFile as exc:
        raise ValidationError("Excel 文件已损坏，无法打开。", code="file_corrupt") from exc


# A cell (or row) reference whose column has two letters or more, or whose row has seven
# digits or more: the only ones that can pass a limit (a roster has a few dozen columns),
# so a scan of a large sheet matches next to nothing and stays fast. Any quoting and
# spacing XML allows, since calamine reads them all.
FAR_CELL = re.compile(rb"""\sr\s*=\s*["']([A-Za-z]{2,}\d+|[A-Za-z]?\d{7,})["']""")
DECLARED = re.compile(rb"""dimension\s+ref\s*=\s*["']([A-Za-z]+\d+(?::[A-Za-z]+\d+)?)["']""")
REF = re.compile(r"([A-Za-z]*)(\d+)")
# Title and header rows above the data: a sheet with just max_rows rows of data under them
# is refused later, by the row count, with the message that names the data rows.
ROWS_ABOVE_DATA = 100


def column_number(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n


def _check_extent(fh: Any, limits: UploadLimits) -> None:
    """Refuse a worksheet whose declared dimension or any cell reference lies beyond the
    row and column limits, reading the XML in chunks (memory stays flat whatever it holds).
    calamine keeps a sheet as a dense grid from its first cell to its last, so two cells
    far apart in a 6 KB file would otherwise ask for hundreds of gigabytes."""

    def check(ref: str) -> None:
        for match in REF.finditer(ref):
            column, row = column_number(match[1]), int(match[2])
            if column > limits.max_columns or row > limits.max_rows + ROWS_ABOVE_DATA:
                where = f"单元格 {match[0].upper()}" if match[1] else f"第 {row} 行"
                raise ValidationError(
                    f"工作表的范围过大（{where}）：最多 {limits.max_rows} 行、"
                    f"{limits.max_columns} 列。请删除远处的空白单元格或多余内容后重新上传。",
                    code="file_extent",
                )

    tail = b""
    first = True
    while chunk := fh.read(1 << 20):
        data = tail + chunk
        if first:
            if declared := DECLARED.search(data[:8192]):
                check(declared[1].decode())
            first = False
        for match in FAR_CELL.finditer(data):
            check(match[1].decode())
        tail = data[-32:]  # a reference cut by the chunk boundary is whole in the next scan


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
    """The sheets of a file in their order, each read lazily when its rows are asked for.

    A workbook is parsed in a child process with capped memory and CPU (parse_child.py):
    the rows stream from it in order, and a sheet left unread is skipped."""
    if kind == "csv":
        yield Worksheet("", _iter_csv(path))
        return
    stream = _ParseStream(path)
    while True:
        message = stream.take()
        if message[0] == "end":
            return
        if message[0] != "sheet":
            raise ValidationError(_UNREADABLE, code="file_corrupt")
        yield Worksheet(message[1], stream.rows())
        stream.skip_rows()


_CRASHED = (
    "读取文件时超出了资源上限（工作表的范围过大，或文件结构异常），已停止处理。"
    "请确认工作表只含需要导入的数据（删除远处的空白单元格），另存为 .xlsx 后重新上传。"
)


class _ParseStream:
    """The messages of one parse_child process; the child ends with the last message or
    when this object is dropped (a sheet left half-read)."""

    def __init__(self, path: Path) -> None:
        import subprocess
        import sys

        self._process = subprocess.Popen(
            [
                sys.executable,
                "-I",
                str(Path(__file__).with_name("parse_child.py")),
                str(path),
                str(settings.GONGHUI_IMPORT_PARSE_MEMORY_MB * 1024 * 1024),
                str(settings.GONGHUI_IMPORT_PARSE_CPU_SECONDS),
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        self._back: tuple | None = None
        self._path = path

    def take(self) -> tuple:
        if self._back is not None:
            message, self._back = self._back, None
            return message
        import pickle

        assert self._process.stdout is not None
        try:
            message = pickle.load(self._process.stdout)
        except (EOFError, pickle.UnpicklingError):
            code = self._process.wait()
            self.close()
            logger.warning("workbook parser ended with status %s: %s", code, self._path.name)
            raise ValidationError(_CRASHED, code="file_too_complex") from None
        if message[0] == "error":
            self.close()
            raise ValidationError(_UNREADABLE, code="file_corrupt")
        if message[0] == "end":
            self.close()
        return message

    def rows(self) -> Iterator[RawRow]:
        while True:
            message = self.take()
            if message[0] != "rows":
                self._back = message
                return
            for number, cells in message[1]:
                yield RawRow(number, cells)

    def skip_rows(self) -> None:
        while (message := self.take())[0] == "rows":
            pass
        self._back = message

    def close(self) -> None:
        if self._process.poll() is None:
            self._process.kill()
            self._process.wait()
        if self._process.stdout is not None:
            self._process.stdout.close()

    def __del__(self) -> None:
        self.close()


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
    except csv.Error as exc:
        # A cell beyond csv's field limit (128 KiB), or an unclosed quote running to the end.
        raise ValidationError(
            f"CSV 文件第 {reader.line_num} 行附近有单元格超过 128 KB，或引号未闭合，"
            "请检查该行后重新上传。",
            code="file_cell_too_large",
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
