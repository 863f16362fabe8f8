from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.pagination import paginate

from gonghui.core.middleware import request_actor
from gonghui.core.pagination import BoundedLimitOffset
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
    return selectors.unions_visible(actor=request_actor(request))


@router.get("/unions/{union_code}", response=UnionOut)
def get_union(request: HttpRequest, union_code: str):
    return selectors.access_union(actor=request_actor(request), code=union_code)


@router.get("/unions/{union_code}/children", response=list[UnionOut])
def list_union_children(request: HttpRequest, union_code: str):
    union = selectors.access_union(actor=request_actor(request), code=union_code)
    return selectors.union_children(actor=request_actor(request), union=union)


class EnterpriseOut(Schema):
    id: int
    name: str
    uscc: str
    region_code: str
    industry: str
    employee_count: int
    is_above_scale: bool
    is_platform_lead: bool
    union_code: str | None
    owner_union_code: str

    @staticmethod
    def resolve_region_code(obj: Any) -> str:
        return str(obj.region.code)

    @staticmethod
    def resolve_union_code(obj: Any) -> str | None:
        return obj.union.code if obj.union_id else None

    @staticmethod
    def resolve_owner_union_code(obj: Any) -> str:
        return str(obj.owner_union.code)


@router.get("/enterprises", response=list[EnterpriseOut])
@paginate(BoundedLimitOffset)
def list_enterprises(request: HttpRequest, union: str = "", text: str = ""):
    """Enterprises of a union's area (the actor's by default), by name or 统一社会信用代码."""
    actor = request_actor(request)
    scope = selectors.union_asked(actor=actor, code=union)
    return selectors.enterprises_of(actor=actor, union=scope, text=text[:50])


class FormationTaskOut(Schema):
    id: int
    enterprise_name: str
    enterprise_uscc: str
    employee_count: int
    township_union_code: str
    township_union_name: str
    status: str
    opened_on: date
    closed_on: date | None

    @staticmethod
    def resolve_enterprise_name(obj: Any) -> str:
        return str(obj.enterprise.name)

    @staticmethod
    def resolve_enterprise_uscc(obj: Any) -> str:
        return str(obj.enterprise.uscc)

    @staticmethod
    def resolve_employee_count(obj: Any) -> int:
        return int(obj.enterprise.employee_count)

    @staticmethod
    def resolve_township_union_code(obj: Any) -> str:
        return str(obj.township_union.code)

    @staticmethod
    def resolve_township_union_name(obj: Any) -> str:
        return str(obj.township_union.name)


@router.get("/formation/tasks", response=list[FormationTaskOut])
@paginate(BoundedLimitOffset)
def list_formation_tasks(request: HttpRequest, union: str = "", status: str = "open"):
    """应建未建 tasks of a union's subtree: open (default) or closed."""
    actor = request_actor(request)
    scope = selectors.union_asked(actor=actor, code=union)
    if scope is None:
        return []
    return selectors.formation_tasks(actor=actor, union=scope, status=status[:16])
