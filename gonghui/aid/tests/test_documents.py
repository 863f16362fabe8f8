"""Claim documents: the type read from the content, the size limit, the required kinds, and
a claim saved with its files all or nothing."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404

from gonghui.aid import documents
from gonghui.aid.documents import (
    claim_create_with_documents,
    display_name,
    missing_documents,
    required_documents,
    sniff_content_type,
    upload_check,
)
from gonghui.aid.models import ClaimDocument, MutualAidClaim
from gonghui.aid.selectors import access_claim_document
from gonghui.aid.tests.test_claim_pages import (
    EXE,
    PDF,
    PNG,
    YEAR,
    attach,
    enrolled_member,
    form_data,
    make_claim,
)
from gonghui.conftest import World
from gonghui.core.models import AuditEvent

Kind = ClaimDocument.Kind
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 16


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (PDF, "application/pdf"),
        (JPEG, "image/jpeg"),
        (PNG, "image/png"),
        (EXE, None),
        (b"GIF89a\x01\x00", None),
        (b"<html><script>", None),
        (b"%PD", None),  # too short to be a PDF
        (b"", None),
    ],
)
def test_the_type_comes_from_the_leading_bytes(head: bytes, expected: str | None) -> None:
    assert sniff_content_type(head) == expected


def test_the_name_and_the_browser_type_are_ignored() -> None:
    checked = upload_check(
        Kind.INVOICE, SimpleUploadedFile("发票.pdf", PNG, content_type="application/pdf")
    )
    assert checked.content_type == "image/png"


def test_a_pdf_named_exe_is_accepted_as_a_pdf() -> None:
    checked = upload_check(Kind.INVOICE, SimpleUploadedFile("scan.exe", PDF))
    assert checked.content_type == "application/pdf"


def test_an_executable_named_pdf_is_refused() -> None:
    with pytest.raises(ValidationError) as caught:
        upload_check(Kind.INVOICE, SimpleUploadedFile("发票.pdf", EXE, "application/pdf"))
    assert caught.value.messages == [
        "文件“发票.pdf”不是 PDF、JPEG 或 PNG 文件（按文件内容判断，与文件名无关）。"
    ]


def test_a_file_of_exactly_the_limit_is_accepted(settings) -> None:
    settings.GONGHUI_ATTACHMENT_MAX_BYTES = 1024 * 1024
    content = PDF + b"0" * (1024 * 1024 - len(PDF))
    assert upload_check(Kind.INVOICE, SimpleUploadedFile("a.pdf", content)).content_type == (
        "application/pdf"
    )


def test_one_byte_over_the_limit_is_refused(settings) -> None:
    settings.GONGHUI_ATTACHMENT_MAX_BYTES = 1024 * 1024
    content = PDF + b"0" * (1024 * 1024 - len(PDF) + 1)
    with pytest.raises(ValidationError) as caught:
        upload_check(Kind.INVOICE, SimpleUploadedFile("a.pdf", content))
    assert caught.value.messages == ["文件“a.pdf”超过 1 MB，请压缩或分开上传。"]


def test_the_default_limit_is_10_mb() -> None:
    assert settings.GONGHUI_ATTACHMENT_MAX_BYTES == 10 * 1024 * 1024


def test_an_empty_file_is_refused() -> None:
    with pytest.raises(ValidationError, match="空文件"):
        upload_check(Kind.INVOICE, SimpleUploadedFile("a.pdf", b""))


@pytest.mark.parametrize(
    ("category", "kinds"),
    [
        ("inpatient", ["invoice", "discharge_summary", "settlement_slip"]),
        ("outpatient_special", ["invoice", "settlement_slip"]),
        ("accident", ["invoice"]),
        ("critical_illness", ["invoice", "diagnosis"]),
    ],
)
def test_each_category_needs_its_documents(category: str, kinds: list[str]) -> None:
    assert list(required_documents(category)) == kinds


def test_missing_documents_lists_the_kinds_not_given() -> None:
    assert missing_documents("inpatient", ["invoice", "other"]) == [
        "discharge_summary",
        "settlement_slip",
    ]


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\张三\\发票.pdf", "发票.pdf"),
        ("发票\x00.pdf", "发票.pdf"),
        ("", "未命名文件"),
    ],
)
def test_the_original_name_is_kept_only_for_display(name: str, shown: str) -> None:
    assert display_name(name) == shown


def private_files() -> list[Path]:
    root = Path(settings.GONGHUI_PRIVATE_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def uploads() -> list[documents.Upload]:
    return [
        upload_check(kind, SimpleUploadedFile(f"{kind}.pdf", PDF))
        for kind in (Kind.INVOICE, Kind.DISCHARGE_SUMMARY, Kind.SETTLEMENT_SLIP)
    ]


def claim_fields(world: World) -> dict[str, object]:
    member = enrolled_member(world.wuxing_grassroots)
    data = form_data()
    return {
        "member": member,
        **{
            name: data[name]
            for name in (
                "category",
                "hospital",
                "invoice_no",
                "total_cost",
                "insurance_paid",
                "self_paid",
                "payee_bank",
                "payee_account",
            )
        },
        "start_date": date(YEAR, 6, 1),
        "discharge_date": date(YEAR, 6, 10),
    }


def test_a_claim_is_stored_with_its_files_under_random_names(world: World) -> None:
    claim = claim_create_with_documents(
        actor=world.township_staff, uploads=uploads(), **claim_fields(world)
    )
    assert claim.amount == Decimal("4000.00")
    stored = ClaimDocument.objects.filter(claim=claim).order_by("pk")
    assert [d.kind for d in stored] == ["invoice", "discharge_summary", "settlement_slip"]
    assert [d.original_name for d in stored] == [
        "invoice.pdf",
        "discharge_summary.pdf",
        "settlement_slip.pdf",
    ]
    assert all(d.uploaded_by == world.township_staff for d in stored)
    assert all(str(d.file.name).startswith("claims/") for d in stored)
    assert not any("invoice" in str(d.file.name) for d in stored)
    assert len(private_files()) == 3
    assert AuditEvent.objects.filter(action="aid.claim.documents").count() == 1


def test_a_failure_after_the_files_were_written_keeps_nothing(world: World, monkeypatch) -> None:
    written: list[str] = []
    real_store = documents.claim_documents_store

    def store_then_fail(**kwargs: object) -> list[ClaimDocument]:
        stored = real_store(**kwargs)  # type: ignore[arg-type]
        written.extend(str(d.file.name) for d in stored)
        raise RuntimeError("disk full")

    monkeypatch.setattr(documents, "claim_documents_store", store_then_fail)
    with pytest.raises(RuntimeError):
        claim_create_with_documents(
            actor=world.township_staff, uploads=uploads(), **claim_fields(world)
        )
    assert len(written) == 3
    assert MutualAidClaim.objects.count() == 0
    assert ClaimDocument.objects.count() == 0
    assert private_files() == []


def test_a_refused_claim_writes_no_file(world: World) -> None:
    fields = claim_fields(world)
    fields["self_paid"] = "-1.00"
    with pytest.raises(ValidationError):
        claim_create_with_documents(actor=world.township_staff, uploads=uploads(), **fields)
    assert private_files() == []


def test_a_document_is_reached_only_through_its_claim_in_scope(world: World) -> None:
    member = enrolled_member(world.wuxing_grassroots)
    claim = make_claim(member)
    document = attach(claim)
    found = access_claim_document(
        actor=world.township_staff, claim_id=claim.pk, document_id=document.pk
    )
    assert found == document
    with pytest.raises(Http404):
        access_claim_document(actor=world.nanxun_staff, claim_id=claim.pk, document_id=document.pk)
    with pytest.raises(Http404):
        access_claim_document(
            actor=world.township_staff, claim_id=claim.pk + 1, document_id=document.pk
        )
