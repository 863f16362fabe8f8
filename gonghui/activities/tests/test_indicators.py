"""The ledger's indicators against records counted by hand, on month and year boundaries.

Records (``ledger`` fixture), organised in the shared ``world``:
- 班前十分钟: 月河 2022-12-31 (20 人次), 月河 2023-01-01 (30), 德马科技 2023-06-30 (50),
  月河 2023-07-01 (70);
- 宣讲: 织里 2023-06-01 (200), 练市电梯 (南浔) 2023-05-31 (100);
- 文体活动: 德马科技 2023-03-15 (500), 南浔镇 2023-06-30 (80);
- 座谈会: 月河 2023-06-10 (15), counted by none of them.
"""

from __future__ import annotations

from datetime import date

import pytest

from gonghui.activities.tests.factories import ActivityFactory
from gonghui.conftest import World
from gonghui.core.indicators.periods import Period
from gonghui.core.indicators.registry import Values, indicator_get, indicator_values
from gonghui.orgs.models import Union
from gonghui.reports.dispatch import dispatch_json, dispatch_table
from gonghui.reports.narrative import half_year_report

H1 = Period.half(2023, 1)
JUNE = Period.month(2023, 6)
WUXING, NANXUN = "330502", "330503"


def value(key: str, union: Union, period: Period) -> Values:
    return indicator_values(indicator_get(key), union, [period])[0]


@pytest.fixture
def ledger(world: World) -> World:
    talks = [
        (world.yuehe, date(2022, 12, 31), 20),
        (world.yuehe, date(2023, 1, 1), 30),
        (world.wuxing_grassroots, date(2023, 6, 30), 50),
        (world.yuehe, date(2023, 7, 1), 70),
    ]
    for n, (union, day, attendance) in enumerate(talks):
        ActivityFactory.create(
            kind="pre_shift_talk", union=union, held_on=day, attendance=attendance, title=f"班{n}"
        )
    ActivityFactory.create(union=world.zhili, held_on=date(2023, 6, 1), attendance=200)
    ActivityFactory.create(union=world.nanxun_grassroots, held_on=date(2023, 5, 31), attendance=100)
    for union, day, attendance in (
        (world.wuxing_grassroots, date(2023, 3, 15), 500),
        (world.nanxun_town, date(2023, 6, 30), 80),
    ):
        ActivityFactory.create(
            kind="culture_sports", union=union, held_on=day, attendance=attendance
        )
    ActivityFactory.create(
        kind="forum", union=world.yuehe, held_on=date(2023, 6, 10), attendance=15
    )
    return world


def test_talks_count_the_first_and_last_day_of_the_half_year(ledger: World) -> None:
    assert value("pre_shift_talks", ledger.city, H1).total == 2


def test_talks_of_the_year_before_and_of_july_are_outside(ledger: World) -> None:
    assert value("pre_shift_talks", ledger.city, Period.year(2022)).total == 1
    assert value("pre_shift_talks", ledger.city, Period.month(2023, 7)).total == 1


def test_talks_count_in_the_month_of_their_date(ledger: World) -> None:
    assert value("pre_shift_talks", ledger.city, Period.month(2023, 1)).total == 1
    assert value("pre_shift_talks", ledger.city, JUNE).total == 1


def test_lectures_roll_up_to_the_county_of_the_organising_union(ledger: World) -> None:
    lectures = value("lectures", ledger.city, H1)
    assert lectures.total == 2
    assert lectures.by_child == {WUXING: 1, NANXUN: 1}


def test_lectures_of_may_31_are_not_in_june(ledger: World) -> None:
    assert value("lectures", ledger.city, JUNE).by_child == {WUXING: 1, NANXUN: 0}


def test_attendance_adds_the_person_times_of_talks_and_lectures_only(ledger: World) -> None:
    # 30 + 50 (talks) + 200 + 100 (lectures); the culture events and the forum are not in it.
    assert value("talk_lecture_attendance", ledger.city, H1).total == 380


def test_attendance_of_june_counts_june_only(ledger: World) -> None:
    assert value("talk_lecture_attendance", ledger.city, JUNE).total == 250


def test_a_township_counts_its_own_subtree(ledger: World) -> None:
    # 月河 and the grassroots union under it: the talks of Jan 1 and June 30.
    assert value("pre_shift_talks", ledger.yuehe, H1).total == 2
    assert value("talk_lecture_attendance", ledger.yuehe, H1).total == 80


def test_culture_events_count_by_date_at_the_organiser(ledger: World) -> None:
    events = value("culture_sports_events", ledger.city, H1)
    assert events.total == 2
    assert events.by_child == {WUXING: 1, NANXUN: 1}


def test_the_records_behind_a_value_are_the_counted_activities(ledger: World) -> None:
    records = indicator_get("pre_shift_talks").records
    assert records is not None
    assert [a.held_on for a in records(ledger.yuehe, H1)] == [date(2023, 1, 1), date(2023, 6, 30)]


def test_the_dispatch_json_gives_the_year_to_date_of_each_key(ledger: World) -> None:
    data = dispatch_json(dispatch_table(union=ledger.city, year=2023, month=6))
    rows = {r["key"]: r for r in data["indicators"]}
    assert {k: rows[k]["ytd"] for k in ("pre_shift_talks", "lectures")} == {
        "pre_shift_talks": 2,
        "lectures": 2,
    }
    assert rows["talk_lecture_attendance"]["ytd"] == 380
    assert rows["culture_sports_events"]["month"] == 1
    assert rows["pre_shift_talks"]["last_year_ytd"] == 0  # 2022-12-31 is not in Jan–Jun


def test_the_half_year_report_has_a_paragraph_in_the_seeds_words(ledger: World) -> None:
    report = half_year_report(union=ledger.city, year=2023)
    paragraph = next(p for p in report.paragraphs if p.section == "思想引领与职工文化")
    assert paragraph.text == (
        "上半年，全市在规上企业、产改试点企业开展“守好红色根脉·班前十分钟活动”2场次，"
        "各区县中吴兴区最多（2场次），劳模工匠和工会干部“双百千万”宣讲2场次，"
        "覆盖职工380人次。上半年，全市举办“双百引领”文体活动2场次。"
    )


def test_a_union_without_activities_has_no_paragraph_of_them(world: World) -> None:
    report = half_year_report(union=world.city, year=2023)
    assert "思想引领与职工文化" not in [p.section for p in report.paragraphs]
