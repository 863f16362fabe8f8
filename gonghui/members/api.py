from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Router, Schema
from ninja.errors import HttpError

from gonghui.core.middleware import request_actor
from gonghui.core.pii_search import pii_query_kind, pii_search_allow
from gonghui.members import selectors
from gonghui.members.models import Member
from gonghui.orgs.selectors import union_asked

router = Router(tags=["会员管理"])


class MemberOut(Schema):
    """A member as every API client sees it: ID number and phone masked."""

    id: int
    name: str
    id_number: str
    sex: str
    phone: str
    union_code: str
    union_name: str
    employment_form: str
    occupation: str
    skill_grade: int | None
    join_date: date
    status: str

    @staticmethod
    def resolve_id_number(obj: Member) -> str:
        return str(obj.id_masked)

    @staticmethod
    def resolve_phone(obj: Member) -> str:
        return str(obj.phone_masked)

    @staticmethod
    def resolve_union_code(obj: Member) -> str:
        return str(obj.union.code)

    @staticmethod
    def resolve_union_name(obj: Member) -> str:
        return str(obj.union.name)


class MemberPage(Schema):
    items: list[MemberOut]
    next_before: int | None


@router.get("/members", response=MemberPage)
def list_members(request: HttpRequest, union: str = "", q: str = "", before: int | None = None):
    """Members of a union's subtree, newest first; pass ``next_before`` back for the next
    page. ``q`` searches by name; a full ID number or phone goes to POST /members/search."""
    if pii_query_kind(q):
        raise HttpError(400, "按完整身份证号或手机号查询请使用 POST /api/v1/members/search。")
    actor = request_actor(request)
    scope = union_asked(actor=actor, code=union)
    if scope is None:
        return {"items": [], "next_before": None}
    items, next_before = selectors.member_page(actor=actor, union=scope, text=q, before=before)
    return {"items": items, "next_before": next_before}


class MemberSearchIn(Schema):
    q: str
    union: str = ""


@router.post("/members/search", response=MemberPage)
def search_members(request: HttpRequest, body: MemberSearchIn):
    """Members by a full ID number or phone (or a name), in the body rather than the URL;
    a search by a full number is counted per user and audited."""
    actor = request_actor(request)
    kind = pii_query_kind(body.q)
    if kind:
        try:
            pii_search_allow(actor=actor, kind=kind, text=body.q, where="接口")
        except ValidationError as exc:
            raise HttpError(429, exc.messages[0]) from exc
    scope = union_asked(actor=actor, code=body.union)
    if scope is None:
        return {"items": [], "next_before": None}
    items, _ = selectors.member_page(actor=actor, union=scope, text=body.q[:50])
    return {"items": items, "next_before": None}


@router.get("/members/{member_id}", response=MemberOut)
def get_member(request: HttpRequest, member_id: int):
    return selectors.access_member(actor=request_actor(request), member_id=member_id)
