"""服务阵地 in the API: the sites of the caller's scope, and the nearest open sites to a point
(for the workers' portal)."""

from __future__ import annotations

from datetime import date

from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.pagination import paginate

from gonghui.core.middleware import request_actor
from gonghui.core.pagination import BoundedLimitOffset
from gonghui.sites import selectors

router = Router(tags=["服务阵地"])


class SiteOut(Schema):
    id: int
    code: str
    name: str
    kind: str
    union_code: str
    gcj_lng: float
    gcj_lat: float
    hours: str
    opened_on: date
    closed_on: date | None

    @staticmethod
    def resolve_union_code(obj: object) -> str:
        return str(obj.union.code)  # type: ignore[attr-defined]


class NearestIn(Schema):
    lng: float
    lat: float
    kind: str | None = None
    limit: int = 5


class NearbyOut(Schema):
    code: str
    name: str
    kind: str
    distance_m: int


@router.get("/sites", response=list[SiteOut])
@paginate(BoundedLimitOffset)
def list_site(request: HttpRequest):
    """服务阵地 in the caller's scope, newest first."""
    return selectors.site_list(actor=request_actor(request))


@router.get("/sites/nearest", response=list[NearbyOut])
def nearest_sites(request: HttpRequest, query: Query[NearestIn]) -> list[NearbyOut]:
    """The open sites of the caller's scope nearest a GCJ-02 point (at most 50)."""
    found = selectors.sites_nearest(
        lng=query.lng,
        lat=query.lat,
        kind=query.kind,
        limit=max(1, min(query.limit, 50)),
        scope=request_actor(request),
    )
    return [
        NearbyOut(code=n.code, name=n.name, kind=n.kind, distance_m=round(n.distance_m))
        for n in found
    ]
