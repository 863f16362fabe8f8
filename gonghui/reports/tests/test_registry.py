"""The registry's engine: declarations, the roll-up of owners to children (sums of unrounded
values, medians of all values, ratios of sums), and a query count that does not grow with
the number of child unions."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gonghui.aid.tests.factories import (
    ApprovedClaimFactory,
    EnrollmentFactory,
    PlanFactory,
    ReliefApplicationFactory,
)
from gonghui.conftest import World
from gonghui.core.actors import SystemActor
from gonghui.core.indicators import registry
from gonghui.core.indicators.facts import facts_drain
from gonghui.core.indicators.periods import Period
from gonghui.core.indicators.registry import (
    Indicator,
    Tree,
    indicator_get,
    indicator_register,
    indicator_values,
    indicators,
    indicators_values,
)
from gonghui.core.pii import uscc_compose
from gonghui.core.workflow import State
from gonghui.members.services import member_transfer
from gonghui.members.tests.factories import MemberFactory
from gonghui.orgs.models import Enterprise, FormationTask, Region, Union
from gonghui.orgs.tests.factories import UnionFactory

H1 = Period.half(2023, 1)
SHIPPED = {
    "unions_formed",
    "unions_formed_new_form",
    "formation_open",
    "formation_closed",
    "above_scale_enterprises",
    "above_scale_covered",
    "above_scale_union_rate",
    "members_new",
    "members_new_new_form",
    "members_end",
    "members_left",
    "members_transferred",
    "mutual_aid_enrolled",
    "mutual_aid_paid_amount",
    "mutual_aid_paid_count",
    "relief_paid_amount",
    "relief_paid_count",
    "aid_days_to_payment",
}


def fixed(values: dict[int, Any]) -> Any:
    """A query that gives the same owner values for every period."""

    def query(path: str, periods: Sequence[Period]) -> list[dict[int, Any]]:
        return [dict(values) for _ in periods]

    return query


# --- declarations ------------------------------------------------------------------------


def test_the_issues_indicators_are_registered() -> None:
    assert {i.key for i in indicators()} >= SHIPPED


def test_indicators_come_in_section_order() -> None:
    sections = [i.section for i in indicators()]
    order = [s.name for s in registry.sections()]
    assert sections == sorted(sections, key=order.index)


def test_every_indicator_says_how_it_counts_and_what_the_seed_says() -> None:
    missing = [i.key for i in indicators() if not (i.label and i.unit and i.counts and i.seed)]
    assert missing == []


def test_a_ratio_names_two_registered_parts() -> None:
    rate = indicator_get("above_scale_union_rate")
    assert (indicator_get(rate.numerator).key, indicator_get(rate.denominator).key) == (
        "above_scale_covered",
        "above_scale_enterprises",
    )


def test_an_unknown_section_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown section"):
        indicator_register(
            Indicator(key="x_test", label="测试", unit="个", section="其他", kind="flow")
        )


def test_money_has_two_places_a_count_none_a_percentage_one() -> None:
    assert indicator_get("mutual_aid_paid_amount").places == 2
    assert indicator_get("mutual_aid_paid_amount").is_money
    assert indicator_get("members_new").places == 0
    assert indicator_get("above_scale_union_rate").places == 1


# --- the tree ----------------------------------------------------------------------------


def test_tree_lists_the_children_by_code(world: World) -> None:
    assert [c.code for c in Tree.of(world.city).children] == ["330502", "330503"]


def test_tree_rolls_every_union_of_the_subtree_up_to_its_child(world: World) -> None:
    tree = Tree.of(world.city)
    assert tree.child_of[world.wuxing_grassroots.pk] == "330502"
    assert tree.child_of[world.nanxun_town.pk] == "330503"
    assert tree.child_of[world.city.pk] is None


def test_tree_of_a_county_leaves_out_the_sibling(world: World) -> None:
    tree = Tree.of(world.wuxing)
    assert world.nanxun_grassroots.pk not in tree.child_of
    assert [c.code for c in tree.children] == ["330502001", "330502100"]


# --- the roll-up -------------------------------------------------------------------------


def test_money_of_the_parent_is_the_sum_of_unrounded_values(world: World) -> None:
    # Three owners hold 0.004 yuan each: every child rounds to 0.00 or 0.01, the city's
    # 0.012 to 0.01, and never to the sum of the rounded children.
    spec = Indicator(
        key="t_money",
        label="测试金额",
        unit="元",
        section="服务保障",
        kind="flow",
        query=fixed(
            {
                world.wuxing_grassroots.pk: Decimal("0.004"),
                world.zhili.pk: Decimal("0.004"),
                world.nanxun_grassroots.pk: Decimal("0.004"),
            }
        ),
    )
    result = indicator_values(spec, world.city, [H1])[0]
    assert result.by_child == {"330502": Decimal("0.01"), "330503": Decimal("0.00")}
    assert result.total == Decimal("0.01")


def test_the_unions_own_records_count_in_its_total_only(world: World) -> None:
    spec = Indicator(
        key="t_count",
        label="测试",
        unit="个",
        section="组织建设",
        kind="flow",
        query=fixed({world.city.pk: 2, world.wuxing_grassroots.pk: 3}),
    )
    result = indicator_values(spec, world.city, [H1])[0]
    assert result.total == 5
    assert result.by_child == {"330502": 3, "330503": 0}


def test_records_outside_the_subtree_are_left_out(world: World) -> None:
    spec = Indicator(
        key="t_scope",
        label="测试",
        unit="个",
        section="组织建设",
        kind="flow",
        query=fixed({world.wuxing_grassroots.pk: 3, world.nanxun_grassroots.pk: 7}),
    )
    assert indicator_values(spec, world.wuxing, [H1])[0].total == 3


def test_a_median_of_the_parent_is_the_median_of_all_values(world: World) -> None:
    spec = Indicator(
        key="t_median",
        label="测试天数",
        unit="天",
        section="服务保障",
        kind="flow",
        combine="median",
        query=fixed({world.wuxing_grassroots.pk: [1, 2, 3], world.nanxun_grassroots.pk: [10, 12]}),
    )
    result = indicator_values(spec, world.city, [H1])[0]
    assert result.by_child == {"330502": Decimal("2.0"), "330503": Decimal("11.0")}
    assert result.total == Decimal("3.0")  # not (2 + 11) / 2


def test_a_ratio_is_computed_from_the_sums_of_its_parts(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    # 吴兴 1 of 4, 南浔 3 of 4: the city's 4 of 8 is 50%, the children 25% and 75%.
    top = Indicator(
        key="t_top",
        label="分子",
        unit="家",
        section="组织建设",
        kind="stock",
        query=fixed({world.wuxing_grassroots.pk: 1, world.nanxun_grassroots.pk: 3}),
    )
    bottom = Indicator(
        key="t_bottom",
        label="分母",
        unit="家",
        section="组织建设",
        kind="stock",
        query=fixed({world.zhili.pk: 4, world.nanxun_town.pk: 4}),
    )
    monkeypatch.setitem(registry._REGISTRY, "t_top", top)
    monkeypatch.setitem(registry._REGISTRY, "t_bottom", bottom)
    rate = Indicator(
        key="t_rate",
        label="比率",
        unit="%",
        section="组织建设",
        kind="ratio",
        numerator="t_top",
        denominator="t_bottom",
    )
    result = indicator_values(rate, world.city, [H1])[0]
    assert result.total == Decimal("50.0")
    assert result.by_child == {"330502": Decimal("25.0"), "330503": Decimal("75.0")}


def test_one_query_gives_every_period(world: World) -> None:
    MemberFactory.create(union=world.wuxing_grassroots, join_date=date(2023, 3, 1))
    MemberFactory.create(union=world.nanxun_grassroots, join_date=date(2022, 3, 1))
    tree = Tree.of(world.city)
    with CaptureQueriesContext(connection) as queries:
        results = indicator_values(
            indicator_get("members_left"),
            world.city,
            [H1, H1.last_year(), Period.year(2023)],
            tree,
            live=True,
        )
    assert len(queries) == 1
    assert len(results) == 3


def test_two_queries_read_every_flow_and_stock_from_the_facts(world: World) -> None:
    MemberFactory.create(union=world.wuxing_grassroots, join_date=date(2023, 3, 1))
    tree = Tree.of(world.city)
    tree.facts()  # the write above is taken into the facts first
    periods = [H1, H1.last_year(), Period.year(2023)]
    with CaptureQueriesContext(connection) as queries:
        new = indicator_values(indicator_get("members_new"), world.city, periods, tree)
        stock = indicator_values(indicator_get("members_end"), world.city, periods, tree)
        indicator_values(indicator_get("unions_formed"), world.city, periods, tree)
    assert (len(queries), new[0].total, stock[0].child(world.wuxing.code)) == (2, 1, 1)


def test_indicators_values_keeps_the_keys_asked(world: World) -> None:
    values = indicators_values(world.city, [H1], keys=["members_new", "unions_formed"])
    assert set(values) == {"members_new", "unions_formed"}


# --- query count -------------------------------------------------------------------------


def _records_in(city: Union, county: Union, n: int) -> None:
    """One record for every indicator under ``county``: a grassroots union formed, an
    enterprise and a task, members (one new-form, one who left, one transferred), an
    enrollment, a paid claim and a paid relief grant."""
    township = UnionFactory.create(
        parent=county, code=f"{county.code}9{n:02d}", name=f"测试镇{n}", level=Union.Level.TOWNSHIP
    )
    grassroots = UnionFactory.create(
        parent=township, code=f"{township.code}0001", established_on=date(2023, 3, 1)
    )
    region = Region.objects.get_or_create(
        code="330599001", defaults={"name": "测试镇", "level": Region.Level.TOWNSHIP}
    )[0]
    for k, union in enumerate((grassroots, None)):
        enterprise = Enterprise.objects.create(
            name=f"测试企业{n}-{k}",
            uscc=uscc_compose(f"91330599MA2C{n:03d}{k:02d}"),
            region=region,
            owner_union=township,
            union=union,
            is_above_scale=True,
            is_platform_lead=union is not None,
        )
    FormationTask.objects.create(
        enterprise=enterprise, township_union=township, opened_on=date(2023, 1, 5)
    )
    MemberFactory.create(union=grassroots, join_date=date(2023, 2, 1), employment_form="new_form")
    MemberFactory.create(
        union=grassroots, join_date=date(2022, 2, 1), status="left", left_on=date(2023, 4, 1)
    )
    mover = MemberFactory.create(union=grassroots, join_date=date(2023, 1, 9))
    member_transfer(
        actor=SystemActor(township), member=mover, to_union=township, on=date(2023, 5, 2)
    )
    plan = PlanFactory.create(year_=2023, union=city)
    EnrollmentFactory.create(plan=plan, member=mover, enrolled_on=date(2023, 1, 10))
    ApprovedClaimFactory.create(
        member=mover, state=State.PAID, paid_on=date(2023, 6, 1), submitted_at=None
    )
    ReliefApplicationFactory.create(member=mover, state=State.PAID, paid_on=date(2023, 6, 2))


def _count_queries(union: Union) -> int:
    periods = [Period.month(2023, 6), Period.year_to_date(2023, 6), H1.last_year()]
    facts_drain()
    with CaptureQueriesContext(connection) as queries:
        values = indicators_values(union, periods)
    assert values["members_new"][1].total is not None
    return len(queries)


# Tree.of 2, one per indicator, two for the ratio (its parts) and for the member flows
# and stocks that follow transfers (a second query over the transfers), one per period
# for the plans covering its end (mutual_aid_enrolled), two for the days to payment, one
# per period for each of the sites' inspection stocks (their last inspection before the
# period's end), and the ratio's parts again, the leases once for the rent in arrears.
MAX_QUERIES = 105


@pytest.mark.parametrize("more_counties", [0, 4], ids=["2 children", "6 children"])
def test_query_count_does_not_grow_with_the_children(
    world: World, more_counties: int, django_assert_max_num_queries: Any
) -> None:
    counties = [world.wuxing, world.nanxun]
    for n in range(more_counties):
        counties.append(
            UnionFactory.create(
                parent=world.city, code=f"33059{n}", name=f"测试县{n}", level=Union.Level.COUNTY
            )
        )
    for n, county in enumerate(counties):
        _records_in(world.city, county, n)
    assert len(Tree.of(world.city).children) == 2 + more_counties
    facts_drain()  # the cost of the writes, not of reading
    with django_assert_max_num_queries(MAX_QUERIES):
        indicators_values(
            world.city, [Period.month(2023, 6), Period.year_to_date(2023, 6), H1.last_year()]
        )


def test_query_count_is_the_same_for_two_and_six_children(world: World) -> None:
    for n, county in enumerate((world.wuxing, world.nanxun)):
        _records_in(world.city, county, n)
    before = _count_queries(world.city)
    for n in range(2, 6):
        county = UnionFactory.create(
            parent=world.city, code=f"33059{n}", name=f"测试县{n}", level=Union.Level.COUNTY
        )
        _records_in(world.city, county, n)
    assert len(Tree.of(world.city).children) == 6
    assert _count_queries(world.city) == before
