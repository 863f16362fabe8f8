"""服务记录 (the ``service-deliveries`` sheet): who received which item, when, where, how
much. The import's union is the delivering union; a row is keyed by person, item, day and
reference, so importing the same file again creates nothing."""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from decimal import Decimal
from pathlib import Path
from typing import Any

from gonghui.care.models import Delivery, ServiceItem, Source
from gonghui.care.permissions import require_edit
from gonghui.care.services.deliveries import (
    Served,
    delivery_problems,
    delivery_row,
    items_by_ref,
)
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
from gonghui.core.sheets.parsers import money, number_of, past_date, text, yes_no
from gonghui.core.sheets.registry import SheetEntry, register_sheet
from gonghui.core.sheets.writer import exporter
from gonghui.members.people import people_find
from gonghui.members.sheets import ID_NUMBER_COLUMN, NAME_COLUMN
from gonghui.orgs.models import Union


def quantity(value: Any) -> Decimal:
    from django.core.exceptions import ValidationError

    amount = number_of(value)
    if amount is None or amount <= 0 or amount != amount.quantize(Decimal("0.1")):
        raise ValidationError("须为大于0的数，最多一位小数")
    return amount


COLUMNS = (
    NAME_COLUMN,
    ID_NUMBER_COLUMN,
    Column("item", "服务项目", text(64), required=True, width=14, note="项目名称或代码"),
    Column("on", "服务日期", past_date, required=True, width=12),
    Column("quantity", "数量", quantity, width=8, note="不填为1（人次、元或天，按项目的计量单位）"),
    Column("cost", "费用", money, synonyms=("费用（元）", "金额"), width=12, note="元；不填为0"),
    Column("place", "服务地点", text(128), width=24),
    Column("enterprise_uscc", "服务企业统一社会信用代码", pii.normalize_uscc, width=22),
    Column(
        "reference", "业务编号", text(64), width=16, note="同一人同日同项目多次服务时填写以区分"
    ),
    Column("frontline", "一线职工", yes_no, width=8, note="是/否，不填为否（一线职工免费体检等）"),
)


class DeliverySheet(Sheet):
    name = "service-deliveries"
    title = "服务记录"
    columns = COLUMNS
    key_column = "id_number"

    def __init__(self, *, actor: Actor, union: Union) -> None:
        self.actor = actor
        self.union = union
        self.items = items_by_ref(union)

    def key(self, values: dict[str, Any]) -> Hashable:
        return (values["id_number"], values["item"], values["on"], values["reference"] or "")

    def check(self, values: dict[str, Any]) -> None:
        ref = values["item"]
        if ref is INVALID:
            return
        item = self.items.get(ref)
        if item is None:
            raise RowError("服务项目", f"服务项目：没有“{ref}”这一项目（请用服务项目目录中的名称）")
        values["item"] = item

    def apply(self, batch: list[ParsedRow], *, write: bool) -> BatchOutcome:
        outcome = BatchOutcome()
        indexer = pii.id_indexer()
        hashes = indexer.digest_many([r.values["id_number"] for r in batch])
        people = people_find(hashes)
        existing = set(
            Delivery.objects.filter(union=self.union, person_hash__in=hashes).values_list(
                "person_hash", "item_id", "on", "reference"
            )
        )
        new: list[Delivery] = []
        for row, id_hash in zip(batch, hashes, strict=True):
            v = row.values
            item: ServiceItem = v["item"]
            served = Served(
                quantity=v["quantity"] or Decimal(1),
                cost=v["cost"] or Decimal(0),
                place=v["place"] or "",
                enterprise_uscc=v["enterprise_uscc"] or "",
                reference=v["reference"] or "",
                frontline=bool(v["frontline"]),
            )
            person = people.get(id_hash)
            problems = delivery_problems(
                item=item,
                person=person,
                union=self.union,
                name=v["name"],
                on=v["on"],
                quantity=served.quantity,
                cost=served.cost,
            )
            if problems:
                outcome.errors += problem_cells(self, row.number, problems)
                continue
            assert person is not None
            if (id_hash, item.pk, v["on"], served.reference) in existing:
                outcome.unchanged += 1
                continue
            new.append(
                delivery_row(
                    item=item,
                    person=person,
                    union=self.union,
                    on=v["on"],
                    served=served,
                    source=Source.IMPORT,
                    actor=self.actor,
                )
            )
        outcome.created = len(new)
        if write:
            Delivery.objects.bulk_create(new, batch_size=1000)
        return outcome

    def export_rows(self) -> Iterable[list[Any]]:
        rows = (
            Delivery.objects.visible_to(self.actor)
            .filter(union__path__startswith=self.union.path)
            .order_by("id")
            .values_list(
                "person_name",
                "person_masked",
                "item__name",
                "on",
                "quantity",
                "cost",
                "place",
                "enterprise_uscc",
                "reference",
                "frontline",
            )
        )
        for *row, frontline in rows.iterator(chunk_size=5000):
            yield [*row, "是" if frontline else "否"]


def delivery_import(
    *, actor: Actor, union: Union, path: Path, dry_run: bool, progress: Progress | None = None
) -> ImportReport:
    require_edit(actor, union)
    audit = ImportAudit(
        actor=actor, union=union, action="care.delivery.import", title=DeliverySheet.title
    )
    return run_import(
        DeliverySheet(actor=actor, union=union),
        path,
        dry_run=dry_run,
        progress=progress,
        audit=audit,
    )


delivery_export = exporter(DeliverySheet, "care.delivery.export")


register_sheet(
    SheetEntry(
        name="service-deliveries",
        title=DeliverySheet.title,
        sheet=DeliverySheet,
        import_path="gonghui.care.sheets.deliveries.delivery_import",
        export_path="gonghui.care.sheets.deliveries.delivery_export",
    )
)
