"""The portal in real Chromium at a phone's width: a worker who was never on a roster signs
up, applies to join, is approved by the union's office in a second browser, reads the
message and the timeline, shows the member card and claims mutual aid with photos of the
papers; the installed shell opens offline.
Screenshots at 375 px (and the office's page at 1440 px) go to var/screenshots/."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from gonghui.aid.tests.factories import EnrollmentFactory, PlanFactory
from gonghui.aid.tests.test_claim_pages import PNG, YEAR, form_data
from gonghui.conftest import World, build_world
from gonghui.members.models import JoinChannel, Member
from gonghui.orgs.models import Union
from gonghui.portal.tests.factories import PASSWORD, person_id
from gonghui.testing.browser import SCREENSHOTS, log_in

pytestmark = pytest.mark.browser


@pytest.fixture
def live_world(transactional_db: None) -> World:
    return build_world()


def enrol(member: Member) -> None:
    """The member in last year's city plan from its first day (claims of last June pass)."""
    city = Union.objects.get(depth=1)
    plan = PlanFactory.create(year_=YEAR, union=city)
    EnrollmentFactory.create(plan=plan, member=member, enrolled_on=date(YEAR, 1, 1))


def no_spill(page: Any) -> int:
    return int(page.evaluate("document.documentElement.scrollWidth - window.innerWidth"))


def shot(page: Any, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"portal-{name}.png"), full_page=True)


def test_a_worker_joins_from_the_phone_and_shows_the_card(
    live_world: World, live_server, browser
) -> None:
    base = live_server.url
    phone = browser.new_context(
        viewport={"width": 375, "height": 780}, locale="zh-CN", is_mobile=True, has_touch=True
    )
    office = browser.new_context(viewport={"width": 1440, "height": 900}, locale="zh-CN")
    outside: list[str] = []
    for context in (phone, office):
        context.on(
            "request",
            lambda r: outside.append(r.url) if not r.url.startswith(base) else None,
        )
    worker = phone.new_page()
    try:
        worker.goto(f"{base}/m/")
        assert "/m/login/" in worker.url
        shot(worker, "login-375")
        worker.click("[data-testid=to-signup]")
        worker.fill("#id_name", "王骑手")
        worker.fill("#id_id_number", person_id(1))
        worker.fill("#id_phone", "1370000")  # a typo first: told why, nothing lost
        worker.fill("#id_password", PASSWORD)
        worker.click("[data-testid=signup]")
        assert "手机号码应为以1开头的11位数字" in worker.inner_text("[data-testid=error-phone]")
        assert worker.input_value("#id_name") == "王骑手"
        worker.fill("#id_phone", "13700000001")
        worker.fill("#id_password", PASSWORD)
        worker.click("[data-testid=signup]")
        worker.wait_for_selector("text=王骑手，您好")
        assert no_spill(worker) <= 0
        shot(worker, "home-375")

        worker.click("[data-testid=to-join]")
        worker.fill("[data-testid=union-query]", "德马")
        worker.click("[data-testid=union-search]")
        worker.click("[data-testid=pick-union]")
        assert live_world.wuxing_grassroots.name in worker.inner_text("[data-testid=chosen-union]")
        worker.fill("#id_employer_name", "美团外卖湖州站")
        worker.select_option("#id_employment_form", "new_form")
        worker.select_option("#id_occupation", "delivery_rider")
        shot(worker, "join-375")
        worker.click("[data-testid=join-submit]")
        assert worker.inner_text("[data-testid=join-state]") == "审核中"
        assert "已提交" in worker.inner_text("[data-testid=timeline]")
        assert no_spill(worker) <= 0

        # The grassroots union's chair approves in another browser.
        desk = office.new_page()
        log_in(desk, base, "grassroots_chair")
        desk.goto(f"{base}/portal/joins/")
        desk.click("[data-testid=joins] a")
        desk.click("[data-testid=action-approve]")
        assert "已入会" in desk.inner_text("[data-testid=workflow-state]")
        shot(desk, "office-join-1440")

        worker.goto(f"{base}/m/")
        assert worker.inner_text("[data-testid=unread]") == "1"
        worker.click("[data-testid=tab-messages]")
        worker.click("[data-testid=messages] a")
        timeline = worker.inner_text("[data-testid=timeline]")
        assert "审核通过，已入会" in timeline and "基层工会审核" in timeline
        shot(worker, "timeline-375")
        worker.click("[data-testid=tab-card]")
        assert worker.inner_text("[data-testid=card-name]") == "王骑手"
        assert worker.locator("[data-testid=card-qr] svg").is_visible()
        assert no_spill(worker) <= 0
        shot(worker, "card-375")

        # Enrolled in the city's mutual-aid plan, the member claims with photos of the papers.
        enrol(Member.objects.get())
        worker.goto(f"{base}/m/")
        worker.click("[data-testid=to-aid]")
        fields = form_data(id_number=None)
        worker.select_option("#id_category", "inpatient")
        for name in (
            "hospital",
            "start_date",
            "discharge_date",
            "invoice_no",
            "total_cost",
            "insurance_paid",
            "self_paid",
            "payee_bank",
            "payee_account",
        ):
            worker.fill(f"#id_{name}", fields[name])
        for kind, label in (
            ("invoice", "发票"),
            ("discharge_summary", "出院小结"),
            ("settlement_slip", "结算单"),
        ):
            worker.set_input_files(
                f"#id_doc_{kind}",
                files=[{"name": f"{label}.png", "mimeType": "image/png", "buffer": PNG}],
            )
        assert no_spill(worker) <= 0
        shot(worker, "aid-375")
        worker.click("[data-testid=aid-submit]")
        assert worker.inner_text("[data-testid=claim-documents]") == "3 份"
        assert "已提交" in worker.inner_text("[data-testid=timeline]")
        shot(worker, "aid-timeline-375")

        # The shell is installed: offline, a page says so instead of the browser's error.
        worker.evaluate("navigator.serviceWorker.ready.then(() => true)")
        worker.reload()  # the worker now controls the page
        phone.set_offline(True)
        worker.goto(f"{base}/m/card/")
        assert "网络已断开" in worker.inner_text("[data-testid=offline-page]")
        shot(worker, "offline-375")
        phone.set_offline(False)
    finally:
        phone.close()
        office.close()
    member = Member.objects.get()
    assert (member.union, member.join_channel) == (live_world.wuxing_grassroots, JoinChannel.ONLINE)
    assert outside == []
