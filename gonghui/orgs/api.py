from __future__ import annotations

from datetime import date

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.pagination import paginate

from gonghui.core.api import BoundedLimitOffset
from gonghui.orgs import selectors

router = Router(tags=["组织建设"])


class UnionOut(Schema):
    code: str
    name: str
    level: str
    kind: str
    depth: int
    established_on: date | None
    grassroots_count: int


@router.get("/unions", response=list[UnionOut])
@paginate(BoundedLimitOffset)
def list_unions(request: HttpRequest):
    return selectors.unions_visible(actor=request.user)


@router.get("/unions/{union_code}", response=UnionOut)
def get_union(request: HttpRequest, union_code: str):
    return selectors.access_union(actor=request.user, code=union_code)


@router.get("/unions/{union_code}/children", response=list[UnionOut])
def list_union_children(request: HttpRequest, union_code: str):
    union = selectors.access_union(actor=request.user, code=union_code)
    return selectors.union_children(actor=request.user, union=union)
