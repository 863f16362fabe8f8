"""Headless Chromium for page tests: Debian's /usr/bin/chromium driven by Playwright."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

CHROMIUM = os.environ.get("GONGHUI_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
SCREENSHOTS = Path(settings.VAR_DIR) / "screenshots"
WIDTHS = {"phone": 375, "desktop": 1440}


def require_chromium() -> str:
    """The browser path; a skip outside CI, a failure under CI, when it is missing."""
    if Path(CHROMIUM).exists() or shutil.which(CHROMIUM):
        return CHROMIUM
    message = f"Chromium not found at {CHROMIUM}: run `make setup` as root to install it"
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


# What Chromium logs when the Content-Security-Policy blocks something on a page.
CSP_VIOLATIONS: list[str] = []


def _watch_policy(context: Any) -> Any:
    def on_console(message: Any) -> None:
        if "Content Security Policy" in message.text:
            CSP_VIOLATIONS.append(message.text)

    context.on("console", on_console)
    return context


@pytest.fixture(scope="session")
def _chromium() -> Iterator[Any]:
    path = require_chromium()
    from playwright.sync_api import sync_playwright

    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's loop shares the thread
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=path, args=CHROMIUM_ARGS, headless=True)
        original = chromium.new_context
        chromium.new_context = lambda *a, **k: _watch_policy(original(*a, **k))  # type: ignore[method-assign]
        yield chromium
        chromium.close()


@pytest.fixture
def browser(_chromium: Any) -> Iterator[Any]:
    """Chromium; a page test fails if the page's security policy blocked anything on it
    (an inline script, a resource from elsewhere)."""
    CSP_VIOLATIONS.clear()
    yield _chromium
    assert CSP_VIOLATIONS == []


def log_in(page: Any, base: str, username: str) -> None:
    """Sign in through the login page, as a person would (the test password)."""
    from gonghui.core.tests.factories import TEST_PASSWORD

    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", TEST_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")
