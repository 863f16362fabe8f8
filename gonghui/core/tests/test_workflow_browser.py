"""The reviewer's inbox and the public notice in real Chromium, at phone and desktop width:
a township reviewer approves all waiting applications at once, and the notice lists an
item under public notice with the name masked."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from gonghui.aid.models import ReliefApplication
from gonghui.aid.workflows import RELIEF
from gonghui.conftest import World, build_world
from gonghui.core.models import Role
from gonghui.core.tests.factories import UserFactory
from gonghui.core.tests.test_workflow import make_item
from gonghui.core.workflow import Action, State
from gonghui.core.workflow.services import transition_many
from gonghui.testing.browser import SCREENSHOTS, log_in

pytestmark = pytest.mark.browser


@pytest.fixture
def live_world(transactional_db: None) -> World:
    world = build_world()
    UserFactory.create(username="yuehe_reviewer", union=world.yuehe, role=Role.REVIEWER)
    items = [make_item(world.wuxing_grassroots) for _ in range(3)]
    transition_many(RELIEF, [i.pk for i in items], Action.SUBMIT, actor=world.grassroots_chair)
    return world


@pytest.mark.parametrize("width", [375, 1440])
def test_reviewer_approves_the_whole_inbox(
    live_world: World, live_server, browser, width: int
) -> None:
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="zh-CN")
    page = context.new_page()
    try:
        log_in(page, live_server.url, "yuehe_reviewer")
        page.goto(f"{live_server.url}/workflow/inbox/")
        assert page.inner_text("[data-testid=inbox-count-relief]") == "3"
        assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
        page.screenshot(path=str(SCREENSHOTS / f"workflow-inbox-{width}.png"), full_page=True)
        page.once("dialog", lambda dialog: dialog.accept())
        page.click("[data-testid=bulk-all]")
        page.wait_for_load_state("networkidle")
        assert "已通过 3 件" in page.inner_text("main")
        assert page.inner_text("[data-testid=inbox-count-relief]") == "0"
    finally:
        context.close()
    steps = set(ReliefApplication.objects.values_list("step", flat=True))
    assert steps == {"county_approval"}


@pytest.mark.parametrize("width", [375, 1440])
def test_public_notice_masks_names(live_world: World, live_server, browser, width: int) -> None:
    item = ReliefApplication.objects.order_by("pk").first()
    assert item is not None
    ReliefApplication.objects.filter(pk=item.pk).update(
        state=State.NOTICE, step="", notice_until=timezone.localdate() + timedelta(days=5)
    )
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="zh-CN")
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/notice/330502/")
        table = page.inner_text("[data-testid=notice-relief]")
        assert item.member.name not in table
        assert f"{item.member.name[0]}*" in table
        assert "3,000.00" in table
        page.screenshot(path=str(SCREENSHOTS / f"workflow-notice-{width}.png"), full_page=True)
    finally:
        context.close()
