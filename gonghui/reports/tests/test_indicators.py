"""Every indicator against records built here, with values counted by hand.

The tree is the shared ``world``: 湖州 (3305) with 吴兴 (330502: 月河 → 德马科技 grassroots,
织里) and 南浔 (330503: 南浔镇 → 练市电梯 grassroots). Every record is created today, so a
value in 2023 can only come from its business date (formation, join, payment date). Each
fixture's docstring lists its records; each test states the sum it expects.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from gonghui.aid.tests.factories import (
    ApprovedClaimFactory,
    EnrollmentFactory,
    PlanFactory,
    ReliefApplicationFactory,
)
from gonghui.conftest import World
from gonghui.core.actors import SystemActor
from gonghui.core.indicators.periods import Period
from gonghui.core.indicators.registry import Values, indicator_get, indicator_values
from gonghui.core.pii import uscc_compose
from gonghui.core.workflow import State
from gonghui.members.models import EmploymentForm, Member, Occupation
from gonghui.members.services import member_leave, member_transfer
from gonghui.members.tests.factories import MemberFactory
from gonghui.orgs.models import (
    Enterprise,
    FormationMode,
    FormationTask,
    Region,
    Union,
)
from gonghui.orgs.tests.factories import UnionFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")
H1 = Period.half(2023, 1)
WUXING, NANXUN = "330502", "330503"


def value(key: str, union: Union, period: Period) -> Values:
    return indicator_values(indicator_get(key), union, [period])[0]


def d(text: str) -> Decimal:
    return Decimal(text)


# --- organisation ------------------------------------------------------------------------


@dataclass
class Orgs:
    world: World
    g1: Union
    g2: Union
    g3: Union
    g4: Union
    g5: Union
    new_township: Union


def _grassroots(parent: Union, code: str, on: date, **extra: Any) -> Union:
    return UnionFactory.create(
        parent=parent, code=code, name=f"测试基层工会{code}", established_on=on, **extra
    )


@pytest.fixture
def orgs(world: World) -> Orgs:
    """Grassroots unions formed (成立日期):
      g1 月河 2023-01-01 (standard; formed by task t2, 区域联建), g2 织里 2023-06-30 (joint),
      g3 南浔镇 2023-07-01, g4 南浔镇 2022-12-31, g5 南浔镇 2023-03-15; and a township
      founded 2023-02-01 under 吴兴 (not a grassroots union).
    New-form: g2 covers one lead platform enterprise, g5 two (counted once).
    Above-scale enterprises (规上): e1 月河 covered by g1; e2 织里 uncovered; e3 and e6
      南浔镇 covered by 练市电梯 (no founding date); e4 南浔镇 covered by g3; one more
      under 月河 covered by g1 but not above scale.
    Formation tasks: t1 月河 listed 2023-02-01, open; t2 织里 listed 2022-11-01, closed
      2023-06-30; t3 南浔镇 listed 2023-03-01, closed 2023-07-01; t4 南浔镇 listed
      2023-01-10, open.
    """
    w = world
    g1 = _grassroots(w.yuehe, "3305020010101", date(2023, 1, 1))
    g2 = _grassroots(w.zhili, "3305021000101", date(2023, 6, 30), kind=Union.Kind.JOINT)
    g3 = _grassroots(w.nanxun_town, "3305031000101", date(2023, 7, 1))
    g4 = _grassroots(w.nanxun_town, "3305031000102", date(2022, 12, 31))
    g5 = _grassroots(w.nanxun_town, "3305031000103", date(2023, 3, 15))
    new_township = UnionFactory.create(
        parent=w.wuxing,
        code="330502200",
        name="测试新设街道工会",
        level=Union.Level.TOWNSHIP,
        established_on=date(2023, 2, 1),
    )
    region = Region.objects.create(code="330502001", name="月河街道", level=Region.Level.TOWNSHIP)
    serial = iter(range(1, 100))

    def enterprise(owner: Union, union: Union | None = None, **flags: bool) -> Enterprise:
        n = next(serial)
        return Enterprise.objects.create(
            name=f"测试企业{n}",
            uscc=uscc_compose(f"91330502MA2B{n:05d}"),
            region=region,
            owner_union=owner,
            union=union,
            **flags,
        )

    enterprise(w.zhili, g2, is_platform_lead=True)
    enterprise(w.nanxun_town, g5, is_platform_lead=True)
    enterprise(w.nanxun_town, g5, is_platform_lead=True)
    enterprise(w.yuehe, g1)  # not above scale, not a platform
    enterprise(w.yuehe, g1, is_above_scale=True)  # e1
    enterprise(w.zhili, None, is_above_scale=True)  # e2
    enterprise(w.nanxun_town, w.nanxun_grassroots, is_above_scale=True)  # e3
    enterprise(w.nanxun_town, g3, is_above_scale=True)  # e4
    enterprise(w.nanxun_town, w.nanxun_grassroots, is_above_scale=True)  # e6

    def task(township: Union, opened: date, closed: date | None = None, **formed: Any) -> None:
        FormationTask.objects.create(
            enterprise=enterprise(township),
            township_union=township,
            opened_on=opened,
            closed_on=closed,
            status=FormationTask.Status.CLOSED if closed else FormationTask.Status.OPEN,
            **formed,
        )

    task(w.yuehe, date(2023, 2, 1))
    task(
        w.zhili,
        date(2022, 11, 1),
        date(2023, 6, 30),
        formed_union=g1,
        formation_mode=FormationMode.REGIONAL_JOINT,
    )
    task(
        w.nanxun_town,
        date(2023, 3, 1),
        date(2023, 7, 1),
        formed_union=g3,
        formation_mode=FormationMode.INDUSTRY_JOINT,
    )
    task(w.nanxun_town, date(2023, 1, 10))
    return Orgs(w, g1, g2, g3, g4, g5, new_township)


def test_unions_formed_in_the_first_half(orgs: Orgs) -> None:
    # g1 (01-01), g2 (06-30) in 吴兴; g5 (03-15) in 南浔; g3 is July's, g4 last year's.
    result = value("unions_formed", orgs.world.city, H1)
    assert result.total == 3
    assert result.by_child == {WUXING: 2, NANXUN: 1}


def test_unions_formed_by_township_of_a_county(orgs: Orgs) -> None:
    result = value("unions_formed", orgs.world.wuxing, H1)
    assert result.by_child == {"330502001": 1, "330502100": 1, "330502200": 0}


def test_unions_formed_on_the_first_day_of_a_month_count_in_it(orgs: Orgs) -> None:
    assert value("unions_formed", orgs.world.city, Period.month(2023, 1)).total == 1  # g1
    assert value("unions_formed", orgs.world.city, Period.month(2023, 7)).total == 1  # g3


def test_unions_formed_on_the_last_day_of_a_month_count_in_it(orgs: Orgs) -> None:
    assert value("unions_formed", orgs.world.city, Period.month(2023, 6)).total == 1  # g2
    assert value("unions_formed", orgs.world.city, Period.year(2022)).total == 1  # g4


def test_unions_formed_count_their_founding_date_not_their_creation(orgs: Orgs) -> None:
    orgs.g1.refresh_from_db()
    assert orgs.g1.established_on == date(2023, 1, 1)
    # Created today (a later year), counted in January 2023 all the same.
    assert value("unions_formed", orgs.world.wuxing, Period.month(2023, 1)).by_child == {
        "330502001": 1,
        "330502100": 0,
        "330502200": 0,
    }


def test_unions_formed_by_formation_mode(orgs: Orgs) -> None:
    # g1 was formed by task t2 (区域联建); g2 is a joint union outside the worklist (其他);
    # g5 a standard one (单独组建).
    breakdown = indicator_get("unions_formed").breakdown
    assert breakdown is not None
    assert breakdown(orgs.world.city.path, H1) == {"区域联建": 1, "其他": 1, "单独组建": 1}


def test_unions_formed_new_form_count_a_union_once_however_many_platforms(orgs: Orgs) -> None:
    # g2 (one lead platform, 吴兴) and g5 (two lead platforms, 南浔); g1 covers none.
    result = value("unions_formed_new_form", orgs.world.city, H1)
    assert result.total == 2
    assert result.by_child == {WUXING: 1, NANXUN: 1}


def test_formation_open_at_the_end_of_june(orgs: Orgs) -> None:
    # t1 and t4 open; t3 closed only on 07-01; t2 closed on 06-30, the period's last day.
    result = value("formation_open", orgs.world.city, H1)
    assert result.total == 3
    assert result.by_child == {WUXING: 1, NANXUN: 2}


def test_formation_open_at_the_end_of_may(orgs: Orgs) -> None:
    # All four were listed by 05-31 and none closed yet.
    result = value("formation_open", orgs.world.city, Period.month(2023, 5))
    assert result.by_child == {WUXING: 2, NANXUN: 2}


def test_formation_open_at_the_end_of_january(orgs: Orgs) -> None:
    # t2 (listed 2022) and t4 (listed 01-10); t1 and t3 came later.
    result = value("formation_open", orgs.world.city, Period.month(2023, 1))
    assert result.by_child == {WUXING: 1, NANXUN: 1}


def test_formation_closed_in_the_first_half(orgs: Orgs) -> None:
    result = value("formation_closed", orgs.world.city, H1)
    assert result.total == 1
    assert result.by_child == {WUXING: 1, NANXUN: 0}


def test_formation_closed_in_july(orgs: Orgs) -> None:
    result = value("formation_closed", orgs.world.city, Period.month(2023, 7))
    assert result.by_child == {WUXING: 0, NANXUN: 1}


def test_above_scale_enterprises(orgs: Orgs) -> None:
    result = value("above_scale_enterprises", orgs.world.city, H1)
    assert result.total == 5
    assert result.by_child == {WUXING: 2, NANXUN: 3}


def test_above_scale_covered_at_the_end_of_june(orgs: Orgs) -> None:
    # e1 (g1 founded 01-01), e3 and e6; e4's union g3 was founded on 07-01.
    result = value("above_scale_covered", orgs.world.city, H1)
    assert result.total == 3
    assert result.by_child == {WUXING: 1, NANXUN: 2}


def test_above_scale_covered_at_the_end_of_2022(orgs: Orgs) -> None:
    result = value("above_scale_covered", orgs.world.city, Period.year(2022))
    assert result.by_child == {WUXING: 0, NANXUN: 2}


def test_above_scale_union_rate_is_the_ratio_of_the_sums(orgs: Orgs) -> None:
    # 3 of 5 = 60.0%, not the mean of 吴兴's 1/2 and 南浔's 2/3 (58.3%).
    result = value("above_scale_union_rate", orgs.world.city, H1)
    assert result.total == d("60.0")
    assert result.by_child == {WUXING: d("50.0"), NANXUN: d("66.7")}


def test_above_scale_union_rate_at_the_end_of_2023(orgs: Orgs) -> None:
    result = value("above_scale_union_rate", orgs.world.city, Period.year(2023))
    assert result.total == d("80.0")
    assert result.by_child == {WUXING: d("50.0"), NANXUN: d("100.0")}


def test_above_scale_union_rate_without_enterprises_is_none(orgs: Orgs) -> None:
    # 测试新设街道 has no enterprise at all: no rate rather than 0%.
    result = value("above_scale_union_rate", orgs.world.wuxing, H1)
    assert result.by_child == {"330502001": d("100.0"), "330502100": d("0.0"), "330502200": None}


# --- members -----------------------------------------------------------------------------


@dataclass
class Members:
    world: World
    m1: Member
    m5: Member
    m6: Member


@pytest.fixture
def members(world: World) -> Members:
    """Members (入会日期; all created today):
    m1 德马科技 (吴兴) 2023-01-01; m2 织里 (吴兴) 2023-06-30, new form, courier;
    m3 练市电梯 (南浔) 2023-07-01; m4 练市电梯 2022-12-31, left 2023-03-10;
    m5 练市电梯 2023-02-14, new form, delivery rider, left 2023-05-20;
    m6 德马科技 2023-03-03, new form, courier, transferred to 练市电梯 on 2023-04-10;
    m7 练市电梯 2021-05-01, transferred to 织里 on 2023-08-01;
    m8 德马科技 2020-05-01.
    """
    w = world
    new_form = {"employment_form": EmploymentForm.NEW_FORM}
    m1 = MemberFactory.create(union=w.wuxing_grassroots, name="会员甲", join_date=date(2023, 1, 1))
    MemberFactory.create(
        union=w.zhili, join_date=date(2023, 6, 30), occupation=Occupation.COURIER, **new_form
    )
    MemberFactory.create(union=w.nanxun_grassroots, join_date=date(2023, 7, 1))
    m4 = MemberFactory.create(union=w.nanxun_grassroots, join_date=date(2022, 12, 31))
    member_leave(actor=SystemActor(m4.union), member=m4, on=date(2023, 3, 10))
    m5 = MemberFactory.create(
        union=w.nanxun_grassroots,
        name="会员戊",
        join_date=date(2023, 2, 14),
        occupation=Occupation.DELIVERY_RIDER,
        **new_form,
    )
    member_leave(actor=SystemActor(m5.union), member=m5, on=date(2023, 5, 20))
    m6 = MemberFactory.create(
        union=w.wuxing_grassroots,
        name="会员己",
        join_date=date(2023, 3, 3),
        occupation=Occupation.COURIER,
        **new_form,
    )
    member_transfer(
        actor=SystemActor(w.nanxun_grassroots),
        member=m6,
        to_union=w.nanxun_grassroots,
        on=date(2023, 4, 10),
    )
    m7 = MemberFactory.create(union=w.nanxun_grassroots, join_date=date(2021, 5, 1))
    member_transfer(actor=SystemActor(w.zhili), member=m7, to_union=w.zhili, on=date(2023, 8, 1))
    MemberFactory.create(union=w.wuxing_grassroots, join_date=date(2020, 5, 1))
    return Members(w, m1, m5, m6)


def test_members_new_count_the_union_joined(members: Members) -> None:
    # m1, m2 and m6 joined in 吴兴 (m6 moved to 南浔 later), m5 in 南浔 (left later).
    result = value("members_new", members.world.city, H1)
    assert result.total == 4
    assert result.by_child == {WUXING: 3, NANXUN: 1}


def test_members_new_by_township(members: Members) -> None:
    result = value("members_new", members.world.wuxing, H1)
    assert result.by_child == {"330502001": 2, "330502100": 1}


def test_members_new_of_the_first_and_last_day_of_a_month(members: Members) -> None:
    city = members.world.city
    assert value("members_new", city, Period.month(2023, 1)).total == 1  # m1, 01-01
    assert value("members_new", city, Period.month(2023, 6)).total == 1  # m2, 06-30
    assert value("members_new", city, Period.month(2023, 7)).by_child == {WUXING: 0, NANXUN: 1}


def test_members_new_count_the_join_date_not_the_creation(members: Members) -> None:
    assert members.m1.created_at.date() > date(2023, 12, 31)
    assert value("members_new", members.world.wuxing, Period.month(2023, 1)).total == 1


def test_members_new_same_period_last_year(members: Members) -> None:
    # Only m4 joined in 2022, on 12-31: nobody in January–June 2022.
    assert value("members_new", members.world.city, H1.last_year()).total == 0
    assert value("members_new", members.world.city, Period.year(2022)).by_child == {
        WUXING: 0,
        NANXUN: 1,
    }


def test_members_new_year_to_date(members: Members) -> None:
    # January to July: H1's four and m3.
    result = value("members_new", members.world.city, Period.year_to_date(2023, 7))
    assert result.by_child == {WUXING: 3, NANXUN: 2}


def test_members_new_new_form(members: Members) -> None:
    # m2 and m6 (joined in 吴兴), m5 (南浔).
    result = value("members_new_new_form", members.world.city, H1)
    assert result.total == 3
    assert result.by_child == {WUXING: 2, NANXUN: 1}


def test_members_new_new_form_by_occupation(members: Members) -> None:
    breakdown = indicator_get("members_new_new_form").breakdown
    assert breakdown is not None
    assert breakdown(members.world.city.path, H1) == {"快递员": 2, "网约送餐员": 1}


def test_members_new_new_form_by_occupation_follows_the_union_joined(members: Members) -> None:
    # m6 is a 南浔 member now, but joined in 吴兴: 吴兴's couriers, not 南浔's.
    breakdown = indicator_get("members_new_new_form").breakdown
    assert breakdown is not None
    assert breakdown(members.world.wuxing.path, H1) == {"快递员": 2}
    assert breakdown(members.world.nanxun.path, H1) == {"网约送餐员": 1}


def test_members_new_records_are_those_who_joined_the_union(members: Members) -> None:
    records = indicator_get("members_new").records
    assert records is not None
    assert [m.name for m in records(members.world.yuehe, H1)] == ["会员甲", "会员己"]
    assert [m.name for m in records(members.world.nanxun, H1)] == ["会员戊"]


def test_members_new_records_show_masked_id_numbers(members: Members) -> None:
    spec = indicator_get("members_new")
    assert spec.records is not None
    column = next(c for c in spec.record_columns if c.header == "身份证号")
    shown = column.value(spec.records(members.world.yuehe, H1)[0])
    assert "*" in shown and len(shown) == 18


def test_members_end_of_june(members: Members) -> None:
    # 吴兴: m1, m2, m8. 南浔: m6 (since 04-10) and m7 (until 08-01); m4 and m5 left.
    result = value("members_end", members.world.city, H1)
    assert result.total == 5
    assert result.by_child == {WUXING: 3, NANXUN: 2}


def test_members_end_of_march_keeps_a_later_transfer_in_the_old_union(members: Members) -> None:
    # m6 moved to 南浔 on 04-10: at the end of March a 吴兴 member (m1, m6, m8); 南浔 has
    # m5 and m7 (m4 left on 03-10).
    result = value("members_end", members.world.city, Period.month(2023, 3))
    assert result.by_child == {WUXING: 3, NANXUN: 2}


def test_members_end_of_april_counts_the_transfer(members: Members) -> None:
    # 吴兴: m1, m8. 南浔: m5 (left in May), m6, m7.
    result = value("members_end", members.world.city, Period.month(2023, 4))
    assert result.by_child == {WUXING: 2, NANXUN: 3}


def test_members_end_of_2022(members: Members) -> None:
    # m4 joined on the year's last day; m7 in 南浔; m8 in 吴兴.
    result = value("members_end", members.world.city, Period.year(2022))
    assert result.by_child == {WUXING: 1, NANXUN: 2}


def test_members_end_of_2023(members: Members) -> None:
    # 吴兴: m1, m2, m7 (moved to 织里 on 08-01), m8. 南浔: m3, m6.
    result = value("members_end", members.world.city, Period.year(2023))
    assert result.total == 6
    assert result.by_child == {WUXING: 4, NANXUN: 2}


def test_members_end_of_a_county_counts_a_member_who_moved_out_later(members: Members) -> None:
    # m7 is in 织里 now, but was in 南浔镇 at the end of June.
    result = value("members_end", members.world.nanxun, H1)
    assert result.total == 2
    assert result.by_child == {"330503100": 2}


def test_members_left(members: Members) -> None:
    result = value("members_left", members.world.city, H1)
    assert result.total == 2
    assert result.by_child == {WUXING: 0, NANXUN: 2}


def test_members_transferred_count_at_the_receiving_union(members: Members) -> None:
    assert value("members_transferred", members.world.city, H1).by_child == {
        WUXING: 0,
        NANXUN: 1,
    }
    assert value("members_transferred", members.world.city, Period.year(2023)).by_child == {
        WUXING: 1,
        NANXUN: 1,
    }


# --- mutual aid and relief ---------------------------------------------------------------


def test_mutual_aid_enrolled_at_the_period_end(world: World) -> None:
    """2023 plan: one 吴兴 member enrolled 01-01, one 织里 member 07-15, one 南浔 member
    02-01, and a 吴兴 member enrolled 01-05 who moved to 南浔 on 03-01 (enrollment stays
    with the union that enrolled them). 2022 plan: one 吴兴 member."""
    plan = PlanFactory.create(year_=2023, union=world.city)
    old = PlanFactory.create(year_=2022, union=world.city)
    EnrollmentFactory.create(
        plan=plan,
        member=MemberFactory.create(union=world.wuxing_grassroots),
        enrolled_on=date(2023, 1, 1),
    )
    EnrollmentFactory.create(
        plan=plan, member=MemberFactory.create(union=world.zhili), enrolled_on=date(2023, 7, 15)
    )
    EnrollmentFactory.create(
        plan=plan,
        member=MemberFactory.create(union=world.nanxun_grassroots),
        enrolled_on=date(2023, 2, 1),
    )
    mover = MemberFactory.create(union=world.wuxing_grassroots)
    EnrollmentFactory.create(plan=plan, member=mover, enrolled_on=date(2023, 1, 5))
    member_transfer(
        actor=SystemActor(world.nanxun_grassroots),
        member=mover,
        to_union=world.nanxun_grassroots,
        on=date(2023, 3, 1),
    )
    EnrollmentFactory.create(
        plan=old,
        member=MemberFactory.create(union=world.wuxing_grassroots),
        enrolled_on=date(2022, 1, 1),
    )
    assert value("mutual_aid_enrolled", world.city, H1).by_child == {WUXING: 2, NANXUN: 1}
    assert value("mutual_aid_enrolled", world.city, Period.year(2023)).total == 4
    assert value("mutual_aid_enrolled", world.city, Period.year(2022)).by_child == {
        WUXING: 1,
        NANXUN: 0,
    }


@pytest.fixture
def claims(world: World) -> World:
    """Mutual-aid claims: 吴兴 1000.10 paid 2023-01-01, 织里 2000.20 paid 06-30, 300.00
    approved but unpaid, 800.00 paid 2022-06-30; 南浔 0.05 paid 06-15, 500.00 paid 07-01."""

    def claim(union: Union, amount: str, paid_on: date | None, **extra: Any) -> None:
        ApprovedClaimFactory.create(
            member=MemberFactory.create(union=union),
            amount=d(amount),
            state=State.PAID if paid_on else State.APPROVED,
            paid_on=paid_on,
            **extra,
        )

    claim(world.wuxing_grassroots, "1000.10", date(2023, 1, 1))
    claim(world.zhili, "2000.20", date(2023, 6, 30))
    claim(world.wuxing_grassroots, "300.00", None)
    claim(world.wuxing_grassroots, "800.00", date(2022, 6, 30))
    claim(world.nanxun_grassroots, "0.05", date(2023, 6, 15))
    claim(world.nanxun_grassroots, "500.00", date(2023, 7, 1))
    return world


def test_mutual_aid_paid_amount(claims: World) -> None:
    result = value("mutual_aid_paid_amount", claims.city, H1)
    assert result.total == d("3000.35")
    assert result.by_child == {WUXING: d("3000.30"), NANXUN: d("0.05")}


def test_mutual_aid_paid_amount_of_the_parent_is_the_sum_of_the_children(claims: World) -> None:
    result = value("mutual_aid_paid_amount", claims.city, Period.year(2023))
    assert result.total == d("3500.35")
    assert result.total == sum(v for v in result.by_child.values() if v is not None)


def test_mutual_aid_paid_amount_same_period_last_year(claims: World) -> None:
    result = value("mutual_aid_paid_amount", claims.city, H1.last_year())
    assert result.by_child == {WUXING: d("800.00"), NANXUN: d("0.00")}


def test_mutual_aid_paid_count(claims: World) -> None:
    result = value("mutual_aid_paid_count", claims.city, H1)
    assert result.total == 3
    assert result.by_child == {WUXING: 2, NANXUN: 1}


def test_mutual_aid_paid_count_on_a_months_boundary(claims: World) -> None:
    assert value("mutual_aid_paid_count", claims.city, Period.month(2023, 6)).total == 2
    assert value("mutual_aid_paid_count", claims.city, Period.month(2023, 7)).total == 1


@pytest.fixture
def relief(world: World) -> World:
    """Relief grants: 吴兴 3000.00 paid 2023-03-01; 南浔 5000.00 paid 06-30, 10000.00 paid
    07-01 and 3000.00 approved but unpaid."""

    def grant(union: Union, amount: str, paid_on: date | None) -> None:
        ReliefApplicationFactory.create(
            member=MemberFactory.create(union=union),
            amount=d(amount),
            state=State.PAID if paid_on else State.APPROVED,
            paid_on=paid_on,
        )

    grant(world.wuxing_grassroots, "3000.00", date(2023, 3, 1))
    grant(world.nanxun_grassroots, "5000.00", date(2023, 6, 30))
    grant(world.nanxun_grassroots, "10000.00", date(2023, 7, 1))
    grant(world.nanxun_grassroots, "3000.00", None)
    return world


def test_relief_paid_amount(relief: World) -> None:
    result = value("relief_paid_amount", relief.city, H1)
    assert result.total == d("8000.00")
    assert result.by_child == {WUXING: d("3000.00"), NANXUN: d("5000.00")}


def test_relief_paid_count(relief: World) -> None:
    result = value("relief_paid_count", relief.city, H1)
    assert result.total == 2
    assert result.by_child == {WUXING: 1, NANXUN: 1}


def _paid_after(union: Union, submitted: datetime, paid_on: date, relief: bool = False) -> None:
    factory = ReliefApplicationFactory if relief else ApprovedClaimFactory
    factory.create(
        member=MemberFactory.create(union=union),
        state=State.PAID,
        submitted_at=submitted,
        paid_on=paid_on,
    )


def at(day: int, hour: int, month: int = 6) -> datetime:
    return datetime(2023, month, day, hour, tzinfo=SHANGHAI)


def test_aid_days_to_payment_median_of_all_not_median_of_medians(world: World) -> None:
    # 吴兴: 1, 2, 3 days (median 2); 南浔: 10, 12 (median 11). The city: the median of
    # 1, 2, 3, 10, 12 is 3, where the median of the two medians would be 6.5. A claim paid
    # in July and one never submitted (imported) are left out.
    _paid_after(world.wuxing_grassroots, at(1, 10), date(2023, 6, 2))
    _paid_after(world.wuxing_grassroots, at(1, 10), date(2023, 6, 3))
    _paid_after(world.zhili, at(1, 12), date(2023, 6, 4), relief=True)
    _paid_after(world.nanxun_grassroots, at(1, 10), date(2023, 6, 11))
    _paid_after(world.nanxun_grassroots, at(1, 10), date(2023, 6, 13), relief=True)
    _paid_after(world.nanxun_grassroots, at(23, 10, month=3), date(2023, 7, 1))
    ApprovedClaimFactory.create(
        member=MemberFactory.create(union=world.nanxun_grassroots),
        state=State.PAID,
        paid_on=date(2023, 6, 20),
    )
    result = value("aid_days_to_payment", world.city, Period.month(2023, 6))
    assert result.total == d("3.0")
    assert result.by_child == {WUXING: d("2.0"), NANXUN: d("11.0")}


def test_aid_days_to_payment_counts_the_day_submitted_in_shanghai(world: World) -> None:
    # Submitted at 07:30 on 1 June in Huzhou (23:30 on 31 May in UTC), paid on 3 June.
    _paid_after(
        world.wuxing_grassroots, datetime(2023, 6, 1, 7, 30, tzinfo=SHANGHAI), date(2023, 6, 3)
    )
    assert value("aid_days_to_payment", world.city, Period.month(2023, 6)).total == d("2.0")


def test_aid_days_to_payment_without_payments_is_none(world: World) -> None:
    result = value("aid_days_to_payment", world.city, H1)
    assert result.total is None
    assert result.by_child == {WUXING: None, NANXUN: None}
