"""Every read of 服务阵地, inside the actor's scope."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from gonghui.core.actors import Actor
from gonghui.core.scoping import access
from gonghui.sites.geo import box_around, haversine_m
from gonghui.sites.models import Site

PAGE = 50


def site_list(*, actor: Actor) -> QuerySet[Site]:
    return Site.objects.visible_to(actor).select_related("union").order_by("-id")


def site_page(
    *, actor: Actor, kind: str = "", before: int | None = None, size: int = PAGE
) -> tuple[list[Site], int | None]:
    """One page, newest first, by keyset on the id (no COUNT over the table); the id to
    continue before, or None on the last page."""
    rows = site_list(actor=actor)
    if kind:
        rows = rows.filter(kind=kind)
    if before:
        rows = rows.filter(id__lt=before)
    found = list(rows[: size + 1])
    return found[:size], (found[size - 1].pk if len(found) > size else None)


def access_site(*, actor: Actor, site_id: int) -> Site:
    """One site in the actor's scope, or 404."""
    return access(Site.objects.select_related("union"), actor=actor, pk=site_id)


@dataclass(frozen=True)
class Nearby:
    code: str
    name: str
    kind: str
    distance_m: float


# The first box searched; each miss doubles it, up to the whole of a city.
FIRST_RADIUS_M = 2_000.0
LAST_RADIUS_M = 256_000.0


def sites_nearest(
    *,
    lng: float,
    lat: float,
    kind: str | None = None,
    limit: int = 5,
    scope: Any = None,
    day: date | None = None,
) -> list[Nearby]:
    """The open sites nearest the GCJ-02 point, nearest first, ties by code.

    The database narrows by a box around the point (on the position index); only those are
    measured. The box grows until it holds ``limit`` sites whose distance is within its
    radius: a site outside the box is farther than the radius, so none can be nearer than
    those found. ``scope`` (a user or union) keeps the sites of a subtree; the public map
    passes None (every open site)."""
    day = day or timezone.localdate()
    sites = Site.objects.open_on(day)
    if scope is not None:
        sites = sites.visible_to(scope)
    if kind:
        sites = sites.filter(kind=kind)
    radius = FIRST_RADIUS_M
    while True:
        box = box_around(lng, lat, radius)
        rows = sites.filter(
            gcj_lat__gte=box.south,
            gcj_lat__lte=box.north,
            gcj_lng__gte=box.west,
            gcj_lng__lte=box.east,
        ).values_list("code", "name", "kind", "gcj_lng", "gcj_lat")
        measured = sorted(
            (
                Nearby(code, name, k, haversine_m(lng, lat, s_lng, s_lat))
                for code, name, k, s_lng, s_lat in rows
            ),
            key=lambda n: (n.distance_m, n.code),
        )
        within = [n for n in measured if n.distance_m <= radius]
        if len(within) >= limit or radius >= LAST_RADIUS_M:
            break
        radius *= 2
    if len(within) < limit and radius >= LAST_RADIUS_M:
        # Farther than any box: the few sites left anywhere, measured all.
        rows = sites.values_list("code", "name", "kind", "gcj_lng", "gcj_lat")
        within = sorted(
            (
                Nearby(code, name, k, haversine_m(lng, lat, s_lng, s_lat))
                for code, name, k, s_lng, s_lat in rows
            ),
            key=lambda n: (n.distance_m, n.code),
        )
    return within[:limit]
