"""驾驶舱 in headless Chromium: the city sees the Huzhou map, a county its townships ranked;
the figures read on screen are the registry's; nothing is fetched from outside the server.
Screenshots: var/screenshots/reports-dashboard-{city,county}-{375,1440}.png."""

from __future__ import annotations

from typing import Any

import pytest

from gonghui.conftest import World, build_world
from gonghui.core.indicators.periods import Period
from gonghui.core.indicators.registry import indicator_get, indicator_values
from gonghui.core.tests.factories import TEST_PASSWORD
from gonghui.reports.dashboard import figure_text
from gonghui.reports.tests.test_dashboard import make_records
from gonghui.testing.browser import SCREENSHOTS

pytestmark = pytest.mark.browser

JUNE = "/reports/dashboard/?month=2023-06"
WIDTHS = (375, 1440)


@pytest.fixture
def live_world(transactional_db: None) -> World:
    world = build_world()
    make_records(world)
    return world


def open_page(browser: Any, base: str, username: str, width: int, path: str = JUNE) -> Any:
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", TEST_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")
    page.goto(f"{base}{path}")
    page.wait_for_selector("body[data-dashboard-ready]")
    return page


def chart_option(page: Any, element_id: str) -> Any:
    return page.evaluate(
        "id => echarts.getInstanceByDom(document.getElementById(id)).getOption()", element_id
    )


def map_values(series: Any) -> dict[str, Any]:
    return {d["name"]: d["value"] for d in series["data"] if "value" in d}


def registry_ytd(union: Any, key: str) -> str:
    indicator = indicator_get(key)
    [values] = indicator_values(indicator, union, [Period.year_to_date(2023, 6)])
    return figure_text(indicator, values.total)


def finish(page: Any, name: str) -> None:
    # No horizontal scrolling: the page fits a phone's width.
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


@pytest.mark.parametrize("width", WIDTHS)
def test_city_dashboard_shows_figures_and_the_huzhou_map(
    live_world: World, live_server, browser, width: int
) -> None:
    page = open_page(browser, live_server.url, "city_admin", width)
    try:
        card = "[data-testid=figure-members_new]"
        shown = page.inner_text(f"{card} [data-testid=ytd]")
        assert shown == registry_ytd(live_world.city, "members_new") == "5"
        assert page.inner_text(f"{card} [data-testid=month]") == "3"
        assert page.locator("#map-chart canvas").count() >= 1
        series = chart_option(page, "map-chart")["series"][0]
        assert series["map"] == "湖州"
        # ECharts lists the districts without a value (no union of ours) too.
        assert map_values(series) == {"南浔区": 3, "吴兴区": 2}
        # The vendored file registered all five districts, named as our regions are.
        districts = page.evaluate(
            "echarts.getMap('湖州').geoJSON.features.map(f => f.properties.name)"
        )
        assert sorted(districts) == sorted(["吴兴区", "南浔区", "德清县", "长兴县", "安吉县"])
        finish(page, f"reports-dashboard-city-{width}")
    finally:
        page.context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_county_dashboard_ranks_its_townships(
    live_world: World, live_server, browser, width: int
) -> None:
    page = open_page(browser, live_server.url, "wuxing_staff", width)
    try:
        shown = page.inner_text("[data-testid=figure-members_new] [data-testid=ytd]")
        assert shown == registry_ytd(live_world.wuxing, "members_new") == "2"
        assert page.locator("#map-chart").count() == 0
        option = chart_option(page, "rank-chart")
        assert option["yAxis"][0]["data"] == ["月河街道工会", "织里镇工会"]
        assert [d["value"] for d in option["series"][0]["data"]] == [2, 0]
        assert "南浔" not in page.inner_text("main")
        finish(page, f"reports-dashboard-county-{width}")
    finally:
        page.context.close()


def test_login_lands_on_the_dashboard(live_world: World, live_server, browser) -> None:
    page = open_page(browser, live_server.url, "wuxing_staff", 1440, path="/")
    try:
        assert page.url == f"{live_server.url}/reports/dashboard/"
        assert page.inner_text("[data-testid=dashboard-union]") == "吴兴区总工会"
    finally:
        page.context.close()


def test_picking_an_indicator_redraws_the_charts(live_world: World, live_server, browser) -> None:
    page = open_page(browser, live_server.url, "city_admin", 1440)
    try:
        page.select_option("#id_indicator", "members_end")
        page.wait_for_selector("body[data-dashboard-ready=members_end]")
        series = chart_option(page, "map-chart")["series"][0]
        assert map_values(series) == {"南浔区": 3, "吴兴区": 3}
        trend = chart_option(page, "trend-chart")["series"][0]["data"]
        assert trend[:6] == [1, 2, 3, 3, 3, 6]
        assert "indicator=members_end" in page.url
    finally:
        page.context.close()


def test_clicking_a_county_opens_its_dashboard(live_world: World, live_server, browser) -> None:
    page = open_page(browser, live_server.url, "city_admin", 1440)
    try:
        # The ranked bar chart: 南浔 first (3), 吴兴 second (2); click 吴兴's bar.
        page.locator("#rank-chart").scroll_into_view_if_needed()
        box = page.locator("#rank-chart").bounding_box()
        option = chart_option(page, "rank-chart")
        assert option["yAxis"][0]["data"] == ["南浔区总工会", "吴兴区总工会"]
        point = page.evaluate(
            "() => echarts.getInstanceByDom(document.getElementById('rank-chart'))"
            ".convertToPixel({seriesIndex: 0}, [1, 1])"
        )
        page.mouse.click(box["x"] + point[0], box["y"] + point[1])
        page.wait_for_url("**union=330502**")
        page.wait_for_selector("body[data-dashboard-ready]")
        assert page.inner_text("[data-testid=dashboard-union]") == "吴兴区总工会"
        assert "union=330502" in page.url
    finally:
        page.context.close()


def test_dashboard_requests_nothing_outside_this_server(
    live_world: World, live_server, browser
) -> None:
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    outside: list[str] = []
    context.on(
        "request",
        lambda r: (
            None
            if r.url.startswith(live_server.url) or r.url.startswith("data:")
            else outside.append(r.url)
        ),
    )
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("#id_username", "city_admin")
        page.fill("#id_password", TEST_PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_load_state("networkidle")
        page.goto(f"{live_server.url}{JUNE}")
        page.wait_for_selector("body[data-dashboard-ready]")
        page.select_option("#id_indicator", "mutual_aid_paid_amount")
        page.wait_for_selector("body[data-dashboard-ready=mutual_aid_paid_amount]")
        page.wait_for_load_state("networkidle")
        assert outside == []
    finally:
        context.close()


def test_a_union_name_with_html_is_shown_as_text_in_the_map_tooltip(
    live_world: World, live_server, browser
) -> None:
    from gonghui.orgs.models import Union

    hostile = '吴兴区总工会<img src=x onerror="window.__xss=1">'
    Union.objects.filter(pk=live_world.wuxing.pk).update(name=hostile)
    page = open_page(browser, live_server.url, "city_admin", 1440)
    try:
        page.evaluate(
            """() => echarts.getInstanceByDom(document.getElementById('map-chart'))
                 .dispatchAction({type: 'showTip', seriesIndex: 0, name: '吴兴区'})"""
        )
        tip = page.wait_for_selector("#map-chart div:has-text('吴兴区总工会')")
        assert tip is not None
        page.wait_for_timeout(300)  # time for an injected image to fail and run its handler
        assert page.evaluate("window.__xss") is None
        assert '<img src=x onerror="window.__xss=1">' in tip.inner_text()
    finally:
        page.context.close()
