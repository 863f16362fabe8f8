"""The roster import in real Chromium: upload, see every bad row, fix, confirm, done."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import xlsxwriter

from gonghui.conftest import World, build_world
from gonghui.core.pii import id_number_compose
from gonghui.core.tests.factories import TEST_PASSWORD
from gonghui.members.models import Member
from gonghui.testing.browser import SCREENSHOTS

pytestmark = pytest.mark.browser

HEADERS = ["姓名", "身份证号", "手机号码", "就业形态", "职业", "所属工会", "入会日期"]


@pytest.fixture
def live_world(transactional_db: None) -> World:
    return build_world()


def roster(path: Path, bad: bool) -> Path:
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    sheet.merge_range(0, 0, 0, 6, "月河街道会员名册（2023年6月）")
    sheet.write_row(1, 0, HEADERS)
    for n in range(8):
        sheet.write_row(
            2 + n,
            0,
            [
                f"快递员{'甲乙丙丁戊己庚辛'[n]}",
                id_number_compose("330502", date(1992, 2, 1 + n), 200 + n),
                f"1395720{1000 + n}",
                "新就业形态",
                "快递员",
                "3305020010001",
                "2023-06-01",
            ],
        )
    if bad:
        sheet.write_row(
            10, 0, ["王", "330502199202011235", "123", "新就业形态", "", "9999", "2099-01-01"]
        )
    book.close()
    return path


def log_in(page, base: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", "township_staff")
    page.fill("#id_password", TEST_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")


@pytest.mark.parametrize("width", [375, 1440])
def test_upload_preview_and_commit(
    live_world: World, live_server, browser, tmp_path, width: int
) -> None:
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="zh-CN")
    page = context.new_page()
    try:
        log_in(page, live_server.url)
        page.goto(f"{live_server.url}/sheets/members/")
        page.set_input_files("#id_file", str(roster(tmp_path / "bad.xlsx", bad=True)))
        page.click("text=上传并校验")
        page.wait_for_selector("[data-testid=import-result]", timeout=15000)
        assert page.inner_text("[data-testid=invalid-count]") == "1"
        errors = page.inner_text("[data-testid=import-errors]")
        for expected in (
            "姓名",
            "身份证号校验码错误",
            "手机号码",
            "职业",
            "所属工会",
            "日期不能晚于今天",
        ):
            assert expected in errors
        assert not page.is_visible("[data-testid=commit]")
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"import-errors-{width}.png"), full_page=True)

        page.goto(f"{live_server.url}/sheets/members/")
        page.set_input_files("#id_file", str(roster(tmp_path / "good.xlsx", bad=False)))
        page.click("text=上传并校验")
        page.wait_for_selector("[data-testid=commit]", timeout=15000)
        assert Member.objects.count() == 0  # the dry run wrote nothing
        page.click("[data-testid=commit]")
        page.wait_for_selector("[data-testid=committed]", timeout=15000)
        assert "新增 8" in page.inner_text("[data-testid=committed]")
        assert Member.objects.count() == 8

        page.goto(f"{live_server.url}/members/")
        table = page.inner_text("[data-testid=members]")
        assert "快递员甲" in table and "330502********" in table
        page.screenshot(path=str(SCREENSHOTS / f"members-{width}.png"), full_page=True)
    finally:
        context.close()


@pytest.mark.parametrize("width", [375, 1440])
def test_failed_commit_says_why_and_runs_again_without_uploading(
    live_world: World, live_server, browser, tmp_path, width: int, monkeypatch
) -> None:
    from django.db import OperationalError

    def locked(*args: object, **kwargs: object) -> None:
        raise OperationalError("database is locked")

    context = browser.new_context(viewport={"width": width, "height": 900}, locale="zh-CN")
    page = context.new_page()
    try:
        log_in(page, live_server.url)
        page.goto(f"{live_server.url}/sheets/members/")
        page.set_input_files("#id_file", str(roster(tmp_path / "good.xlsx", bad=False)))
        page.click("text=上传并校验")
        page.wait_for_selector("[data-testid=commit]", timeout=15000)
        monkeypatch.setattr("gonghui.members.sheets.MemberSheet.apply", locked)
        page.click("[data-testid=commit]")
        page.wait_for_selector("[data-testid=job-retry]", timeout=15000)
        reason = page.inner_text("[data-testid=job-reason]")
        assert "数据库正忙" in reason and "database" not in reason
        assert Member.objects.count() == 0
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"import-failed-{width}.png"), full_page=True)
        monkeypatch.undo()
        page.click("[data-testid=job-retry]")
        page.wait_for_selector("[data-testid=committed]", timeout=15000)
        assert "新增 8" in page.inner_text("[data-testid=committed]")
        assert Member.objects.count() == 8
    finally:
        context.close()
