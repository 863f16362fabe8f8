"""The allocation rule of an oversubscribed recuperation batch, as a pure function.

Within each county's free places, applicants are ordered by the batch's priority groups
(the first group an applicant belongs to; those in none come last), then those who attended
no recuperation batch in the three calendar years before the batch's start first, then by
application time, then by application id. The first ``free`` are allocated; everyone else
gets a reason naming their rank and the quota."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Applicant:
    id: int
    county: int  # the quota row (one per county)
    applied_at: datetime
    groups: frozenset[str]
    attended_recently: bool
    row: int | None = None


@dataclass(frozen=True)
class CountyPlaces:
    name: str
    places: int  # the county's places in the batch
    held: int  # already taken by approved applications


@dataclass(frozen=True)
class Placement:
    applicant: Applicant
    rank: int
    allocated: bool
    reason: str = ""


def order_key(applicant: Applicant, priority: Sequence[str]) -> tuple[int, int, datetime, int]:
    group = min(
        (priority.index(g) for g in applicant.groups if g in priority), default=len(priority)
    )
    return (group, 1 if applicant.attended_recently else 0, applicant.applied_at, applicant.id)


def allocate(
    applicants: Sequence[Applicant],
    *,
    counties: dict[int, CountyPlaces],
    priority: Sequence[str],
) -> list[Placement]:
    """Each applicant's rank in their county and whether they are allocated, by the rule."""
    by_county: dict[int, list[Applicant]] = defaultdict(list)
    for applicant in applicants:
        by_county[applicant.county].append(applicant)
    placed: list[Placement] = []
    for county, waiting in sorted(by_county.items()):
        places = counties[county]
        free = max(places.places - places.held, 0)
        for rank, applicant in enumerate(
            sorted(waiting, key=lambda a: order_key(a, priority)), start=1
        ):
            if rank <= free:
                placed.append(Placement(applicant, rank, True))
                continue
            placed.append(
                Placement(
                    applicant,
                    rank,
                    False,
                    f"{places.name}本批次名额{places.places}个"
                    + (f"（已录取{places.held}个）" if places.held else "")
                    + f"，本次剩余{free}个，按规则排名第{rank}位，未获分配",
                )
            )
    return placed
