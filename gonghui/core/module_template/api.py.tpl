"""%%title%% in the API, read within the caller's scope."""

from __future__ import annotations

from datetime import date

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.pagination import paginate

from %%package%% import selectors
from gonghui.core.middleware import request_actor
from gonghui.core.pagination import BoundedLimitOffset

router = Router(tags=["%%title%%"])


class %%Entity%%Out(Schema):
    id: int
    name: str
    held_on: date
    union_code: str

    @staticmethod
    def resolve_union_code(obj: object) -> str:
        return str(obj.union.code)  # type: ignore[attr-defined]


@router.get("/%%app%%", response=list[%%Entity%%Out])
@paginate(BoundedLimitOffset)
def list_%%entity%%(request: HttpRequest):
    """%%title%% in the caller's scope, newest first."""
    return selectors.%%entity%%_list(actor=request_actor(request))
