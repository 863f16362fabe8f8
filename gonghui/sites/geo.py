"""Coordinates: the two systems Chinese sites come in, the conversion between them, the
city's bounding box, and great-circle distance.

Chinese map tools (高德, 腾讯, 百度's own aside) give GCJ-02; GPS receivers and most open data
give WGS-84. Sites keep the coordinates as given and, beside them, their GCJ-02 position,
which the map, the nearest-site search and the distances use.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.conf import settings

# The mean Earth radius (IUGG), in metres.
EARTH_RADIUS_M = 6_371_008.8

GCJ02 = "gcj02"
WGS84 = "wgs84"
SYSTEMS = ((GCJ02, "GCJ-02"), (WGS84, "WGS-84"))

# The Krasovsky 1940 ellipsoid the GCJ-02 offset is computed on.
_A = 6378245.0
_EE = 0.00669342162296594323


def _offset(lng: float, lat: float) -> tuple[float, float]:
    x, y = lng - 105.0, lat - 35.0
    d_lat = (
        -100.0
        + 2.0 * x
        + 3.0 * y
        + 0.2 * y * y
        + 0.1 * x * y
        + 0.2 * math.sqrt(abs(x))
        + (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
        + (20.0 * math.sin(y * math.pi) + 40.0 * math.sin(y / 3.0 * math.pi)) * 2.0 / 3.0
        + (160.0 * math.sin(y / 12.0 * math.pi) + 320 * math.sin(y * math.pi / 30.0)) * 2.0 / 3.0
    )
    d_lng = (
        300.0
        + x
        + 2.0 * y
        + 0.1 * x * x
        + 0.1 * x * y
        + 0.1 * math.sqrt(abs(x))
        + (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
        + (20.0 * math.sin(x * math.pi) + 40.0 * math.sin(x / 3.0 * math.pi)) * 2.0 / 3.0
        + (150.0 * math.sin(x / 12.0 * math.pi) + 300.0 * math.sin(x / 30.0 * math.pi)) * 2.0 / 3.0
    )
    rad = lat / 180.0 * math.pi
    magic = 1 - _EE * math.sin(rad) ** 2
    sqrt_magic = math.sqrt(magic)
    d_lat = (d_lat * 180.0) / ((_A * (1 - _EE)) / (magic * sqrt_magic) * math.pi)
    d_lng = (d_lng * 180.0) / (_A / sqrt_magic * math.cos(rad) * math.pi)
    return d_lng, d_lat


def wgs84_to_gcj02(lng: float, lat: float) -> tuple[float, float]:
    d_lng, d_lat = _offset(lng, lat)
    return lng + d_lng, lat + d_lat


def gcj02_to_wgs84(lng: float, lat: float) -> tuple[float, float]:
    """The inverse, by iteration (the offset has no closed inverse): within a centimetre."""
    w_lng, w_lat = lng, lat
    for _ in range(10):
        g_lng, g_lat = wgs84_to_gcj02(w_lng, w_lat)
        w_lng, w_lat = w_lng - (g_lng - lng), w_lat - (g_lat - lat)
    return w_lng, w_lat


def to_gcj02(lng: float, lat: float, system: str) -> tuple[float, float]:
    return wgs84_to_gcj02(lng, lat) if system == WGS84 else (lng, lat)


def haversine_m(lng1: float, lat1: float, lng2: float, lat2: float) -> float:
    """Great-circle distance in metres on a sphere of the mean Earth radius."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    d_lat = p2 - p1
    d_lng = math.radians(lng2 - lng1)
    h = math.sin(d_lat / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(d_lng / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))


@dataclass(frozen=True)
class Box:
    west: float
    south: float
    east: float
    north: float

    def holds(self, lng: float, lat: float) -> bool:
        return self.west <= lng <= self.east and self.south <= lat <= self.north


def city_box() -> Box:
    """The city's bounding box (GONGHUI_CITY_BBOX: west,south,east,north, in GCJ-02)."""
    west, south, east, north = (float(v) for v in settings.GONGHUI_CITY_BBOX.split(","))
    return Box(west, south, east, north)


def box_around(lng: float, lat: float, radius_m: float) -> Box:
    """A box holding every point within ``radius_m`` of the point (a little more)."""
    d_lat = math.degrees(radius_m / EARTH_RADIUS_M)
    # Near the poles a longitude degree shrinks to nothing: the box is then every longitude.
    cos_lat = math.cos(math.radians(min(abs(lat) + d_lat, 89.9)))
    d_lng = math.degrees(radius_m / (EARTH_RADIUS_M * cos_lat))
    return Box(lng - d_lng, lat - d_lat, lng + d_lng, lat + d_lat)


def visitor_point(
    lng: str | None, lat: str | None, system: str | None
) -> tuple[tuple[float, float] | None, str]:
    """The GCJ-02 point a browser reported (``system`` "wgs84" for a phone's GPS), or None
    with why it cannot be used: no position given (no reason), or one outside the city."""
    try:
        x, y = float(lng or ""), float(lat or "")
    except ValueError:
        return None, ""
    point = to_gcj02(x, y, WGS84 if system == WGS84 else GCJ02)
    if not city_box().holds(*point):
        return None, "您的位置不在本市范围内。"
    return point, ""
