"""The payout pages: in scope, finance-only writes and export, accounts masked on pages."""

from __future__ import annotations

import io
from decimal import Decimal

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gonghui.aid.models import ReliefApplication
from gonghui.aid.tests.factories import (
    PAYEE_ACCOUNT,
    ApprovedClaimFactory,
    ReliefApplicationFactory,
)
from gonghui.conftest import World, build_world
from gonghui.core.models import AuditEvent, Role, User
from gonghui.core.tests.factories import UserFactory
from gonghui.core.tests.test_browser import log_in
from gonghui.core.workflow import State
from gonghui.core.workflow.models import PayoutBatch, PayoutItem
from gonghui.core.workflow.payouts import payout_batch_create
from gonghui.members.tests.factories import MemberFactory
from gonghui.testing.browser import SCREENSHOTS, WIDTHS

MASKED = "622202******1234"


@pytest.fixture
def wuxing_finance(world: World) -> User:
    return UserFactory.create(username="wuxing_finance", union=world.wuxing, role=Role.FINANCE)


def approved(world: World, amount: str = "3000.00") -> ReliefApplication:
    return ReliefApplicationFactory.create(
        member=MemberFactory.create(union=world.wuxing_grassroots, name="钱晓红"),
        state=State.APPROVED,
        amount=Decimal(amount),
    )


@pytest.fixture
def batch(world: World, wuxing_finance) -> PayoutBatch:
    approved(world)
    ApprovedClaimFactory.create(
        member=MemberFactory.create(union=world.yuehe), amount=Decimal("1200.50")
    )
    return payout_batch_create(actor=wuxing_finance, union=world.wuxing, name="吴兴区九月发放")


def test_the_list_shows_batches_in_scope(world: World, batch, client_as) -> None:
    nanxun_finance = UserFactory.create(
        username="nanxun_finance", union=world.nanxun, role=Role.FINANCE
    )
    assert "吴兴区九月发放" in client_as(world.wuxing_staff).get("/payouts/").content.decode()
    assert "吴兴区九月发放" not in client_as(nanxun_finance).get("/payouts/").content.decode()


def test_the_new_batch_page_shows_count_and_sum_per_type(
    world: World, wuxing_finance, client_as
) -> None:
    approved(world, "3000.00")
    approved(world, "5000.00")
    page = client_as(wuxing_finance).get("/payouts/new/330502/").content.decode()
    assert 'data-testid="eligible-count-relief">2<' in page
    assert 'data-testid="eligible-total-relief">8000.00<' in page
    assert 'data-testid="eligible-count-mutual_aid_claim">0<' in page


def test_a_new_batch_is_created_from_its_page(world: World, wuxing_finance, client_as) -> None:
    approved(world)
    response = client_as(wuxing_finance).post(
        "/payouts/new/330502/", {"name": "九月", "workflows": ["relief", "mutual_aid_claim"]}
    )
    created = PayoutBatch.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/payouts/{created.pk}/"
    assert (created.name, created.item_count, created.total) == ("九月", 1, Decimal("3000.00"))


def test_the_new_batch_page_is_for_finance(world: World, client_as) -> None:
    approved(world)
    client = client_as(world.wuxing_staff)
    assert client.get("/payouts/new/330502/").status_code == 403
    assert client.post("/payouts/new/330502/", {"workflows": ["relief"]}).status_code == 403
    assert not PayoutBatch.objects.exists()


def test_the_detail_page_shows_masked_accounts_only(
    world: World, batch, wuxing_finance, client_as
) -> None:
    page = client_as(wuxing_finance).get(f"/payouts/{batch.pk}/").content.decode()
    assert MASKED in page
    assert PAYEE_ACCOUNT not in page
    assert 'data-testid="batch-total">4200.50<' in page
    assert 'data-testid="paid-form"' in page


def test_the_detail_page_shows_no_finance_forms_to_staff(world: World, batch, client_as) -> None:
    page = client_as(world.wuxing_staff).get(f"/payouts/{batch.pk}/").content.decode()
    assert 'data-testid="paid-form"' not in page
    assert 'data-testid="payout-export"' not in page


def test_a_sibling_county_gets_not_found(world: World, batch, client_as) -> None:
    nanxun_finance = UserFactory.create(
        username="nanxun_finance", union=world.nanxun, role=Role.FINANCE
    )
    client = client_as(nanxun_finance)
    assert client.get(f"/payouts/{batch.pk}/").status_code == 404
    assert client.get(f"/payouts/{batch.pk}/export/").status_code == 404


def test_marking_paid_from_the_page(world: World, batch, wuxing_finance, client_as) -> None:
    response = client_as(wuxing_finance).post(
        f"/payouts/{batch.pk}/paid/", {"bank_reference": "HZ001", "paid_on": "2023-09-15"}
    )
    assert response.status_code == 302
    batch.refresh_from_db()
    assert (batch.state, batch.bank_reference) == ("paid", "HZ001")
    assert ReliefApplication.objects.get().state == State.PAID


def test_returning_a_line_from_the_page(world: World, batch, wuxing_finance, client_as) -> None:
    line = batch.items.get(workflow="relief")
    response = client_as(wuxing_finance).post(
        f"/payouts/{batch.pk}/return/", {"item": line.pk, "reason": "账号错误"}
    )
    assert response.status_code == 302
    line.refresh_from_db()
    batch.refresh_from_db()
    assert (line.status, batch.total, batch.item_count) == ("returned", Decimal("1200.50"), 1)


@pytest.mark.parametrize("role", [Role.STAFF, Role.ADMIN, Role.REVIEWER])
def test_writes_are_forbidden_to_non_finance(world: World, batch, client_as, role: str) -> None:
    client = client_as(UserFactory.create(username=f"wx_{role}", union=world.wuxing, role=role))
    line = batch.items.first()
    assert line is not None
    paid = client.post(
        f"/payouts/{batch.pk}/paid/", {"bank_reference": "HZ", "paid_on": "2023-09-15"}
    )
    returned = client.post(f"/payouts/{batch.pk}/return/", {"item": line.pk, "reason": "x"})
    assert (paid.status_code, returned.status_code) == (403, 403)
    assert set(PayoutItem.objects.values_list("status", flat=True)) == {"batched"}


@pytest.mark.parametrize("role", [Role.STAFF, Role.ADMIN, Role.REVIEWER])
def test_the_export_is_forbidden_to_non_finance(world: World, batch, client_as, role: str) -> None:
    client = client_as(UserFactory.create(username=f"wx_{role}", union=world.wuxing, role=role))
    response = client.get(f"/payouts/{batch.pk}/export/")
    assert response.status_code == 403
    assert PAYEE_ACCOUNT not in response.content.decode()


def test_the_export_download_has_the_full_account_and_is_audited(
    world: World, batch, wuxing_finance, client_as
) -> None:
    response = client_as(wuxing_finance).get(f"/payouts/{batch.pk}/export/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True)
    accounts = [row[2] for row in book.active.iter_rows(min_row=2, values_only=True)]
    assert accounts == [PAYEE_ACCOUNT, PAYEE_ACCOUNT, None]
    assert (
        AuditEvent.objects.filter(action="payout_batch.export", actor=wuxing_finance).count() == 1
    )


def test_the_detail_query_count_does_not_grow_with_lines(
    world: World, wuxing_finance, client_as
) -> None:
    client = client_as(wuxing_finance)

    def count_queries(batch: PayoutBatch) -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(f"/payouts/{batch.pk}/").status_code == 200
        return len(ctx.captured_queries)

    approved(world)
    small = payout_batch_create(actor=wuxing_finance, union=world.wuxing, name="一")
    for _ in range(5):
        approved(world)
    large = payout_batch_create(actor=wuxing_finance, union=world.wuxing, name="二")
    assert large.item_count == 5
    assert count_queries(large) == count_queries(small)


@pytest.mark.browser
@pytest.mark.parametrize("device", sorted(WIDTHS))
def test_the_payout_pages_fit_a_phone_and_a_desktop(
    transactional_db: None, live_server, browser, device: str
) -> None:
    world = build_world()
    finance = UserFactory.create(username="wuxing_finance", union=world.wuxing, role=Role.FINANCE)
    approved(world)
    batch = payout_batch_create(actor=finance, union=world.wuxing, name="吴兴区九月发放")
    context = browser.new_context(viewport={"width": WIDTHS[device], "height": 900}, locale="zh-CN")
    page = context.new_page()
    try:
        log_in(page, live_server.url, "wuxing_finance")
        for name, path in (
            ("list", "/payouts/"),
            ("new", "/payouts/new/330502/"),
            ("detail", f"/payouts/{batch.pk}/"),
        ):
            page.goto(live_server.url + path)
            assert "吴兴区" in page.inner_text("main")
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 0, (name, overflow)
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SCREENSHOTS / f"payout-{name}-{device}.png"), full_page=True)
    finally:
        context.close()


def test_a_second_finance_user_confirms_a_paid_line_the_bank_returned(
    world: World, batch: PayoutBatch, wuxing_finance: User, client_as
) -> None:
    from gonghui.core.workflow.payouts import payout_batch_mark_paid, payout_item_return

    payout_batch_mark_paid(
        actor=wuxing_finance, batch=batch, bank_reference="HZ1", paid_on=batch.created_at.date()
    )
    line = batch.items.first()
    assert line is not None
    payout_item_return(actor=wuxing_finance, item=line, reason="账号错误")
    own = client_as(wuxing_finance).get(f"/payouts/{batch.pk}/").content.decode()
    assert "待另一位财务人员复核" in own and 'data-testid="return-confirm"' not in own
    second = UserFactory.create(
        username="wuxing_finance_two", union=world.wuxing, role=Role.FINANCE
    )
    client = client_as(second)
    assert 'data-testid="return-confirm"' in client.get(f"/payouts/{batch.pk}/").content.decode()
    client.post(f"/payouts/{batch.pk}/return-confirm/", {"item": line.pk})
    line.refresh_from_db()
    assert line.return_confirmed_by == second


def test_returning_a_paid_line_from_the_page_says_a_second_person_must_confirm(
    world: World, batch: PayoutBatch, wuxing_finance: User, client_as
) -> None:
    from gonghui.core.workflow.payouts import payout_batch_mark_paid

    payout_batch_mark_paid(
        actor=wuxing_finance, batch=batch, bank_reference="HZ1", paid_on=batch.created_at.date()
    )
    line = batch.items.first()
    assert line is not None
    response = client_as(wuxing_finance).post(
        f"/payouts/{batch.pk}/return/", {"item": line.pk, "reason": "账号错误"}, follow=True
    )
    assert "须由另一位财务人员复核" in response.content.decode()
