"""The electronic member card: a QR code holding a signed, expiring token that names the
member row by its number only (no name, no ID number), and its verification by staff.

The QR code is the verification page's address with the token, so any phone's camera
opens it for a signed-in staff user; the page (and the API) shows the member masked."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError

from gonghui.core.actors import Actor
from gonghui.core.audit import audit_record
from gonghui.core.roles import READERS
from gonghui.members.models import Member

SALT = "gonghui.portal.card"
EXPIRED = "电子会员卡已过期，请职工刷新会员卡后重新出示。"
FORGED = "这不是有效的电子会员卡。"
NOT_ACTIVE = "该会员已退会，会员卡无效。"


def card_token(member: Member) -> str:
    """A token for ``member``'s card, accepted for GONGHUI_PORTAL_CARD_MINUTES."""
    return signing.dumps({"m": member.pk}, salt=SALT, compress=True)


@dataclass(frozen=True)
class CardCheck:
    """What a staff user sees on scanning a card: never a full name or number."""

    name_masked: str
    id_masked: str
    union_name: str
    join_date: date
    member_no: str


def member_no(member: Member) -> str:
    """The number printed on the card: the member row's number, zero-padded."""
    return f"HZ{member.pk:010d}"


def card_verify(*, actor: Actor, token: str) -> CardCheck:
    """Check a scanned card: signed by this server, not expired, an active member. Staff
    of any union may verify any card (membership is proved to whoever asks); every check,
    passed or not, is audited."""
    from gonghui.core import pii

    if getattr(actor, "role", "") not in READERS:
        raise PermissionDenied("只有工会工作人员可以核验会员卡。")
    max_age = settings.GONGHUI_PORTAL_CARD_MINUTES * 60
    try:
        payload = signing.loads(token.strip(), salt=SALT, max_age=max_age)
    except signing.SignatureExpired as exc:
        audit_record(
            actor=actor, action="portal.card.verify", summary="会员卡已过期", outcome="denied"
        )
        raise ValidationError(EXPIRED, code="expired") from exc
    except signing.BadSignature as exc:
        audit_record(
            actor=actor, action="portal.card.verify", summary="会员卡无效", outcome="denied"
        )
        raise ValidationError(FORGED, code="forged") from exc
    number = payload.get("m") if isinstance(payload, dict) else None
    member = (
        Member.objects.select_related("union").filter(pk=number).first()
        if isinstance(number, int)
        else None
    )
    if member is None or member.status != Member.Status.ACTIVE:
        audit_record(actor=actor, action="portal.card.verify", summary=NOT_ACTIVE, outcome="denied")
        raise ValidationError(NOT_ACTIVE, code="not_active")
    audit_record(
        actor=actor,
        action="portal.card.verify",
        obj=member,
        summary=f"核验会员卡：{member.id_masked}",
    )
    return CardCheck(
        name_masked=pii.mask_name(member.name),
        id_masked=member.id_masked,
        union_name=member.union.name,
        join_date=member.join_date,
        member_no=member_no(member),
    )
