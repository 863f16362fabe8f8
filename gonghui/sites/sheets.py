"""The sites sheet (服务阵地): one row per site, keyed by its 站点编号, so importing the same
file again creates nothing (a known code is left as it is)."""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError

from gonghui.core.actors import Actor
from gonghui.core.audit import audit_record
from gonghui.core.sheets import (
    INVALID,
    BatchOutcome,
    Column,
    ImportReport,
    ParsedRow,
    RowError,
    Sheet,
    run_import,
    write_export,
)
from gonghui.core.sheets.engine import ImportAudit, Progress, RowErrors
from gonghui.core.sheets.parsers import choice, parse_date, text
from gonghui.core.sheets.registry import SheetEntry, register_sheet
from gonghui.orgs.models import Union
from gonghui.sites.geo import GCJ02, SYSTEMS, WGS84
from gonghui.sites.models import Facility, Site, SiteKind
from gonghui.sites.permissions import require_edit
from gonghui.sites.services import (
    SiteFields,
    facilities_for,
    facilities_parse,
    hours_parse,
    site_build,
    site_problems,
)

HEADERS = {
    "union": "所在乡镇（街道）",
    "kind": "类型",
    "system": "坐标系",
    "lng": "经度",
    "facilities": "设施",
    "closed_on": "停用日期",
}


def degrees(value: Any) -> Decimal:
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation as exc:
        raise ValidationError("应为十进制度数，如 120.093451", code="degrees") from exc
    if not number.is_finite():
        raise ValidationError("应为十进制度数，如 120.093451", code="degrees")
    return number.quantize(Decimal("0.000001"))


def hours(value: Any) -> str:
    try:
        return hours_parse(value)
    except ValueError as exc:
        raise ValidationError(str(exc).removeprefix("开放时间"), code="hours") from exc


COLUMNS = (
    Column("code", "站点编号", text(32), required=True, width=14),
    Column("name", "站点名称", text(128), required=True, width=28),
    Column(
        "kind",
        "类型",
        choice(SiteKind.choices),
        required=True,
        width=18,
        note="、".join(SiteKind.labels),
    ),
    Column(
        "township", "所在乡镇（街道）", text(64), required=True, width=16, note="名称或区划代码"
    ),
    Column("address", "地址", text(200), width=30),
    Column("lng", "经度", degrees, required=True, width=12),
    Column("lat", "纬度", degrees, required=True, width=12),
    Column(
        "system",
        "坐标系",
        choice(SYSTEMS, ("GCJ02", GCJ02), ("WGS84", WGS84), ("火星坐标", GCJ02), ("GPS", WGS84)),
        default=GCJ02,
        width=10,
        note="空白为 GCJ-02（高德、腾讯地图）",
    ),
    Column("hours", "开放时间", hours, width=18, note="如 08:00-20:00 或 全天"),
    Column("facilities", "设施", text(300), width=30, note="用、分隔"),
    Column("opened_on", "启用日期", parse_date, required=True, width=12),
    Column("closed_on", "停用日期", parse_date, width=12),
)


class SiteSheet(Sheet):
    name = "sites"
    title = "服务阵地"
    columns = COLUMNS
    key_column = "code"

    def __init__(self, *, actor: Actor, union: Union) -> None:
        self.actor = actor
        self.union = union
        self._townships: dict[str, list[Union]] | None = None
        self._facilities: dict[int, dict[str, Facility]] = {}

    def key(self, values: dict[str, Any]) -> Hashable:
        return values["code"]

    def townships(self) -> dict[str, list[Union]]:
        if self._townships is None:
            table: dict[str, list[Union]] = {}
            for u in Union.objects.filter(
                path__startswith=self.union.path, level=Union.Level.TOWNSHIP
            ).only("id", "code", "name", "path"):
                table.setdefault(u.code, []).append(u)
                table.setdefault(u.name, []).append(u)
                table.setdefault(u.name.removesuffix("工会"), []).append(u)
            self._townships = table
        return self._townships

    def facilities(self, union: Union) -> dict[str, Facility]:
        if union.pk not in self._facilities:
            self._facilities[union.pk] = facilities_for(union)
        return self._facilities[union.pk]

    def check(self, values: dict[str, Any]) -> None:
        errors: list[RowError] = []
        ref = values.get("township")
        found = self.townships().get(ref, []) if ref and ref is not INVALID else []
        if ref and ref is not INVALID and len(found) != 1:
            why = "有重名，请填写区划代码" if found else f"不在{self.union.name}的范围内"
            errors.append(RowError("所在乡镇（街道）", f"所在乡镇（街道）：“{ref}”{why}"))
        values["union"] = found[0] if len(found) == 1 else None
        values["facility_names"] = facilities_parse(values.get("facilities") or "")
        failed = {
            k
            for k in ("kind", "lng", "lat", "system", "opened_on", "closed_on")
            if values.get(k) is INVALID
        }
        if values["union"] is not None and not failed & {
            "kind",
            "lng",
            "lat",
            "system",
            "opened_on",
        }:
            fields = SiteFields(
                code=values["code"],
                name=values["name"],
                kind=values["kind"],
                union=values["union"],
                address=values.get("address") or "",
                lng=values["lng"],
                lat=values["lat"],
                system=values["system"],
                hours=values.get("hours") or "",
                facilities=values["facility_names"],
                opened_on=values["opened_on"],
                closed_on=values.get("closed_on") if "closed_on" not in failed else None,
            )
            values["fields"] = fields
            for field, message in site_problems(
                fields, known=self.facilities(values["union"]), importing=self.union
            ):
                header = HEADERS.get(field, field)
                errors.append(RowError(header, f"{header}：{message}"))
        if errors:
            raise RowErrors(errors)

    def apply(self, batch: list[ParsedRow], *, write: bool) -> BatchOutcome:
        outcome = BatchOutcome()
        codes = [row.values["code"] for row in batch]
        existing = set(Site.objects.filter(code__in=codes).values_list("code", flat=True))
        new = [row for row in batch if row.values["code"] not in existing]
        outcome.created, outcome.unchanged = len(new), len(batch) - len(new)
        if write and new:
            sites = Site.objects.bulk_create(
                [site_build(row.values["fields"], actor=self.actor) for row in new],
                batch_size=1000,
            )
            links = [
                Site.facilities.through(site_id=site.pk, facility_id=facility.pk)
                for site, row in zip(sites, new, strict=True)
                for facility in (
                    self.facilities(row.values["union"])[name]
                    for name in row.values["facility_names"]
                )
            ]
            Site.facilities.through.objects.bulk_create(links, batch_size=2000)
        return outcome

    def export_rows(self) -> Iterable[list[Any]]:
        rows = (
            Site.objects.visible_to(self.actor)
            .filter(union__path__startswith=self.union.path)
            .select_related("union")
            .prefetch_related("facilities")
            .order_by("code")
        )
        labels = dict(SiteKind.choices)
        systems = dict(SYSTEMS)
        for s in rows.iterator(chunk_size=2000):
            yield [
                s.code,
                s.name,
                labels.get(s.kind, s.kind),
                s.union.code,
                s.address,
                s.lng,
                s.lat,
                systems.get(s.system, s.system),
                s.hours,
                "、".join(f.name for f in s.facilities.all()),
                s.opened_on,
                s.closed_on,
            ]


def site_import(
    *, actor: Actor, union: Union, path: Path, dry_run: bool, progress: Progress | None = None
) -> ImportReport:
    """Import sites into ``union``'s subtree: all rows or none."""
    require_edit(actor, union)
    audit = ImportAudit(actor=actor, union=union, action="sites.site.import", title=SiteSheet.title)
    return run_import(
        SiteSheet(actor=actor, union=union), path, dry_run=dry_run, progress=progress, audit=audit
    )


def site_export(*, actor: Actor, union: Union, path: Path, reveal: bool = False) -> int:
    sheet = SiteSheet(actor=actor, union=union)
    count = write_export(sheet, path, sheet.export_rows())
    audit_record(
        actor=actor,
        action="sites.site.export",
        union=union,
        summary=f"导出{union.name}服务阵地 {count} 个",
    )
    return count


register_sheet(
    SheetEntry(
        name="sites",
        title=SiteSheet.title,
        sheet=SiteSheet,
        import_path="gonghui.sites.sheets.site_import",
        export_path="gonghui.sites.sheets.site_export",
    )
)
