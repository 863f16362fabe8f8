"""Every read of 服务阵地, inside the actor's scope."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone

from gonghui.core.actors import Actor
from gonghui.core.pagination import keyset_page
from gonghui.core.scoping import access
from gonghui.sites.geo import box_around, haversine_m
from gonghui.sites.models import (
    Inspection,
    InspectionPhoto,
    Site,
    SiteKind,
    SitePhoto,
    SiteVisitors,
)

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
    return keyset_page(rows, before=before, size=size)


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


# --- inspections and the board ------------------------------------------------------------------


def site_inspections(*, site: Site) -> QuerySet[Inspection]:
    return (
        Inspection.objects.filter(site=site)
        .prefetch_related("photos")
        .order_by("-inspected_on", "-id")
    )


def access_inspection_photo(*, actor: Actor, photo_id: int) -> InspectionPhoto:
    return access(InspectionPhoto.objects.all(), actor=actor, pk=photo_id)


def last_inspections(sites: QuerySet[Site], day: date) -> Any:
    """``sites`` with ``last_on`` (the last inspection on or before ``day``) and
    ``last_passed`` (whether it passed every item)."""
    latest = Inspection.objects.filter(site=OuterRef("pk"), inspected_on__lte=day).order_by(
        "-inspected_on", "-id"
    )
    return sites.annotate(
        last_on=Subquery(latest.values("inspected_on")[:1]),
        last_passed=Subquery(latest.values("passed")[:1]),
    )


@dataclass
class SiteBoardRow:
    union: Any
    open: int = 0
    flagged: int = 0
    failed: int = 0
    stale: int = 0  # never inspected, or not for too long

    @property
    def light(self) -> str:
        if self.failed:
            return "red"
        return "yellow" if self.stale else "green"


def site_board(*, actor: Actor, union: Any, day: date | None = None) -> list[SiteBoardRow]:
    """Per child of ``union`` (and the union itself): its open sites, how many failed their
    last inspection and how many are not inspected recently; one query."""
    from gonghui.core.indicators.registry import Tree

    day = day or timezone.localdate()
    tree = Tree.of(union)
    own = SiteBoardRow(union)
    rows = {child.code: SiteBoardRow(child) for child in tree.children}
    sites = last_inspections(
        Site.objects.visible_to(actor).open_on(day).filter(union__path__startswith=union.path),
        day,
    ).values_list("union_id", "last_on", "last_passed")
    limit = day - timedelta(days=settings.GONGHUI_SITE_INSPECTION_DAYS)
    for union_id, last_on, last_passed in sites.iterator(chunk_size=5000):
        code = tree.child_of.get(union_id)
        row = rows[code] if code is not None else own
        row.open += 1
        if last_passed is False:
            row.failed += 1
        elif last_on is None or last_on < limit:
            row.stale += 1
        row.flagged = row.failed + row.stale
    order = {"red": 0, "yellow": 1, "green": 2}
    return [own, *sorted(rows.values(), key=lambda r: (order[r.light], r.union.code))]


# --- the map ----------------------------------------------------------------------------------

MAP_POINTS = 5000
MAP_LIST = 100
STATES = (("open", "开放"), ("closed", "未开放或停用"), ("all", "全部"))


@dataclass
class MapFilters:
    union: Any
    kind: str = ""
    facility: str = ""
    state: str = "open"


def map_filters(*, actor: Actor, params: Any) -> MapFilters:
    from gonghui.orgs.selectors import union_of_page

    union = union_of_page(actor=actor, code=params.get("union") or None)
    kind = params.get("kind", "")
    state = params.get("state", "open")
    return MapFilters(
        union=union,
        kind=kind if kind in SiteKind.values else "",
        facility=str(params.get("facility", ""))[:32],
        state=state if state in dict(STATES) else "open",
    )


def map_sites(*, actor: Actor, filters: MapFilters, day: date | None = None) -> QuerySet[Site]:
    day = day or timezone.localdate()
    sites = Site.objects.visible_to(actor).filter(union__path__startswith=filters.union.path)
    if filters.state == "open":
        sites = sites.open_on(day)
    elif filters.state == "closed":
        sites = sites.exclude(pk__in=Site.objects.open_on(day).values("pk"))
    if filters.kind:
        sites = sites.filter(kind=filters.kind)
    if filters.facility:
        sites = sites.filter(facilities__name=filters.facility)
    return sites.select_related("union").order_by("code")


def map_points(*, actor: Actor, filters: MapFilters) -> list[dict[str, Any]]:
    """The filtered sites as the map draws them (at most MAP_POINTS)."""
    labels = dict(SiteKind.choices)
    return [
        {
            "id": pk,
            "code": code,
            "name": name,
            "kind": kind,
            "kind_label": labels.get(kind, kind),
            "value": [lng, lat],
        }
        for pk, code, name, kind, lng, lat in map_sites(actor=actor, filters=filters).values_list(
            "pk", "code", "name", "kind", "gcj_lng", "gcj_lat"
        )[:MAP_POINTS]
    ]


def facility_names(*, union: Any) -> list[str]:
    from gonghui.sites.services import facilities_for

    return list(facilities_for(union))


# --- the public station map ----------------------------------------------------------------

PUBLIC_SIZE = 50


@dataclass
class PublicStation:
    site: Site
    facilities: list[str]
    distance_m: int | None = None

    @property
    def distance_text(self) -> str:
        """850 米, 1.2 公里: as a person reads a distance."""
        if self.distance_m is None:
            return ""
        if self.distance_m < 1000:
            return f"{self.distance_m} 米"
        return f"{self.distance_m / 1000:.1f} 公里"


def public_stations(
    *,
    kind: str = SiteKind.OUTDOOR_STATION,
    township: Any = None,
    near: tuple[float, float] | None = None,
    limit: int = 10,
) -> list[PublicStation]:
    """Open sites for anyone (no login): near a GCJ-02 point, or of a township, or the
    first of all by code. Only what a station shows at its door: name, address, hours,
    facilities; nothing of who keeps it."""
    today = timezone.localdate()
    distances: dict[str, int] = {}
    if near is not None:
        found = sites_nearest(lng=near[0], lat=near[1], kind=kind, limit=limit, day=today)
        distances = {n.code: round(n.distance_m) for n in found}
        rows = list(
            Site.objects.filter(code__in=distances)
            .prefetch_related("facilities")
            .only("id", "code", "name", "kind", "address", "hours", "gcj_lng", "gcj_lat")
        )
        rows.sort(key=lambda s: (distances[s.code], s.code))
    else:
        sites = Site.objects.open_on(today).filter(kind=kind)
        if township is not None:
            sites = sites.filter(union=township)
        rows = list(
            sites.prefetch_related("facilities")
            .only("id", "code", "name", "kind", "address", "hours", "gcj_lng", "gcj_lat")
            .order_by("code")[:PUBLIC_SIZE]
        )
    return [
        PublicStation(s, [f.name for f in s.facilities.all()], distances.get(s.code)) for s in rows
    ]


def public_townships() -> list[Any]:
    """The townships with an open station, for the public page's chooser."""
    from gonghui.orgs.models import Union

    today = timezone.localdate()
    ids = Site.objects.open_on(today).values("union_id")
    return list(Union.objects.filter(pk__in=ids).only("id", "code", "name").order_by("code"))


def site_visitor_days(*, site: Site, days: int = 14) -> list[SiteVisitors]:
    """The latest days with a visitor count."""
    return list(SiteVisitors.objects.filter(site=site).order_by("-day")[:days])


def access_site_photo(*, actor: Actor, photo_id: int) -> SitePhoto:
    return access(SitePhoto.objects.all(), actor=actor, pk=photo_id)


def townships_of(*, actor: Actor, union: Any) -> list[Any]:
    """The townships of ``union``'s subtree a site may stand in (itself, if a township)."""
    from gonghui.orgs.models import Union

    return list(
        Union.objects.visible_to(actor)
        .filter(path__startswith=union.path, level=Union.Level.TOWNSHIP)
        .order_by("code")
    )


def facility_rows(*, union: Any) -> list[Any]:
    """The facilities of ``union``'s sites: the standard ones, then those added above or by it."""
    from gonghui.sites.services import facilities_for

    return sorted(facilities_for(union).values(), key=lambda f: (f.union_id is not None, f.pk))
