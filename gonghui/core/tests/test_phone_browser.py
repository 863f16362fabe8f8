"""At 375 px the wide tables show their key columns without spilling sideways: payout
batches and their lines (amount, state), the audit log, the public notice (amount)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from gonghui.aid.models import ReliefApplication
from gonghui.aid.tests.factories import ApprovedClaimFactory, ReliefApplicationFactory
from gonghui.conftest import World, build_world
from gonghui.core.audit import audit_record
from gonghui.core.models import Role
from gonghui.core.tests.factories import UserFactory
from gonghui.core.workflow import State
from gonghui.core.workflow.payouts import payout_batch_create
from gonghui.members.tests.factories import MemberFactory
from gonghui.testing.browser import SCREENSHOTS, log_in

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 800}


@pytest.fixture
def live_world(transactional_db: None) -> World:
    world = build_world()
    UserFactory.create(username="wuxing_finance", union=world.wuxing, role=Role.FINANCE)
    ReliefApplicationFactory.create(
        member=MemberFactory.create(union=world.wuxing_grassroots, name="钱晓红"),
        state=State.APPROVED,
        amount=Decimal("3000.00"),
    )
    ApprovedClaimFactory.create(
        member=MemberFactory.create(union=world.yuehe), amount=Decimal("1200.50")
    )
    finance = world.wuxing.staff.get(username="wuxing_finance")
    payout_batch_create(actor=finance, union=world.wuxing, name="吴兴区九月发放")
    noticed = ReliefApplicationFactory.create(
        member=MemberFactory.create(union=world.wuxing_grassroots, name="孙丽华"),
        amount=Decimal("5000.00"),
    )
    ReliefApplication.objects.filter(pk=noticed.pk).update(
        state=State.NOTICE, notice_until=timezone.localdate() + timedelta(days=5)
    )
    for n in range(3):
        audit_record(
            actor=world.city_admin,
            action="user.update",
            obj=world.township_staff,
            summary=f"修改账号 township_staff：角色：工作人员 → 审核员；所属工会：月河街道工会 → 织里镇工会（{n}）",
        )
    return world


def spills(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def visible_texts(page, selector: str) -> list[str]:
    return [e.inner_text().strip() for e in page.locator(selector).all() if e.is_visible()]


def test_wide_tables_fit_a_phone(live_world: World, live_server, browser) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport=PHONE, locale="zh-CN")
    page = context.new_page()
    try:
        log_in(page, live_server.url, "wuxing_finance")
        page.goto(f"{live_server.url}/payouts/")
        assert visible_texts(page, "[data-testid=payout-list] [data-col=total]") == ["4,200.50"]
        assert visible_texts(page, "[data-testid=payout-list] [data-col=state]") == ["待发放"]
        assert spills(page) <= 0
        page.screenshot(path=str(SCREENSHOTS / "phone-payouts-375.png"), full_page=True)
        page.click("[data-testid=payout-list] a >> nth=1")
        page.wait_for_selector("[data-testid=payout-lines]")
        amounts = visible_texts(page, "[data-testid=payout-lines] [data-col=amount]")
        assert sorted(amounts) == ["1,200.50", "3,000.00"]
        assert len(visible_texts(page, "[data-testid=payout-lines] [data-col=state]")) == 2
        assert spills(page) <= 0
        page.screenshot(path=str(SCREENSHOTS / "phone-payout-detail-375.png"), full_page=True)

        context.clear_cookies()
        log_in(page, live_server.url, "city_admin")
        page.goto(f"{live_server.url}/audit/")
        actions = visible_texts(page, "[data-testid=audit-action]")
        assert actions.count("修改账号") == 3 and "登录成功" in actions
        assert spills(page) <= 0
        page.screenshot(path=str(SCREENSHOTS / "phone-audit-375.png"), full_page=True)

        page.goto(f"{live_server.url}/notice/330502/")
        assert visible_texts(page, "[data-testid=notice-relief] [data-col=amount]") == ["5,000.00"]
        assert spills(page) <= 0
        page.screenshot(path=str(SCREENSHOTS / "phone-notice-375.png"), full_page=True)
    finally:
        context.close()


@pytest.mark.parametrize("width", [375, 1440])
def test_the_notice_is_found_from_a_batch_and_printed_with_a_qr_code(
    live_world: World, live_server, browser, width: int
) -> None:
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="zh-CN")
    page = context.new_page()
    try:
        log_in(page, live_server.url, "wuxing_finance")
        page.goto(f"{live_server.url}/payouts/")
        page.click("[data-testid=payout-list] a >> nth=1")
        page.click("[data-testid=notice-link]")
        page.wait_for_selector("[data-testid=notice-relief]")
        assert "孙" in page.inner_text("[data-testid=notice-relief]")
        assert "孙丽华" not in page.content()
        page.click("[data-testid=notice-print]")
        page.wait_for_selector("[data-testid=print-qr] svg")
        assert page.is_visible("[data-testid=print-qr] svg")
        assert "公示期内" in page.inner_text("[data-testid=print-contact]")
        assert spills(page) <= 0
        page.screenshot(path=str(SCREENSHOTS / f"notice-print-{width}.png"), full_page=True)
    finally:
        context.close()
