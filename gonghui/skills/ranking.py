"""The ranking rule of a competition, as a pure function of the scores.

final = theory × theory weight + practical × practical weight (weights in per cent), rounded
half-up to two decimals. Order: final descending, then practical descending, then practical
time ascending, an entry without a time after those with one. Entries equal on all three
share a rank and the next rank skips (1, 2, 2, 4). An entry below the pass mark keeps its
rank but gets no title and no prize; ranks 1 to 3 at or above the pass mark are proposed
for the title, and each rank at or above the pass mark gets its rank's prize, if any."""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
TITLED_RANKS = 3


@dataclass(frozen=True)
class Scores:
    key: Hashable
    theory: Decimal
    practical: Decimal
    minutes: Decimal | None


@dataclass(frozen=True)
class Ranked:
    key: Hashable
    final: Decimal
    rank: int
    title: bool
    prize: Decimal | None


def final_score(
    theory: Decimal, practical: Decimal, theory_weight: int, practical_weight: int
) -> Decimal:
    """The weighted score, rounded half-up to two decimals (exact decimal arithmetic)."""
    raw = (theory * theory_weight + practical * practical_weight) / Decimal(100)
    return raw.quantize(CENT, rounding=ROUND_HALF_UP)


def rank_entries(
    entries: Sequence[Scores],
    *,
    theory_weight: int,
    practical_weight: int,
    pass_mark: Decimal,
    prizes: Mapping[int, Decimal],
) -> list[Ranked]:
    """Every entry with its final score, rank, title and prize, best first (entries equal
    on the rule keep their given order)."""
    scored = [
        (final_score(e.theory, e.practical, theory_weight, practical_weight), e) for e in entries
    ]

    def order(item: tuple[Decimal, Scores]) -> tuple[Decimal, Decimal, bool, Decimal]:
        final, e = item
        return (-final, -e.practical, e.minutes is None, e.minutes or Decimal(0))

    scored.sort(key=order)
    ranked: list[Ranked] = []
    previous: tuple[Decimal, Decimal, bool, Decimal] | None = None
    rank = 0
    for position, item in enumerate(scored, start=1):
        final, e = item
        tie = order(item)
        if tie != previous:
            rank, previous = position, tie
        passed = final >= pass_mark
        ranked.append(
            Ranked(
                key=e.key,
                final=final,
                rank=rank,
                title=passed and rank <= TITLED_RANKS,
                prize=prizes.get(rank) if passed else None,
            )
        )
    return ranked
