"""The claim pages: the entry form with its documents, the list, the detail page, and the
documents served only inside the scope."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from gonghui.aid.models import ClaimDocument, MutualAidClaim, MutualAidEnrollment
from gonghui.aid.tests.factories import EnrollmentFactory, PlanFactory
from gonghui.conftest import World
from gonghui.core import pii
from gonghui.core.fields import cipher_get
from gonghui.core.models import AuditEvent
from gonghui.core.workflow import State
from gonghui.members.models import Member
from gonghui.members.tests.factories import MemberFactory
from gonghui.orgs.models import Union
from gonghui.testing.ciphers import cipher_sealed

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64
ACCOUNT = "6222021205001234567"
# Sequence numbers no factory-made ID reaches (id_number_for stays far below them).
MEMBER_ID = pii.id_number_compose("330502", date(1988, 8, 8), 901)
OTHER_ID = pii.id_number_compose("330503", date(1990, 3, 3), 902)
MEMBER_NAME = "沈佳怡"

# A claim year whose dates are past (not in the future), after the 90-day waiting period,
# and inside the 730-day claim deadline, whenever the tests run.
YEAR = timezone.localdate().year - 1


def enrolled_member(union: Any, *, id_number: str = MEMBER_ID, name: str = MEMBER_NAME) -> Member:
    """A member of ``union`` enrolled on 1 January of YEAR in the city's plan of YEAR."""
    member = MemberFactory.create(union=union, name=name, id_number=id_number)
    city = Union.objects.get(path=union.path[: Union.steplen])
    plan = PlanFactory.create(year_=YEAR, union=city)
    EnrollmentFactory.create(plan=plan, member=member, enrolled_on=date(YEAR, 1, 1))
    return member


def make_claim(member: Member, *, invoice_no: str = "FP00000001", **fields: Any) -> MutualAidClaim:
    """A claim stored directly (in review at 初审), for the pages that only read claims."""
    enrollment = MutualAidEnrollment.objects.select_related("plan").get(member=member)
    values: dict[str, Any] = {
        "union": member.union,
        "member": member,
        "plan": enrollment.plan,
        "enrollment": enrollment,
        "state": State.IN_REVIEW,
        "step": "township_review",
        "category": "inpatient",
        "hospital": "湖州市中心医院",
        "start_date": date(YEAR, 6, 1),
        "discharge_date": date(YEAR, 6, 10),
        "invoice_no": invoice_no,
        "total_cost": Decimal("20000.00"),
        "insurance_paid": Decimal("11000.00"),
        "self_paid": Decimal("9000.00"),
        "amount": Decimal("4000.00"),
        "deductible_used": Decimal("1000.00"),
        "payee_bank": "中国工商银行湖州分行",
        **cipher_sealed(MutualAidClaim, account_cipher=ACCOUNT),
        "account_masked": pii.mask_bank_account(ACCOUNT),
        "calculation": [
            {"label": "个人自付", "amount": "9000.00"},
            {"label": "计算基数", "amount": "8000.00"},
            {"label": "0–10,000.00 部分", "amount": "8,000.00 × 50% = 4,000.00"},
        ],
    }
    values.update(fields)
    return MutualAidClaim.objects.create(**values)


def attach(claim: MutualAidClaim, content: bytes = PDF, name: str = "发票.pdf") -> ClaimDocument:
    document = ClaimDocument(
        claim=claim,
        kind=ClaimDocument.Kind.INVOICE,
        original_name=name,
        content_type="application/pdf",
        size=len(content),
    )
    document.file.save("sample.pdf", ContentFile(content), save=True)
    return document


SAMPLE_INVOICE = "FP-WUXING-SAMPLE"
CLAIM_LINK = re.compile(r'href="/aid/claims/\d+/"')


def wuxing_claim_sample(world: World, name: str = "钱晓燕") -> MutualAidClaim:
    """吴兴区's sample claim for the route walk (made once per test, with one document)."""
    claim = MutualAidClaim.objects.filter(invoice_no=SAMPLE_INVOICE).first()
    if claim is None:
        member = enrolled_member(
            world.wuxing_grassroots,
            id_number=pii.id_number_compose("330502", date(1979, 9, 9), 902),
            name=name,
        )
        claim = make_claim(member, invoice_no=SAMPLE_INVOICE)
        attach(claim)
    return claim


def wuxing_document_sample(world: World, name: str = "钱晓燕") -> ClaimDocument:
    return wuxing_claim_sample(world, name).documents.get()


def upload(name: str, content: bytes = PDF, content_type: str = "application/pdf") -> Any:
    return SimpleUploadedFile(name, content, content_type=content_type)


def form_data(**override: Any) -> dict[str, Any]:
    """A valid inpatient claim: self-paid 9,000.00 less the 1,000.00 deductible leaves a
    base of 8,000.00, at 50% in the first band: 4,000.00."""
    data: dict[str, Any] = {
        "id_number": MEMBER_ID,
        "category": "inpatient",
        "hospital": "湖州市中心医院",
        "start_date": f"{YEAR}-06-01",
        "discharge_date": f"{YEAR}-06-10",
        "invoice_no": "330500123456",
        "total_cost": "20000.00",
        "insurance_paid": "11000.00",
        "self_paid": "9000.00",
        "payee_bank": "中国工商银行湖州分行",
        "payee_account": ACCOUNT,
        "doc_invoice": upload("发票.pdf"),
        "doc_discharge_summary": upload("出院小结.pdf"),
        "doc_settlement_slip": upload("医保结算单.pdf"),
    }
    data.update(override)
    return {k: v for k, v in data.items() if v is not None}


@pytest.fixture
def member(world: World) -> Member:
    return enrolled_member(world.wuxing_grassroots)


def private_files() -> list[Path]:
    root = Path(settings.GONGHUI_PRIVATE_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


# --- the entry form -------------------------------------------------------------------------


def test_valid_inpatient_claim_with_three_pdfs_is_created_and_submitted(
    world: World, member: Member, client_as, django_capture_on_commit_callbacks
) -> None:
    client = client_as(world.township_staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/aid/claims/new/", form_data())
    claim = MutualAidClaim.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/aid/claims/{claim.pk}/"
    assert (claim.state, claim.step, claim.amount) == (
        State.IN_REVIEW,
        "township_review",
        Decimal("4000.00"),
    )
    assert claim.member == member
    assert sorted(claim.documents.values_list("kind", "original_name", "content_type")) == [
        ("discharge_summary", "出院小结.pdf", "application/pdf"),
        ("invoice", "发票.pdf", "application/pdf"),
        ("settlement_slip", "医保结算单.pdf", "application/pdf"),
    ]
    assert len(private_files()) == 3


def test_the_bank_account_is_kept_only_encrypted_and_masked(
    world: World, member: Member, client_as
) -> None:
    client_as(world.township_staff).post("/aid/claims/new/", form_data())
    claim = MutualAidClaim.objects.get()
    assert claim.account_masked == "622202*********4567"
    assert cipher_get(claim, "account_cipher") == ACCOUNT


def test_a_missing_required_document_is_an_error_naming_it(
    world: World, member: Member, client_as
) -> None:
    response = client_as(world.township_staff).post(
        "/aid/claims/new/", form_data(doc_discharge_summary=None)
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "住院申请须上传出院小结。" in body
    assert MutualAidClaim.objects.count() == 0


def test_other_categories_need_their_own_documents(world: World, member: Member, client_as) -> None:
    """门诊特殊病 needs 发票 and 医保结算单; a 出院小结 is not asked for."""
    response = client_as(world.township_staff).post(
        "/aid/claims/new/",
        form_data(
            category="outpatient_special",
            doc_settlement_slip=None,
            discharge_date=None,
        ),
    )
    body = response.content.decode()
    assert "门诊特殊病申请须上传医保结算单。" in body
    assert "出院小结。" not in body


def test_a_renamed_exe_with_a_pdf_name_is_refused(world: World, member: Member, client_as) -> None:
    response = client_as(world.township_staff).post(
        "/aid/claims/new/", form_data(doc_invoice=upload("发票.pdf", EXE, "application/pdf"))
    )
    body = response.content.decode()
    assert "文件“发票.pdf”不是 PDF、JPEG 或 PNG 文件" in body
    assert MutualAidClaim.objects.count() == 0
    assert private_files() == []


def test_an_11_mb_file_is_refused(world: World, member: Member, client_as) -> None:
    big = PDF + b"0" * (11 * 1024 * 1024)
    response = client_as(world.township_staff).post(
        "/aid/claims/new/", form_data(doc_invoice=upload("发票扫描.pdf", big))
    )
    body = response.content.decode()
    assert "文件“发票扫描.pdf”超过 10 MB" in body
    assert MutualAidClaim.objects.count() == 0
    assert private_files() == []


def test_an_error_from_claim_create_keeps_the_typed_values(
    world: World, member: Member, client_as
) -> None:
    # 11,000.00 + 9,000.00 = 20,000.00 is more than a total cost of 15,000.00.
    response = client_as(world.township_staff).post(
        "/aid/claims/new/", form_data(total_cost="15000.00")
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert MutualAidClaim.objects.count() == 0
    assert private_files() == []
    assert 'data-testid="error-total_cost">医疗总费用不能少于医保统筹支付与个人自付之和' in body
    for value in (
        MEMBER_ID,
        "湖州市中心医院",
        f"{YEAR}-06-01",
        f"{YEAR}-06-10",
        "330500123456",
        "15000.00",
        "11000.00",
        "9000.00",
        "中国工商银行湖州分行",
        ACCOUNT,
    ):
        assert f'value="{value}"' in body, value
    assert '<option value="inpatient" selected>' in body
    assert "上传的文件需要重新选择" in body
    # The member found is shown again, masked.
    assert "沈**" in body


def test_document_and_claim_errors_are_shown_together(
    world: World, member: Member, client_as
) -> None:
    """A missing document does not hide what claim_create would refuse."""
    response = client_as(world.township_staff).post(
        "/aid/claims/new/",
        form_data(doc_settlement_slip=None, discharge_date=f"{YEAR}-05-20"),
    )
    body = response.content.decode()
    assert "住院申请须上传医保结算单。" in body
    assert "出院日期不能早于入院日期" in body
    assert MutualAidClaim.objects.count() == 0


def test_an_id_number_outside_the_scope_finds_no_member(world: World, client_as) -> None:
    enrolled_member(world.nanxun_grassroots)
    response = client_as(world.township_staff).post("/aid/claims/new/", form_data())
    assert "在您管辖范围内的会员中没有找到这个身份证号。" in response.content.decode()
    assert MutualAidClaim.objects.count() == 0


def test_the_member_lookup_shows_the_member_masked(world: World, member: Member, client_as) -> None:
    response = client_as(world.township_staff).post(
        "/aid/claims/new/member/", {"id_number": MEMBER_ID.lower()}
    )
    body = response.content.decode()
    assert "沈**" in body and MEMBER_NAME not in body
    assert member.id_masked in body and MEMBER_ID not in body
    assert world.wuxing_grassroots.name in body
    assert f"{YEAR}年度湖州市职工医疗互助" in body


def test_the_member_lookup_finds_nobody_outside_the_scope(
    world: World, member: Member, client_as
) -> None:
    """南浔镇 staff may enter claims, but not for a 吴兴 member."""
    from gonghui.core.models import Role
    from gonghui.core.tests.factories import UserFactory

    nanxun_town_staff = UserFactory.create(
        username="nanxun_town_staff", union=world.nanxun_town, role=Role.STAFF
    )
    body = (
        client_as(nanxun_town_staff)
        .post("/aid/claims/new/member/", {"id_number": MEMBER_ID})
        .content.decode()
    )
    assert "没有找到这个身份证号" in body
    assert "沈**" not in body and world.wuxing_grassroots.name not in body


def test_a_county_user_cannot_enter_claims(world: World, client_as) -> None:
    client = client_as(world.wuxing_staff)
    response = client.get("/aid/claims/new/")
    assert response.status_code == 302 and response["Location"] == "/aid/claims/"
    assert (
        "只有基层或乡镇（街道）工会的工作人员可以录入"
        in client.get("/aid/claims/").content.decode()
    )


def test_a_grassroots_chair_may_open_the_form(world: World, client_as) -> None:
    response = client_as(world.grassroots_chair).get("/aid/claims/new/")
    body = response.content.decode()
    assert response.status_code == 200
    assert 'name="doc_discharge_summary"' in body
    assert "住院：发票、出院小结、医保结算单" in body
    assert "重大疾病：发票、诊断证明" in body


# --- the detail page and the documents -------------------------------------------------------


def test_the_detail_page_shows_the_claim_its_payout_and_documents(
    world: World, member: Member, client_as
) -> None:
    claim = make_claim(member)
    document = attach(claim)
    body = client_as(world.wuxing_staff).get(f"/aid/claims/{claim.pk}/").content.decode()
    assert MEMBER_NAME in body  # staff in scope see the name
    assert member.id_masked in body and MEMBER_ID not in body
    assert "622202*********4567" in body and ACCOUNT not in body
    assert 'data-testid="claim-amount">4,000.00<' in body
    assert "8,000.00 × 50% = 4,000.00" in body
    assert f'href="/aid/claims/{claim.pk}/documents/{document.pk}/"' in body
    assert 'data-testid="workflow-panel"' in body and "初审" in body


def test_the_detail_page_says_paper_documents(world: World, member: Member, client_as) -> None:
    claim = make_claim(member, paper_documents=True)
    body = client_as(world.wuxing_staff).get(f"/aid/claims/{claim.pk}/").content.decode()
    assert "纸质材料" in body


def test_a_township_reviewer_sees_the_approve_button(
    world: World, member: Member, client_as
) -> None:
    from gonghui.core.models import Role
    from gonghui.core.tests.factories import UserFactory

    reviewer = UserFactory.create(username="yuehe_reviewer", union=world.yuehe, role=Role.REVIEWER)
    claim = make_claim(member)
    body = client_as(reviewer).get(f"/aid/claims/{claim.pk}/").content.decode()
    assert 'data-testid="action-approve"' in body


def test_nanxun_gets_404_on_a_wuxing_claim_and_its_document(
    world: World, member: Member, client_as
) -> None:
    claim = make_claim(member)
    document = attach(claim)
    client = client_as(world.nanxun_staff)
    assert client.get(f"/aid/claims/{claim.pk}/").status_code == 404
    assert client.get(f"/aid/claims/{claim.pk}/documents/{document.pk}/").status_code == 404


def test_a_document_is_not_reached_through_another_claim(
    world: World, member: Member, client_as
) -> None:
    claim = make_claim(member)
    other = make_claim(member, invoice_no="FP00000002")
    document = attach(claim)
    response = client_as(world.wuxing_staff).get(f"/aid/claims/{other.pk}/documents/{document.pk}/")
    assert response.status_code == 404


def test_the_document_is_served_in_scope_from_outside_media_and_static(
    world: World, member: Member, client_as
) -> None:
    claim = make_claim(member)
    document = attach(claim, name="住院发票.pdf")
    response = client_as(world.township_staff).get(
        f"/aid/claims/{claim.pk}/documents/{document.pk}/"
    )
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline;")
    assert response["X-Content-Type-Options"] == "nosniff"
    stored = Path(document.file.path).resolve()
    assert stored.is_relative_to(Path(settings.GONGHUI_PRIVATE_ROOT).resolve())
    assert not stored.is_relative_to(Path(settings.MEDIA_ROOT).resolve())
    assert not stored.is_relative_to(Path(settings.STATIC_ROOT).resolve())
    assert AuditEvent.objects.filter(action="aid.claim.document_view").count() == 1


def test_a_stored_type_other_than_pdf_or_image_downloads(
    world: World, member: Member, client_as
) -> None:
    claim = make_claim(member)
    document = attach(claim)
    ClaimDocument.objects.filter(pk=document.pk).update(content_type="application/octet-stream")
    response = client_as(world.township_staff).get(
        f"/aid/claims/{claim.pk}/documents/{document.pk}/"
    )
    assert response["Content-Disposition"].startswith("attachment;")


# --- the list ---------------------------------------------------------------------------------


def test_the_list_shows_claims_in_scope_masked(world: World, member: Member, client_as) -> None:
    make_claim(member)
    nanxun_member = enrolled_member(
        world.nanxun_grassroots,
        id_number=pii.id_number_compose("330503", date(1990, 1, 7), 903),
        name="朱南浔",
    )
    make_claim(nanxun_member, invoice_no="FP-NX-1")
    body = client_as(world.wuxing_staff).get("/aid/claims/").content.decode()
    assert "沈**" in body and MEMBER_NAME not in body
    assert "4,000.00" in body and "审核中" in body and "初审" in body
    assert "朱**" not in body


def test_the_list_filters_by_state_category_union_and_year(
    world: World, member: Member, client_as
) -> None:
    make_claim(member, invoice_no="A-1")
    make_claim(member, invoice_no="A-2", category="accident", amount=Decimal("80.00"))
    make_claim(member, invoice_no="A-3", state=State.REJECTED, step="")
    zhili_member = enrolled_member(
        world.zhili, id_number=pii.id_number_compose("330502", date(1991, 5, 5), 904), name="陆织里"
    )
    make_claim(zhili_member, invoice_no="Z-1")
    client = client_as(world.wuxing_staff)

    def shown(query: dict[str, str]) -> int:
        return len(CLAIM_LINK.findall(client.get("/aid/claims/", query).content.decode()))

    assert shown({}) == 4
    assert shown({"state": "rejected"}) == 1
    assert shown({"category": "accident"}) == 1
    assert shown({"union": world.zhili.code}) == 1
    assert shown({"year": str(YEAR)}) == 4
    assert shown({"year": str(YEAR - 1)}) == 0


def test_the_list_pages_by_50(
    world: World, member: Member, client_as, django_assert_max_num_queries
) -> None:
    for n in range(51):
        make_claim(member, invoice_no=f"P-{n:03d}")
    client = client_as(world.wuxing_staff)
    # A constant number of queries whatever the rows: session, user, scope, the union ids,
    # the page, the filter's unions and years, the sidebar's 我的督办 count, the session's save.
    with django_assert_max_num_queries(11):
        first = client.get("/aid/claims/").content.decode()
    assert len(CLAIM_LINK.findall(first)) == 50
    assert 'data-testid="next-page"' in first
    oldest = MutualAidClaim.objects.order_by("pk").first()
    assert oldest is not None
    assert f'href="/aid/claims/{oldest.pk}/"' not in first
    second = client.get(f"/aid/claims/?union=330502&before={oldest.pk + 1}").content.decode()
    assert f'href="/aid/claims/{oldest.pk}/"' in second


def test_the_union_filter_refuses_a_union_out_of_scope(world: World, client_as) -> None:
    response = client_as(world.wuxing_staff).get("/aid/claims/", {"union": world.nanxun.code})
    assert response.status_code == 404


def test_a_claim_is_entered_from_the_members_page_without_the_id_number(
    world: World, member: Member, client_as
) -> None:
    client = client_as(world.township_staff)
    page = client.get(f"/members/{member.pk}/").content.decode()
    assert f'href="/aid/claims/new/?member={member.pk}"' in page
    form = client.get(f"/aid/claims/new/?member={member.pk}").content.decode()
    assert 'data-testid="preset-member"' in form and member.id_masked in form
    response = client.post(f"/aid/claims/new/?member={member.pk}", form_data(id_number=""))
    assert response.status_code == 302
    assert MutualAidClaim.objects.get().member == member


def test_a_preset_member_outside_the_scope_is_not_found(world: World, client_as) -> None:
    other = enrolled_member(world.nanxun_grassroots, id_number=OTHER_ID, name="南浔会员")
    response = client_as(world.township_staff).get(f"/aid/claims/new/?member={other.pk}")
    assert response.status_code == 404
