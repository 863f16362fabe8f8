"""Searching by a full ID number or phone number: an exact lookup through the keyed hash
that, repeated, recovers a masked number (10,000 searches rebuild a masked phone). So such
a search travels in a POST body (never a URL, which access logs keep), is counted per user
against GONGHUI_PII_SEARCHES_PER_HOUR, and every one is audited with the number masked.
The audit log is the counter: its events are the searches already made.
"""

from __future__ import annotations

import re
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone

from gonghui.core import pii
from gonghui.core.actors import Actor
from gonghui.core.audit import audit_count_since, audit_record
from gonghui.core.models import AuditEvent

ID_LIKE = re.compile(r"^\d{15}$|^\d{17}[\dXx]$")
PHONE_LIKE = re.compile(r"^(\+?86)?1\d{10}$")
ACTION = "pii.search"  # its label is registered with the core's actions (audit.py)

GET_REFUSED = "按完整身份证号或手机号查询，请在搜索框中输入后点击“查询”（不要把号码放在网址里）。"


def pii_query_kind(text: str) -> str:
    """ "id_number" or "phone" when the text is a full number of that kind, else ""."""
    compact = re.sub(r"[\s-]", "", text)
    if ID_LIKE.match(compact):
        return "id_number"
    if PHONE_LIKE.match(compact):
        return "phone"
    return ""


def _masked(kind: str, text: str) -> str:
    try:
        if kind == "id_number":
            return pii.mask_id_number(pii.normalize_id_number(text))
        return pii.mask_phone(pii.normalize_phone(text))
    except ValidationError:
        return "（号码无效）"


def pii_search_allow(*, actor: Actor, kind: str, text: str, where: str) -> None:
    """Count and audit one search by a full number; ValidationError (code
    ``pii_search_limited``) once the user has made the hour's allowance."""
    label = "身份证号" if kind == "id_number" else "手机号"
    limit = settings.GONGHUI_PII_SEARCHES_PER_HOUR
    since = timezone.now() - timedelta(hours=1)
    if audit_count_since(actor=actor, action=ACTION, since=since) >= limit:
        audit_record(
            actor=actor,
            action=ACTION,
            outcome=AuditEvent.Outcome.DENIED,
            summary=f"{where}：按完整{label}查询 {_masked(kind, text)}，超过每小时 {limit} 次，已拒绝",
        )
        raise ValidationError(
            f"按完整身份证号或手机号查询过于频繁（每小时最多 {limit} 次），请稍后再试。"
            "如需批量核对，请使用名册导出或导入校验。",
            code="pii_search_limited",
        )
    audit_record(
        actor=actor, action=ACTION, summary=f"{where}：按完整{label}查询 {_masked(kind, text)}"
    )
