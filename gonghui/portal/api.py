"""The member card's check for other systems (a gate, a service counter): the same as the
verification page, the member masked."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from ninja import Router, Schema
from ninja.errors import HttpError

from gonghui.core.middleware import request_actor
from gonghui.portal.services.card import card_verify

router = Router(tags=["会员管理"])


class CardCheckOut(Schema):
    name_masked: str
    id_masked: str
    union_name: str
    join_date: date
    member_no: str


@router.get("/members/card/verify", response=CardCheckOut)
def verify_card(request: HttpRequest, t: str):
    """Check a scanned member card (``t``: the token in the card's QR code). 400 with the
    reason when it is expired, forged or the member has left; every check is audited."""
    try:
        return card_verify(actor=request_actor(request), token=t)
    except ValidationError as exc:
        raise HttpError(400, exc.messages[0]) from exc
    except PermissionDenied as exc:
        raise HttpError(403, str(exc)) from exc
