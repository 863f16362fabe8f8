"""The staff map in real Chromium at 375 px and 1440 px: the points are drawn on the
vendored map, nothing is fetched from outside the server, the page does not spill."""

from __future__ import annotations

import pytest

from gonghui.conftest import World, build_world
from gonghui.sites.tests.factories import SiteFactory
from gonghui.testing.browser import SCREENSHOTS, log_in

pytestmark = pytest.mark.browser


@pytest.fixture
def live_world(transactional_db: None) -> World:
    world = build_world()
    SiteFactory.create(union=world.yuehe, code="WX1", name="月河骑手驿站")
    return world


@pytest.mark.parametrize("width", [375, 1440])
def test_the_map_draws_from_our_own_server(
    live_world: World, live_server, browser, width: int
) -> None:
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="zh-CN")
    page = context.new_page()
    outside: list[str] = []
    page.on(
        "request",
        lambda r: outside.append(r.url) if not r.url.startswith(live_server.url) else None,
    )
    try:
        log_in(page, live_server.url, "wuxing_staff")
        page.goto(f"{live_server.url}/sites/map/")
        page.wait_for_selector("[data-testid=site-map] canvas")
        assert "月河骑手驿站" in page.inner_text("[data-testid=map-list]")
        assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"sites-map-{width}.png"), full_page=True)
    finally:
        context.close()
    assert outside == []


@pytest.mark.parametrize("width", [375, 1440])
def test_the_public_map_finds_the_nearest_from_the_browsers_position(
    live_world: World, live_server, browser, width: int
) -> None:
    # The browser says it stands (WGS-84) where the station is (GCJ-02, about 500 m away).
    context = browser.new_context(
        viewport={"width": width, "height": 900},
        locale="zh-CN",
        geolocation={"longitude": 120.0884, "latitude": 30.8734},
        permissions=["geolocation"],
    )
    page = context.new_page()
    outside: list[str] = []
    page.on(
        "request",
        lambda r: outside.append(r.url) if not r.url.startswith(live_server.url) else None,
    )
    try:
        page.goto(f"{live_server.url}/sites/public/")
        page.click("[data-testid=near-me]")
        page.wait_for_selector("[data-testid=distance]")
        assert "月河骑手驿站" in page.inner_text("[data-testid=stations]")
        assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"sites-public-{width}.png"), full_page=True)
    finally:
        context.close()
    assert outside == []


@pytest.mark.parametrize("width", [375, 1440])
def test_a_site_is_placed_by_clicking_the_map(
    live_world: World, live_server, browser, width: int
) -> None:
    from gonghui.sites.models import Site

    context = browser.new_context(viewport={"width": width, "height": 900}, locale="zh-CN")
    page = context.new_page()
    try:
        log_in(page, live_server.url, "township_staff")
        page.goto(f"{live_server.url}/sites/new/")
        page.fill("#id_code", f"PICK{width}")
        page.fill("#id_name", "点选的驿站")
        page.select_option("#id_kind", "outdoor_station")
        page.select_option("#id_township", index=1)
        page.fill("#id_opened_on", "2023-06-01")
        page.wait_for_selector("[data-testid=pick-map] canvas")
        canvas = page.locator("[data-testid=pick-map] canvas").first
        canvas.scroll_into_view_if_needed()
        box = canvas.bounding_box()
        assert box is not None
        canvas.click(position={"x": box["width"] / 2, "y": box["height"] / 2})
        assert page.input_value("#id_lng") != ""
        assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
        page.click("[data-testid=site-save]")
        page.wait_for_load_state("networkidle")
        assert "已登记“点选的驿站”" in page.inner_text("main")
    finally:
        context.close()
    site = Site.objects.get(code=f"PICK{width}")
    assert 119.14 < site.gcj_lng < 120.5 and 30.37 < site.gcj_lat < 31.19
