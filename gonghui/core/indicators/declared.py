"""The declarations of the indicator kernel: indicators and report sections, as apps register
them in their ``indicators.py``, and the lists the engine, the facts and the reports read.
(``registry`` computes with them; kept apart so the facts can list the indicators without
importing the engine that reads the facts.)"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
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
    # False when a period's value is not the sum of its months' (each enterprise once in the
    # period, however many months it appears in): such an indicator is always counted live.
    additive: bool = True
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
