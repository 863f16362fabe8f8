"""A mutual-aid claim from the phone: the staff's rules and document checks, the worker's
own member row, and following it."""

from __future__ import annotations

from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from gonghui.aid.models import MutualAidClaim
from gonghui.aid.tests.test_claim_pages import (
    EXE,
    MEMBER_ID,
    MEMBER_NAME,
    PNG,
    enrolled_member,
    form_data,
)
from gonghui.conftest import World, login
from gonghui.core.workflow.models import State
from gonghui.members.models import Member
from gonghui.portal.models import WorkerAccount
from gonghui.portal.services.accounts import SignupForm, account_signup
from gonghui.portal.tests.factories import PASSWORD, account_signed_up


def photo(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PNG, content_type="image/jpeg")


def member_account(world: World) -> WorkerAccount:
    member = enrolled_member(world.wuxing_grassroots)
    Member.objects.filter(pk=member.pk).update(phone_hash="")  # signs up with any phone
    return account_signup(form=SignupForm(MEMBER_NAME, MEMBER_ID, "13700000001", PASSWORD), ip=None)


def claim_post(**override: object) -> dict[str, object]:
    data = form_data(
        id_number=None,
        doc_invoice=photo("发票.jpg"),
        doc_discharge_summary=photo("出院小结.jpg"),
        doc_settlement_slip=photo("结算单.jpg"),
    )
    data.update(override)
    return {k: v for k, v in data.items() if v is not None}


def test_a_member_claims_with_photos_and_the_claim_goes_to_review(
    world: World, client: Client
) -> None:
    account = member_account(world)
    login(client, account.user)
    response = client.post("/m/apply/aid/", claim_post())
    claim = MutualAidClaim.objects.get()
    assert response["Location"] == f"/m/applications/aid/{claim.pk}/"
    assert (claim.state, claim.amount, claim.entered_by_id) == (
        State.IN_REVIEW,
        Decimal("4000.00"),
        account.user_id,
    )
    assert claim.documents.count() == 3
    page = client.get(response["Location"]).content.decode()
    assert "已提交" in page and "4000.00 元" in page
    assert "互助金申请" in client.get("/m/applications/").content.decode()


def test_a_file_that_is_not_a_photo_or_pdf_is_refused_and_nothing_kept(
    world: World, client
) -> None:
    login(client, member_account(world).user)
    response = client.post(
        "/m/apply/aid/",
        claim_post(doc_invoice=SimpleUploadedFile("发票.jpg", EXE, content_type="image/jpeg")),
    )
    assert response.status_code == 400
    assert "不是 PDF、JPEG 或 PNG 文件" in response.content.decode()
    assert not MutualAidClaim.objects.exists()


def test_a_missing_document_is_named(world: World, client: Client) -> None:
    login(client, member_account(world).user)
    response = client.post("/m/apply/aid/", claim_post(doc_settlement_slip=None))
    assert "住院申请须上传医保结算单。" in response.content.decode()
    assert not MutualAidClaim.objects.exists()


def test_another_worker_cannot_open_the_claim(world: World, client: Client) -> None:
    login(client, member_account(world).user)
    client.post("/m/apply/aid/", claim_post())
    claim = MutualAidClaim.objects.get()
    other = Client()
    login(other, account_signed_up(name="李骑手", n=2, phone="13700000002").user)
    assert other.get(f"/m/applications/aid/{claim.pk}/").status_code == 404
    assert "互助金申请" not in other.get("/m/applications/").content.decode()


def test_a_worker_who_is_no_member_is_told_to_join_first(db: None, client: Client) -> None:
    login(client, account_signed_up().user)
    response = client.get("/m/apply/aid/")
    assert response.status_code == 404
    assert "入会后" in response.content.decode()
