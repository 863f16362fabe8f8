"""Membership periods: every change of membership writes its period, and the member figures
count from them, in the union where the person was on the day, once."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gonghui.conftest import World
from gonghui.core.actors import SystemActor
from gonghui.core.indicators import Period, indicator_get, indicator_values
from gonghui.members.models import Member, MembershipPeriod
from gonghui.members.periods import periods_rebuild
from gonghui.members.services import member_join, member_leave, member_transfer
from gonghui.members.tests.factories import id_number_for
from gonghui.members.tests.test_member_import import do_import, person
from gonghui.orgs.models import Union

H1_2022 = Period(date(2022, 1, 1), date(2022, 6, 30), "2022年上半年")
H1_2023 = Period(date(2023, 1, 1), date(2023, 6, 30), "2023年上半年")


def figure(key: str, union: Union, period: Period, child: str | None = None) -> Any:
    (values,) = indicator_values(indicator_get(key), union=union, periods=[period])
    return values.total if child is None else values.child(child)


def join(world: World, union: Union, on: date, n: int = 1) -> Member:
    return member_join(
        actor=world.city_admin, union=union, name="陈会员", id_number=id_number_for(n), join_date=on
    )


def test_a_rejoin_keeps_the_earlier_membership(world: World) -> None:
    member = join(world, world.wuxing_grassroots, date(2022, 3, 1))
    member_leave(actor=world.city_admin, member=member, on=date(2022, 9, 1))
    join(world, world.nanxun_grassroots, date(2023, 2, 1))
    assert (
        figure("members_new", world.city, H1_2022, world.wuxing.code),
        figure("members_end", world.city, H1_2022, world.wuxing.code),
        figure("members_new", world.city, H1_2023, world.nanxun.code),
        figure("members_new", world.city, H1_2023, world.wuxing.code),
    ) == (1, 1, 1, 0)


def test_a_transfer_counts_in_each_union_on_its_days(world: World) -> None:
    member = join(world, world.wuxing_grassroots, date(2022, 3, 1))
    member_transfer(
        actor=world.city_admin, member=member, to_union=world.nanxun_grassroots, on=date(2023, 4, 1)
    )
    march = Period(date(2023, 3, 1), date(2023, 3, 31), "3月")
    april = Period(date(2023, 4, 1), date(2023, 4, 30), "4月")
    assert (
        figure("members_end", world.city, march, world.wuxing.code),
        figure("members_end", world.city, april, world.wuxing.code),
        figure("members_end", world.city, april, world.nanxun.code),
        figure("members_transferred", world.city, april, world.nanxun.code),
        figure("members_new", world.city, H1_2022, world.wuxing.code),
    ) == (1, 0, 1, 1, 1)


def test_an_import_that_brings_back_a_leaver_counts_where_it_brought_them(
    world: World, tmp_path: Path
) -> None:
    member = join(world, world.wuxing_grassroots, date(2022, 3, 1), n=5)
    member_leave(actor=world.city_admin, member=member, on=date(2022, 9, 1))
    do_import(world, tmp_path, [person(5, 入会日期="2023-03-15")], union=world.zhili)
    periods = list(
        MembershipPeriod.objects.filter(member=member).values_list(
            "union__code", "started_on", "began", "ended_on", "ended"
        )
    )
    assert periods == [
        (world.wuxing_grassroots.code, date(2022, 3, 1), "joined", date(2022, 9, 1), "left"),
        (world.zhili.code, date(2023, 3, 15), "imported", None, ""),
    ]
    assert figure("members_new", world.wuxing, H1_2023, world.zhili.code) == 1


def test_an_import_cannot_bring_someone_back_before_they_left(world: World, tmp_path: Path) -> None:
    member = join(world, world.wuxing_grassroots, date(2022, 3, 1), n=6)
    member_leave(actor=world.city_admin, member=member, on=date(2022, 9, 1))
    report = do_import(world, tmp_path, [person(6, 入会日期="2022-08-01")], union=world.zhili)
    assert [e.message for e in report.errors] == [
        "入会日期：此人2022-09-01退会，重新入会日期不能早于退会日期"
    ]


def test_a_roster_that_corrects_a_join_date_moves_the_period(world: World, tmp_path: Path) -> None:
    do_import(world, tmp_path, [person(7, 入会日期="2023-05-01")], name="a.xlsx")
    do_import(world, tmp_path, [person(7, 入会日期="2022-11-20")], name="b.xlsx")
    assert list(MembershipPeriod.objects.values_list("started_on", flat=True)) == [
        date(2022, 11, 20)
    ]


def test_a_transfer_before_the_last_one_is_refused(world: World) -> None:
    member = join(world, world.wuxing_grassroots, date(2022, 3, 1))
    member_transfer(
        actor=world.city_admin, member=member, to_union=world.zhili, on=date(2023, 4, 1)
    )
    with pytest.raises(ValidationError) as caught:
        member_transfer(
            actor=world.city_admin, member=member, to_union=world.yuehe, on=date(2023, 3, 1)
        )
    assert caught.value.messages == ["转会日期不能早于本段会籍的起始日期（2023-04-01）。"]


def test_a_rejoin_before_leaving_is_refused(world: World) -> None:
    member = join(world, world.wuxing_grassroots, date(2022, 3, 1))
    member_leave(actor=world.city_admin, member=member, on=date(2022, 9, 1))
    with pytest.raises(ValidationError) as caught:
        join(world, world.zhili, date(2022, 8, 1))
    assert caught.value.messages == ["重新入会日期不能早于上次退会日期（2022-09-01）。"]


def test_the_builder_finds_the_periods_the_services_wrote(world: World) -> None:
    first = join(world, world.wuxing_grassroots, date(2022, 3, 1), n=1)
    member_transfer(actor=world.city_admin, member=first, to_union=world.zhili, on=date(2022, 6, 1))
    member_leave(actor=world.city_admin, member=first, on=date(2023, 1, 10))
    join(world, world.yuehe, date(2023, 2, 1), n=2)
    columns = ("member_id", "union_id", "started_on", "began", "ended_on", "ended")
    written = sorted(MembershipPeriod.objects.values_list(*columns))
    periods_rebuild()
    assert sorted(MembershipPeriod.objects.values_list(*columns)) == written


# -- the property: any sequence of changes is counted as a day-by-day walk counts it ----------


@dataclass
class Stretch:
    union: str
    start: date
    began: str
    end: date | None = None
    ended: str = ""


@dataclass
class Walk:
    """What the figures should be, kept by hand alongside the services."""

    stretches: dict[int, list[Stretch]] = field(default_factory=dict)

    def counted(self, key: str, period: Period, county: str) -> int:
        n = 0
        for stretches in self.stretches.values():
            for s in stretches:
                if not s.union.startswith(county):
                    continue
                if key == "members_new":
                    n += s.began in ("joined", "imported") and period.start <= s.start <= period.end
                elif key == "members_end":
                    n += s.start <= period.end and (s.end is None or s.end > period.end)
                elif key == "members_left":
                    n += (
                        s.ended == "left"
                        and s.end is not None
                        and period.start <= s.end <= period.end
                    )
                elif key == "members_transferred":
                    n += s.began == "transferred_in" and period.start <= s.start <= period.end
        return n


ACTIONS = st.lists(
    st.tuples(
        st.sampled_from(["join", "transfer", "leave", "import"]),
        st.integers(0, 3),  # which person
        st.integers(0, 4),  # which union
        st.integers(0, 40),  # days after the previous change
    ),
    min_size=1,
    max_size=14,
)
MONTHS = [
    Period(
        date(2023, m, 1),
        (date(2023, m + 1, 1) if m < 12 else date(2024, 1, 1)) - timedelta(1),
        f"{m}月",
    )
    for m in range(1, 13)
]


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(actions=ACTIONS)
def test_any_sequence_of_changes_is_counted_as_the_days_go(
    world: World, tmp_path: Path, actions: list[tuple[str, int, int, int]]
) -> None:
    holders = [
        world.yuehe,
        world.zhili,
        world.wuxing_grassroots,
        world.nanxun_town,
        world.nanxun_grassroots,
    ]
    with transaction.atomic():
        walk = Walk()
        day = date(2023, 1, 1)
        members: dict[int, Member] = {}
        for step, (action, who, where, gap) in enumerate(actions):
            day = min(day + timedelta(days=gap), date(2023, 12, 31))
            union = holders[where]
            member = members.get(who)
            active = member is not None and member.status == Member.Status.ACTIVE
            mine = walk.stretches.setdefault(who, [])
            if action in ("join", "import") and not active:
                if action == "join":
                    members[who] = member_join(
                        actor=world.city_admin,
                        union=union,
                        name="陈会员",
                        id_number=id_number_for(900 + who),
                        join_date=day,
                    )
                else:
                    do_import(
                        world,
                        tmp_path,
                        [{"姓名": "陈会员", "身份证号": id_number_for(900 + who), "入会日期": day}],
                        union=union,
                        actor=SystemActor(union),
                        name=f"step{step}.xlsx",
                    )
                    members[who] = Member.objects.get(id_hash=_hash(900 + who))
                mine.append(Stretch(union.path, day, "joined" if action == "join" else "imported"))
            elif (
                action == "transfer"
                and member is not None
                and active
                and member.union_id != union.pk
            ):
                members[who] = member_transfer(
                    actor=world.city_admin, member=member, to_union=union, on=day
                )
                mine[-1].end, mine[-1].ended = day, "transferred_out"
                mine.append(Stretch(union.path, day, "transferred_in"))
            elif action == "leave" and member is not None and active:
                members[who] = member_leave(actor=world.city_admin, member=member, on=day)
                mine[-1].end, mine[-1].ended = day, "left"
        for key in ("members_new", "members_end", "members_left", "members_transferred"):
            values = indicator_values(indicator_get(key), union=world.city, periods=MONTHS)
            for period, got in zip(MONTHS, values, strict=True):
                for county in (world.wuxing, world.nanxun):
                    expected = walk.counted(key, period, county.path)
                    assert (got.child(county.code) or 0) == expected, (
                        key,
                        period.label,
                        county.name,
                    )
        transaction.set_rollback(True)


def _hash(n: int) -> str:
    from gonghui.core import pii

    return pii.id_indexer().digest(pii.normalize_id_number(id_number_for(n)))
