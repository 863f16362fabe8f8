"""Every write of 服务阵地: the rules of a site (coordinates in the city, the township in the
importing union's subtree, a declared kind and facilities, hours that parse, closing after
opening), shared by the page and the sheet; one transaction; audited."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from gonghui.core.actors import Actor, user_of
from gonghui.core.attachments import attachments_check, attachments_store, files_delete
from gonghui.core.audit import audit_record
from gonghui.core.problems import problems_raise
from gonghui.orgs.models import Union
from gonghui.sites.geo import GCJ02, WGS84, city_box, to_gcj02
from gonghui.sites.models import (
    Facility,
    Inspection,
    InspectionPhoto,
    Site,
    SiteKind,
    SitePhoto,
    SiteVisitors,
    checklist_of,
)
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
    problems_raise(problems)
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


# --- photos -----------------------------------------------------------------------------------


def site_photos_add(*, actor: Actor, site: Site, photos: Sequence[UploadedFile]) -> int:
    """Add photos of a site (JPEG or PNG by content, within the size limit): all or none."""
    require_edit(actor, site.union)
    if not photos:
        raise ValidationError({"photos": ["请选择照片"]})
    checked, problems = attachments_check(
        photos, images_only=True, most=MAX_PHOTOS, already=site.photos.count()
    )
    if problems:
        raise ValidationError({"photos": problems})
    written: list[str] = []
    try:
        with transaction.atomic():
            attachments_store(SitePhoto, checked, written, site=site)
            audit_record(
                actor=actor,
                action="sites.site.photos",
                obj=site,
                union=site.union,
                summary=f"为“{site.name}”上传照片 {len(checked)} 张",
            )
    except BaseException:
        files_delete(written)
        raise
    return len(checked)


# --- inspections ------------------------------------------------------------------------------

MAX_PHOTOS = 9


def inspection_record(
    *,
    actor: Actor,
    site: Site,
    inspected_on: date,
    inspector: str,
    results: dict[str, bool],
    note: str = "",
    photos: Sequence[UploadedFile] = (),
) -> Inspection:
    """Record a check of ``site``: every checklist item passed or failed (each must be
    answered, no other), on a day between its opening and today; every problem at once."""
    require_edit(actor, site.union)
    items = checklist_of(site)
    problems: list[tuple[str, str]] = []
    if inspected_on > timezone.localdate():
        problems.append(("inspected_on", "检查日期不能晚于今天"))
    if inspected_on < site.opened_on:
        problems.append(("inspected_on", f"检查日期不能早于启用日期（{site.opened_on:%Y-%m-%d}）"))
    if not inspector.strip():
        problems.append(("inspector", "请填写检查人"))
    unknown = [item for item in results if item not in items]
    if unknown:
        problems.append(("results", f"检查清单中没有：{'、'.join(unknown)}"))
    if not items:
        problems.append(("results", "该站点没有登记设施，无可检查项，请先补全设施"))
    checked, photo_problems = attachments_check(photos, images_only=True, most=MAX_PHOTOS)
    problems += [("photos", m) for m in photo_problems]
    problems_raise(problems)
    # An item not ticked is an item that failed: the form sends only the ticked ones.
    answers = {item: bool(results.get(item, False)) for item in items}
    written: list[str] = []
    try:
        with transaction.atomic():
            inspection = Inspection.objects.create(
                site=site,
                inspected_on=inspected_on,
                inspector=inspector.strip()[:50],
                results=answers,
                passed=all(answers.values()),
                note=note.strip(),
                created_by=user_of(actor),
            )
            attachments_store(InspectionPhoto, checked, written, inspection=inspection)
            failed = [i for i, ok in answers.items() if not ok]
            audit_record(
                actor=actor,
                action="sites.inspection.create",
                obj=inspection,
                union=site.union,
                summary=f"检查“{site.name}”：{'全部合格' if not failed else '不合格项 ' + '、'.join(failed)}",
            )
    except BaseException:
        files_delete(written)
        raise
    return inspection


# --- visitors ---------------------------------------------------------------------------------

MAX_VISITORS = 100_000


def visitors_record(*, actor: Actor, site: Site, day: date, count: int) -> SiteVisitors:
    """The number of people ``site`` served on ``day``; a second entry for the day replaces
    the first (the keeper corrects a count)."""
    require_edit(actor, site.union)
    problems: list[tuple[str, str]] = []
    if day > timezone.localdate():
        problems.append(("day", "日期不能晚于今天"))
    if day < site.opened_on or (site.closed_on is not None and day >= site.closed_on):
        problems.append(("day", "这一天站点未开放"))
    if not 0 <= count <= MAX_VISITORS:
        problems.append(("count", f"服务人次应在 0 至 {MAX_VISITORS} 之间"))
    problems_raise(problems)
    with transaction.atomic():
        row, created = SiteVisitors.objects.update_or_create(
            site=site, day=day, defaults={"count": count, "recorded_by": user_of(actor)}
        )
        audit_record(
            actor=actor,
            action="sites.visitors.record",
            obj=site,
            union=site.union,
            summary=f"“{site.name}”{day:%Y-%m-%d}服务 {count} 人次{'' if created else '（更正）'}",
        )
    return row


# --- facilities a union adds -------------------------------------------------------------------


def facility_add(*, actor: Actor, union: Union, name: str) -> Facility:
    """A facility the sites of ``union``'s subtree may list besides the standard ones (a
    county adds 母婴室, 雨具…)."""
    require_edit(actor, union)
    name = name.strip()
    if not name or len(name) > 16:
        raise ValidationError({"name": ["设施名称应为 1 至 16 个字"]})
    if name in facilities_for(union):
        raise ValidationError({"name": [f"“{name}”已经是可选设施"]})
    with transaction.atomic():
        facility = Facility.objects.create(name=name, union=union)
        audit_record(
            actor=actor,
            action="sites.facility.create",
            obj=facility,
            union=union,
            summary=f"{union.name}增加设施“{name}”",
        )
    return facility
