"""每月一调度 as the county offices send it upward: an .xlsx workbook (the table, then the
child unions' ranking), a plain-text table for the terminal, and `gonghui report dispatch`.

The numbers come from ``gonghui.reports.dispatch.dispatch_table`` (computed live from the
records), so the workbook, the command and the page always agree."""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Callable, Sequence
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

import xlsxwriter
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from gonghui.core.actors import Actor, SystemActor
from gonghui.core.audit import audit_record
from gonghui.core.formatting import LIGHTS, change_signed, percent_one, points_signed
from gonghui.core.indicators.periods import parse_month
from gonghui.core.indicators.registry import Indicator
from gonghui.core.management.scope import resolve_scope
from gonghui.orgs.models import Union
from gonghui.reports.dispatch import (
    ChildCell,
    DispatchRow,
    DispatchTable,
    dispatch_json,
    dispatch_table,
)

DASH = "—"

# ---------------------------------------------------------------------------------------
# Numbers as people read them (shared by the page, the terminal and the workbook's notes)
# ---------------------------------------------------------------------------------------


def format_value(indicator: Indicator, value: Decimal | None) -> str:
    """A value with its indicator's places and thousands separators (1,234 · 1,234.50)."""
    if value is None:
        return DASH
    if indicator.unit == "%":
        return f"{value:.1f}%"
    return f"{value:,.{indicator.places}f}"


def format_rank_change(change: int | None) -> str:
    """Places gained since last month: ↑2, ↓1, or — (same place, or no rank last month)."""
    if not change:
        return DASH
    return f"↑{change}" if change > 0 else f"↓{-change}"


def format_as_of(moment: datetime) -> str:
    local = timezone.localtime(moment)
    return f"{local.year}年{local.month}月{local.day}日 {local:%H:%M}"


def dispatch_title(table: DispatchTable) -> str:
    return f"{table.union.name}{table.year}年{table.month}月重点工作调度表"


def dispatch_filename(table: DispatchTable) -> str:
    return f"{table.union.name}-{table.year}年{table.month}月调度表.xlsx"


def ranked_children(row: DispatchRow) -> list[ChildCell]:
    """The children of one indicator, best first; those without a rank last, by code."""
    return sorted(row.children, key=lambda c: (c.rank is None, c.rank or 0, c.code))


def ranking_basis(row: DispatchRow) -> str:
    """What the children are ranked on (as ``dispatch_table`` does): completion where
    they have targets, else the year-to-date value."""
    return "完成率" if any(c.completion is not None for c in row.children) else "累计值"


def light_note() -> str:
    points = settings.GONGHUI_LIGHT_YELLOW_POINTS
    return (
        "说明：序时进度为全年已过月份占比（6月为50%）；完成率=1月至本月累计÷年度目标；"
        f"差值=完成率−序时进度；亮灯：达到或超过序时进度为绿灯，落后{points}个百分点以内为黄灯，"
        f"落后超过{points}个百分点为红灯；无年度目标的指标不亮灯。"
    )


# ---------------------------------------------------------------------------------------
# The workbook
# ---------------------------------------------------------------------------------------

MAIN_COLUMNS = 13
MAIN_WIDTHS = (6, 10, 30, 6, 14, 14, 14, 9, 9, 9, 14, 9, 9)
RANK_COLUMNS = 10
RANK_WIDTHS = (6, 30, 6, 20, 14, 14, 14, 9, 8, 9)
HEADER_ROWS = 4  # title, 填报单位 and date, the two-row header


class _Formats:
    """xlsxwriter formats, made once per combination (a workbook caps their number)."""

    BASE: dict[str, Any] = {
        "border": 1,
        "valign": "vcenter",
        "font_name": "宋体",
        "font_size": 10,
    }

    def __init__(self, book: Any) -> None:
        self.book = book
        self.made: dict[tuple[tuple[str, Any], ...], Any] = {}

    def __call__(self, **props: Any) -> Any:
        merged = {**self.BASE, **props}
        key = tuple(sorted(merged.items()))
        if key not in self.made:
            self.made[key] = self.book.add_format(merged)
        return self.made[key]

    def plain(self, **props: Any) -> Any:
        """A format without the table's border (title and notes)."""
        return self(border=0, **props)


def _number_format(indicator: Indicator) -> str:
    if indicator.unit == "%":
        return "0.0%"
    if indicator.places == 2:
        return "#,##0.00"
    if indicator.places == 1:
        return "#,##0.0"
    return "#,##0"


def _write_value(
    ws: Any, fmt: _Formats, row: int, col: int, indicator: Indicator, value: Decimal | None
) -> None:
    if value is None:
        ws.write_string(row, col, DASH, fmt(align="center"))
    elif indicator.unit == "%":  # stored in percent; Excel's % format wants the fraction
        ws.write_number(row, col, value / 100, fmt(num_format="0.0%", align="right"))
    else:
        ws.write_number(row, col, value, fmt(num_format=_number_format(indicator), align="right"))


def _write_points(ws: Any, fmt: _Formats, row: int, col: int, value: Decimal | None) -> None:
    """A difference of rates, in percentage points (个百分点)."""
    if value is None:
        ws.write_string(row, col, DASH, fmt(align="center"))
        return
    points = '+0.0"个百分点";-0.0"个百分点";0.0"个百分点"'
    ws.write_number(row, col, value, fmt(num_format=points, align="right"))


def _write_rate(
    ws: Any, fmt: _Formats, row: int, col: int, value: Decimal | None, signed: bool
) -> None:
    if value is None:
        ws.write_string(row, col, DASH, fmt(align="center"))
        return
    number_format = "+0.0%;-0.0%;0.0%" if signed else "0.0%"
    ws.write_number(row, col, value / 100, fmt(num_format=number_format, align="right"))


def _head(ws: Any, fmt: _Formats, groups: list[tuple[str, list[str]]], first_row: int = 2) -> None:
    """A two-row header: a lone heading spans both rows, a group spans its columns."""
    head = fmt(bold=True, align="center", text_wrap=True, bg_color="#F2F2F2")
    col = 0
    for heading, subs in groups:
        if not subs:
            ws.merge_range(first_row, col, first_row + 1, col, heading, head)
            col += 1
            continue
        if len(subs) == 1:
            ws.write_string(first_row, col, heading, head)
        else:
            ws.merge_range(first_row, col, first_row, col + len(subs) - 1, heading, head)
        for offset, sub in enumerate(subs):
            ws.write_string(first_row + 1, col + offset, sub, head)
        col += len(subs)
    ws.set_row(first_row, 20)
    ws.set_row(first_row + 1, 30)


def _title_rows(ws: Any, fmt: _Formats, title: str, table: DispatchTable, width: int) -> None:
    ws.merge_range(0, 0, 0, width - 1, title, fmt.plain(bold=True, font_size=16, align="center"))
    ws.set_row(0, 32)
    split = width // 2
    ws.merge_range(1, 0, 1, split - 1, f"填报单位：{table.union.name}", fmt.plain(align="left"))
    ws.merge_range(
        1,
        split,
        1,
        width - 1,
        f"数据截至：{format_as_of(table.as_of)}",
        fmt.plain(align="right"),
    )
    ws.set_row(1, 20)


# The printed page (A4 landscape, the margins below) in pixels across and points down.
PAGE_WIDTH_PX = (297 - 2 * 0.4 * 25.4) / 25.4 * 96
PAGE_HEIGHT_PT = (210 - 2 * 0.6 * 25.4) / 25.4 * 72
ROW_PT = 15.0  # a data row; a one-row block whose label wraps is two
HEAD_PT = 32 + 20 + 2 * ROW_PT  # the rows repeated on every page


def print_scale(widths: tuple[int, ...]) -> int:
    """The print scale (per cent) that makes the columns as wide as the page."""
    pixels = sum(int(w * 7 + 5) for w in widths)
    return max(10, min(100, int(PAGE_WIDTH_PX * 100 / pixels)))


def page_breaks(blocks: list[tuple[int, float]], scale: int) -> list[int]:
    """Rows to break before so that no block (first row, height in points) of an indicator
    is split across pages: a block that would not fit on the page starts the next one (a
    block taller than a page still splits)."""
    room = PAGE_HEIGHT_PT * 100 / scale * 0.95 - HEAD_PT  # a little kept for rounding
    breaks: list[int] = []
    used = 0.0
    for first, height in blocks:
        if used and used + height > room:
            breaks.append(first)
            used = 0.0
        used += height
    return breaks


def _print_setup(
    ws: Any, last_row: int, last_col: int, *, scale: int | None = None, breaks: Sequence[int] = ()
) -> None:
    ws.set_landscape()
    ws.set_paper(9)  # A4
    ws.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    ws.center_horizontally()
    ws.repeat_rows(0, HEADER_ROWS - 1)  # the title and the header on every page
    if scale is None:
        ws.fit_to_pages(1, 0)  # as wide as the page, as many pages long as it takes
    else:
        # Excel ignores manual page breaks on a sheet fitted to pages: a fixed scale instead.
        ws.set_print_scale(scale)
        ws.set_h_pagebreaks(list(breaks))
    ws.print_area(0, 0, last_row, last_col)
    ws.set_footer("&C第 &P 页，共 &N 页")
    ws.freeze_panes(HEADER_ROWS, 3)


def _main_sheet(book: Any, fmt: _Formats, table: DispatchTable) -> None:
    ws = book.add_worksheet("调度表")
    _title_rows(ws, fmt, dispatch_title(table), table, MAIN_COLUMNS)
    _head(
        ws,
        fmt,
        [
            ("序号", []),
            ("类别", []),
            ("指标", []),
            ("单位", []),
            ("年度目标", []),
            ("完成情况", ["本月", f"{table.ytd_label}累计", "完成率"]),
            ("进度对比", ["序时进度", "差值"]),
            ("同期比较", ["去年同期", "同比"]),
            ("亮灯", []),
        ],
    )
    for col, width in enumerate(MAIN_WIDTHS):
        ws.set_column(col, col, width)
    center = fmt(align="center")
    row = HEADER_ROWS
    sections: list[tuple[str, int, int]] = []
    for item in table.rows:
        indicator = item.indicator
        ws.write_number(row, 0, item.number, center)
        ws.write_string(row, 2, indicator.label, fmt(align="left", text_wrap=True))
        ws.write_string(row, 3, indicator.unit, center)
        _write_value(ws, fmt, row, 4, indicator, item.target)
        _write_value(ws, fmt, row, 5, indicator, item.month)
        _write_value(ws, fmt, row, 6, indicator, item.ytd)
        _write_rate(ws, fmt, row, 7, item.completion, signed=False)
        _write_rate(ws, fmt, row, 8, item.expected, signed=False)
        _write_points(ws, fmt, row, 9, item.gap)
        _write_value(ws, fmt, row, 10, indicator, item.last_year_ytd)
        if indicator.unit == "%":
            _write_points(ws, fmt, row, 11, item.yoy)
        else:
            _write_rate(ws, fmt, row, 11, item.yoy, signed=True)
        if item.light:
            fill, font = f"#{LIGHTS[item.light].fill}", f"#{LIGHTS[item.light].text}"
            style = fmt(align="center", bold=True, bg_color=fill, font_color=font)
            ws.write_string(row, 12, f"● {item.light_label}", style)
        else:
            ws.write_string(row, 12, DASH, center)
        if sections and sections[-1][0] == indicator.section:
            sections[-1] = (indicator.section, sections[-1][1], row)
        else:
            sections.append((indicator.section, row, row))
        row += 1
    section_format = fmt(align="center", bold=True, text_wrap=True)
    for name, first, last in sections:
        if first == last:
            ws.write_string(first, 1, name, section_format)
        else:
            ws.merge_range(first, 1, last, 1, name, section_format)
    note_row = row + 1
    ws.merge_range(
        note_row,
        0,
        note_row,
        MAIN_COLUMNS - 1,
        light_note(),
        fmt.plain(text_wrap=True, valign="top", font_size=9),
    )
    ws.set_row(note_row, 36)
    _print_setup(ws, note_row, MAIN_COLUMNS - 1)


def _rank_sheet(book: Any, fmt: _Formats, table: DispatchTable) -> None:
    ws = book.add_worksheet("下级排名")
    title = f"{table.union.name}{table.year}年{table.month}月下级工会排名"
    _title_rows(ws, fmt, title, table, RANK_COLUMNS)
    _head(
        ws,
        fmt,
        [
            ("序号", []),
            ("指标", []),
            ("单位", []),
            ("下级工会", []),
            ("完成情况", ["本月", f"{table.ytd_label}累计", "年度目标", "完成率"]),
            ("排名", ["名次", "较上月"]),
        ],
    )
    for col, width in enumerate(RANK_WIDTHS):
        ws.set_column(col, col, width)
    center = fmt(align="center")
    row = HEADER_ROWS
    if not table.children:
        ws.merge_range(row, 0, row, RANK_COLUMNS - 1, f"{table.union.name}没有下级工会。", center)
        row += 1
    blocks: list[tuple[int, float]] = []
    for item in table.rows if table.children else []:
        indicator = item.indicator
        first = row
        for cell in ranked_children(item):
            ws.write_string(row, 3, cell.name, fmt(align="left"))
            _write_value(ws, fmt, row, 4, indicator, cell.month)
            _write_value(ws, fmt, row, 5, indicator, cell.ytd)
            _write_value(ws, fmt, row, 6, indicator, cell.target)
            _write_rate(ws, fmt, row, 7, cell.completion, signed=False)
            if cell.rank is None:
                ws.write_string(row, 8, DASH, center)
            else:
                ws.write_number(row, 8, cell.rank, center)
            change = cell.rank_change
            colour = "#006100" if change and change > 0 else "#9C0006" if change else "#000000"
            ws.write_string(
                row, 9, format_rank_change(change), fmt(align="center", font_color=colour)
            )
            row += 1
        label = f"{indicator.label}（按{ranking_basis(item)}）"
        height = (row - first) * ROW_PT
        if row - first == 1 and 2 * len(label) > RANK_WIDTHS[1]:
            ws.set_row(first, 2 * ROW_PT)  # the label wraps onto a second line
            height = 2 * ROW_PT
        blocks.append((first, height))
        for col, value in ((0, item.number), (1, label), (2, indicator.unit)):
            style = fmt(align="center" if col != 1 else "left", text_wrap=True)
            if row - 1 > first:
                ws.merge_range(first, col, row - 1, col, value, style)
            elif isinstance(value, int):
                ws.write_number(first, col, value, style)
            else:
                ws.write_string(first, col, value, style)
    note_row = row + 1
    ws.merge_range(
        note_row,
        0,
        note_row,
        RANK_COLUMNS - 1,
        "说明：有年度目标的指标按完成率排名，没有目标的按1月至本月累计值排名（办理时长、"
        "未销号企业等越少越好的指标由少到多）；并列者名次相同；较上月为与上月末排名相比"
        "上升（↑）或下降（↓）的名次。",
        fmt.plain(text_wrap=True, valign="top", font_size=9),
    )
    ws.set_row(note_row, 36)
    # An indicator's ranking never splits from its label across a page break.
    scale = print_scale(RANK_WIDTHS)
    _print_setup(ws, note_row, RANK_COLUMNS - 1, scale=scale, breaks=page_breaks(blocks, scale))


def dispatch_workbook(table: DispatchTable, target: str | Path | IO[bytes]) -> None:
    """Write the dispatch table and the ranking of the children to ``target`` (a path or
    a binary file object)."""
    book = xlsxwriter.Workbook(
        target if not isinstance(target, Path) else str(target),
        {
            "in_memory": True,
            "strings_to_formulas": False,
            "strings_to_numbers": False,
            "strings_to_urls": False,
        },
    )
    book.set_properties({"title": dispatch_title(table), "company": table.union.name})
    fmt = _Formats(book)
    _main_sheet(book, fmt, table)
    _rank_sheet(book, fmt, table)
    book.close()


def dispatch_export(
    *, actor: Actor, union: Union, year: int, month: int, target: str | Path | IO[bytes]
) -> DispatchTable:
    """Compute the table of ``union`` (scope checked by the caller) and write its workbook;
    audited. Returns the table written."""
    table = dispatch_table(union=union, year=year, month=month)
    dispatch_workbook(table, target)
    audit_record(
        actor=actor,
        action="report.dispatch.export",
        union=union,
        summary=f"导出{dispatch_title(table)}（{len(table.rows)}项指标）",
    )
    return table


# ---------------------------------------------------------------------------------------
# The terminal
# ---------------------------------------------------------------------------------------


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int, right: bool) -> str:
    space = " " * (width - _width(text))
    return space + text if right else text + space


def _text_table(headers: list[str], rows: list[list[str]], right: Callable[[int], bool]) -> str:
    widths = [max(_width(r[i]) for r in [headers, *rows]) for i in range(len(headers))]
    lines = ["  ".join(_pad(h, widths[i], right(i)) for i, h in enumerate(headers))]
    lines.append("  ".join("-" * w for w in widths))
    lines.extend(
        "  ".join(_pad(cell, widths[i], right(i)) for i, cell in enumerate(r)).rstrip()
        for r in rows
    )
    return "\n".join(lines)


def dispatch_text(table: DispatchTable) -> str:
    """The table as readable Chinese text for a terminal."""
    main = [
        [
            str(r.number),
            r.indicator.section,
            r.indicator.label,
            r.indicator.unit,
            format_value(r.indicator, r.target),
            format_value(r.indicator, r.month),
            format_value(r.indicator, r.ytd),
            percent_one(r.completion),
            percent_one(r.expected),
            points_signed(r.gap),
            format_value(r.indicator, r.last_year_ytd),
            change_signed(r.yoy, r.indicator.unit),
            r.light_label or DASH,
        ]
        for r in table.rows
    ]
    headers = ["序号", "类别", "指标", "单位", "年度目标", "本月", f"{table.ytd_label}累计"]
    headers += ["完成率", "序时进度", "差值", "去年同期", "同比", "亮灯"]
    parts = [
        dispatch_title(table),
        f"填报单位：{table.union.name}    数据截至：{format_as_of(table.as_of)}",
        "",
        _text_table(headers, main, lambda i: i in (0, *range(4, 12))),
    ]
    if table.children:
        ranking = [
            [
                r.indicator.label,
                c.name,
                format_value(r.indicator, c.ytd),
                percent_one(c.completion),
                DASH if c.rank is None else str(c.rank),
                format_rank_change(c.rank_change),
            ]
            for r in table.rows
            for c in ranked_children(r)
        ]
        parts += [
            "",
            "下级工会排名",
            _text_table(
                ["指标", "下级工会", f"{table.ytd_label}累计", "完成率", "名次", "较上月"],
                ranking,
                lambda i: i in (2, 3, 4),
            ),
        ]
    parts += ["", light_note()]
    return "\n".join(parts)


def dispatch_command(command: BaseCommand, options: dict[str, Any]) -> None:
    """`gonghui report dispatch --union CODE --month 2023-06 [--json] [-o FILE.xlsx]`: the
    numbers the page would show now (computed live, so no task worker is needed)."""
    try:
        year, month = parse_month(options["month"])
    except ValueError as exc:
        raise CommandError(str(exc)) from exc
    _, union = resolve_scope(options["union"], None)
    output = options.get("output")
    if output:
        path = Path(output)
        if path.suffix.lower() != ".xlsx":
            raise CommandError(f"输出文件须为 .xlsx：{output}")
        if not path.parent.exists():
            raise CommandError(f"目录不存在：{path.parent}")
        table = dispatch_export(
            actor=SystemActor(union), union=union, year=year, month=month, target=path
        )
    else:
        table = dispatch_table(union=union, year=year, month=month)
    if options.get("json"):
        command.stdout.write(json.dumps(dispatch_json(table), ensure_ascii=False))
    else:
        command.stdout.write(dispatch_text(table))
    if output:
        # On stderr, so that --json with -o still prints one JSON object on stdout.
        command.stderr.write(f"已写出 {output}", style_func=command.style.SUCCESS)
