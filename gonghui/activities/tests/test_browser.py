"""The ledgers in real Chromium at 375 px and 1440 px: a township finishes a follow-up item
with a photo as evidence and the county verifies it; the activity calendar and the fair
page do not spill sideways."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from django.utils import timezone

from gonghui.activities.models import FollowUp
from gonghui.activities.tests.factories import ActivityFactory, FollowUpFactory, JobPositionFactory
from gonghui.conftest import World, build_world
from gonghui.testing.browser import SCREENSHOTS, log_in

pytestmark = pytest.mark.browser

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 32


@pytest.fixture
def live_world(transactional_db: None) -> World:
    return build_world()


def spill(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


@pytest.mark.parametrize("width", [375, 1440])
def test_a_follow_up_is_finished_with_a_photo_and_verified(
    live_world: World, live_server, browser, width: int, tmp_path: Path
) -> None:
    world = live_world
    item = FollowUpFactory.create(
        owner=world.yuehe,
        assigned_by=world.wuxing,
        title="整改企业工会换届",
        created_on=timezone.localdate(),
        deadline=timezone.localdate() + datetime.timedelta(days=2),
    )
    photo = tmp_path / "现场.png"
    photo.write_bytes(PNG)
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="zh-CN")
    page = context.new_page()
    try:
        log_in(page, live_server.url, "township_staff")
        page.goto(f"{live_server.url}/activities/followups/")
        assert (
            page.text_content("[data-testid=badge-followups]") == "1"
        )  # hidden in the menu at 375 px
        page.click("text=整改企业工会换届")
        page.click("[data-testid=followup-start]")
        page.fill("#id_evidence", "已完成换届选举")
        page.set_input_files("#id_files", str(photo))
        page.click("[data-testid=followup-complete]")
        assert "已办结，等待交办工会验收。" in page.inner_text("main")
        assert spill(page) <= 0
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"followup-done-{width}.png"), full_page=True)
        context.clear_cookies()
        log_in(page, live_server.url, "wuxing_staff")
        page.goto(f"{live_server.url}/activities/followups/{item.pk}/")
        page.click("[data-testid=followup-verify]")
        assert "已验收。" in page.inner_text("main")
    finally:
        context.close()
    item.refresh_from_db()
    assert (item.state, item.files.count()) == (FollowUp.State.VERIFIED, 1)


@pytest.mark.parametrize("width", [375, 1440])
def test_the_calendar_and_a_fair_fit_the_screen(
    live_world: World, live_server, browser, width: int
) -> None:
    world = live_world
    ActivityFactory.create(
        union=world.yuehe, title="安全生产第一课", held_on=datetime.date(2023, 6, 5)
    )
    position = JobPositionFactory.create(
        employer__fair__union=world.yuehe, employer__name="德马科技集团股份有限公司", title="焊工"
    )
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="zh-CN")
    page = context.new_page()
    try:
        log_in(page, live_server.url, "township_staff")
        page.goto(f"{live_server.url}/activities/?view=calendar&month=2023-06")
        shown = (
            "[data-testid=activity-calendar-days]"
            if width == 375
            else "[data-testid=activity-calendar]"
        )
        assert "安全生产第一课" in page.inner_text(shown)
        assert spill(page) <= 0
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"activity-calendar-{width}.png"), full_page=True)
        page.goto(f"{live_server.url}/activities/fairs/{position.fair_id}/")
        assert "焊工" in page.inner_text("[data-testid=fair-positions]")
        assert spill(page) <= 0
    finally:
        context.close()
