"""Targets (目标) as a table: the grid of indicators × unions that the targets page shows and
edits, and the same table as a sheet of the sheets engine (import, export, template).

The file's primary layout is the page's: one row per indicator (指标, 单位), then one
column per union, headed by its name or code (the union itself and its child unions). The
other layout is accepted too: one row per union (工会), one column per indicator. Which
one a file uses follows from the heading of its first column (指标 or 工会).

A blank cell leaves a target as it is (an import never deletes); on the page, emptying a
cell removes the target. Every target is written through ``target_set`` (audited).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from gonghui.core.actors import Actor, is_operator
from gonghui.core.indicators.registry import Indicator, Tree, indicators
from gonghui.core.roles import EDITORS
from gonghui.core.scoping import require_role
from gonghui.core.sheets import (
    INVALID,
    BatchOutcome,
    CellError,
    Column,
    ImportReport,
    ParsedRow,
    RowError,
    Sheet,
    run_import,
    write_export,
)
from gonghui.core.sheets.engine import (
    ImportAudit,
    Progress,
    audit_import,
    header_key,
    locate_header,
)
from gonghui.core.sheets.parsers import clean_text, text
from gonghui.core.sheets.reader import UploadLimits, check_upload
from gonghui.core.sheets.registry import SheetEntry, SheetOption, register_sheet
from gonghui.orgs.models import Union
from gonghui.reports.models import Target
from gonghui.reports.targets import (
    TARGET_MAX,
    target_clear,
    target_set,
    targets_for,
)

TARGET_LEVELS = (Union.Level.CITY, Union.Level.COUNTY, Union.Level.TOWNSHIP)
YEAR_MIN, YEAR_MAX = 2000, 2100
CENT = Decimal("0.01")

HEAD = "head"
INDICATOR_HEADERS = ("指标", "指标名称", "指标代码")
UNION_HEADERS = ("工会", "工会名称", "工会代码", "单位名称")
# Columns a filled-in sheet may carry besides the targets; they are read past.
IGNORED_HEADERS = frozenset(
    header_key(h)
    for h in (
        *INDICATOR_HEADERS,
        *UNION_HEADERS,
        "序号",
        "单位",
        "计量单位",
        "类别",
        "备注",
        "说明",
    )
)

Layout = Literal["indicator_rows", "union_rows"]


# -- values -------------------------------------------------------------------------------


def target_value(value: Any) -> Decimal:
    """A target as a file or a form gives it: a number (thousands separators and a
    trailing % allowed), not negative, kept to two decimals."""
    if isinstance(value, bool):
        raise ValidationError("应为数字", code="target_value")
    raw = clean_text(value).replace(",", "").replace("，", "").removesuffix("%").strip()
    try:
        number = Decimal(raw)
    except InvalidOperation as exc:
        raise ValidationError("应为数字", code="target_value") from exc
    if not number.is_finite():
        raise ValidationError("应为数字", code="target_value")
    if number < 0:
        raise ValidationError("不能为负数", code="target_negative")
    if number > TARGET_MAX:
        raise ValidationError("数值过大", code="target_too_large")
    return number.quantize(CENT, rounding=ROUND_HALF_UP)


def target_year(value: Any) -> int:
    try:
        year = int(str(value).strip())
    except ValueError as exc:
        raise ValidationError("年度应为四位数字，如 2023。", code="target_year") from exc
    if not YEAR_MIN <= year <= YEAR_MAX:
        raise ValidationError(f"年度应在 {YEAR_MIN} 至 {YEAR_MAX} 之间。", code="target_year")
    return year


def year_choices(actor: Actor | None = None) -> list[tuple[str, str]]:
    """The years offered on the upload page and the targets page: this year first (the
    upload page's default), then next year's, then the three before."""
    this = timezone.localdate().year
    return [(str(y), f"{y}年") for y in (this, this + 1, this - 1, this - 2, this - 3)]


def plain(value: Decimal | None) -> str:
    """A target as typed: no separators, no trailing .00 on whole numbers."""
    if value is None:
        return ""
    return str(int(value)) if value == value.to_integral_value() else f"{value:.2f}"


def shown(value: Decimal | None) -> str:
    """A target on screen: thousands separators, decimals only where there are some."""
    if value is None:
        return ""
    return f"{int(value):,}" if value == value.to_integral_value() else f"{value:,.2f}"


# -- the grid -----------------------------------------------------------------------------


def target_unions(union: Union) -> list[Union]:
    """The columns of a union's targets: itself, then its child unions that take targets
    (a township's children are grassroots unions, which do not)."""
    if union.level not in TARGET_LEVELS:
        return []
    children = Union.objects.filter(
        path__startswith=union.path, depth=union.depth + 1, level__in=TARGET_LEVELS
    ).order_by("code")
    return [union, *children]


@dataclass
class GridCell:
    union: Union
    target: Decimal | None  # the union's own target
    summed: Decimal | None = None  # the union's column only: its children's sum, if no own
    error: str = ""
    entered: str | None = None  # what a refused form held, shown back

    @property
    def text(self) -> str:
        return self.entered if self.entered is not None else plain(self.target)

    @property
    def display(self) -> str:
        return shown(self.target)

    @property
    def summed_display(self) -> str:
        return shown(self.summed)


@dataclass
class GridRow:
    number: int
    indicator: Indicator
    cells: list[GridCell]
    first_of_section: bool = False


@dataclass
class TargetGrid:
    union: Union
    year: int
    unions: list[Union]
    rows: list[GridRow] = field(default_factory=list)

    @property
    def has_children(self) -> bool:
        return len(self.unions) > 1

    @property
    def error_count(self) -> int:
        return sum(1 for r in self.rows for c in r.cells if c.error)


def targets_grid(*, union: Union, year: int) -> TargetGrid:
    """Every indicator's target for ``union`` and its child unions in ``year`` (scope is
    the caller's: ``union`` comes from ``access_union``). Four queries."""
    unions = target_unions(union)
    specs = indicators()
    own = {
        (key, union_id): value
        for key, union_id, value in Target.objects.filter(
            year=year, union__in=unions, indicator__in=[i.key for i in specs]
        ).values_list("indicator", "union_id", "value")
    }
    # The union's figure when it has none of its own: the sum of its children's, as every
    # report reads it.
    effective = targets_for(Tree.of(union), year, [i.key for i in specs])
    grid = TargetGrid(union, year, unions)
    section = ""
    for number, spec in enumerate(specs, start=1):
        cells = [GridCell(u, own.get((spec.key, u.pk))) for u in unions]
        if cells and cells[0].target is None:
            cells[0].summed = effective.get(spec.key, {}).get(None)
        grid.rows.append(GridRow(number, spec, cells, spec.section != section))
        section = spec.section
    return grid


@dataclass
class SaveOutcome:
    saved: int = 0
    cleared: int = 0
    errors: int = 0
    grid: TargetGrid | None = None  # with each refused cell's message, when errors


@transaction.atomic
def targets_save(
    *, actor: Actor, union: Union, year: int, entries: dict[tuple[str, str], str]
) -> SaveOutcome:
    """Save the targets page: ``entries`` maps (indicator key, union code) to what the cell
    holds. A changed number is set, an emptied cell cleared; if any cell is refused,
    nothing is saved and the grid comes back with each message."""
    require_role(actor, *EDITORS)
    grid = targets_grid(union=union, year=year)
    changes: list[tuple[GridCell, str, Decimal | None]] = []
    outcome = SaveOutcome()
    for row in grid.rows:
        for cell in row.cells:
            raw = entries.get((row.indicator.key, cell.union.code))
            if raw is None:
                continue  # not on the form: left as it is
            raw = raw.strip()
            try:
                value = target_value(raw) if raw else None
            except ValidationError as exc:
                cell.error = f"{row.indicator.label}：{exc.messages[0]}"
                cell.entered = raw
                outcome.errors += 1
                continue
            if value != cell.target:
                changes.append((cell, row.indicator.key, value))
    if outcome.errors:
        outcome.grid = grid
        return outcome
    for cell, key, value in changes:
        if value is None:
            outcome.cleared += target_clear(actor=actor, union=cell.union, indicator=key, year=year)
        else:
            target_set(actor=actor, union=cell.union, indicator=key, year=year, value=value)
            outcome.saved += 1
    return outcome


# -- the sheet ----------------------------------------------------------------------------


class _Lookup:
    """The first column's parser: an indicator (by label or key) in the primary layout, a
    union (by name or code) in the other."""

    def __init__(self, sheet: TargetSheet) -> None:
        self.sheet = sheet

    def __call__(self, value: Any) -> tuple[str, str]:
        if isinstance(value, float) and value.is_integer():
            value = int(value)  # a union code typed as a number
        wanted = header_key(clean_text(value))
        sheet = self.sheet
        if sheet.layout == "indicator_rows":
            key = sheet.indicator_by_name.get(wanted)
            if key is None:
                raise ValidationError(
                    f"没有指标“{clean_text(value)}”，请填写指标名称或指标代码", code="indicator"
                )
            return ("indicator", key)
        code = sheet.union_by_name.get(wanted)
        if code is None:
            raise ValidationError(sheet.unknown_union(clean_text(value)), code="union")
        return ("union", code)


class TargetSheet(Sheet):
    name = "targets"
    title = "年度目标"
    key_column = HEAD

    def __init__(self, *, actor: Actor, union: Union, year: Any = None) -> None:
        self.actor = actor
        self.union = union
        self.year: int | None = target_year(year) if year not in (None, "") else None
        self.layout: Layout = "indicator_rows"
        self.specs = indicators()
        self.unions = target_unions(union)
        self.union_of = {u.code: u for u in self.unions}
        self.indicator_by_name: dict[str, str] = {}
        for spec in self.specs:
            self.indicator_by_name[header_key(spec.label)] = spec.key
            self.indicator_by_name[header_key(spec.key)] = spec.key
        self.union_by_name: dict[str, str] = {}
        for u in self.unions:
            for name in self._union_names(u):
                self.union_by_name[header_key(name)] = u.code
        self._columns = self._build_columns()

    def _union_names(self, union: Union) -> list[str]:
        names = [union.name, union.code]
        if union.pk == self.union.pk:
            names.append(f"{union.name}（本级）")
        return names

    def _build_columns(self) -> list[Column]:
        # Either heading finds the header row; the column is named as the layout names it
        # (in "不能为空" and "与第 N 行重复").
        headings = (
            INDICATOR_HEADERS + UNION_HEADERS
            if self.layout == "indicator_rows"
            else UNION_HEADERS + INDICATOR_HEADERS
        )
        head = Column(
            HEAD,
            headings[0],
            _Lookup(self),
            synonyms=headings[1:],
            required=True,
            width=28,
            note="每行一个指标（填指标名称或代码），每列一个工会；"
            "也可每行一个工会（表头“工会”）、每列一个指标。空白单元格不改动已有目标。",
        )
        unit = Column("unit", "单位", text(16), synonyms=("计量单位",), width=8)
        by_union = [
            Column(
                f"u:{u.code}",
                u.name,
                target_value,
                synonyms=tuple(self._union_names(u)[1:]),
                width=16,
            )
            for u in self.unions
        ]
        by_indicator = [
            Column(f"i:{s.key}", s.label, target_value, synonyms=(s.key,), width=16)
            for s in self.specs
        ]
        return [head, unit, *by_union, *by_indicator]

    # The columns follow the union (its children are columns) and the registry, so they
    # belong to the instance; the engine reads them as it reads a class's.
    @property
    def columns(self) -> Sequence[Column]:  # type: ignore[override]
        return self._columns

    def unknown_union(self, name: str) -> str:
        return f"工会“{name}”不存在，或不是{self.union.name}本级及直属下级工会"

    # -- the header -----------------------------------------------------------------------
    def read_header(self, path: Path) -> list[CellError]:
        """Find the header row, set the layout from its first column, and report every
        heading that names no column of that layout (an unknown or out-of-scope union, an
        unknown indicator): the engine would otherwise read past them in silence."""
        kind = check_upload(path, UploadLimits.from_settings())
        header, _, _, _ = locate_header(self, path, kind)
        cells = header.headers
        self.layout = (
            "indicator_rows"
            if header_key(cells[header.positions[HEAD]])
            in {header_key(h) for h in INDICATOR_HEADERS}
            else "union_rows"
        )
        self._columns = self._build_columns()
        wanted = "u:" if self.layout == "indicator_rows" else "i:"
        mapped = {index: key for key, index in header.positions.items()}
        errors: list[CellError] = []
        for index, cell in enumerate(cells):
            heading = clean_text(cell)
            if not heading or header_key(heading) in IGNORED_HEADERS:
                continue
            key = mapped.get(index)
            if key is not None and (key.startswith(wanted) or key in (HEAD, "unit")):
                continue
            number = heading.removesuffix(".0")
            if number.isdigit() and header_key(number) in self.union_by_name:
                # A code typed as a number arrives as 330502.0, which matches no heading.
                message = f"工会代码“{number}”作表头时请设为文本格式，或改填工会名称"
            elif self.layout == "indicator_rows":
                message = self.unknown_union(heading)
            else:
                message = f"没有指标“{heading}”，请以指标名称或指标代码作表头"
            errors.append(CellError(header.row, heading, f"表头：{message}"))
        return errors

    # -- import ---------------------------------------------------------------------------
    def key(self, values: dict[str, Any]) -> Hashable:
        return values[HEAD]

    def check(self, values: dict[str, Any]) -> None:
        if self.year is None:
            raise RowError("指标", "未指定目标年度")

    def _cells(self, row: ParsedRow) -> Iterable[tuple[Union, Indicator, Decimal, str]]:
        """(union, indicator, value, column header) of each filled target cell of a row."""
        kind, ident = row.values[HEAD]
        specs = {s.key: s for s in self.specs}
        if kind == "indicator":
            spec = specs[ident]
            for u in self.unions:
                value = row.values.get(f"u:{u.code}")
                if value is not None and value is not INVALID:
                    yield u, spec, value, u.name
        else:
            u = self.union_of[ident]
            for spec in self.specs:
                value = row.values.get(f"i:{spec.key}")
                if value is not None and value is not INVALID:
                    yield u, spec, value, spec.label

    def apply(self, batch: list[ParsedRow], *, write: bool) -> BatchOutcome:
        assert self.year is not None, "an import names its year"
        outcome = BatchOutcome()
        existing = {
            (key, union_id): value
            for key, union_id, value in Target.objects.filter(
                year=self.year, union__in=self.unions
            ).values_list("indicator", "union_id", "value")
        }
        for row in batch:
            for union, spec, value, header in self._cells(row):
                before = existing.get((spec.key, union.pk))
                if before == value:
                    outcome.unchanged += 1
                    continue
                if write:
                    try:
                        target_set(
                            actor=self.actor,
                            union=union,
                            indicator=spec.key,
                            year=self.year,
                            value=value,
                        )
                    except ValidationError as exc:
                        outcome.errors.append(CellError(row.number, header, exc.messages[0]))
                        continue
                if before is None:
                    outcome.created += 1
                else:
                    outcome.updated += 1
        return outcome

    # -- export ---------------------------------------------------------------------------
    def export_headers(self) -> list[str]:
        return ["指标", "单位", *(u.name for u in self.unions)]

    def export_rows(self) -> Iterable[list[Any]]:
        """The primary layout, each union's own targets (a city without its own shows a
        blank, not its counties' sum, so that a re-import does not turn sums into targets)."""
        assert self.year is not None
        grid = targets_grid(union=self.union, year=self.year)
        for row in grid.rows:
            yield [row.indicator.label, row.indicator.unit, *(_number(c.target) for c in row.cells)]


def _number(value: Decimal | None) -> int | float | None:
    # Cells are numbers in the workbook (a spreadsheet's numbers are binary floats anyway).
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


# -- services -----------------------------------------------------------------------------


def targets_import(
    *,
    actor: Actor,
    union: Union,
    path: Path,
    dry_run: bool,
    progress: Progress | None = None,
    year: Any = None,
) -> ImportReport:
    """A targets sheet of ``year`` for ``union`` and its child unions: every target or
    none; a re-import updates the targets it changes and counts the rest unchanged."""
    if not is_operator(actor):
        require_role(actor, *EDITORS)
    if union.level not in TARGET_LEVELS:
        raise ValidationError("目标只设到市、区县和乡镇（街道）工会。", code="target_level")
    sheet = TargetSheet(actor=actor, union=union, year=year)
    if sheet.year is None:
        raise ValidationError("请指定目标年度。", code="target_year")
    header_errors = sheet.read_header(path)
    # A bad heading spoils the file: its rows are still checked, nothing is written.
    audit = ImportAudit(
        actor=actor,
        union=union,
        action="report.target.import",
        title=f"{sheet.year}年{TargetSheet.title}",
    )
    report = run_import(
        sheet,
        path,
        dry_run=dry_run or bool(header_errors),
        progress=progress,
        audit=None if header_errors else audit,
    )
    if header_errors:
        report.dry_run = dry_run
        report.errors[:0] = header_errors
        report.invalid += 1
        if not dry_run:
            report.created = report.updated = report.unchanged = 0
    report.extra = {"year": sheet.year, "layout": sheet.layout}
    if header_errors:  # refused before writing: the event of a refused import
        audit_import(
            report,
            actor=actor,
            union=union,
            action=audit.action,
            title=audit.title,
            path=path,
        )
    return report


def targets_export(
    *, actor: Actor, union: Union, path: Path, reveal: bool = False, year: Any = None
) -> int:
    """The targets of ``union`` and its child unions for ``year`` (default: this year) in
    the import's primary layout, one row per indicator; returns the number of rows."""
    from gonghui.core.audit import audit_record

    sheet = TargetSheet(actor=actor, union=union, year=year or timezone.localdate().year)
    count = write_export(sheet, path)
    audit_record(
        actor=actor,
        action="report.target.export",
        union=union,
        summary=f"导出{union.name}{sheet.year}年度目标",
    )
    return count


register_sheet(
    SheetEntry(
        name=TargetSheet.name,
        title=TargetSheet.title,
        sheet=TargetSheet,
        import_path="gonghui.reports.sheets.targets_import",
        export_path="gonghui.reports.sheets.targets_export",
        options=(
            SheetOption(
                name="year",
                label="目标年度",
                help="目标所属年度，例如 2023",
                choices=year_choices,
            ),
        ),
    )
)
