"""The dispatch table in real Chromium at 375 px and 1440 px: the figures read right, the page
does not spill sideways, and clicking a number opens its breakdown by county."""

from __future__ import annotations

import pytest

from gonghui.conftest import World, build_world
from gonghui.core import pii
from gonghui.reports.tests.test_dispatch import FIRST_ID, dispatch_world
from gonghui.testing.browser import SCREENSHOTS, log_in

pytestmark = pytest.mark.browser


@pytest.fixture
def live_world(transactional_db: None) -> World:
    world = build_world()
    dispatch_world(world)
    return world


def cell(page, key: str, col: str) -> str:
    return page.inner_text(f"[data-testid=dispatch-table] tr[data-key={key}] [data-col={col}]")


def card(page, key: str, col: str) -> str:
    return page.inner_text(f"[data-testid=dispatch-cards] li[data-key={key}] [data-col={col}]")


@pytest.mark.parametrize("width", [375, 1440])
def test_the_dispatch_table_reads_right(
    live_world: World, live_server, browser, width: int
) -> None:
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="zh-CN")
    page = context.new_page()
    try:
        log_in(page, live_server.url, "city_admin")
        page.goto(f"{live_server.url}/reports/dispatch/?union=3305&month=2023-06")
        assert (
            page.inner_text("[data-testid=dispatch-title]") == "湖州市总工会2023年6月重点工作调度表"
        )
        # 1,500.00 paid in June, 3,500.50 from January, against 10,000.00: 35.0%, red.
        # A phone shows a card per indicator with the key figures; a desktop the whole table.
        read = card if width == 375 else cell
        money = [read(page, "mutual_aid_paid_amount", c) for c in ("month", "ytd", "completion")]
        assert money == ["1,500.00", "3,500.50", "35.0%"]
        assert read(page, "mutual_aid_paid_amount", "light").strip() == "红灯"
        assert page.is_visible("[data-testid=dispatch-table]") == (width != 375)
        if width != 375:
            assert cell(page, "members_new", "gap") == "-3.8个百分点"
        # The page never spills sideways.
        assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"reports-dispatch-{width}.png"), full_page=True)

        if width == 375:
            page.click("[data-testid=dispatch-cards] li[data-key=members_new] [data-col=ytd]")
        else:
            page.click("[data-testid=dispatch-table] tr[data-key=members_new] [data-col=ytd] a")
        page.wait_for_selector("[data-testid=indicator-children]", timeout=10000)
        rows = page.locator("[data-testid=indicator-children] tbody tr").all_inner_texts()
        assert [" ".join(r.split()) for r in rows] == [
            "吴兴区总工会 4 66.7%",
            "南浔区总工会 2 33.3%",
        ]
        assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0

        # Down to 吴兴, 月河街道, then the grassroots union: its members, ID numbers masked.
        for name in ("吴兴区总工会", "月河街道工会", live_world.wuxing_grassroots.name):
            page.click(f"[data-testid=indicator-children] a:text-is('{name}')")
            page.wait_for_load_state("networkidle")
        records = page.inner_text("[data-testid=indicator-records]")
        assert pii.mask_id_number(FIRST_ID) in records and FIRST_ID not in records
        assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
        page.screenshot(
            path=str(SCREENSHOTS / f"reports-dispatch-records-{width}.png"), full_page=True
        )
    finally:
        context.close()
