"""走访慰问 (the ``care-visits`` sheet): one row per visit by the import's union. A row is
keyed by person and day, so importing the same file again creates nothing; each visit is
saved with its 暖心慰问 delivery."""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import transaction

from gonghui.care.models import CareVisit, Delivery, VisitCampaign
from gonghui.care.permissions import require_edit
from gonghui.care.services.visits import Visit, visit_deliveries, visit_problems, visit_row
from gonghui.care.sheets.common import problem_cells
from gonghui.core import pii
from gonghui.core.actors import Actor
from gonghui.core.sheets import (
    INVALID,
    BatchOutcome,
    Column,
    ImportReport,
    ParsedRow,
    RowError,
    Sheet,
    run_import,
)
from gonghui.core.sheets.engine import ImportAudit, Progress
from gonghui.core.sheets.parsers import money, past_date, text, yes_no
from gonghui.core.sheets.registry import SheetEntry, register_sheet
from gonghui.core.sheets.writer import exporter
from gonghui.members.people import people_find
from gonghui.members.sheets import ID_NUMBER_COLUMN, NAME_COLUMN
from gonghui.orgs.models import Union

COLUMNS = (
    NAME_COLUMN,
    ID_NUMBER_COLUMN,
    Column("on", "走访日期", past_date, required=True, width=12),
    Column(
        "campaign", "活动名称", text(128), width=24, note="本工会或上级工会的走访慰问活动；可不填"
    ),
    Column("household", "入户慰问家庭", yes_no, width=10, note="是/否，不填为否"),
    Column("visitors", "走访人员", text(128), width=20),
    Column("cash", "慰问金", money, synonyms=("慰问金（元）",), width=10, note="元"),
    Column("goods_value", "慰问品价值", money, synonyms=("慰问品价值（元）",), width=10, note="元"),
    Column("goods", "慰问品", text(128), width=20),
    Column("note", "备注", text(255), width=24),
)


class VisitSheet(Sheet):
    name = "care-visits"
    title = "走访慰问"
    columns = COLUMNS
    key_column = "id_number"

    def __init__(self, *, actor: Actor, union: Union) -> None:
        self.actor = actor
        self.union = union
        self.campaigns = {
            c.name: c for c in VisitCampaign.objects.applying_to(union).select_related("union")
        }

    def key(self, values: dict[str, Any]) -> Hashable:
        return (values["id_number"], values["on"])

    def check(self, values: dict[str, Any]) -> None:
        ref = values["campaign"]
        if not ref or ref is INVALID:
            values["campaign"] = None
            return
        campaign = self.campaigns.get(ref)
        if campaign is None:
            raise RowError("活动名称", f"活动名称：本工会和上级工会没有“{ref}”活动")
        values["campaign"] = campaign

    def apply(self, batch: list[ParsedRow], *, write: bool) -> BatchOutcome:
        outcome = BatchOutcome()
        hashes = pii.id_indexer().digest_many([r.values["id_number"] for r in batch])
        people = people_find(hashes)
        done = set(
            CareVisit.objects.filter(union=self.union, person_hash__in=hashes).values_list(
                "person_hash", "on"
            )
        )
        new: list[CareVisit] = []
        for row, id_hash in zip(batch, hashes, strict=True):
            v = row.values
            visit = Visit(
                campaign=v["campaign"],
                household=bool(v["household"]),
                visitors=v["visitors"] or "",
                cash=v["cash"] or Decimal(0),
                goods_value=v["goods_value"] or Decimal(0),
                goods=v["goods"] or "",
                note=v["note"] or "",
            )
            person = people.get(id_hash)
            problems = visit_problems(
                person=person, union=self.union, name=v["name"], on=v["on"], visit=visit
            )
            if problems:
                outcome.errors += problem_cells(self, row.number, problems)
                continue
            assert person is not None
            if (id_hash, v["on"]) in done:
                outcome.unchanged += 1
                continue
            new.append(
                visit_row(
                    person=person, union=self.union, on=v["on"], visit=visit, actor=self.actor
                )
            )
        outcome.created = len(new)
        if write and new:
            with transaction.atomic():
                saved = CareVisit.objects.bulk_create(new, batch_size=1000)
                Delivery.objects.bulk_create(
                    visit_deliveries(saved, people, self.actor), batch_size=1000
                )
        return outcome

    def export_rows(self) -> Iterable[list[Any]]:
        rows = (
            CareVisit.objects.visible_to(self.actor)
            .filter(union__path__startswith=self.union.path)
            .order_by("id")
            .values_list(
                "person_name",
                "person_masked",
                "on",
                "campaign__name",
                "household",
                "visitors",
                "cash",
                "goods_value",
                "goods",
                "note",
            )
        )
        for name, masked, on, campaign, household, *rest in rows.iterator(chunk_size=5000):
            yield [name, masked, on, campaign or "", "是" if household else "否", *rest]


def visit_import(
    *, actor: Actor, union: Union, path: Path, dry_run: bool, progress: Progress | None = None
) -> ImportReport:
    require_edit(actor, union)
    audit = ImportAudit(
        actor=actor, union=union, action="care.visit.import", title=VisitSheet.title
    )
    return run_import(
        VisitSheet(actor=actor, union=union), path, dry_run=dry_run, progress=progress, audit=audit
    )


visit_export = exporter(VisitSheet, "care.visit.export")

register_sheet(
    SheetEntry(
        name="care-visits",
        title=VisitSheet.title,
        sheet=VisitSheet,
        import_path="gonghui.care.sheets.visits.visit_import",
        export_path="gonghui.care.sheets.visits.visit_export",
    )
)
