"""活动台账 in the API, read within the caller's scope."""

from __future__ import annotations

from datetime import date

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.pagination import paginate

from gonghui.activities import selectors
from gonghui.core.middleware import request_actor
from gonghui.core.pagination import BoundedLimitOffset

router = Router(tags=["活动台账"])


class ActivityOut(Schema):
    id: int
    kind: str
    title: str
    held_on: date
    attendance: int
    union_code: str

    @staticmethod
    def resolve_union_code(obj: object) -> str:
        return str(obj.union.code)  # type: ignore[attr-defined]


@router.get("/activities", response=list[ActivityOut])
@paginate(BoundedLimitOffset)
def list_activity(request: HttpRequest):
    """活动台账 in the caller's scope, newest first."""
    return selectors.activity_list(actor=request_actor(request))
