"""The activity sheet (活动台账): one row per activity of any kind; the common columns, then
every kind's own. A row is keyed by its union, kind, name and date, so importing the same
file again creates nothing, and a row repeated in one file is refused on the later row."""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from pathlib import Path
from typing import Any

from gonghui.activities.kinds import kind_get, kinds
from gonghui.activities.models import Activity
from gonghui.activities.permissions import require_edit
from gonghui.activities.selectors import enterprises_in_area
from gonghui.activities.services import MAX_ATTENDANCE, activity_problems
from gonghui.core import pii
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
from gonghui.core.sheets.parsers import choice, parse_date, text, whole_number
from gonghui.core.sheets.registry import SheetEntry, register_sheet
from gonghui.orgs.models import Enterprise, Union

# Which column a problem of activity_problems is reported under.
HEADERS = {
    "held_on": "活动日期",
    "attendance": "参与人次",
    "enterprise": "统一社会信用代码",
    "union": "组织工会",
}


def _columns() -> tuple[Column, ...]:
    declared = kinds().values()
    common = (
        Column(
            "kind",
            "类型",
            choice([(k.key, k.label) for k in declared]),
            required=True,
            width=14,
            note="、".join(k.label for k in declared),
        ),
        Column("title", "活动名称", text(128), synonyms=("名称",), required=True, width=28),
        Column("held_on", "活动日期", parse_date, synonyms=("日期",), required=True, width=12),
        Column("union", "组织工会", text(128), width=24, note="工会代码或全称，空白为导入工会"),
        Column("uscc", "统一社会信用代码", pii.normalize_uscc, width=22, note="在企业开展的填写"),
        Column("site", "地点", text(128), width=20),
        Column("attendance", "参与人次", whole_number(0, MAX_ATTENDANCE), default=0, width=10),
        Column("speakers", "主讲人", text(200), width=16),
    )
    extra = tuple(
        Column(f"extra_{f.key}", f.header, f.parse, width=12) for k in declared for f in k.extra
    )
    return common + extra


class ActivitySheet(Sheet):
    name = "activities"
    title = "活动台账"
    columns = _columns()
    key_column = "title"

    def __init__(self, *, actor: Actor, union: Union) -> None:
        self.actor = actor
        self.union = union
        self._unions: dict[str, Union] | None = None
        self._enterprises: dict[str, Enterprise] | None = None

    def key(self, values: dict[str, Any]) -> Hashable:
        union = values.get("union")
        return (getattr(union, "pk", union), values["kind"], values["title"], values["held_on"])

    def unions_by_ref(self) -> dict[str, Union]:
        if self._unions is None:
            table: dict[str, Union] = {}
            for u in Union.objects.filter(path__startswith=self.union.path).only(
                "id", "code", "name", "path", "established_on"
            ):
                table[u.code] = u
                table.setdefault(u.name, u)
            self._unions = table
        return self._unions

    def enterprises_by_uscc(self) -> dict[str, Enterprise]:
        # Read once per import: a query per row would be one per activity.
        if self._enterprises is None:
            self._enterprises = {
                e.uscc: e
                for e in enterprises_in_area(actor=self.actor, union=self.union).only(
                    "id", "uscc", "name", "is_above_scale", "is_reform_pilot"
                )
            }
        return self._enterprises

    def check(self, values: dict[str, Any]) -> None:
        errors: list[RowError] = []
        ref = values.get("union")
        union: Union | None = self.union
        if ref and ref is not INVALID:
            union = self.unions_by_ref().get(ref)
            if union is None:
                errors.append(RowError("组织工会", f"组织工会：在{self.union.name}下找不到“{ref}”"))
        values["union"] = union
        enterprise = None
        uscc = values.get("uscc")
        if uscc and uscc is not INVALID:
            enterprise = self.enterprises_by_uscc().get(uscc)
            if enterprise is None:
                errors.append(
                    RowError(
                        "统一社会信用代码",
                        f"统一社会信用代码：{self.union.name}的企业名录中没有 {uscc}",
                    )
                )
        values["enterprise"] = enterprise
        kind = kind_get(values["kind"]) if values["kind"] is not INVALID else None
        if kind is not None and union is not None:
            # A cell that failed to parse is reported already: its rules are not asked again.
            failed = {k for k in ("held_on", "attendance") if values[k] is INVALID}
            extra = {f.key: values.get(f"extra_{f.key}") for f in kind.extra}
            failed |= {k for k, v in extra.items() if v is INVALID}
            if uscc is INVALID or (uscc and enterprise is None):
                failed.add("enterprise")
            for field, message in activity_problems(
                kind=kind,
                union=union,
                held_on=values["held_on"] if "held_on" not in failed else None,
                enterprise=enterprise,
                attendance=values["attendance"] or 0 if "attendance" not in failed else 0,
                extra={k: v for k, v in extra.items() if k not in failed},
            ):
                if field in failed:
                    continue
                header = HEADERS.get(field) or next(
                    (f.header for f in kind.extra if f.key == field), field
                )
                errors.append(RowError(header, f"{header}：{message}"))
        if errors:
            raise RowErrors(errors)

    def apply(self, batch: list[ParsedRow], *, write: bool) -> BatchOutcome:
        outcome = BatchOutcome()
        keys = [
            (row.values["union"].pk, row.values["kind"], row.values["title"], row.values["held_on"])
            for row in batch
        ]
        existing = set(
            Activity.objects.filter(
                union_id__in={k[0] for k in keys}, title__in={k[2] for k in keys}
            ).values_list("union_id", "kind", "title", "held_on")
        )
        new = []
        for row, key in zip(batch, keys, strict=True):
            if key in existing:
                outcome.unchanged += 1
                continue
            v = row.values
            kind = kind_get(v["kind"])
            extra = {
                f.key: v.get(f"extra_{f.key}")
                for f in (kind.extra if kind else ())
                if v.get(f"extra_{f.key}") not in (None, "")
            }
            new.append(
                Activity(
                    union=v["union"],
                    kind=v["kind"],
                    title=v["title"],
                    held_on=v["held_on"],
                    enterprise=v["enterprise"],
                    site=v["site"] or "",
                    attendance=v["attendance"] or 0,
                    speakers=v["speakers"] or "",
                    extra=extra,
                )
            )
        outcome.created = len(new)
        if write:
            Activity.objects.bulk_create(new, batch_size=1000)
        return outcome

    def export_rows(self) -> Iterable[list[Any]]:
        labels = {k.key: k.label for k in kinds().values()}
        extras = [f for k in kinds().values() for f in k.extra]
        rows = (
            Activity.objects.visible_to(self.actor)
            .filter(union__path__startswith=self.union.path)
            .select_related("union", "enterprise")
            .order_by("id")
        )
        for a in rows.iterator(chunk_size=5000):
            yield [
                labels.get(a.kind, a.kind),
                a.title,
                a.held_on,
                a.union.code,
                a.enterprise.uscc if a.enterprise else "",
                a.site,
                a.attendance,
                a.speakers,
                *[a.extra.get(f.key, "") for f in extras],
            ]


def activity_import(
    *, actor: Actor, union: Union, path: Path, dry_run: bool, progress: Progress | None = None
) -> ImportReport:
    """Import an activity ledger into ``union``'s subtree: all rows or none."""
    require_edit(actor, union)
    audit = ImportAudit(
        actor=actor, union=union, action="activities.activity.import", title=ActivitySheet.title
    )
    return run_import(
        ActivitySheet(actor=actor, union=union),
        path,
        dry_run=dry_run,
        progress=progress,
        audit=audit,
    )


def activity_export(*, actor: Actor, union: Union, path: Path, reveal: bool = False) -> int:
    sheet = ActivitySheet(actor=actor, union=union)
    count = write_export(sheet, path, sheet.export_rows())
    audit_record(
        actor=actor,
        action="activities.activity.export",
        union=union,
        summary=f"导出{union.name}活动台账 {count} 条",
    )
    return count


register_sheet(
    SheetEntry(
        name="activities",
        title=ActivitySheet.title,
        sheet=ActivitySheet,
        import_path="gonghui.activities.sheets.activities.activity_import",
        export_path="gonghui.activities.sheets.activities.activity_export",
    )
)
