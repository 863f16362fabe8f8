"""Make the demo reproduce the seed: its January–June 2023 figures, at city scale, exactly
(179 new unions, 29 of them for new-form workers, 15,000+ new members of whom 6,473 new-form
workers, 22,000+ mutual-aid person-times and 12,410,000+ yuan), and proportionally smaller
at the smaller scales.

The generator draws dates freely; this pass moves a few founding and joining dates so the
first half of 2023 holds what the seed reports. It only moves dates in ways that keep the
records consistent: a union founded later keeps no member from before its founding (members
are moved to its founding day), a member moved out of 2023 joins a year earlier but never
before their union was founded, and members of a 集中入会 ceremony keep the ceremony's date.
Then it sets 2023 targets that some counties meet and some do not.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import transaction

from gonghui.members.models import EmploymentForm, Member
from gonghui.orgs.indicators import NEW_FORM_UNIONS
from gonghui.orgs.models import Union

H1 = (date(2023, 1, 1), date(2023, 6, 30))
# The seed's figures for January–June 2023 ("+" figures as a value just above them).
SEED: dict[str, int | Decimal] = {
    "unions_formed": 179,
    "unions_formed_new_form": 29,
    "members_new": 15_236,
    "members_new_new_form": 6_473,
    "mutual_aid_paid_count": 22_068,
    "mutual_aid_paid_amount": Decimal("12414327.50"),
    # The activity ledger (gonghui.demo.activities).
    "pre_shift_talks": 1_860,
    "lectures": 348,
    "talk_lecture_attendance": 61_236,
    "culture_sports_events": 636,
    "job_fairs": 131,
    "job_positions": 49_564,
    # Sites (gonghui.demo.sites).
    "outdoor_stations_new": 22,
    # Skills (gonghui.demo.skills).
    "competitions_held": 408,
    "competition_entries": 21_100,
    "skill_promotions": 7_300,
    # Wage contracts (gonghui.demo.wages).
    "wage_contract_enterprises": 2_087,
    "wage_contract_workers": 191_200,
    # Dues relief (gonghui.demo.wages).
    "dues_relief_amount": Decimal("40311100.00"),
    "dues_relief_enterprises": 23_400,
    # Allocations (gonghui.demo.wages).
    "grassroots_allocation_new_form": Decimal("5000000.00"),
    # The 湖工有爱 bus's target group: new-form members and registered workers (gonghui.demo.care).
    "flexible_workers": 50_500,
    # Services and visits (gonghui.demo.care).
    "care_visit_amount": Decimal("3450000.00"),
    "care_visits_new_form": 4_211,
    "employment_training_new_form": 6_053,
    "checkup_recuperation_frontline": 1_711,
    # Recuperation (gonghui.demo.care): "组织3.8万余名职工参与疗休养".
    "recuperation_participants": 38_246,
}
# Counts of events the smallest data set still shows one of (a fair with no fair is odd).
AT_LEAST_ONE = (
    "pre_shift_talks",
    "lectures",
    "culture_sports_events",
    "job_fairs",
    "outdoor_stations_new",
    "competitions_held",
    "skill_promotions",
    "wage_contract_enterprises",
    "dues_relief_enterprises",
    "care_visits_new_form",
    "employment_training_new_form",
    "checkup_recuperation_frontline",
    "recuperation_participants",
)
CITY_MEMBERS = 1_000_000
# New members of the first half of 2022 against 2023's: a plausible year of growth.
LAST_YEAR_SHARE = Decimal("0.93")


def seed_targets(members: int) -> dict[str, Any]:
    """The seed's figures scaled to a data set of ``members`` members."""
    share = Decimal(members) / CITY_MEMBERS
    scaled: dict[str, Any] = {}
    for key, value in SEED.items():
        if isinstance(value, Decimal):
            scaled[key] = (value * share).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        else:
            scaled[key] = int((Decimal(value) * share).to_integral_value(ROUND_HALF_UP))
            if key in AT_LEAST_ONE:
                scaled[key] = max(1, scaled[key])
    return scaled


def _in_h1(day: date | None) -> bool:
    return day is not None and H1[0] <= day <= H1[1]


def unions_calibrate(city: Union, goal: dict[str, Any], rng: random.Random) -> dict[str, int]:
    """Exactly ``unions_formed`` grassroots unions founded in H1 2023, of which
    ``unions_formed_new_form`` for new-form workers."""
    grassroots = Union.objects.filter(path__startswith=city.path, level=Union.Level.GRASSROOTS)
    new_form = set(grassroots.filter(NEW_FORM_UNIONS).values_list("pk", flat=True))
    founded = dict(grassroots.values_list("pk", "established_on"))
    inside = sorted(pk for pk, day in founded.items() if _in_h1(day))
    moved_in: list[int] = []
    moved_out: list[int] = []

    def adjust(pool: list[int], candidates: list[int], want: int) -> None:
        have = [pk for pk in pool]
        if len(have) > want:
            out = rng.sample(have, len(have) - want)
            moved_out.extend(out)
        elif len(have) < want:
            # Those founded soonest after (or before) the half year first: the least moved.
            candidates.sort(key=lambda pk: abs(((founded[pk] or H1[1]) - H1[1]).days))
            moved_in.extend(candidates[: want - len(have)])

    inside_new = [pk for pk in inside if pk in new_form]
    adjust(
        inside_new,
        [pk for pk in new_form if pk not in inside],
        goal["unions_formed_new_form"],
    )
    inside_other = [pk for pk in inside if pk not in new_form]
    others = [pk for pk in founded if pk not in new_form and pk not in inside]
    adjust(
        inside_other,
        others,
        goal["unions_formed"] - goal["unions_formed_new_form"],
    )
    with transaction.atomic():
        for pk in moved_out:
            day = founded[pk] or H1[0]
            Union.objects.filter(pk=pk).update(established_on=day.replace(year=2022))
        for pk in moved_in:
            day = H1[0] + timedelta(days=rng.randrange((H1[1] - H1[0]).days + 1))
            Union.objects.filter(pk=pk).update(established_on=day)
            # No member of a union before it was founded.
            Member.objects.filter(union_id=pk, join_date__lt=day).update(join_date=day)
    return {"unions_moved_in": len(moved_in), "unions_moved_out": len(moved_out)}


def members_calibrate(city: Union, goal: dict[str, Any], rng: random.Random) -> dict[str, int]:
    """Exactly ``members_new`` members joining in H1 2023, of whom ``members_new_new_form``
    new-form workers. Members of unions founded then, and of ceremonies, stay; of the rest,
    those not kept join a year earlier (not before their union was founded)."""
    founded = dict(
        Union.objects.filter(path__startswith=city.path).values_list("pk", "established_on")
    )
    rows = list(
        Member.objects.filter(
            union__path__startswith=city.path, join_date__gte=H1[0], join_date__lte=H1[1]
        )
        .order_by("pk")
        .values_list("pk", "union_id", "join_date", "employment_form", "mass_enrollment_id")
    )
    fixed: list[tuple[Any, ...]] = []
    movable: list[tuple[Any, ...]] = []
    for row in rows:
        _pk, union_id, joined, _form, event = row
        union_founded = founded.get(union_id)
        earlier = joined.replace(year=2022)  # 2022 and 2023 have no 29 February
        if event is not None or (union_founded is not None and union_founded > earlier):
            fixed.append(row)
        else:
            movable.append(row)
    new_form = EmploymentForm.NEW_FORM
    want_new = goal["members_new_new_form"]
    want_other = goal["members_new"] - want_new
    keep_new = [r for r in fixed if r[3] == new_form]
    keep_other = [r for r in fixed if r[3] != new_form]
    pool_new = [r for r in movable if r[3] == new_form]
    pool_other = [r for r in movable if r[3] != new_form]
    rng.shuffle(pool_new)
    rng.shuffle(pool_other)
    keep_new += pool_new[: max(0, want_new - len(keep_new))]
    keep_other += pool_other[: max(0, want_other - len(keep_other))]
    kept = {r[0] for r in keep_new + keep_other}
    by_day: dict[date, list[int]] = defaultdict(list)
    for pk, _union, joined, _form, _event in movable:
        if pk not in kept:
            by_day[joined.replace(year=2022)].append(pk)
    with transaction.atomic():
        for day, pks in by_day.items():
            for start in range(0, len(pks), 5000):
                Member.objects.filter(pk__in=pks[start : start + 5000]).update(join_date=day)
    return {
        "members_h1": len(kept),
        "members_h1_new_form": len(keep_new),
        "members_moved": sum(len(p) for p in by_day.values()),
    }


def _half(year: int) -> tuple[date, date]:
    return H1[0].replace(year=year), H1[1].replace(year=year)


def last_year_goal(goal: dict[str, Any], key: str) -> int:
    """The first half of 2022's figure for ``key``: 2023's scaled by ``LAST_YEAR_SHARE``."""
    return int((Decimal(goal[key]) * LAST_YEAR_SHARE).to_integral_value(ROUND_HALF_UP))


def unions_last_year_calibrate(
    city: Union, goal: dict[str, Any], rng: random.Random
) -> dict[str, int]:
    """About as many grassroots unions founded in the first half of 2022 as in 2023's, new-form
    and others alike (新建工会 year on year reads a few percent, not -85 %). Extras are
    founded a year earlier (their members joined after, so still after); missing ones come
    from unions founded before, whose earlier members then join on the founding day."""
    start, end = _half(2022)
    grassroots = Union.objects.filter(path__startswith=city.path, level=Union.Level.GRASSROOTS)
    new_form = set(grassroots.filter(NEW_FORM_UNIONS).values_list("pk", flat=True))
    founded = dict(grassroots.values_list("pk", "established_on"))
    inside = sorted(pk for pk, day in founded.items() if day is not None and start <= day <= end)
    before = sorted(pk for pk, day in founded.items() if day is not None and day < start)
    moved_out: list[int] = []
    moved_in: list[int] = []
    for is_new, want in (
        (True, last_year_goal(goal, "unions_formed_new_form")),
        (
            False,
            last_year_goal(goal, "unions_formed") - last_year_goal(goal, "unions_formed_new_form"),
        ),
    ):
        have = [pk for pk in inside if (pk in new_form) == is_new]
        if len(have) > want:
            moved_out.extend(rng.sample(have, len(have) - want))
        elif len(have) < want:
            pool = [pk for pk in before if (pk in new_form) == is_new]
            # The most recently founded first: the least moved.
            pool.sort(key=lambda pk: founded[pk], reverse=True)
            moved_in.extend(pool[: want - len(have)])
    with transaction.atomic():
        for pk in moved_out:
            day = founded[pk]
            Union.objects.filter(pk=pk).update(established_on=day.replace(year=day.year - 1))
        for pk in moved_in:
            day = start + timedelta(days=rng.randrange((end - start).days + 1))
            Union.objects.filter(pk=pk).update(established_on=day)
            Member.objects.filter(union_id=pk, join_date__lt=day).update(join_date=day)
    return {"unions_2022_moved_in": len(moved_in), "unions_2022_moved_out": len(moved_out)}


def last_year_calibrate(city: Union, goal: dict[str, Any], rng: random.Random) -> dict[str, int]:
    """About as many members joining in the first half of 2022 as in 2023's, new-form workers
    among them in the same proportion (the year-on-year figures a leader reads should be a
    few percent, not -87 %): the rest of 2022's move to a year before, never before their
    union was founded; ceremonies keep their dates. New-form workers who joined in an earlier
    first half make up a shortfall, on the same day of 2022."""
    founded = dict(
        Union.objects.filter(path__startswith=city.path).values_list("pk", "established_on")
    )
    start, end = _half(2022)
    rows = list(
        Member.objects.filter(
            union__path__startswith=city.path, join_date__gte=start, join_date__lte=end
        )
        .order_by("pk")
        .values_list("pk", "union_id", "join_date", "mass_enrollment_id", "employment_form")
    )
    new_form = EmploymentForm.NEW_FORM
    want_new = last_year_goal(goal, "members_new_new_form")
    want_other = last_year_goal(goal, "members_new") - want_new
    by_day: dict[date, list[int]] = defaultdict(list)
    for is_new, want in ((True, want_new), (False, want_other)):
        mine = [r for r in rows if (r[4] == new_form) == is_new]
        fixed = [r for r in mine if r[3] is not None]
        movable = [r for r in mine if r[3] is None]
        rng.shuffle(movable)
        for pk, union_id, joined, _event, _form in movable[max(0, want - len(fixed)) :]:
            union_founded = founded.get(union_id)
            years = [
                y
                for y in range(2016, 2022)
                if union_founded is None or joined.replace(year=y) >= union_founded
            ]
            # A union founded in 2022 keeps its members in 2022, in its second half.
            day = joined.replace(year=rng.choice(years)) if years else joined + timedelta(days=184)
            by_day[day].append(pk)
        missing = want - len(fixed) - len(movable)
        if is_new and missing > 0:
            for pk, union_id, joined in _earlier_new_form(city, start):
                if missing == 0:
                    break
                if (joined.month, joined.day) == (2, 29):
                    continue
                day = joined.replace(year=2022)
                union_founded = founded.get(union_id)
                if union_founded is None or day >= union_founded:
                    by_day[day].append(pk)
                    missing -= 1
    with transaction.atomic():
        for day, pks in by_day.items():
            for offset in range(0, len(pks), 5000):
                Member.objects.filter(pk__in=pks[offset : offset + 5000]).update(join_date=day)
    return {"members_moved_from_2022": sum(len(p) for p in by_day.values())}


def second_half_2022_calibrate(
    city: Union, goal: dict[str, Any], rng: random.Random
) -> dict[str, int]:
    """The second half of 2022 at the first half's pace: the generator draws more recent
    dates more often, so July–December 2022 held several times the joins and foundings of
    January–June, and the dashboard's monthly chart showed 2022 leaping in July. Extras
    move to the same day of an earlier year (never before their union was founded;
    ceremonies keep their dates); nothing is added."""
    start, end = date(2022, 7, 1), date(2022, 12, 31)
    grassroots = Union.objects.filter(path__startswith=city.path, level=Union.Level.GRASSROOTS)
    new_form_unions = set(grassroots.filter(NEW_FORM_UNIONS).values_list("pk", flat=True))
    inside = sorted(
        grassroots.filter(established_on__gte=start, established_on__lte=end).values_list(
            "pk", "established_on"
        )
    )
    unions_out: list[tuple[int, date]] = []
    for is_new, want in (
        (True, last_year_goal(goal, "unions_formed_new_form")),
        (
            False,
            last_year_goal(goal, "unions_formed") - last_year_goal(goal, "unions_formed_new_form"),
        ),
    ):
        have = [(pk, day) for pk, day in inside if (pk in new_form_unions) == is_new]
        if len(have) > want:
            unions_out.extend(rng.sample(have, len(have) - want))
    with transaction.atomic():
        for pk, day in unions_out:
            Union.objects.filter(pk=pk).update(established_on=day.replace(year=2021))
    founded = dict(
        Union.objects.filter(path__startswith=city.path).values_list("pk", "established_on")
    )
    rows = list(
        Member.objects.filter(
            union__path__startswith=city.path,
            join_date__gte=start,
            join_date__lte=end,
            mass_enrollment__isnull=True,
        )
        .order_by("pk")
        .values_list("pk", "union_id", "join_date", "employment_form")
    )
    want_new = last_year_goal(goal, "members_new_new_form")
    want_other = last_year_goal(goal, "members_new") - want_new
    by_day: dict[date, list[int]] = defaultdict(list)
    for is_new, want in ((True, want_new), (False, want_other)):
        mine = [r for r in rows if (r[3] == EmploymentForm.NEW_FORM) == is_new]
        rng.shuffle(mine)
        for pk, union_id, joined, _form in mine[want:]:
            union_founded = founded.get(union_id)
            years = [
                y
                for y in range(2016, 2022)
                if union_founded is None or joined.replace(year=y) >= union_founded
            ]
            if years:
                by_day[joined.replace(year=rng.choice(years))].append(pk)
    with transaction.atomic():
        for day, pks in by_day.items():
            for offset in range(0, len(pks), 5000):
                Member.objects.filter(pk__in=pks[offset : offset + 5000]).update(join_date=day)
    return {
        "unions_2022_h2_moved": len(unions_out),
        "members_2022_h2_moved": sum(len(p) for p in by_day.values()),
    }


def _earlier_new_form(city: Union, before: date) -> Iterator[tuple[int, int, date]]:
    """New-form workers who joined in the first half of a year before ``before``, outside a
    ceremony, the latest first: those whose joining moves least to reach 2022."""
    return (
        Member.objects.filter(
            union__path__startswith=city.path,
            employment_form=EmploymentForm.NEW_FORM,
            join_date__lt=before,
            mass_enrollment__isnull=True,
        )
        .exclude(join_date__month__gt=6)
        .order_by("-join_date", "pk")
        .values_list("pk", "union_id", "join_date")
        .iterator(chunk_size=2000)
    )


def seed_calibrate(
    *, city: Union, members: int, seed: int, log: Callable[[str], None]
) -> dict[str, Any]:
    """Move dates so that H1 2023 holds the seed's figures (scaled); returns the goals."""
    goal = seed_targets(members)
    rng = random.Random(f"seed-figures:{seed}")
    done = unions_calibrate(city, goal, rng)
    done.update(unions_last_year_calibrate(city, goal, rng))
    done.update(members_calibrate(city, goal, rng))
    done.update(last_year_calibrate(city, goal, rng))
    done.update(second_half_2022_calibrate(city, goal, rng))
    log(
        f"按工作总结校准 2023 年上半年：新建工会 {goal['unions_formed']} 家"
        f"（新就业形态 {goal['unions_formed_new_form']} 家），新发展会员 {done['members_h1']} 人"
        f"（新就业形态 {done['members_h1_new_form']} 人）。"
    )
    return goal


# The share of a year's target each county had reached by June, in county order: two ahead
# of pace (green), two a little behind (yellow), one far behind (red).
TARGET_PACE = (Decimal("0.62"), Decimal("0.56"), Decimal("0.47"), Decimal("0.43"), Decimal("0.33"))
TARGET_KEYS = (
    "unions_formed",
    "unions_formed_new_form",
    "members_new",
    "members_new_new_form",
    "mutual_aid_paid_count",
    "mutual_aid_paid_amount",
)
RATE_TARGET = Decimal("85.0")  # 规上企业建会率, the same for every county


def demo_targets_set(*, city: Union, year: int, log: Callable[[str], None]) -> int:
    """2023 targets for the counties, drawn so that the counties' January–June values meet
    them at different paces; the city's target is the sum of its counties'. Existing targets
    are kept (a second run changes nothing)."""
    from gonghui.core.indicators.periods import Period
    from gonghui.core.indicators.registry import Tree, indicator_get, indicator_values
    from gonghui.reports.models import Target

    if Target.objects.filter(year=year, union__path__startswith=city.path).exists():
        return 0
    tree = Tree.of(city)
    half = Period.year_to_date(year, 6)
    rows = []
    for key in TARGET_KEYS:
        indicator = indicator_get(key)
        (values,) = indicator_values(indicator, city, [half], tree)
        for index, county in enumerate(tree.children):
            reached = values.child(county.code) or Decimal(0)
            pace = TARGET_PACE[index % len(TARGET_PACE)]
            goal = reached / pace
            if indicator.is_money:
                goal = (goal / 10_000).quantize(Decimal(1), rounding=ROUND_HALF_UP) * 10_000
            else:
                goal = max(goal.quantize(Decimal(1), rounding=ROUND_HALF_UP), Decimal(1))
            rows.append(Target(indicator=key, year=year, union=county, value=goal))
    for county in tree.children:
        rows.append(
            Target(indicator="above_scale_union_rate", year=year, union=county, value=RATE_TARGET)
        )
    rows.append(
        Target(indicator="above_scale_union_rate", year=year, union=city, value=RATE_TARGET)
    )
    Target.objects.bulk_create(rows)
    log(f"{year} 年目标：{len(rows)} 项（区县目标，市总目标为各区县之和）。")
    return len(rows)
