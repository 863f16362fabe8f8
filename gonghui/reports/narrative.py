"""季度一展示, 半年一汇报 and 年度一总结: the narrative reports, written from the indicator
registry.

A report is built as data first: paragraphs made of text pieces and ``Figure`` pieces (an
indicator's value for a period, and how it is written), one paragraph per section of the
registry, then a table of every indicator against its target (the dispatch table's rows,
so the two reports can never disagree). The .docx (docx_writer.py) and the printable page
render that data; the tests read every Figure back against the registry.

Each section's paragraph is written by the writer its app registered with the section
(``gonghui.core.indicators``, in the seed's style); an indicator that writer does not speak
of gets a plain sentence ("上半年，全市<label><value>。"), and a section none of whose
indicators exist is left out. Each sentence gives its lead figure even when it is zero; a
detail with nothing to tell (a zero, or a median of nothing) is left out rather than written
"0人" or "—".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, Literal

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from gonghui.core import formatting
from gonghui.core.dates import report_today
from gonghui.core.indicators.periods import Period
from gonghui.core.indicators.registry import (
    Indicator,
    Section,
    Tree,
    Values,
    indicator_values,
    indicators,
    sections,
)
from gonghui.core.indicators.writing import Figure, Piece, Writer, figure_runs, sentence
from gonghui.orgs.models import Union
from gonghui.reports.dispatch import dispatch_table

Kind = Literal["half", "quarter", "annual"]

CN_NUMERALS = "一二三四五六七八九十"
TABLE_NOTE = (
    "注：完成率为累计值与年度目标之比；序时进度为已过月份占全年的比例；"
    "完成率不低于序时进度亮绿灯，落后在规定幅度内亮黄灯，落后更多亮红灯。金额以万元计。"
)
ANNUAL_NOTE = (
    "注：完成率为全年累计值与年度目标之比，完成年度目标亮绿灯，差距在规定幅度内亮黄灯，"
    "差距更大亮红灯；同比为与上年全年相比的增减幅度。金额以万元计。"
)


@dataclass
class Paragraph:
    heading: str  # 一、组织建设
    section: str
    pieces: list[Piece]

    @property
    def text(self) -> str:
        return "".join(text for text, _ in self.runs)

    @property
    def runs(self) -> list[tuple[str, Figure | None]]:
        return figure_runs(self.pieces)

    @property
    def figures(self) -> list[Figure]:
        return [p for p in self.pieces if isinstance(p, Figure)]


@dataclass
class TableRow:
    label: str
    unit: str  # as the table states it (money in 万元)
    cells: list[Figure]
    light: str | None

    @property
    def light_label(self) -> str:
        return formatting.light_label(self.light, "—")


@dataclass
class TableGroup:
    section: str
    rows: list[TableRow]


@dataclass
class Narrative:
    union: Union
    kind: Kind
    year: int
    number: int  # the half (1) or the quarter (1–4)
    period: Period  # what the prose is about
    ytd: Period  # what the table adds up: 1–N月
    title: str
    lead: str
    as_of: datetime
    paragraphs: list[Paragraph]
    table_heading: str
    table_header: list[str]
    table_groups: list[TableGroup] = field(default_factory=list)
    # 落款's date: the report day (GONGHUI_REPORTS_TODAY in the demo).
    signed_on: date = field(default_factory=report_today)
    # A first-level heading over the sections, which are then second-level (（一）…).
    part_heading: str = ""

    @property
    def as_of_line(self) -> str:
        t = timezone.localtime(self.as_of)
        return f"数据截至{t.year}年{t.month}月{t.day}日{t:%H:%M}（系统按业务记录实时统计）"

    @property
    def signed_line(self) -> str:
        """落款's date, in Arabic numerals: 2023年7月1日."""
        day = self.signed_on
        return f"{day.year}年{day.month}月{day.day}日"

    @property
    def note(self) -> str:
        return ANNUAL_NOTE if self.kind == "annual" else TABLE_NOTE

    @property
    def file_name(self) -> str:
        return f"{self.title}.docx"

    def figures(self) -> list[Figure]:
        found = [f for p in self.paragraphs for f in p.figures]
        found += [f for g in self.table_groups for r in g.rows for f in r.cells]
        return found


def _section_pieces(w: Writer, section: Section, chosen: Sequence[Indicator]) -> list[Piece]:
    pieces = section.writer(w) if section.writer is not None else []
    for indicator in chosen:
        if indicator.section == section.name and indicator.key not in section.spoken:
            time = w.flow_time if indicator.kind == "flow" else w.stock_time
            pieces += sentence(f"{time}，{w.area}", [w.clause(indicator.key, indicator.label)])
    return pieces


def _table(
    narrative_values: dict[str, Values], union: Union, year: int, month: int, kind: Kind
) -> tuple[list[str], list[TableGroup], Period]:
    """Every indicator against its target, from the dispatch table of the period's last
    month (the same targets, completion, expected progress and lights)."""
    table = dispatch_table(union=union, year=year, month=month)
    ytd = Period.year_to_date(year, month)
    header = ["指标", "单位", "年度目标", f"{table.ytd_label}累计", "完成率", "序时进度", "亮灯"]
    if kind == "quarter":
        header.insert(2, "本季度")
    if kind == "annual":
        # At the year's end the expected progress is the whole year: last year instead.
        header = ["指标", "单位", "年度目标", "全年累计", "完成率", "上年", "同比", "亮灯"]
    groups: list[TableGroup] = []
    for row in table.rows:
        i = row.indicator
        cells = [
            Figure(
                i.key,
                Period.year(year),
                row.target,
                formatting.cell(row.target, i.unit),
                measure="target",
                form="cell",
            ),
            Figure(i.key, ytd, row.ytd, formatting.cell(row.ytd, i.unit), form="cell"),
            Figure(
                i.key,
                ytd,
                row.completion,
                formatting.percent_cell(row.completion),
                measure="completion",
                form="cell",
            ),
            Figure(
                i.key,
                ytd,
                row.expected,
                formatting.percent_cell(row.expected),
                measure="expected",
                form="cell",
            ),
        ]
        if kind == "annual":
            cells[3:] = [
                Figure(
                    i.key,
                    ytd.last_year(),
                    row.last_year_ytd,
                    formatting.cell(row.last_year_ytd, i.unit),
                    form="cell",
                ),
                Figure(
                    i.key,
                    ytd,
                    row.yoy,
                    formatting.change_signed(row.yoy, i.unit),
                    measure="change",
                    form="cell",
                ),
            ]
        if kind == "quarter":
            own = narrative_values[i.key]
            quarter = Period.quarter(year, (month + 2) // 3)
            cells.insert(
                0,
                Figure(i.key, quarter, own.total, formatting.cell(own.total, i.unit), form="cell"),
            )
        if not groups or groups[-1].section != i.section:
            groups.append(TableGroup(i.section, []))
        groups[-1].rows.append(TableRow(i.label, formatting.table_unit(i.unit), cells, row.light))
    return header, groups, ytd


def _build(
    *, union: Union, year: int, kind: Kind, number: int, period: Period, end_month: int
) -> Narrative:
    as_of = timezone.now()
    tree = Tree.of(union)
    chosen = indicators()
    values = {i.key: indicator_values(i, union, [period], tree)[0] for i in chosen}
    if kind == "half":
        flow_time = "上半年" if number == 1 else "下半年"
        title = f"{union.name}{period.label}工作情况汇报"
        lead = f"现将{period.label}主要工作指标完成情况汇报如下。"
    elif kind == "annual":
        flow_time = f"{year}年"
        title = f"{union.name}{year}年度工作总结"
        lead = f"现将{year}年度主要工作完成情况和年度目标完成情况总结如下。"
    else:
        flow_time = f"{CN_NUMERALS[number - 1]}季度"
        title = f"{union.name}{year}年第{CN_NUMERALS[number - 1]}季度工作情况展示"
        lead = f"现将{year}年第{CN_NUMERALS[number - 1]}季度重点工作进展展示如下。"
    writer = Writer(
        union,
        tree,
        period,
        values,
        flow_time=flow_time,
        stock_time=f"截至{end_month}月底",
        brief=kind == "quarter",
        indicators=chosen,
    )
    paragraphs: list[Paragraph] = []
    # The annual summary has two parts, the work and the targets; its sections are the
    # first part's second-level headings.
    part_heading = "一、全年工作完成情况" if kind == "annual" else ""
    for section in sections():
        pieces = _section_pieces(writer, section, chosen)
        if pieces:
            numeral = CN_NUMERALS[len(paragraphs)]
            heading = (
                f"（{numeral}）{section.name}" if part_heading else f"{numeral}、{section.name}"
            )
            paragraphs.append(Paragraph(heading, section.name, pieces))
    header, groups, ytd = _table(values, union, year, end_month, kind)
    table_number = CN_NUMERALS[1] if part_heading else CN_NUMERALS[len(paragraphs)]
    return Narrative(
        union=union,
        kind=kind,
        year=year,
        number=number,
        period=period,
        ytd=ytd,
        title=title,
        lead=lead,
        as_of=as_of,
        paragraphs=paragraphs,
        table_heading=f"{table_number}、主要指标完成情况",
        table_header=header,
        table_groups=groups,
        part_heading=part_heading,
    )


def half_year_report(*, union: Union, year: int) -> Narrative:
    """半年一汇报: January–June of ``year`` (scope checked by callers)."""
    return _build(
        union=union, year=year, kind="half", number=1, period=Period.half(year, 1), end_month=6
    )


def quarter_showcase(*, union: Union, year: int, quarter: int) -> Narrative:
    """季度一展示: the quarter's own figures, briefer, and the table to the quarter's end."""
    if quarter not in (1, 2, 3, 4):
        raise ValueError("季度须为1至4")
    return _build(
        union=union,
        year=year,
        kind="quarter",
        number=quarter,
        period=Period.quarter(year, quarter),
        end_month=3 * quarter,
    )


def annual_summary(*, union: Union, year: int) -> Narrative:
    """年度一总结: the whole year against the targets and against last year."""
    return _build(
        union=union, year=year, kind="annual", number=1, period=Period.year(year), end_month=12
    )


def narrative_command(command: BaseCommand, options: dict[str, Any]) -> None:
    """`gonghui report half-year|quarter|annual --union CODE --year 2023 [--quarter N]
    -o FILE.docx`."""
    from gonghui.reports.docx_writer import narrative_docx

    union = Union.objects.filter(code=options["union"]).first()
    if union is None:
        raise CommandError(f"没有代码为 {options['union']} 的工会。")
    report, year = options["report"], options["year"]
    if report == "annual":
        narrative = annual_summary(union=union, year=year)
    elif report == "quarter":
        if options.get("quarter") not in (1, 2, 3, 4):
            raise CommandError("季度须为1至4：--quarter 1")
        narrative = quarter_showcase(union=union, year=year, quarter=options["quarter"])
    else:
        narrative = half_year_report(union=union, year=year)
    path = Path(options["output"])
    path.write_bytes(narrative_docx(narrative))
    command.stdout.write(f"已写出 {path}：{narrative.title}，{narrative.as_of_line}")
