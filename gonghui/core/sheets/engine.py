"""The sheets engine: one declaration per importable table gives reading, validation,
a dry run, an all-or-nothing commit in batches, progress, and the error report.

A ``Sheet`` subclass declares its columns and three hooks:
- ``key``: the natural key of a parsed row (in-file duplicates are reported on the later row);
- ``check``: rules across the columns of one row;
- ``apply``: classify a batch against the database (created / updated / unchanged, or a row
  error such as "already a member of another union") and, when told to, write it in bulk.
The engine reads the file once, streaming, and holds only the current batch and the keys
seen so far, so memory stays flat at 10^6 rows.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Hashable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, Protocol

from django.core.exceptions import ValidationError
from django.db import transaction

from gonghui.core.actors import Actor
from gonghui.core.bulk import BackgroundWriter, background_writer_available
from gonghui.core.sheets.parsers import is_blank
from gonghui.core.sheets.reader import (
    RawRow,
    UploadLimits,
    check_upload,
    estimate_rows,
    iter_worksheets,
)

HEADER_SCAN_ROWS = 30
HEADER_NOISE = re.compile(r"[\s\u00a0\u3000*＊:：]+")


def header_key(text: Any) -> str:
    """How a header cell is compared: no spaces, no required-marks (*), parentheses folded."""
    return HEADER_NOISE.sub("", str(text)).replace("（", "(").replace("）", ")")


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    parse: Callable[[Any], Any]
    synonyms: tuple[str, ...] = ()
    required: bool = False  # every row needs a value
    header_required: bool | None = None  # the header must be present (default: = required)
    default: Any = None
    note: str = ""  # a hint in the template
    width: int = 14

    @property
    def must_have_header(self) -> bool:
        return self.required if self.header_required is None else self.header_required

    @property
    def choices(self) -> list[str]:
        return list(getattr(self.parse, "labels", []))


class RowError(Exception):
    """A rule broken by one row, raised by a sheet's ``check``."""

    def __init__(self, column: str, message: str) -> None:
        super().__init__(message)
        self.column = column
        self.message = message


class RowErrors(Exception):
    """Several rules broken by one row: ``check`` raises this to report them all at once."""

    def __init__(self, errors: list[RowError]) -> None:
        super().__init__("; ".join(e.message for e in errors))
        self.errors = errors


class _Invalid:
    """Stands for a cell that failed to parse, so cross-column rules can skip it."""

    def __repr__(self) -> str:
        return "INVALID"


INVALID: Any = _Invalid()


@dataclass
class CellError:
    row: int
    column: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "message": self.message}


@dataclass
class ParsedRow:
    number: int
    values: dict[str, Any]


@dataclass
class BatchOutcome:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[CellError] = field(default_factory=list)


@dataclass
class ImportReport:
    sheet: str
    dry_run: bool
    rows: int = 0
    valid: int = 0
    invalid: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    committed: bool = False
    errors: list[CellError] = field(default_factory=list)
    header_row: int | None = None
    headers: list[str] = field(default_factory=list)
    worksheet: str = ""  # the name of the worksheet read ("" for a CSV file)
    # What a sheet adds to its report (the computed payouts of a claims file).
    extra: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "sheet": self.sheet,
            "rows": self.rows,
            "valid": self.valid,
            "invalid": self.invalid,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "worksheet": self.worksheet,
            "header_row": self.header_row,
            "errors": [e.as_dict() for e in self.errors],
            **self.extra,
        }

    @property
    def bad_row_numbers(self) -> set[int]:
        return {e.row for e in self.errors}

    @property
    def ok(self) -> bool:
        return self.invalid == 0 and not self.errors


class Sheet:
    """Base of every sheet declaration. Instances carry the state of one run."""

    name: ClassVar[str]
    title: ClassVar[str]
    columns: ClassVar[Sequence[Column]]
    key_column: ClassVar[str]  # the column named when a row repeats an earlier one
    batch_size: ClassVar[int] = 2000
    # A sheet whose apply() sends its writes to ``self.writer`` when one is set may run them
    # on a background connection (see gonghui.core.bulk.BackgroundWriter).
    writes_in_background: ClassVar[bool] = False
    writer: BackgroundWriter | None = None

    def key(self, values: dict[str, Any]) -> Hashable:
        raise NotImplementedError

    def check(self, values: dict[str, Any]) -> None:
        """Cross-column rules of one row; raise RowError (or RowErrors for several).

        It also runs for rows where some cells failed to parse: those values are INVALID
        (and required-but-blank ones are the column default), and rules depending on them
        should be skipped."""

    def apply(self, batch: list[ParsedRow], *, write: bool) -> BatchOutcome:
        raise NotImplementedError

    # Export side: the headers and the row values of each exported object.
    def export_headers(self) -> list[str]:
        return [c.header for c in self.columns]

    def export_rows(self) -> Iterable[list[Any]]:
        raise NotImplementedError

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)


class _Rollback(Exception):
    pass


@dataclass
class HeaderMap:
    row: int
    positions: dict[str, int]  # column key -> cell index
    headers: list[str]
    _plan: list[tuple[Column, int | None]] | None = None

    def plan(self, sheet: Sheet) -> list[tuple[Column, int | None]]:
        """Each column with its cell index, worked out once per file rather than per row."""
        if self._plan is None:
            self._plan = [(c, self.positions.get(c.key)) for c in sheet.columns]
        return self._plan


def find_header(sheet: Sheet, rows: Iterator[RawRow]) -> tuple[HeaderMap, list[RawRow]]:
    """The first row holding every required header. Rows above it (titles, merged cells,
    notes) are skipped; column order is free and synonyms count."""
    lookup: dict[str, str] = {}
    for column in sheet.columns:
        for name in (column.header, *column.synonyms):
            lookup[header_key(name)] = column.key
    required = {c.key for c in sheet.columns if c.must_have_header}
    scanned: list[RawRow] = []
    for raw in rows:
        scanned.append(raw)
        positions: dict[str, int] = {}
        for index, cell in enumerate(raw.cells):
            key = lookup.get(header_key(cell)) if isinstance(cell, str) else None
            if key is not None and key not in positions:
                positions[key] = index
        if required <= positions.keys():
            return HeaderMap(raw.number, positions, [str(c) for c in raw.cells]), []
        if len(scanned) >= HEADER_SCAN_ROWS:
            break
    missing = "、".join(c.header for c in sheet.columns if c.must_have_header)
    raise ValidationError(
        f"在文件前 {HEADER_SCAN_ROWS} 行中没有找到表头：表头须包含 {missing}。", code="no_header"
    )


def locate_header(
    sheet: Sheet, path: Path, kind: str
) -> tuple[HeaderMap, Iterator[RawRow], str, bool]:
    """The header, the rows under it, the name of the worksheet it is on and whether that
    is the first one. A workbook whose first sheet holds only notes or a cover page is
    searched sheet by sheet; a notes row right under the header (（必填）…) is skipped."""
    looked: list[str] = []
    for position, worksheet in enumerate(iter_worksheets(path, kind)):
        try:
            header, _ = find_header(sheet, worksheet.rows)
        except ValidationError as exc:
            if exc.code != "no_header":
                raise
            looked.append(worksheet.name)
            continue
        return header, _skip_notes(sheet, worksheet.rows), worksheet.name, position == 0
    missing = "、".join(c.header for c in sheet.columns if c.must_have_header)
    where = f"文件的工作表（{'、'.join(looked)}）" if len(looked) > 1 else "文件"
    raise ValidationError(
        f"在{where}前 {HEADER_SCAN_ROWS} 行中没有找到表头：表头须包含 {missing}。",
        code="no_header",
    )


NOTE_MARKS = re.compile(r"^[（(【\[].*[）)】\]]$")


def _skip_notes(sheet: Sheet, rows: Iterator[RawRow]) -> Iterator[RawRow]:
    """The rows under the header, without a row of notes right under it: cells such as
    （必填） or the template's own column notes, and nothing else."""
    first = next(rows, None)
    if first is None:
        return iter(())
    notes = {c.note for c in sheet.columns if c.note}
    cells = [c for c in first.cells if not is_blank(c)]
    is_notes = bool(cells) and all(
        isinstance(c, str) and (NOTE_MARKS.match(c.strip()) or c.strip() in notes) for c in cells
    )
    return rows if is_notes else itertools.chain([first], rows)


def parse_row(
    sheet: Sheet, header: HeaderMap, raw: RawRow
) -> tuple[dict[str, Any], list[CellError]]:
    values: dict[str, Any] = {}
    errors: list[CellError] = []
    cells = raw.cells
    width = len(cells)
    for column, index in header.plan(sheet):
        cell = cells[index] if index is not None and index < width else None
        # Most cells are non-blank text starting with a letter, digit or character, or
        # numbers: only empty cells and strings that start otherwise need a closer look.
        if (
            cell is None
            or cell == ""
            or (cell.__class__ is str and not cell[0].isalnum() and is_blank(cell))
        ):
            if column.required:
                errors.append(CellError(raw.number, column.header, f"{column.header}不能为空"))
            values[column.key] = column.default
            continue
        try:
            values[column.key] = column.parse(cell)
        except ValidationError as exc:
            values[column.key] = INVALID
            message = exc.messages[0]
            if not message.startswith(column.header):
                message = f"{column.header}：{message}"
            errors.append(CellError(raw.number, column.header, message))
    return values, errors


class Progress(Protocol):
    """Where a long import reports how far it got (a job's progress bar)."""

    def set_total(self, total: int) -> None: ...

    def advance(self, done: int = 1, failed: int = 0) -> None: ...


@dataclass(frozen=True)
class ImportAudit:
    """Who imports what where: the audit event run_import writes in the import's own
    transaction, so a committed import always has its event (a crash between the two
    would otherwise leave 200,000 rows no one is recorded as writing)."""

    actor: Actor
    union: Any
    action: str
    title: str


def run_import(
    sheet: Sheet,
    path: Path,
    *,
    dry_run: bool,
    limits: UploadLimits | None = None,
    progress: Progress | None = None,
    audit: ImportAudit | None = None,
) -> ImportReport:
    """Validate every row; unless ``dry_run``, write them all in one transaction or none,
    with the import's audit event (``audit``) in that transaction; a refused import's
    event is written after."""
    report = _run_import(
        sheet, path, dry_run=dry_run, limits=limits, progress=progress, audit=audit
    )
    if audit is not None and not report.dry_run and not report.committed:
        audit_import(
            report,
            actor=audit.actor,
            union=audit.union,
            action=audit.action,
            title=audit.title,
            path=path,
        )
    return report


def _run_import(
    sheet: Sheet,
    path: Path,
    *,
    dry_run: bool,
    limits: UploadLimits | None,
    progress: Progress | None,
    audit: ImportAudit | None,
) -> ImportReport:
    report = ImportReport(sheet=sheet.name, dry_run=dry_run)
    limits = limits or UploadLimits.from_settings()
    kind = check_upload(path, limits)
    estimate = estimate_rows(path, kind) if progress else 0
    header, rows, report.worksheet, first = locate_header(sheet, path, kind)
    if progress:
        progress.set_total(max(estimate - header.row, 0) if first else 0)
    report.header_row = header.row
    report.headers = header.headers
    seen: dict[Hashable, int] = {}
    batch: list[ParsedRow] = []
    reported = [0]  # rows already counted on the progress bar

    def flush() -> None:
        if not batch:
            if progress and report.rows > reported[0]:
                progress.advance(report.rows - reported[0])
                reported[0] = report.rows
            return
        outcome = sheet.apply(batch, write=not dry_run and report.ok)
        for error in outcome.errors:
            report.errors.append(error)
        failed_rows = {e.row for e in outcome.errors}
        report.invalid += len(failed_rows)
        report.valid -= len(failed_rows)
        report.created += outcome.created
        report.updated += outcome.updated
        report.unchanged += outcome.unchanged
        if progress:
            # Every row read since the last batch, bad ones included.
            progress.advance(report.rows - reported[0])
            reported[0] = report.rows
        batch.clear()

    def work() -> None:
        for raw in rows:
            if all(is_blank(c) for c in raw.cells):
                continue
            report.rows += 1
            if report.rows > limits.max_rows:
                raise ValidationError(
                    f"数据超过 {limits.max_rows} 行的上限，请拆分后分批导入。", code="too_many_rows"
                )
            values, errors = parse_row(sheet, header, raw)
            # Cross-column rules run even when a cell failed (they skip INVALID values),
            # so the user sees every reason of a bad row at once.
            try:
                sheet.check(values)
            except RowError as exc:
                errors.append(CellError(raw.number, exc.column, exc.message))
            except RowErrors as many:
                errors.extend(CellError(raw.number, e.column, e.message) for e in many.errors)
            if not errors:
                key = sheet.key(values)
                earlier = seen.get(key)
                if earlier is not None:
                    column = sheet.column(sheet.key_column).header
                    errors.append(CellError(raw.number, column, f"与第 {earlier} 行重复"))
                else:
                    seen[key] = raw.number
            if errors:
                report.invalid += 1
                report.errors.extend(errors)
                continue
            report.valid += 1
            batch.append(ParsedRow(raw.number, values))
            if len(batch) >= sheet.batch_size:
                flush()
        flush()

    if dry_run:
        work()
        return report
    if sheet.writes_in_background and background_writer_available():
        # The sheet's writes go to a writer thread's own transaction; this connection only
        # reads, outside a transaction (on SQLite an open one would hold the write lock).
        writer = BackgroundWriter()
        sheet.writer = writer
        try:
            work()
            if report.ok and audit is not None:
                from gonghui.core.audit import audit_event_row

                event = audit_event_row(**_audit_values(audit, report, path, committed=True))
                row = [writer.now() if f == "at" else getattr(event, f) for f in AUDIT_FIELDS]
                writer.insert(type(event), AUDIT_FIELDS, [row])
        except BaseException:
            writer.close(commit=False)
            raise
        finally:
            sheet.writer = None
        writer.close(commit=report.ok)
        if not report.ok:
            report.created = report.updated = report.unchanged = 0
        report.committed = writer.committed
        return report
    try:
        with transaction.atomic():
            work()
            if not report.ok:
                raise _Rollback
            if audit is not None:
                from gonghui.core.audit import audit_record

                audit_record(**_audit_values(audit, report, path, committed=True))
    except _Rollback:
        report.created = report.updated = report.unchanged = 0
        return report
    report.committed = True
    return report


AUDIT_FIELDS = (
    "at", "actor_id", "actor_name", "union_id", "action", "object_type", "object_id",
    "summary", "ip", "outcome",
)  # fmt: skip


def _audit_values(
    audit: ImportAudit, report: ImportReport, path: Path, *, committed: bool
) -> dict[str, Any]:
    return {
        "actor": audit.actor,
        "action": audit.action,
        "union": audit.union,
        "outcome": "success" if committed else "failure",
        "summary": (
            f"导入{audit.title} {path.name}：{report.rows} 行，新增 {report.created}，"
            f"更新 {report.updated}，未变 {report.unchanged}，错误 {report.invalid}"
        ),
    }


def audit_import(
    report: ImportReport, *, actor: Actor, union: Any, action: str, title: str, path: Path
) -> None:
    """The audit event of a committed (or refused) import; dry runs write none. A service
    whose import commits inside a transaction of its own calls this inside it; others pass
    ``audit=`` to run_import."""
    from gonghui.core.audit import audit_record

    if report.dry_run:
        return
    audit = ImportAudit(actor=actor, union=union, action=action, title=title)
    audit_record(**_audit_values(audit, report, path, committed=report.committed))
