"""The enterprise sheet (企业名录): import, template and export from one declaration."""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from pathlib import Path
from typing import Any

from gonghui.core import pii
from gonghui.core.actors import Actor
from gonghui.core.audit import audit_record
from gonghui.core.sheets import (
    INVALID,
    BatchOutcome,
    CellError,
    Column,
    ImportReport,
    ParsedRow,
    RowError,
    Sheet,
    run_import,
    write_export,
)
from gonghui.core.sheets.engine import ImportAudit, Progress
from gonghui.core.sheets.parsers import text, whole_number, yes_no
from gonghui.core.sheets.registry import SheetEntry, register_sheet
from gonghui.orgs.formation import formation_tasks_open
from gonghui.orgs.models import Enterprise, Region, Union

FLAGS = (
    "is_above_scale",
    "is_reform_pilot",
    "is_platform_lead",
)

COLUMNS = (
    Column(
        "name",
        "企业名称",
        text(128, 2),
        synonyms=("单位名称", "企业（单位）名称"),
        required=True,
        width=32,
    ),
    Column(
        "uscc",
        "统一社会信用代码",
        pii.normalize_uscc,
        synonyms=("信用代码", "社会信用代码"),
        required=True,
        width=22,
    ),
    Column(
        "township",
        "所在乡镇（街道）",
        text(64),
        synonyms=("乡镇（街道）", "所在乡镇", "乡镇街道"),
        required=True,
        width=16,
        note="乡镇（街道）名称或区划代码",
    ),
    Column("industry", "行业", text(64), width=14),
    Column(
        "employee_count",
        "职工人数",
        whole_number(0, 1_000_000),
        synonyms=("职工数", "从业人数"),
        width=10,
    ),
    Column("is_above_scale", "规上企业", yes_no, width=10),
    Column("is_reform_pilot", "产改试点企业", yes_no, width=12),
    Column("is_platform_lead", "新业态头部企业", yes_no, width=14),
    Column("union", "覆盖工会", text(128), width=28, note="已建会的填工会代码或全称"),
)


class EnterpriseSheet(Sheet):
    name = "enterprises"
    title = "企业名录"
    columns = COLUMNS
    key_column = "uscc"

    def __init__(self, *, actor: Actor, union: Union) -> None:
        self.actor = actor
        self.union = union
        self.scope = actor
        townships = Union.objects.filter(
            path__startswith=union.path, level=Union.Level.TOWNSHIP, region__isnull=False
        ).select_related("region")
        self.township_by_ref: dict[str, Union] = {}
        for township in townships:
            region: Region = township.region
            self.township_by_ref[region.code] = township
            self.township_by_ref[region.name] = township
            self.township_by_ref[township.name] = township
        self._unions: dict[str, Union] | None = None

    def key(self, values: dict[str, Any]) -> Hashable:
        return values["uscc"]

    def unions_by_ref(self) -> dict[str, Union]:
        if self._unions is None:
            table: dict[str, Union] = {}
            for u in Union.objects.filter(
                path__startswith=self.union.path, level=Union.Level.GRASSROOTS
            ).only("id", "code", "name", "path"):
                table[u.code] = u
                table.setdefault(u.name, u)
            self._unions = table
        return self._unions

    def check(self, values: dict[str, Any]) -> None:
        if values["township"] is INVALID or values["township"] is None:
            return
        township = self.township_by_ref.get(values["township"])
        if township is None:
            raise RowError(
                "所在乡镇（街道）",
                f"所在乡镇（街道）：在{self.union.name}的辖区内找不到“{values['township']}”",
            )
        values["township"] = township
        ref = values["union"]
        if ref and ref is not INVALID:
            union = self.unions_by_ref().get(ref)
            if union is None or not union.path.startswith(township.path):
                raise RowError("覆盖工会", f"覆盖工会：在{township.name}下找不到基层工会“{ref}”")
            values["union"] = union

    def apply(self, batch: list[ParsedRow], *, write: bool) -> BatchOutcome:
        outcome = BatchOutcome()
        existing = {
            e.uscc: e
            for e in Enterprise.objects.filter(
                uscc__in=[row.values["uscc"] for row in batch]
            ).select_related("owner_union")
        }
        to_create: list[Enterprise] = []
        to_update: list[Enterprise] = []
        for row in batch:
            v = row.values
            township: Union = v["township"]
            union: Union | None = v["union"] or None
            fields: dict[str, Any] = {
                "name": v["name"],
                "region_id": township.region_id,
                "industry": v["industry"],
                "employee_count": v["employee_count"],
                **{flag: v[flag] for flag in FLAGS},
            }
            enterprise = existing.get(v["uscc"])
            if enterprise is None:
                to_create.append(
                    Enterprise(
                        uscc=v["uscc"],
                        union=union,
                        owner_union=union or township,
                        **{
                            k: (val if val is not None else _default(k))
                            for k, val in fields.items()
                        },
                    )
                )
                continue
            if not enterprise.owner_union.path.startswith(self.union.path):
                outcome.errors.append(
                    CellError(
                        row.number,
                        "统一社会信用代码",
                        "统一社会信用代码：该企业已登记在其他地区，请联系上级工会",
                    )
                )
                continue
            changed = False
            for key, value in fields.items():
                if value is not None and getattr(enterprise, key) != value:
                    setattr(enterprise, key, value)
                    changed = True
            if union is not None and enterprise.union_id != union.pk:
                enterprise.union = union
                enterprise.owner_union = union
                changed = True
            if changed:
                to_update.append(enterprise)
            else:
                outcome.unchanged += 1
        outcome.created, outcome.updated = len(to_create), len(to_update)
        if write:
            Enterprise.objects.bulk_create(to_create, batch_size=1000)
            if to_update:
                Enterprise.objects.bulk_update(
                    to_update,
                    [
                        "name",
                        "region",
                        "industry",
                        "employee_count",
                        *FLAGS,
                        "union",
                        "owner_union",
                    ],
                    batch_size=1000,
                )
            touched = [e.uscc for e in to_create] + [e.uscc for e in to_update]
            formation_tasks_open(enterprises=Enterprise.objects.filter(uscc__in=touched))
        return outcome

    def export_rows(self, *, reveal: bool = False) -> Iterable[list[Any]]:
        rows = (
            Enterprise.objects.visible_to(self.scope)
            .filter(owner_union__path__startswith=self.union.path)
            .order_by("id")
            .values_list(
                "name", "uscc", "region__name", "industry", "employee_count", *FLAGS, "union__name"
            )
        )
        for name, uscc, township, industry, count, *rest in rows.iterator(chunk_size=5000):
            *flags, union_name = rest
            yield [name, uscc, township, industry, count, *flags, union_name or ""]


def _default(field: str) -> Any:
    return {"industry": "", "employee_count": 0}.get(field, False)


# The sheet's import and export, as the pages, jobs and commands run them.
def enterprise_import(
    *, actor: Actor, union: Union, path: Path, dry_run: bool, progress: Progress | None = None
) -> ImportReport:
    """Import an enterprise register into ``union``'s area; opens 应建未建 tasks as needed."""
    audit = ImportAudit(
        actor=actor, union=union, action="enterprise.import", title=EnterpriseSheet.title
    )
    return run_import(
        EnterpriseSheet(actor=actor, union=union),
        path,
        dry_run=dry_run,
        progress=progress,
        audit=audit,
    )


def enterprise_export(*, actor: Actor, union: Union, path: Path, reveal: bool = False) -> int:
    sheet = EnterpriseSheet(actor=actor, union=union)
    count = write_export(sheet, path, sheet.export_rows())
    audit_record(
        actor=actor,
        action="enterprise.export",
        union=union,
        summary=f"导出{union.name}企业名录 {count} 家",
    )
    return count


register_sheet(
    SheetEntry(
        name="enterprises",
        title=EnterpriseSheet.title,
        sheet=EnterpriseSheet,
        import_path="gonghui.orgs.sheets.enterprise_import",
        export_path="gonghui.orgs.sheets.enterprise_export",
    )
)
