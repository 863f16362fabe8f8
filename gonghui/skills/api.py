"""技能提升 in the API, read within the caller's scope."""

from __future__ import annotations

from datetime import date

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.pagination import paginate

from gonghui.core.middleware import request_actor
from gonghui.core.pagination import BoundedLimitOffset
from gonghui.skills import selectors

router = Router(tags=["技能提升"])


class CompetitionOut(Schema):
    id: int
    code: str
    name: str
    trade: str
    chain: str
    held_on: date
    union_code: str
    entries: int
    published: bool

    @staticmethod
    def resolve_union_code(obj: object) -> str:
        return str(obj.union.code)  # type: ignore[attr-defined]

    @staticmethod
    def resolve_entries(obj: object) -> int:
        return int(obj.entry_count)  # type: ignore[attr-defined]

    @staticmethod
    def resolve_published(obj: object) -> bool:
        return obj.published_at is not None  # type: ignore[attr-defined]


@router.get("/skills/competitions", response=list[CompetitionOut])
@paginate(BoundedLimitOffset)
def list_competitions(request: HttpRequest):
    """技能竞赛 in the caller's scope, newest first."""
    return selectors.competition_list(actor=request_actor(request))
