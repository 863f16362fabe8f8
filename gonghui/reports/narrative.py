"""季度一展示 and 半年一汇报: the narrative reports, written from the indicator registry.

A report is built as data first: paragraphs made of text pieces and ``Figure`` pieces (an
indicator's value for a period, and how it is written), one paragraph per section of the
registry, then a table of every indicator against its target (the dispatch table's rows,
so the two reports can never disagree). The .docx (docx_writer.py) and the printable page
render that data; the tests read every Figure back against the registry.

Sentences are written for the indicators registered now, in the seed's style; an
indicator registered later without a sentence of its own gets a plain one ("上半年，全市
<label><value>。"), and a section none of whose indicators exist is left out. Each
sentence gives its lead figure even when it is zero; a detail with nothing to tell (a
zero, or a median of nothing) is left out rather than written "0人" or "—".
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal, TypeAlias

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from gonghui.orgs.models import Union
from gonghui.reports import numbers
from gonghui.reports.dispatch import LIGHT_LABELS, dispatch_table
from gonghui.reports.periods import Period
from gonghui.reports.registry import SECTIONS, Tree, Values, indicator_values, indicators

Kind = Literal["half", "quarter"]
Measure = Literal["value", "part", "target", "completion", "expected"]
Form = Literal["prose", "cell"]

CN_NUMERALS = "一二三四五六七八九十"
BREAKDOWN_SHOWN = 3  # the largest parts named in a sentence (then 等)
MAX_TIED_LEADERS = 2  # children named together as "并列最多"
TABLE_NOTE = (
    "注：完成率为累计值与年度目标之比；序时进度为已过月份占全年的比例；"
    "完成率不低于序时进度亮绿灯，落后在规定幅度内亮黄灯，落后更多亮红灯。金额以万元计。"
)


@dataclass(frozen=True)
class Figure:
    """One number of a report: which indicator, period and union it is, and how it reads.

    ``measure`` says what the number is of the indicator: its value (for the report's
    union, or for the child ``union``), one ``part`` of its breakdown, its annual target,
    its completion rate or the expected progress. ``form`` says which rule wrote it:
    ``numbers.write`` (prose) or ``numbers.cell`` / ``numbers.percent_cell`` (the table).
    """

    key: str
    period: Period
    value: Decimal | None
    written: str
    union: str | None = None  # a child union's code; None: the report's union
    measure: Measure = "value"
    part: str = ""
    form: Form = "prose"


Piece: TypeAlias = str | Figure


def _runs(pieces: Sequence[Piece]) -> list[tuple[str, Figure | None]]:
    return [(p, None) if isinstance(p, str) else (p.written, p) for p in pieces]


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
        return _runs(self.pieces)

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
        return LIGHT_LABELS.get(self.light or "", "—")


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

    @property
    def as_of_line(self) -> str:
        t = timezone.localtime(self.as_of)
        return f"数据截至{t.year}年{t.month}月{t.day}日{t:%H:%M}（系统按业务记录实时统计）"

    @property
    def note(self) -> str:
        return TABLE_NOTE

    @property
    def file_name(self) -> str:
        return f"{self.title}.docx"

    def figures(self) -> list[Figure]:
        found = [f for p in self.paragraphs for f in p.figures]
        found += [f for g in self.table_groups for r in g.rows for f in r.cells]
        return found


def short_name(union: Union) -> str:
    """湖州市总工会 → 湖州市, 月河街道工会 → 月河街道: how a union is named in a sentence."""
    for suffix in ("总工会", "工会委员会", "工会联合会", "联合工会", "工会"):
        if union.name.endswith(suffix) and len(union.name) > len(suffix):
            return union.name[: -len(suffix)]
    return union.name


def area_word(union: Union) -> str:
    """全市, 全区, 全县, 全镇, 全街道: the seed's word for the union's whole area."""
    name = short_name(union)
    if union.level == Union.Level.CITY:
        return "全市"
    if union.level == Union.Level.COUNTY:
        return "全县" if name.endswith("县") else "全市" if name.endswith("市") else "全区"
    if union.level == Union.Level.TOWNSHIP:
        for ending, word in (("街道", "全街道"), ("镇", "全镇"), ("乡", "全乡")):
            if name.endswith(ending):
                return word
        return "辖区内"
    return "本单位"


CHILDREN_WORDS: dict[str, str] = {
    Union.Level.CITY: "各区县",
    Union.Level.COUNTY: "各乡镇（街道）",
    Union.Level.TOWNSHIP: "各基层工会",
}


def children_word(union: Union) -> str:
    return CHILDREN_WORDS.get(union.level, "各下级工会")


@dataclass
class _Clause:
    pieces: list[Piece]
    sep: str = "，"  # what joins it to the clause before


class _Writer:
    """The facts a section's sentences draw on: the period's values of every registered
    indicator for the union and its children, and the time and area words."""

    def __init__(
        self,
        union: Union,
        tree: Tree,
        period: Period,
        values: dict[str, Values],
        *,
        flow_time: str,
        stock_time: str,
        brief: bool,
    ) -> None:
        self.union = union
        self.tree = tree
        self.period = period
        self.values = values
        self.flow_time = flow_time  # 上半年, 二季度
        self.stock_time = stock_time  # 截至6月底
        self.brief = brief
        self.area = area_word(union)
        self.units = {i.key: i.unit for i in indicators() if i.key in values}

    def has(self, key: str) -> bool:
        return key in self.values

    def value(self, key: str) -> Decimal | None:
        return self.values[key].total if key in self.values else None

    def positive(self, key: str) -> bool:
        value = self.value(key)
        return value is not None and value > 0

    def fig(self, key: str) -> Figure:
        value = self.value(key)
        return Figure(key, self.period, value, numbers.write(value, self.units[key]))

    def clause(self, key: str, before: str, after: str = "", sep: str = "，") -> _Clause | None:
        """``before`` + the value + ``after``, if the indicator exists and has a value
        (a median of nothing has none)."""
        if self.value(key) is None:
            return None
        return _Clause([before, self.fig(key), *([after] if after else [])], sep)

    def nonzero(self, key: str, before: str, after: str = "", sep: str = "，") -> _Clause | None:
        """A clause left out when there is nothing to tell (a zero): "其中…0人" reads odd."""
        return self.clause(key, before, after, sep) if self.positive(key) else None

    def optional(self, key: str, before: str, after: str = "", sep: str = "，") -> _Clause | None:
        """A detail: left out when zero, and in a brief report."""
        return None if self.brief else self.nonzero(key, before, after, sep)

    def leader(self, key: str) -> list[Piece]:
        """The child with the largest value, when there is a choice, as in
        "，各区县中吴兴区最多（453人）"; two tied are named together, more are not named."""
        if self.brief or not self.has(key) or len(self.tree.children) < 2:
            return []
        by_child = self.values[key].by_child
        scored = [(by_child.get(c.code), c) for c in self.tree.children]
        best = max((v for v, _ in scored if v is not None), default=None)
        if best is None or best <= 0:
            return []
        leaders = [c for v, c in scored if v == best]
        if len(leaders) > MAX_TIED_LEADERS:
            return []  # "三家并列最多（各1家）" tells nothing
        figure = Figure(
            key,
            self.period,
            best,
            numbers.write(best, self.units[key]),
            union=leaders[0].code,
        )
        names = "、".join(short_name(c) for c in leaders)
        if len(leaders) == 1:
            return [f"，{children_word(self.union)}中{names}最多（", figure, "）"]
        return [f"，{children_word(self.union)}中{names}并列最多（各", figure, "）"]

    def parts(self, key: str, opening: str = "，其中", closing: str = "") -> list[Piece]:
        """The indicator's breakdown, largest first: "，其中单独组建5家、区域联建3家"."""
        if self.brief or not self.positive(key):
            return []
        indicator = next(i for i in indicators() if i.key == key)
        if indicator.breakdown is None:
            return []
        found = indicator.breakdown(self.union.path, self.period)
        ranked = sorted(
            ((label, Decimal(v)) for label, v in found.items() if v), key=lambda p: (-p[1], p[0])
        )
        if not ranked:
            return []
        if len(ranked) == 1 and ranked[0][1] == self.value(key) and opening == "，其中":
            return [f"，均为{ranked[0][0]}"]  # "其中单独组建11家" of 11 says less
        pieces: list[Piece] = [opening]
        for n, (label, value) in enumerate(ranked[:BREAKDOWN_SHOWN]):
            pieces += [
                "、" if n else "",
                label,
                Figure(
                    key,
                    self.period,
                    value,
                    numbers.write(value, indicator.unit),
                    measure="part",
                    part=label,
                ),
            ]
        if len(ranked) > BREAKDOWN_SHOWN:
            pieces.append("等")
        pieces.append(closing)
        return [p for p in pieces if p != ""]


def _sentence(opening: str, clauses: Sequence[_Clause | None]) -> list[Piece]:
    """The clauses that exist, joined, after ``opening``; nothing if none exists."""
    present = [c for c in clauses if c is not None]
    if not present:
        return []
    pieces: list[Piece] = [opening]
    for n, c in enumerate(present):
        if n:
            pieces.append(c.sep)
        pieces += c.pieces
    pieces.append("。")
    return pieces


def _with(clause: _Clause | None, *extra: list[Piece]) -> _Clause | None:
    if clause is not None:
        for pieces in extra:
            clause.pieces += pieces
    return clause


def _organisation(w: _Writer) -> list[Piece]:
    formed = _with(
        w.clause("unions_formed", "新建工会组织"),
        w.parts("unions_formed"),
        w.leader("unions_formed"),
    )
    return [
        *_sentence(
            f"{w.flow_time}，{w.area}",
            [formed, w.nonzero("unions_formed_new_form", "新就业形态领域新建工会", sep="；")],
        ),
        *(
            []
            if w.brief
            else _sentence(
                "推进应建未建企业建会销号，",
                [
                    w.nonzero("formation_closed", f"{w.flow_time}销号"),
                    w.nonzero("formation_open", f"{w.stock_time}尚有", "未销号"),
                ],
            )
        ),
        *_sentence(
            f"{w.stock_time}，{w.area}",
            [
                None if w.brief else w.nonzero("above_scale_enterprises", "规上企业"),
                None if w.brief else w.nonzero("above_scale_covered", "已建会"),
                w.clause("above_scale_union_rate", "建会率" if not w.brief else "规上企业建会率"),
            ],
        ),
    ]


def _membership(w: _Writer) -> list[Piece]:
    new = _with(w.clause("members_new", "新发展会员"), w.leader("members_new"))
    new_form = _with(
        w.nonzero("members_new_new_form", "其中新就业形态劳动者", sep="；"),
        w.parts("members_new_new_form", "（", "）"),
    )
    return [
        *_sentence(f"{w.flow_time}，{w.area}", [new, new_form]),
        *_sentence(f"{w.stock_time}，{w.area}", [w.clause("members_end", "共有会员")]),
        *_sentence(
            f"{w.flow_time}，",
            [
                w.optional("members_transferred", "办理会员转会转入"),
                w.optional("members_left", "会员退会"),
            ],
        ),
    ]


def _services(w: _Writer) -> list[Piece]:
    mutual = _with(
        w.clause("mutual_aid_paid_amount", "发放职工医疗互助金"),
        w.leader("mutual_aid_paid_amount"),
    )
    return [
        *_sentence(
            f"{w.stock_time}，{w.area}", [w.clause("mutual_aid_enrolled", "参加职工医疗互助")]
        ),
        *_sentence(
            f"{w.flow_time}，{w.area}",
            [
                mutual,
                w.nonzero("mutual_aid_paid_count", "惠及职工"),
                w.nonzero("relief_paid_amount", "发放会员大病救助金", sep="；"),
                w.nonzero("relief_paid_count", "救助"),
            ],
        ),
        *(
            []
            if w.brief
            else _sentence(
                f"{w.flow_time}发放的互助金和救助金，",
                [w.clause("aid_days_to_payment", "从提交申请到发放用时的中位数为")],
            )
        ),
    ]


# The sentences of each section, and the indicators they speak of; any other indicator of
# the section gets a plain sentence.
SECTION_WRITERS: dict[str, tuple[Callable[[_Writer], list[Piece]], tuple[str, ...]]] = {
    "组织建设": (
        _organisation,
        (
            "unions_formed",
            "unions_formed_new_form",
            "formation_open",
            "formation_closed",
            "above_scale_enterprises",
            "above_scale_covered",
            "above_scale_union_rate",
        ),
    ),
    "会员发展": (
        _membership,
        (
            "members_new",
            "members_new_new_form",
            "members_end",
            "members_transferred",
            "members_left",
        ),
    ),
    "服务保障": (
        _services,
        (
            "mutual_aid_enrolled",
            "mutual_aid_paid_amount",
            "mutual_aid_paid_count",
            "relief_paid_amount",
            "relief_paid_count",
            "aid_days_to_payment",
        ),
    ),
}


def _section_pieces(w: _Writer, section: str) -> list[Piece]:
    pieces: list[Piece] = []
    spoken: tuple[str, ...] = ()
    if section in SECTION_WRITERS:
        writer, spoken = SECTION_WRITERS[section]
        pieces = writer(w)
    for indicator in indicators():
        if indicator.section == section and indicator.key not in spoken:
            time = w.flow_time if indicator.kind == "flow" else w.stock_time
            pieces += _sentence(f"{time}，{w.area}", [w.clause(indicator.key, indicator.label)])
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
    groups: list[TableGroup] = []
    for row in table.rows:
        i = row.indicator
        cells = [
            Figure(
                i.key,
                Period.year(year),
                row.target,
                numbers.cell(row.target, i.unit),
                measure="target",
                form="cell",
            ),
            Figure(i.key, ytd, row.ytd, numbers.cell(row.ytd, i.unit), form="cell"),
            Figure(
                i.key,
                ytd,
                row.completion,
                numbers.percent_cell(row.completion),
                measure="completion",
                form="cell",
            ),
            Figure(
                i.key,
                ytd,
                row.expected,
                numbers.percent_cell(row.expected),
                measure="expected",
                form="cell",
            ),
        ]
        if kind == "quarter":
            own = narrative_values[i.key]
            quarter = Period.quarter(year, (month + 2) // 3)
            cells.insert(
                0, Figure(i.key, quarter, own.total, numbers.cell(own.total, i.unit), form="cell")
            )
        if not groups or groups[-1].section != i.section:
            groups.append(TableGroup(i.section, []))
        groups[-1].rows.append(TableRow(i.label, numbers.table_unit(i.unit), cells, row.light))
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
    else:
        flow_time = f"{CN_NUMERALS[number - 1]}季度"
        title = f"{union.name}{year}年第{CN_NUMERALS[number - 1]}季度工作情况展示"
        lead = f"现将{year}年第{CN_NUMERALS[number - 1]}季度重点工作进展展示如下。"
    writer = _Writer(
        union,
        tree,
        period,
        values,
        flow_time=flow_time,
        stock_time=f"截至{end_month}月底",
        brief=kind == "quarter",
    )
    paragraphs: list[Paragraph] = []
    for section in SECTIONS:
        pieces = _section_pieces(writer, section)
        if pieces:
            heading = f"{CN_NUMERALS[len(paragraphs)]}、{section}"
            paragraphs.append(Paragraph(heading, section, pieces))
    header, groups, ytd = _table(values, union, year, end_month, kind)
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
        table_heading=f"{CN_NUMERALS[len(paragraphs)]}、主要指标完成情况",
        table_header=header,
        table_groups=groups,
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


def half_year_command(command: BaseCommand, options: dict[str, Any]) -> None:
    """`gonghui report half-year --union CODE --year 2023 -o FILE.docx`."""
    from gonghui.reports.docx_writer import narrative_docx

    union = Union.objects.filter(code=options["union"]).first()
    if union is None:
        raise CommandError(f"没有代码为 {options['union']} 的工会。")
    narrative = half_year_report(union=union, year=options["year"])
    path = Path(options["output"])
    path.write_bytes(narrative_docx(narrative))
    command.stdout.write(f"已写出 {path}：{narrative.title}，{narrative.as_of_line}")
