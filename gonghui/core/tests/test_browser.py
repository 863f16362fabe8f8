"""The base UI in real headless Chromium, as each named user, at phone and desktop widths."""

from __future__ import annotations

import pytest

from gonghui.conftest import World, build_world
from gonghui.testing.browser import SCREENSHOTS, WIDTHS, log_in

pytestmark = pytest.mark.browser


@pytest.fixture
def live_world(transactional_db: None) -> World:
    return build_world()


# Which names each user must see on their tree page, and which they must not.
EXPECTED = {
    "city_admin": (["湖州市总工会", "吴兴区总工会", "南浔区总工会"], []),
    "wuxing_staff": (["吴兴区总工会", "月河街道工会", "织里镇工会"], ["南浔区总工会"]),
    "nanxun_staff": (["南浔区总工会", "南浔镇工会"], ["吴兴区总工会", "月河街道工会"]),
    "township_staff": (["月河街道工会", "德马科技集团股份有限公司工会委员会"], ["织里镇工会"]),
    "grassroots_chair": (["德马科技集团股份有限公司工会委员会"], ["月河街道工会"]),
}


@pytest.mark.parametrize("username", sorted(EXPECTED))
@pytest.mark.parametrize("device", sorted(WIDTHS))
def test_union_tree_as_each_user(
    live_world: World, live_server, browser, username: str, device: str
) -> None:
    context = browser.new_context(viewport={"width": WIDTHS[device], "height": 900}, locale="zh-CN")
    page = context.new_page()
    try:
        log_in(page, live_server.url, username)
        # Staff land on the leaders' dashboard; the tree is one click away.
        page.goto(f"{live_server.url}/orgs/unions/")
        page.wait_for_load_state("networkidle")
        assert "/orgs/unions/" in page.url
        text = page.inner_text("main")
        visible, hidden = EXPECTED[username]
        for name in visible:
            assert name in text, (username, name)
        for name in hidden:
            assert name not in text, (username, name)
        # No horizontal scrolling on a phone: the page fits its width.
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"tree-{username}-{device}.png"), full_page=True)
    finally:
        context.close()


def test_sidebar_opens_on_a_phone(live_world: World, live_server, browser) -> None:
    context = browser.new_context(viewport={"width": 375, "height": 800}, locale="zh-CN")
    page = context.new_page()
    try:
        log_in(page, live_server.url, "wuxing_staff")
        assert not page.is_visible("text=审计日志")
        page.click("button[aria-controls=sidebar]")
        page.wait_for_selector("#sidebar.show")
        page.click("#sidebar >> text=审计日志")
        page.wait_for_load_state("networkidle")
        assert page.url.endswith("/audit/")
    finally:
        context.close()


def test_wrong_password_shows_the_chinese_message(live_world: World, live_server, browser) -> None:
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("#id_username", "wuxing_staff")
        page.fill("#id_password", "not-the-Password-1")
        page.click("button[type=submit]")
        assert page.inner_text("[data-testid=login-error]") == "用户名或密码错误。"
    finally:
        context.close()


def test_rebuild_job_shows_its_progress_to_the_end(live_world: World, live_server, browser) -> None:
    context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="zh-CN")
    page = context.new_page()
    try:
        log_in(page, live_server.url, "city_admin")
        page.goto(f"{live_server.url}/orgs/unions/")
        page.wait_for_load_state("networkidle")
        page.click("text=重建统计数")
        page.wait_for_selector(".job-progress[data-state=done]", timeout=15000)
        assert "已完成" in page.inner_text(".job-progress")
        assert "100%" in page.inner_text(".job-progress")
    finally:
        context.close()


def test_pages_request_nothing_outside_this_server(live_world: World, live_server, browser) -> None:
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
        log_in(page, live_server.url, "city_admin")
        for path in (
            "/orgs/unions/3305/",
            "/members/",
            "/sheets/members/",
            "/api/v1/docs",
            "/reports/dashboard/",
            "/reports/dispatch/",
            "/workflow/inbox/",
        ):
            page.goto(f"{live_server.url}{path}")
            page.wait_for_load_state("networkidle")
        assert outside == []
    finally:
        context.close()
