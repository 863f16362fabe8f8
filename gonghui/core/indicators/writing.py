"""Writing a report's sentences from indicator values: the toolkit a section's paragraph
writer uses (registered with its section by the app that owns it, see ``Section``).

A sentence is a list of pieces: text, and ``Figure``s (an indicator's value for a period,
and how it is written), so that every number a report states can be read back against the
registry. ``Writer`` holds the period's values for a union and its children and makes the
clauses; ``sentence`` joins those that exist. A detail with nothing to tell (a zero, or a
median of nothing) is left out rather than written "0人" or "—".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal, TypeAlias

from gonghui.core import formatting
from gonghui.core.indicators.periods import Period
from gonghui.core.indicators.registry import Indicator, Tree, Values
from gonghui.orgs.models import Union

Measure = Literal["value", "part", "target", "completion", "expected", "change"]
Form = Literal["prose", "cell"]

BREAKDOWN_SHOWN = 3  # the largest parts named in a sentence (then 等)
MAX_TIED_LEADERS = 2  # children named together as "并列最多"


@dataclass(frozen=True)
class Figure:
    """One number of a report: which indicator, period and union it is, and how it reads.

    ``measure`` says what the number is of the indicator: its value (for the report's
    union, or for the child ``union``), one ``part`` of its breakdown, its annual target,
    its completion rate, the expected progress, or its change against last year (同比).
    ``form`` says which rule wrote it: ``formatting.write`` (prose) or ``formatting.cell`` /
    ``formatting.percent_cell`` / ``formatting.change_signed`` (the table).
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


def figure_runs(pieces: Sequence[Piece]) -> list[tuple[str, Figure | None]]:
    return [(p, None) if isinstance(p, str) else (p.written, p) for p in pieces]


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
class Clause:
    pieces: list[Piece]
    sep: str = "，"  # what joins it to the clause before


class Writer:
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
        indicators: Sequence[Indicator],
    ) -> None:
        self.union = union
        self.tree = tree
        self.period = period
        self.values = values
        self.flow_time = flow_time  # 上半年, 二季度
        self.stock_time = stock_time  # 截至6月底
        self.brief = brief
        self.area = area_word(union)
        self.indicators = {i.key: i for i in indicators if i.key in values}
        self.units = {key: i.unit for key, i in self.indicators.items()}

    def has(self, key: str) -> bool:
        return key in self.values

    def value(self, key: str) -> Decimal | None:
        return self.values[key].total if key in self.values else None

    def positive(self, key: str) -> bool:
        value = self.value(key)
        return value is not None and value > 0

    def fig(self, key: str) -> Figure:
        value = self.value(key)
        return Figure(key, self.period, value, formatting.write(value, self.units[key]))

    def clause(self, key: str, before: str, after: str = "", sep: str = "，") -> Clause | None:
        """``before`` + the value + ``after``, if the indicator exists and has a value
        (a median of nothing has none)."""
        if self.value(key) is None:
            return None
        return Clause([before, self.fig(key), *([after] if after else [])], sep)

    def nonzero(self, key: str, before: str, after: str = "", sep: str = "，") -> Clause | None:
        """A clause left out when there is nothing to tell (a zero): "其中…0人" reads odd."""
        return self.clause(key, before, after, sep) if self.positive(key) else None

    def optional(self, key: str, before: str, after: str = "", sep: str = "，") -> Clause | None:
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
            formatting.write(best, self.units[key]),
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
        indicator = self.indicators[key]
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
                    formatting.write(value, indicator.unit),
                    measure="part",
                    part=label,
                ),
            ]
        if len(ranked) > BREAKDOWN_SHOWN:
            pieces.append("等")
        pieces.append(closing)
        return [p for p in pieces if p != ""]


def sentence(opening: str, clauses: Sequence[Clause | None]) -> list[Piece]:
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


def with_(clause: Clause | None, *extra: list[Piece]) -> Clause | None:
    if clause is not None:
        for pieces in extra:
            clause.pieces += pieces
    return clause
