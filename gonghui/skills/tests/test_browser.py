"""A competition in real Chromium at 375 px and 1440 px: the city imports the entries from
the competition's page, reads the ranking, publishes it and grants the titles."""

from __future__ import annotations

import datetime
from pathlib import Path

import openpyxl
import pytest

from gonghui.conftest import World, build_world
from gonghui.core import pii
from gonghui.skills.models import CompetitionEntry, SkillTitle
from gonghui.skills.tests.factories import CompetitionFactory
from gonghui.testing.browser import SCREENSHOTS, log_in

pytestmark = pytest.mark.browser


@pytest.fixture
def live_world(transactional_db: None) -> World:
    return build_world()


def spill(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def entries(path: Path) -> Path:
    book = openpyxl.Workbook()
    book.active.append(["身份证号", "姓名", "工作单位", "理论成绩", "实操成绩", "实操用时（分钟）"])
    for n, (name, theory, practical, minutes) in enumerate(
        [("张三", 80, 90, 40), ("李四", 80, 90, 35), ("王五", 70, 60, 30), ("赵六", 40, 50, "")]
    ):
        person = pii.id_number_compose("330502", datetime.date(1990, 1, 1), 400 + n)
        book.active.append([person, name, "湖州某机械厂", theory, practical, minutes])
    book.save(path)
    return path


@pytest.mark.parametrize("width", [375, 1440])
def test_entries_imported_ranked_published_and_titled_from_the_pages(
    live_world: World, live_server, browser, width: int, tmp_path: Path
) -> None:
    competition = CompetitionFactory.create(
        union=live_world.city, code="BYQJ-1", name="电梯维修技能竞赛", trade="电梯安装维修工"
    )
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.on("dialog", lambda dialog: dialog.accept())
    try:
        log_in(page, live_server.url, "city_admin")
        page.goto(f"{live_server.url}/skills/")
        page.click("text=电梯维修技能竞赛")
        page.click("[data-testid=entries-import]")
        page.set_input_files("#id_file", str(entries(tmp_path / "成绩.xlsx")))
        page.click("text=上传并校验")
        page.wait_for_selector("[data-testid=commit]", timeout=15000)
        page.click("[data-testid=commit]")
        page.wait_for_selector("[data-testid=committed]", timeout=15000)
        assert "新增 4" in page.inner_text("[data-testid=committed]")
        page.goto(f"{live_server.url}/skills/{competition.pk}/")
        ranking = page.inner_text("[data-testid=ranking]")
        assert ranking.index("李四") < ranking.index("张三") < ranking.index("王五")
        page.click("[data-testid=publish]")
        assert "已公布 4 名选手的名次。" in page.inner_text("main")
        page.click("[data-testid=grant]")
        assert "已授予 3 人湖州市技术能手称号。" in page.inner_text("main")
        assert "JSNS-" in page.inner_text("[data-testid=ranking]")
        assert spill(page) <= 0
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"competition-{width}.png"), full_page=True)
    finally:
        context.close()
    assert CompetitionEntry.objects.filter(rank__isnull=False).count() == 4
    assert SkillTitle.objects.count() == 3
