"""Entering a claim in real Chromium: a township user finds the member, fills the form,
uploads the documents, and lands on the claim's page with its computed amount."""

from __future__ import annotations

from pathlib import Path

import pytest

from gonghui.aid.models import MutualAidClaim
from gonghui.aid.tests.test_claim_pages import (
    ACCOUNT,
    MEMBER_ID,
    PDF,
    YEAR,
    enrolled_member,
)
from gonghui.conftest import World, build_world
from gonghui.testing.browser import SCREENSHOTS, log_in

pytestmark = pytest.mark.browser


@pytest.fixture
def live_world(transactional_db: None) -> World:
    world = build_world()
    enrolled_member(world.wuxing_grassroots)
    return world


def pdf(folder: Path, name: str) -> str:
    path = folder / name
    path.write_bytes(PDF)
    return str(path)


def fits_the_width(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0


@pytest.mark.parametrize("width", [375, 1440])
def test_a_township_user_enters_a_claim_with_documents(
    live_world: World, live_server, browser, tmp_path, width: int
) -> None:
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="zh-CN")
    page = context.new_page()
    try:
        log_in(page, live_server.url, "township_staff")
        page.goto(f"{live_server.url}/aid/claims/new/")
        page.fill("#id_id_number", MEMBER_ID)
        page.wait_for_selector("[data-testid=member-found]", timeout=10000)
        found = page.inner_text("[data-testid=member-found]")
        assert "沈**" in found and "330502********" in found
        assert live_world.wuxing_grassroots.name in found

        page.select_option("#id_category", "inpatient")
        # The three documents 住院 needs are marked; 诊断证明 is not.
        needed = page.locator("[data-needed]:visible")
        assert needed.count() == 3
        page.fill("#id_hospital", "湖州市中心医院")
        page.fill("#id_start_date", f"{YEAR}-06-01")
        page.fill("#id_discharge_date", f"{YEAR}-06-10")
        page.fill("#id_invoice_no", f"33050{width}")
        page.fill("#id_total_cost", "20,000.00")
        page.fill("#id_insurance_paid", "11000")
        page.fill("#id_self_paid", "9000")
        page.fill("#id_payee_bank", "中国工商银行湖州分行")
        page.fill("#id_payee_account", ACCOUNT)
        page.set_input_files("#id_doc_invoice", pdf(tmp_path, "发票.pdf"))
        page.set_input_files("#id_doc_discharge_summary", pdf(tmp_path, "出院小结.pdf"))
        page.set_input_files("#id_doc_settlement_slip", pdf(tmp_path, "医保结算单.pdf"))
        assert fits_the_width(page)
        # One column on a phone, two on a desktop: the hospital sits beside the category.
        category_box = page.locator("[data-field=category]").bounding_box()
        hospital_box = page.locator("[data-field=hospital]").bounding_box()
        assert category_box and hospital_box
        side_by_side = hospital_box["x"] > category_box["x"] + category_box["width"] / 2
        assert side_by_side == (width == 1440)
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"aid-claim-form-{width}.png"), full_page=True)

        page.click("[data-testid=claim-submit]")
        page.wait_for_selector("[data-testid=claim-amount]", timeout=15000)
        claim = MutualAidClaim.objects.get()
        assert page.url == f"{live_server.url}/aid/claims/{claim.pk}/"
        # 9,000.00 self-paid − 1,000.00 deductible = 8,000.00, at 50%: 4,000.00.
        assert page.inner_text("[data-testid=claim-amount]") == "4,000.00"
        calculation = page.inner_text("[data-testid=calculation]")
        assert "8,000.00 × 50% = 4,000.00" in calculation
        assert page.inner_text("[data-testid=total-cost]") == "20,000.00 元"
        assert page.inner_text("[data-testid=account]") == "622202*********4567"
        docs = page.inner_text("[data-testid=documents]")
        assert "发票.pdf" in docs and "出院小结.pdf" in docs and "医保结算单.pdf" in docs
        assert "审核中 · 初审" in page.inner_text("[data-testid=workflow-state]")
        assert fits_the_width(page)
        page.screenshot(path=str(SCREENSHOTS / f"aid-claim-detail-{width}.png"), full_page=True)
    finally:
        context.close()


def test_an_error_keeps_what_was_typed_in_the_browser(
    live_world: World, live_server, browser, tmp_path
) -> None:
    context = browser.new_context(viewport={"width": 375, "height": 900}, locale="zh-CN")
    page = context.new_page()
    try:
        log_in(page, live_server.url, "township_staff")
        page.goto(f"{live_server.url}/aid/claims/new/")
        page.fill("#id_id_number", MEMBER_ID)
        page.select_option("#id_category", "inpatient")
        page.fill("#id_hospital", "湖州市中心医院")
        page.fill("#id_start_date", f"{YEAR}-06-01")
        page.fill("#id_discharge_date", f"{YEAR}-06-10")
        page.fill("#id_invoice_no", "330500999")
        page.fill("#id_total_cost", "15000")
        page.fill("#id_insurance_paid", "11000")
        page.fill("#id_self_paid", "9000")
        page.fill("#id_payee_bank", "中国工商银行湖州分行")
        page.fill("#id_payee_account", ACCOUNT)
        page.set_input_files("#id_doc_invoice", pdf(tmp_path, "发票.pdf"))
        page.click("[data-testid=claim-submit]")
        page.wait_for_selector("[data-testid=form-errors]", timeout=15000)
        assert "医疗总费用不能少于医保统筹支付与个人自付之和" in page.inner_text(
            "[data-testid=error-total_cost]"
        )
        assert "住院申请须上传出院小结。" in page.inner_text(
            "[data-testid=error-doc_discharge_summary]"
        )
        assert page.input_value("#id_hospital") == "湖州市中心医院"
        assert page.input_value("#id_self_paid") == "9000"
        assert page.input_value("#id_discharge_date") == f"{YEAR}-06-10"
        assert MutualAidClaim.objects.count() == 0
        assert fits_the_width(page)
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "aid-claim-errors-375.png"), full_page=True)
    finally:
        context.close()


@pytest.mark.parametrize("width", [375, 1440])
def test_a_returned_claim_is_corrected_with_a_new_document_and_resubmitted(
    live_world: World, live_server, browser, tmp_path, width: int
) -> None:
    from datetime import date

    from django.core.files.uploadedfile import SimpleUploadedFile

    from gonghui.aid.documents import claim_create_with_documents, upload_check
    from gonghui.aid.workflows import CLAIM
    from gonghui.core.models import Role
    from gonghui.core.tests.factories import UserFactory
    from gonghui.core.workflow import Action
    from gonghui.core.workflow.models import ReviewEntry
    from gonghui.core.workflow.services import transition
    from gonghui.members.models import Member

    member = Member.objects.get(union=live_world.wuxing_grassroots)
    uploads = [
        upload_check(kind, SimpleUploadedFile(f"{kind}.pdf", PDF))
        for kind in ("invoice", "discharge_summary", "settlement_slip")
    ]
    claim = claim_create_with_documents(
        actor=live_world.township_staff,
        uploads=uploads,
        member=member,
        category="inpatient",
        hospital="湖州市中心医院",
        start_date=date(YEAR, 6, 1),
        discharge_date=date(YEAR, 6, 10),
        invoice_no=f"RT{width}",
        total_cost="20000.00",
        insurance_paid="11000.00",
        self_paid="9000.00",
        payee_bank="中国工商银行湖州分行",
        payee_account=ACCOUNT,
    )
    reviewer = UserFactory.create(username="yuehe_rv", union=live_world.yuehe, role=Role.REVIEWER)
    transition(CLAIM, claim.pk, Action.RETURN, actor=reviewer, comment="发票模糊，请重新上传")
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="zh-CN")
    page = context.new_page()
    try:
        log_in(page, live_server.url, "township_staff")
        page.goto(f"{live_server.url}/aid/claims/{claim.pk}/")
        page.click("[data-testid=correct]")
        page.fill("#id_self_paid", "8500")
        invoice = page.locator("[data-testid=existing-documents] label", has_text="发票")
        page.check(f"#{invoice.get_attribute('for')}")
        page.set_input_files("#id_doc_invoice", pdf(tmp_path, "发票-清晰.pdf"))
        assert fits_the_width(page)
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"aid-claim-correct-{width}.png"), full_page=True)
        page.click("[data-testid=claim-submit]")
        page.wait_for_selector("[data-testid=claim-amount]")
        claim.refresh_from_db()
        assert (claim.state, claim.step) == ("in_review", "township_review")
        entry = ReviewEntry.objects.get(object_id=claim.pk, action="correct")
        assert "个人自付：9,000.00 → 8,500.00" in entry.comment
        assert "上传材料：发票（发票-清晰.pdf）" in entry.comment
        assert "修改" in page.inner_text("body")
    finally:
        context.close()
