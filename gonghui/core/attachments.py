"""Uploaded files every app keeps (claim documents, activity photos, follow-up evidence): the
checks on an upload and the private storage they live in.

A file is accepted when its first bytes are those of an accepted type (PDF, JPEG or PNG; or
images only, for photos), whatever its name or the content type the browser sent, and when
it is at most ``settings.GONGHUI_ATTACHMENT_MAX_BYTES``. Files are written under
``settings.GONGHUI_PRIVATE_ROOT`` (``PrivateStorage``) under a random name, and only views
that check the owning record is in the actor's scope hand them out.
"""

from __future__ import annotations

import os
import unicodedata
import uuid
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import UploadedFile
from django.http import FileResponse

# The content types we accept, by their leading bytes; the extension we store them under.
SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "application/pdf"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
)
EXTENSIONS = {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}
IMAGES = ("image/jpeg", "image/png")
# Shown in the browser rather than downloaded: none of them runs script.
INLINE_TYPES = frozenset(EXTENSIONS)


class PrivateStorage(FileSystemStorage):
    """Uploaded files live outside static and media files: only views serve them. The
    folder is read from settings on each use, so deployments and tests can move it."""

    @property
    def base_location(self) -> str:
        return str(settings.GONGHUI_PRIVATE_ROOT)

    @property
    def location(self) -> str:
        return os.path.abspath(self.base_location)


def sniff_content_type(head: bytes) -> str | None:
    """The content type the leading bytes of a file show, or None if not an accepted one."""
    for magic, content_type in SIGNATURES:
        if head.startswith(magic):
            return content_type
    return None


def display_name(name: str) -> str:
    """The uploaded file's own name, kept only for display: no folders, no control
    characters, at most 255 characters."""
    base = os.path.basename(name.replace("\\", "/"))
    cleaned = "".join(c for c in base if unicodedata.category(c)[0] != "C").strip()
    return (cleaned or "未命名文件")[-255:]


def attachment_check(file: UploadedFile, *, images_only: bool = False) -> str:
    """The content type the file's bytes show, or ValidationError naming the file and the
    rule (too large, empty, not a PDF, JPEG or PNG file; not an image, for photos)."""
    name = display_name(file.name or "")
    limit = settings.GONGHUI_ATTACHMENT_MAX_BYTES
    if file.size is None or file.size > limit:
        raise ValidationError(
            f"文件“{name}”超过 {limit // (1024 * 1024)} MB，请压缩或分开上传。",
            code="document_too_large",
        )
    if file.size == 0:
        raise ValidationError(f"文件“{name}”是空文件。", code="document_empty")
    file.seek(0)
    head = file.read(16)
    file.seek(0)
    content_type = sniff_content_type(head)
    if content_type is None or (images_only and content_type not in IMAGES):
        what = "图片（JPEG 或 PNG）" if images_only else " PDF、JPEG 或 PNG 文件"
        raise ValidationError(
            f"文件“{name}”不是{what}（按文件内容判断，与文件名无关）。",
            code="document_type",
        )
    return content_type


def storage_name(content_type: str) -> str:
    """A random name: the uploader's name may carry folders or characters the file system
    dislikes, and must not let one person guess another's file."""
    return f"{uuid.uuid4().hex}{EXTENSIONS[content_type]}"


def files_delete(names: Sequence[str]) -> None:
    storage = PrivateStorage()
    for name in names:
        if name:
            storage.delete(name)


def private_file_response(file: Any, content_type: str, name: str) -> FileResponse:
    """A stored file for a caller who may see its record (checked before): PDF and images
    open in the browser, never sniffed as anything else, and kept by no shared cache."""
    response = FileResponse(
        file.open("rb"),
        content_type=content_type,
        as_attachment=content_type not in INLINE_TYPES,
        filename=name,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def attachments_check(
    files: Sequence[UploadedFile], *, images_only: bool = False, most: int, already: int = 0
) -> tuple[list[tuple[UploadedFile, str]], list[str]]:
    """The files that pass ``attachment_check`` with their content types, and the problems
    of the others (and of too many files: at most ``most`` beside the ``already`` stored)."""
    problems: list[str] = []
    if already + len(files) > most:
        problems.append(f"最多 {most} 个文件" if not images_only else f"最多 {most} 张照片")
    checked = []
    for f in files:
        try:
            checked.append((f, attachment_check(f, images_only=images_only)))
        except ValidationError as exc:
            problems += exc.messages
    return checked, problems


def attachments_store(
    model: Any,
    checked: Sequence[tuple[UploadedFile, str]],
    written: list[str],
    **fields: Any,
) -> None:
    """A row of ``model`` (a FileField ``file`` and the display fields) per checked file,
    with ``fields`` (its owner, who uploaded). Each stored file's name goes to ``written`` as
    soon as it exists, so the caller deletes them if its transaction fails."""
    for upload, content_type in checked:
        row = model(
            **fields,
            original_name=display_name(upload.name or ""),
            content_type=content_type,
            size=upload.size or 0,
        )
        upload.seek(0)
        row.file.save(storage_name(content_type), upload, save=False)
        written.append(row.file.name or "")
        row.save()
