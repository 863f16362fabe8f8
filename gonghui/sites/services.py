"""Every write of 服务阵地: the rules of a site (coordinates in the city, the township in the
importing union's subtree, a declared kind and facilities, hours that parse, closing after
opening), shared by the page and the sheet; one transaction; audited."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from gonghui.core.actors import Actor, user_of
from gonghui.core.audit import audit_record
from gonghui.orgs.models import Union
from gonghui.sites.geo import GCJ02, WGS84, city_box, to_gcj02
from gonghui.sites.models import Facility, Site, SiteKind
from gonghui.sites.permissions import require_edit

ALL_DAY = "00:00-24:00"
_TIME = r"([01]?\d|2[0-4])[:：]([0-5]\d)"
_RANGE = re.compile(rf"^(?P<days>[^\d]*?)\s*{_TIME}\s*[-－~～至到—]+\s*{_TIME}$")
HOURS_HELP = "应写作 08:00-20:00、周一至周五 08:00-18:00 或 全天"


def hours_parse(text: str) -> str:
    """Opening hours as a site lists them, tidied: "全天"/"24小时" read as 00:00-24:00, a
    range of two times (with days before it, if any). ValueError with the rule otherwise."""
    cleaned = re.sub(r"\s+", " ", str(text).strip())
    if not cleaned:
        return ""
    if cleaned in ("全天", "24小时", "24 小时", "全天24小时", "全天候"):
        return ALL_DAY
    parts = []
    for piece in re.split(r"[;；,，]", cleaned):
        match = _RANGE.match(piece.strip())
        if match is None:
            raise ValueError(f"开放时间“{cleaned}”看不懂，{HOURS_HELP}")
        h1, m1, h2, m2 = (int(g) for g in match.groups()[1:])
        if (h1, m1) >= (h2, m2) or h2 * 60 + m2 > 24 * 60:
            raise ValueError(f"开放时间“{piece.strip()}”的结束时间应晚于开始时间，且不超过 24:00")
        days = match.group("days").strip()
        parts.append(f"{days + ' ' if days else ''}{h1:02d}:{m1:02d}-{h2:02d}:{m2:02d}")
    return "；".join(parts)


def coordinates_problem(lng: Decimal | float, lat: Decimal | float, system: str) -> str | None:
    """Why these coordinates cannot be a site of the city (None: they can)."""
    box = city_box()
    g_lng, g_lat = to_gcj02(float(lng), float(lat), system)
    if box.holds(g_lng, g_lat):
        return None
    swapped = to_gcj02(float(lat), float(lng), system)
    if box.holds(*swapped):
        return "经度和纬度可能填反了：经度约为 119–121，纬度约为 30–31"
    return (
        f"坐标（{lng}, {lat}）不在本市范围内（经度 {box.west}–{box.east}，"
        f"纬度 {box.south}–{box.north}）"
    )


def facilities_for(union: Union) -> dict[str, Facility]:
    """The facilities a site of ``union``'s subtree may list: the standard ones and those
    added by its county or any union above the site."""
    ancestors = [union.path[:i] for i in range(Union.steplen, len(union.path) + 1, Union.steplen)]
    rows = Facility.objects.filter(union__isnull=True) | Facility.objects.filter(
        union__path__in=ancestors
    )
    return {f.name: f for f in rows}


def facilities_parse(text: str) -> list[str]:
    return [name.strip() for name in re.split(r"[、,，;；/\s]+", str(text)) if name.strip()]


@dataclass
class SiteFields:
    code: str
    name: str
    kind: str
    union: Union
    address: str
    lng: Decimal
    lat: Decimal
    system: str
    hours: str
    facilities: list[str]
    opened_on: date
    closed_on: date | None = None


def site_problems(
    fields: SiteFields, *, known: dict[str, Facility], importing: Union
) -> list[tuple[str, str]]:
    """What is wrong with a site, as (field, Chinese message) pairs."""
    problems: list[tuple[str, str]] = []
    if not fields.union.path.startswith(importing.path):
        problems.append(("union", f"“{fields.union.name}”不在{importing.name}的范围内"))
    if fields.kind not in SiteKind.values:
        problems.append(("kind", "类型不正确"))
    if fields.system not in (GCJ02, WGS84):
        problems.append(("system", "坐标系应为 GCJ-02 或 WGS-84"))
    else:
        problem = coordinates_problem(fields.lng, fields.lat, fields.system)
        if problem:
            problems.append(("lng", problem))
    unknown = [f for f in fields.facilities if f not in known]
    if unknown:
        problems.append(
            ("facilities", f"没有这些设施：{'、'.join(unknown)}（可选：{'、'.join(known)}）")
        )
    if fields.closed_on is not None and fields.closed_on < fields.opened_on:
        problems.append(("closed_on", "停用日期不能早于启用日期"))
    return problems


def site_create(*, actor: Actor, importing: Union, fields: SiteFields) -> Site:
    """Record one site (every problem at once)."""
    require_edit(actor, importing)
    known = facilities_for(fields.union)
    problems = site_problems(fields, known=known, importing=importing)
    if Site.objects.filter(code=fields.code).exists():
        problems.append(("code", f"站点编号 {fields.code} 已经使用"))
    if problems:
        errors: dict[str, list[str]] = {}
        for field, message in problems:
            errors.setdefault(field, []).append(message)
        raise ValidationError(errors)
    with transaction.atomic():
        site = site_build(fields, actor=actor)
        site.save()
        site.facilities.set([known[f] for f in fields.facilities])
        audit_record(
            actor=actor,
            action="sites.site.create",
            obj=site,
            union=site.union,
            summary=f"新建{site.get_kind_display()}“{site.name}”（{site.code}）",
        )
    return site


def site_build(fields: SiteFields, *, actor: Any = None) -> Site:
    g_lng, g_lat = to_gcj02(float(fields.lng), float(fields.lat), fields.system)
    return Site(
        code=fields.code,
        name=fields.name[:128],
        kind=fields.kind,
        union=fields.union,
        address=fields.address[:200],
        lng=fields.lng,
        lat=fields.lat,
        system=fields.system,
        gcj_lng=g_lng,
        gcj_lat=g_lat,
        hours=fields.hours,
        opened_on=fields.opened_on,
        closed_on=fields.closed_on,
        created_by=user_of(actor) if actor is not None else None,
    )
