"""Account administration in real Chromium, at phone and desktop widths."""

from __future__ import annotations

import pytest

from gonghui.conftest import World, build_world
from gonghui.core.models import User
from gonghui.testing.browser import SCREENSHOTS, log_in

pytestmark = pytest.mark.browser

FIRST_PASSWORD = "Yuehe-Li-Gonghui-1!"
SECOND_PASSWORD = "Yuehe-Li-Gonghui-2!"


@pytest.fixture
def live_world(transactional_db: None) -> World:
    return build_world()


def sign_in(page, base: str, username: str, password: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")


@pytest.mark.parametrize("width", [375, 1440])
def test_admin_creates_an_account_the_user_signs_in_and_resets(
    live_world: World, live_server, browser, width: int
) -> None:
    base = live_server.url
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    admin = browser.new_context(viewport={"width": width, "height": 900}, locale="zh-CN")
    page = admin.new_page()
    person = browser.new_context(viewport={"width": width, "height": 900}, locale="zh-CN")
    own = person.new_page()
    try:
        log_in(page, base, "city_admin")
        page.goto(f"{base}/users/")
        page.click("[data-testid=user-new]")
        page.fill("#id_username", "yuehe_li")
        page.fill("#id_display_name", "李芳")
        page.fill("#id_union", "月河")
        page.wait_for_selector("#union-options option", state="attached", timeout=10000)
        assert page.eval_on_selector("#union-options option", "o => o.value") == (
            "330502001 月河街道工会"
        )
        page.fill("#id_union", "330502001 月河街道工会")
        page.select_option("#id_role", "staff")
        page.screenshot(path=str(SCREENSHOTS / f"account-new-{width}.png"), full_page=True)
        page.click("[data-testid=user-save]")
        password = page.inner_text("[data-testid=initial-password]").strip()
        page.screenshot(path=str(SCREENSHOTS / f"account-created-{width}.png"), full_page=True)

        sign_in(own, base, "yuehe_li", password)
        own.wait_for_selector("[data-testid=must-change]")
        own.fill("#id_old_password", password)
        own.fill("#id_new_password", FIRST_PASSWORD)
        own.fill("#id_new_password2", FIRST_PASSWORD)
        own.click("[data-testid=password-save]")
        own.wait_for_selector("[data-testid=password-changed]")
        assert not User.objects.get(username="yuehe_li").must_change_password

        target = User.objects.get(username="yuehe_li")
        page.goto(f"{base}/users/{target.pk}/")
        page.screenshot(path=str(SCREENSHOTS / f"account-edit-{width}.png"), full_page=True)
        page.click("[data-testid=user-reset]")
        code = page.inner_text("[data-testid=reset-code]").strip()

        person.clear_cookies()
        own.goto(f"{base}/accounts/login/")
        own.click("[data-testid=reset-link]")
        own.fill("#id_username", "yuehe_li")
        own.fill("#id_code", code)
        own.fill("#id_new_password", SECOND_PASSWORD)
        own.fill("#id_new_password2", SECOND_PASSWORD)
        own.screenshot(path=str(SCREENSHOTS / f"account-reset-{width}.png"), full_page=True)
        own.click("[data-testid=reset-save]")
        own.wait_for_selector("[data-testid=reset-done]")
        sign_in(own, base, "yuehe_li", SECOND_PASSWORD)
        assert own.inner_text("[data-testid=user-role]") == "工作人员"

        page.goto(f"{base}/users/")
        assert "yuehe_li" in page.inner_text("[data-testid=users]")
        page.screenshot(path=str(SCREENSHOTS / f"accounts-{width}.png"), full_page=True)
    finally:
        admin.close()
        person.close()
