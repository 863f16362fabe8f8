"""Accounts in bulk: the sheet's import and export services, and the one-time delivery of the
initial passwords they create."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from gonghui.accounts.models import CredentialDelivery
from gonghui.accounts.permissions import require_admin
from gonghui.accounts.sheets import StaffAccountSheet
from gonghui.core.audit import audit_record
from gonghui.core.models import User
from gonghui.core.scoping import access, require_in_scope
from gonghui.core.sheets import ImportReport, run_import, write_export
from gonghui.core.sheets.engine import Progress, audit_import
from gonghui.core.sheets.writer import write_rows
from gonghui.orgs.models import Union

CREDENTIAL_HEADERS = ["账号", "姓名", "所属工会", "角色", "初始密码"]
CREDENTIALS_DIR = "credentials"


def accounts_import(
    *, actor: User, union: Union, path: Path, dry_run: bool, progress: Progress | None = None
) -> ImportReport:
    """Create or update the accounts of a sheet, all or none. The initial passwords of the
    new accounts go into a workbook in the same transaction, for its importer to fetch once."""
    require_admin(actor)
    require_in_scope(actor, union, "只能为本级及下级工会开通账号。")
    sheet = StaffAccountSheet(actor=actor, union=union)
    written: Path | None = None
    try:
        with transaction.atomic():
            report = run_import(sheet, path, dry_run=dry_run, progress=progress)
            if report.committed and sheet.credentials:
                delivery, written = _credentials_store(actor, union, sheet.credentials)
                report.extra["deliver"] = {
                    "url": reverse("accounts:credentials", args=[delivery.token]),
                    "label": f"下载 {len(sheet.credentials)} 个新账号的初始密码表（只能下载一次）",
                }
            audit_import(
                report,
                actor=actor,
                union=union,
                action="user.import",
                title=StaffAccountSheet.title,
                path=path,
            )
    except BaseException:
        if written is not None:
            written.unlink(missing_ok=True)  # the accounts were rolled back: so are their passwords
        raise
    return report


def accounts_export(*, actor: User, union: Union, path: Path, reveal: bool = False) -> int:
    require_admin(actor)
    sheet = StaffAccountSheet(actor=actor, union=union)
    count = write_export(sheet, path, sheet.export_rows())
    audit_record(
        actor=actor, action="user.export", union=union, summary=f"导出{union.name}账号 {count} 个"
    )
    return count


def _credentials_store(
    actor: User, union: Union, rows: list[tuple[str, str, str, str, str]]
) -> tuple[CredentialDelivery, Path]:
    relative = f"{CREDENTIALS_DIR}/{uuid.uuid4().hex}.xlsx"
    target = Path(settings.GONGHUI_PRIVATE_ROOT) / relative
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    # Created 0600 before anything is written into it.
    os.close(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    write_rows(target, "初始密码", CREDENTIAL_HEADERS, [list(r) for r in rows])
    os.chmod(target, 0o600)
    delivery = CredentialDelivery.objects.create(
        union=union, created_by=actor, file=relative, accounts=len(rows)
    )
    return delivery, target


def credentials_fetch(*, actor: User, token: str) -> tuple[bytes, str]:
    """The initial-password workbook, handed to its creator once; the file is gone after."""
    delivery = access(CredentialDelivery.objects.all(), actor=actor, token=token)
    if delivery.created_by_id != actor.pk:
        raise Http404("未找到该文件，或不在您的管辖范围内。")
    with transaction.atomic():
        claimed = CredentialDelivery.objects.filter(
            pk=delivery.pk, downloaded_at__isnull=True
        ).update(downloaded_at=timezone.now())
        if not claimed:
            raise PermissionDenied(
                "初始密码表已下载过，不能再次下载。如有遗失，请为相关账号重置密码。"
            )
        target = Path(settings.GONGHUI_PRIVATE_ROOT) / delivery.file
        try:
            data = target.read_bytes()
        except FileNotFoundError as exc:
            raise Http404("初始密码表文件已不存在，请为相关账号生成重置码。") from exc
        audit_record(
            actor=actor,
            action="user.credentials_download",
            obj=delivery,
            union=delivery.union,
            summary=f"下载初始密码表（{delivery.accounts} 个账号）",
        )
    target.unlink(missing_ok=True)
    return data, f"初始密码-{timezone.localdate():%Y%m%d}.xlsx"
