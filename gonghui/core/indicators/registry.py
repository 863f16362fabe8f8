"""The indicator registry: every figure a report shows is declared once, in its app's
``indicators.py``, and computed here for all children of a union in one grouped query.
Report sections (组织建设, 会员发展, …) are declared there too, by the app that owns them,
with their order and, for the narrative reports, the writer of their paragraph.

An indicator's query returns, for each period asked, a value per *owning* union id (the
union that owns the records: a member's union, a claim's union, a township's task). The
engine rolls those up to the children of the union the report is about, by the child's
tree path, in memory: the union tree is small, the record tables are not, so the database
does one GROUP BY over the records and no join to the tree. The parent's value comes from
the same rows (a sum of unrounded values, or the median of all values), never from adding
rounded children. A ratio is computed from the sums of its two parts.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any, Literal

from django.db.models import QuerySet
from django.utils.module_loading import autodiscover_modules

from gonghui.core.indicators.periods import Period
from gonghui.orgs.models import Union

if TYPE_CHECKING:
    from gonghui.core.indicators.writing import Piece, Writer

Kind = Literal["flow", "stock", "ratio"]
# (path of the union the report is about, the periods) -> per period {owner union id: value}.
# Values are numbers to add up, or (combine="median") lists of numbers.
Query = Callable[[str, Sequence[Period]], list[dict[int, Any]]]

MONEY_UNITS = ("元", "万元")


@dataclass(frozen=True)
class RecordColumn:
    header: str
    value: Callable[[Any], Any]


@dataclass(frozen=True)
class Indicator:
    key: str
    label: str
    unit: str  # 个, 家, 人, 人次, 元, 天, %
    section: str
    kind: Kind
    query: Query | None = None
    combine: Literal["sum", "median"] = "sum"
    numerator: str = ""  # for a ratio: the keys of its two parts, in percent
    denominator: str = ""
    # A breakdown of the union's value (by formation mode, by occupation): (path, period)
    # -> {label: value}.
    breakdown: Callable[[str, Period], dict[str, Any]] | None = None
    breakdown_label: str = ""
    # The records behind a leaf union's value, and how to show them (scoped and masked:
    # the columns read masked fields only).
    records: Callable[[Union, Period], QuerySet[Any]] | None = None
    record_columns: tuple[RecordColumn, ...] = ()
    better: Literal["higher", "lower"] = "higher"  # how child unions are ranked
    seed: str = ""  # the seed document's figure this corresponds to
    counts: str = ""  # how it is counted, in a sentence (docs/indicators.md)
    order: int = 0

    @property
    def is_money(self) -> bool:
        return self.unit in MONEY_UNITS

    @property
    def places(self) -> int:
        return 2 if self.is_money else 1 if self.unit in ("%", "天") else 0


@dataclass
class Values:
    """One indicator for one period: the union's value and each child's."""

    total: Decimal | None
    by_child: dict[str, Decimal | None] = field(default_factory=dict)

    def child(self, code: str) -> Decimal | None:
        return self.by_child.get(code)


@dataclass(frozen=True)
class Section:
    """A part of every report, owned by one app: its indicators are listed together, in
    ``order`` among the sections, and ``writer`` (with the keys of the indicators it speaks
    of in ``spoken``) writes its paragraph of the narrative reports; any other indicator of
    the section gets a plain sentence there."""

    name: str
    order: int
    writer: Callable[[Writer], list[Piece]] | None = None
    spoken: tuple[str, ...] = ()


_REGISTRY: dict[str, Indicator] = {}
_SECTIONS: dict[str, Section] = {}


def section_register(section: Section) -> Section:
    _SECTIONS[section.name] = section
    return section


def section_extend(
    name: str, *, writer: Callable[[Writer], list[Piece]], spoken: tuple[str, ...]
) -> Section:
    """Sentences of an app above a section's owner, after the owner's, in the owner's
    paragraph (the care module's services after mutual aid in 服务保障), with the keys they
    speak of."""
    base = _SECTIONS[name]
    first = base.writer

    def both(w: Writer) -> list[Piece]:
        return [*(first(w) if first is not None else []), *writer(w)]

    _SECTIONS[name] = replace(base, writer=both, spoken=(*base.spoken, *spoken))
    return _SECTIONS[name]


def sections() -> list[Section]:
    autodiscover_modules("indicators")
    return sorted(_SECTIONS.values(), key=lambda s: (s.order, s.name))


def indicator_register(indicator: Indicator) -> Indicator:
    # The app owning a section registers it before its indicators; an app adding indicators
    # to another's section imports that app's indicators module first.
    if indicator.section not in _SECTIONS:
        raise ValueError(f"unknown section {indicator.section!r}")
    _REGISTRY[indicator.key] = indicator
    return indicator


def indicators() -> list[Indicator]:
    autodiscover_modules("indicators")
    order = {s.name: s.order for s in _SECTIONS.values()}
    return sorted(_REGISTRY.values(), key=lambda i: (order[i.section], i.order, i.key))


def indicator_get(key: str) -> Indicator:
    autodiscover_modules("indicators")
    return _REGISTRY[key]


@dataclass
class Tree:
    """A union's children and, for every union of its subtree, the child it rolls up to."""

    union: Union
    children: list[Union]
    child_of: dict[int, str | None]  # owner union id -> child code (None: the union itself)

    @classmethod
    def of(cls, union: Union) -> Tree:
        step = Union.steplen
        width = step * (union.depth + 1)
        rows = list(
            Union.objects.filter(path__startswith=union.path)
            .order_by()
            .values_list("id", "path", "code", "depth")
        )
        code_of_path = {path: code for _, path, code, depth in rows if depth == union.depth + 1}
        child_of = {
            pk: code_of_path.get(path[:width]) if len(path) >= width else None
            for pk, path, _, _ in rows
        }
        children = list(
            Union.objects.filter(path__startswith=union.path, depth=union.depth + 1).order_by(
                "code"
            )
        )
        return cls(union, children, child_of)


def _to_decimal(value: Any, places: int) -> Decimal:
    quantum = Decimal(1).scaleb(-places)
    return Decimal(str(value)).quantize(quantum, rounding=ROUND_HALF_UP)


def _roll_up(indicator: Indicator, tree: Tree, owned: dict[int, Any]) -> Values:
    codes = [c.code for c in tree.children]
    if indicator.combine == "median":
        lists: dict[str | None, list[Any]] = defaultdict(list)
        everything: list[Any] = []
        for owner, values in owned.items():
            if owner in tree.child_of:
                lists[tree.child_of[owner]].extend(values)
                everything.extend(values)

        def median(values: list[Any]) -> Decimal | None:
            return _to_decimal(statistics.median(values), 1) if values else None

        return Values(median(everything), {code: median(lists.get(code, [])) for code in codes})
    sums: dict[str | None, Decimal] = defaultdict(Decimal)
    total = Decimal(0)
    for owner, value in owned.items():
        if owner in tree.child_of:
            sums[tree.child_of[owner]] += Decimal(str(value))
            total += Decimal(str(value))
    places = indicator.places
    return Values(
        _to_decimal(total, places),
        {code: _to_decimal(sums.get(code, 0), places) for code in codes},
    )


def _ratio(numerator: Values, denominator: Values) -> Values:
    def pct(a: Decimal | None, b: Decimal | None) -> Decimal | None:
        if a is None or not b:
            return None
        return _to_decimal(a * 100 / b, 1)

    return Values(
        pct(numerator.total, denominator.total),
        {code: pct(v, denominator.child(code)) for code, v in numerator.by_child.items()},
    )


def indicator_values(
    indicator: Indicator, union: Union, periods: Sequence[Period], tree: Tree | None = None
) -> list[Values]:
    """The indicator for ``union`` and each of its children, for each period: one query
    (two for a ratio), whatever the number of children."""
    tree = tree or Tree.of(union)
    if indicator.kind == "ratio":
        top = indicator_values(indicator_get(indicator.numerator), union, periods, tree)
        bottom = indicator_values(indicator_get(indicator.denominator), union, periods, tree)
        return [_ratio(a, b) for a, b in zip(top, bottom, strict=True)]
    assert indicator.query is not None, indicator.key
    per_period = indicator.query(union.path, periods)
    return [_roll_up(indicator, tree, owned) for owned in per_period]


def indicators_values(
    union: Union, periods: Sequence[Period], keys: Sequence[str] | None = None
) -> dict[str, list[Values]]:
    """Every indicator (or those of ``keys``) for ``union`` and its children."""
    tree = Tree.of(union)
    chosen = [i for i in indicators() if keys is None or i.key in keys]
    return {i.key: indicator_values(i, union, periods, tree) for i in chosen}
