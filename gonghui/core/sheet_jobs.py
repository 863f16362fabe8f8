"""Imports and exports run as jobs: the upload is stored, a worker validates (dry run) or
commits it with progress, and the job keeps the report and the error workbook."""

from __future__ import annotations

import os
import re
import tempfile
import uuid
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.core.files.uploadedfile import UploadedFile

from gonghui.core.jobs import JobProgress, job_start
from gonghui.core.models import Job, User
from gonghui.core.pii import scrub_personal
from gonghui.core.sheets import write_error_workbook
from gonghui.core.sheets.registry import SheetEntry, sheet_entry
from gonghui.orgs.models import Union

REPORT_ERRORS_KEPT = 500
UPLOAD_DIR = "uploads"


_UNSAFE = re.compile(r'[\x00-\x1f/\\:*?"<>|]+')


def _safe_name(name: str, suffix: str) -> str:
    stem = _UNSAFE.sub("_", Path(name).stem).strip(" .") or "上传文件"
    return f"{stem[:80]}{suffix}"


def store_upload(upload: UploadedFile) -> str:
    """Keep an uploaded file under MEDIA_ROOT (shared by app servers and workers)."""
    if upload.size and upload.size > settings.GONGHUI_IMPORT_MAX_BYTES:
        raise ValidationError(
            f"文件过大，上限为 {settings.GONGHUI_IMPORT_MAX_BYTES // 1024 // 1024} MB。",
            code="file_too_large",
        )
    suffix = Path(upload.name or "").suffix.lower()[:8]
    if suffix not in (".xlsx", ".xls", ".ods", ".csv", ".txt"):
        raise ValidationError(
            "请上传 Excel（.xlsx、.xls）、WPS/LibreOffice（.ods）或 CSV 文件。", code="file_format"
        )
    # A folder of its own keeps the person's file name, so the audit log and the job name
    # the file they chose rather than a random one.
    name = _safe_name(scrub_personal(upload.name or ""), suffix)
    relative = f"{UPLOAD_DIR}/{uuid.uuid4().hex}/{name}"
    target = Path(settings.MEDIA_ROOT) / relative
    # Readable by the server's own user only: a roster is personal data in plain text.
    target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    return relative


def sheet_import_start(
    *,
    actor: User,
    entry: SheetEntry,
    union: Union,
    file: str,
    filename: str,
    dry_run: bool,
    options: dict[str, str] | None = None,
) -> Job:
    verb = "校验" if dry_run else "导入"
    filename = scrub_personal(filename)
    return job_start(
        actor=actor,
        kind="sheet_import",
        label=f"{verb}{entry.title}：{filename}",
        union=union,
        params={
            "sheet": entry.name,
            "union": union.code,
            "file": file,
            "filename": filename,
            "dry_run": dry_run,
            "options": options or {},
        },
    )


def sheet_export_start(
    *, actor: User, entry: SheetEntry, union: Union, reveal: bool = False
) -> Job:
    """An export as a job; ``reveal`` (full ID numbers and phones) needs the personal-data
    right, is refused here without it, and is audited and marked in the workbook."""
    if reveal and not getattr(actor, "pii_access", False):
        raise PermissionDenied("您没有导出完整个人信息的权限。")
    return job_start(
        actor=actor,
        kind="sheet_export",
        label=f"导出{entry.title}：{union.name}" + ("（含完整个人信息）" if reveal else ""),
        union=union,
        params={"sheet": entry.name, "union": union.code, "reveal": reveal},
    )


def sheet_import_work(job: Job, progress: JobProgress) -> dict[str, Any]:
    params = job.params
    entry = sheet_entry(params["sheet"])
    union = Union.objects.get(code=params["union"])
    source = Path(settings.MEDIA_ROOT) / params["file"]
    try:
        report = entry.import_service(
            actor=job.started_by,
            union=union,
            path=source,
            dry_run=params["dry_run"],
            progress=progress,
            **params.get("options", {}),
        )
    except ValidationError as exc:
        # A file-level problem (format, size, header): a result to show, not a crash.
        return {"file_error": "；".join(exc.messages), "dry_run": params["dry_run"]}
    result = report.as_dict()
    result["errors"] = result["errors"][:REPORT_ERRORS_KEPT]
    result["error_count"] = len(report.errors)
    result["dry_run"] = params["dry_run"]
    result["committed"] = report.committed
    if report.errors:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / f"{entry.title}-错误明细.xlsx"
            write_error_workbook(
                entry.sheet(actor=job.started_by, union=union, **params.get("options", {})),
                report,
                source,
                path,
            )
            with path.open("rb") as fh:
                job.result_file.save(path.name, File(fh), save=False)
            Job.objects.filter(pk=job.pk).update(result_file=job.result_file.name)
    return result


def sheet_export_work(job: Job, progress: JobProgress) -> dict[str, Any]:
    entry = sheet_entry(job.params["sheet"])
    union = Union.objects.get(code=job.params["union"])
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"{union.name}-{entry.title}.xlsx"
        count = entry.export_service(
            actor=job.started_by,
            union=union,
            path=path,
            reveal=bool(job.params.get("reveal")),
        )
        with path.open("rb") as fh:
            job.result_file.save(path.name, File(fh), save=False)
    Job.objects.filter(pk=job.pk).update(result_file=job.result_file.name, total=count, done=count)
    return {"导出行数": count}
