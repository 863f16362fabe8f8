"""Claim documents (申请材料): what each category needs, the checks on an upload, and their
private storage.

Which documents a category needs (decided here, shown on the form):

- 住院 (inpatient): 发票, 出院小结, 医保结算单;
- 门诊特殊病 (outpatient_special): 发票, 医保结算单 (the slip shows what insurance paid);
- 意外伤害 (accident): 发票;
- 重大疾病 (critical_illness): 发票, 诊断证明 (the lump sum depends on the diagnosis).

The checks on an upload and the private storage are the kernel's (``core/attachments.py``):
PDF, JPEG or PNG by content, size-limited; only ``claim_document_open`` hands a document
out, after checking the claim is in the actor's scope.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from gonghui.aid.models import Category, ClaimDocument, MutualAidClaim
from gonghui.aid.selectors import access_claim_document
from gonghui.core.actors import Actor, user_of
from gonghui.core.attachments import (  # noqa: F401  (the claim pages and tests read them here)
    INLINE_TYPES,
    attachment_check,
    display_name,
    files_delete,
    sniff_content_type,
    storage_name,
)
from gonghui.core.audit import audit_record

Kind = ClaimDocument.Kind

REQUIRED_DOCUMENTS: dict[str, tuple[str, ...]] = {
    Category.INPATIENT: (Kind.INVOICE, Kind.DISCHARGE_SUMMARY, Kind.SETTLEMENT_SLIP),
    Category.OUTPATIENT_SPECIAL: (Kind.INVOICE, Kind.SETTLEMENT_SLIP),
    Category.ACCIDENT: (Kind.INVOICE,),
    Category.CRITICAL_ILLNESS: (Kind.INVOICE, Kind.DIAGNOSIS),
}

MAX_FILES_PER_KIND = 10


def required_documents(category: str) -> tuple[str, ...]:
    """The document kinds a claim of ``category`` must carry (unless on paper)."""
    return REQUIRED_DOCUMENTS.get(category, (Kind.INVOICE,))


def required_labels(category: str) -> list[str]:
    return [Kind(kind).label for kind in required_documents(category)]


def missing_documents(category: str, kinds: Sequence[str]) -> list[str]:
    """The kinds ``category`` needs that are not among ``kinds``."""
    present = set(kinds)
    return [kind for kind in required_documents(category) if kind not in present]


@dataclass(frozen=True)
class Upload:
    """An uploaded file that passed the checks: its kind and the type its content shows."""

    kind: str
    file: UploadedFile
    content_type: str

    @property
    def name(self) -> str:
        return display_name(self.file.name or "")


def upload_check(kind: str, file: UploadedFile) -> Upload:
    """The upload as an ``Upload``, or ValidationError naming the file and the rule."""
    return Upload(kind=kind, file=file, content_type=attachment_check(file))


def claim_documents_store(
    *, actor: Actor, claim: MutualAidClaim, uploads: Sequence[Upload], written: list[str]
) -> list[ClaimDocument]:
    """Write the files and their rows. Every stored file's name is appended to ``written``
    as soon as it exists, so the caller can delete them if the transaction fails."""
    documents = []
    for upload in uploads:
        document = ClaimDocument(
            claim=claim,
            kind=upload.kind,
            original_name=upload.name,
            content_type=upload.content_type,
            size=upload.file.size or 0,
            uploaded_by=user_of(actor),
        )
        upload.file.seek(0)
        document.file.save(storage_name(upload.content_type), upload.file, save=False)
        written.append(document.file.name or "")
        documents.append(document)
    ClaimDocument.objects.bulk_create(documents)
    return documents


def claim_create_with_documents(
    *, actor: Actor, uploads: Sequence[Upload], **fields: Any
) -> MutualAidClaim:
    """Create and submit a claim (``claim_create``) and store its documents, in one
    transaction: if anything fails, no row is kept and the files written are deleted."""
    from gonghui.aid.services.claims import claim_create

    written: list[str] = []
    try:
        with transaction.atomic():
            claim = claim_create(actor=actor, **fields)
            documents = claim_documents_store(
                actor=actor, claim=claim, uploads=uploads, written=written
            )
            if documents:
                audit_record(
                    actor=actor,
                    action="aid.claim.documents",
                    obj=claim,
                    summary="上传申请材料："
                    + "、".join(f"{Kind(d.kind).label}（{d.original_name}）" for d in documents),
                )
    except BaseException:
        files_delete(written)
        raise
    return claim


def claim_check(*, actor: Actor, **fields: Any) -> ValidationError | None:
    """What ``claim_create`` would refuse in these fields, without keeping anything: the
    claim is created in a savepoint that is always rolled back. The form uses it to show
    every error at once when a document is also wrong."""
    from gonghui.aid.services.claims import claim_create

    class _Discard(Exception):
        pass

    try:
        with transaction.atomic():
            claim_create(actor=actor, submit=False, **fields)
            raise _Discard
    except ValidationError as exc:
        return exc
    except _Discard:
        return None


def claim_document_open(
    *, actor: Actor, claim_id: int, document_id: int
) -> tuple[ClaimDocument, Any]:
    """The document and its open file, for a user allowed to see the claim. Medical
    documents are personal data: every read is audited."""
    document = access_claim_document(actor=actor, claim_id=claim_id, document_id=document_id)
    handle = document.file.open("rb")
    audit_record(
        actor=actor,
        action="aid.claim.document_view",
        obj=document.claim,
        summary=f"查看申请材料：{document.get_kind_display()}（{document.original_name}）",
    )
    return document, handle
