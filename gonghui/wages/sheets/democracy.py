"""The sheets of democratic management: congress sessions (`congress-sessions`, keyed by
enterprise and day) and affairs disclosures (`disclosures`, keyed by enterprise, day and
subject). Importing the same file again creates nothing."""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from pathlib import Path
from typing import Any

from gonghui.core import pii
from gonghui.core.actors import Actor, user_of
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
)
from gonghui.core.sheets.engine import ImportAudit, Progress, RowErrors
from gonghui.core.sheets.parsers import choice, past_date, text, whole_number
from gonghui.core.sheets.registry import SheetEntry, register_sheet
from gonghui.core.sheets.writer import exporter
from gonghui.orgs.models import Enterprise, Union
from gonghui.wages.models import CongressSession, Disclosure, DisclosureChannel
from gonghui.wages.permissions import require_edit

USCC = Column("uscc", "统一社会信用代码", pii.normalize_uscc, required=True, width=22)


class _EnterpriseSheet(Sheet):
    """Rows about enterprises of the importing union's subtree that have a union."""

    model: Any
    date_field: str

    def __init__(self, *, actor: Actor, union: Union) -> None:
        self.actor = actor
        self.union = union

    def _enterprises(self, batch: list[ParsedRow]) -> dict[str, Enterprise]:
        return {
            e.uscc: e
            for e in Enterprise.objects.visible_to(self.actor)
            .filter(
                uscc__in={r.values["uscc"] for r in batch},
                owner_union__path__startswith=self.union.path,
            )
            .only("id", "uscc", "name", "union_id", "owner_union_id")
        }

    def _refused(self, row: ParsedRow, enterprise: Enterprise | None) -> CellError | None:
        if enterprise is None:
            return CellError(
                row.number,
                USCC.header,
                f"统一社会信用代码：{self.union.name}的企业名录中没有该企业",
            )
        if enterprise.union_id is None:
            return CellError(
                row.number, USCC.header, f"统一社会信用代码：“{enterprise.name}”尚未建立工会"
            )
        return None

    def existing(self, enterprises: dict[str, Enterprise]) -> set[Hashable]:
        raise NotImplementedError

    def build(self, row: ParsedRow, enterprise: Enterprise) -> Any:
        raise NotImplementedError

    def apply(self, batch: list[ParsedRow], *, write: bool) -> BatchOutcome:
        outcome = BatchOutcome()
        enterprises = self._enterprises(batch)
        existing = self.existing(enterprises)
        new: list[Any] = []
        for row in batch:
            enterprise = enterprises.get(row.values["uscc"])
            refused = self._refused(row, enterprise)
            if refused is not None:
                outcome.errors.append(refused)
                continue
            if self.key(row.values) in existing:
                outcome.unchanged += 1
                continue
            assert enterprise is not None
            new.append(self.build(row, enterprise))
        outcome.created = len(new)
        if write and not outcome.errors and new:
            self.model.objects.bulk_create(new, batch_size=2000)
        return outcome


class CongressSheet(_EnterpriseSheet):
    name = "congress-sessions"
    title = "职代会会议"
    model = CongressSession
    columns = (
        USCC,
        Column("held_on", "召开日期", past_date, required=True, width=12),
        Column("delegates", "应到代表", whole_number(1, 100_000), required=True, width=10),
        Column("attended", "实到代表", whole_number(0, 100_000), required=True, width=10),
        Column("resolutions", "决议事项", text(2000), width=40),
    )
    key_column = "held_on"

    def key(self, values: dict[str, Any]) -> Hashable:
        return (values["uscc"], values["held_on"])

    def check(self, values: dict[str, Any]) -> None:
        delegates, attended = values.get("delegates"), values.get("attended")
        if (
            delegates not in (None, INVALID)
            and attended not in (None, INVALID)
            and attended > delegates
        ):
            raise RowErrors([RowError("实到代表", "实到代表：不能多于应到代表")])

    def existing(self, enterprises: dict[str, Enterprise]) -> set[Hashable]:
        return set(
            CongressSession.objects.filter(enterprise__in=enterprises.values()).values_list(
                "enterprise__uscc", "held_on"
            )
        )

    def build(self, row: ParsedRow, enterprise: Enterprise) -> CongressSession:
        v = row.values
        return CongressSession(
            union_id=enterprise.union_id or enterprise.owner_union_id,
            enterprise=enterprise,
            held_on=v["held_on"],
            delegates=v["delegates"],
            attended=v["attended"],
            resolutions=v.get("resolutions") or "",
            created_by=user_of(self.actor),
        )

    def export_rows(self) -> Iterable[list[Any]]:
        rows = (
            CongressSession.objects.visible_to(self.actor)
            .filter(union__path__startswith=self.union.path)
            .select_related("enterprise")
            .order_by("held_on", "id")
        )
        for s in rows.iterator(chunk_size=5000):
            yield [s.enterprise.uscc, s.held_on, s.delegates, s.attended, s.resolutions]


class DisclosureSheet(_EnterpriseSheet):
    name = "disclosures"
    title = "厂务公开事项"
    model = Disclosure
    columns = (
        USCC,
        Column("disclosed_on", "公开日期", past_date, required=True, width=12),
        Column(
            "channel",
            "公开形式",
            choice(DisclosureChannel.choices, ("公开栏", "board"), ("微信群", "online")),
            default=DisclosureChannel.BOARD,
            width=16,
            note="厂务公开栏、职代会、职工大会或座谈会、企业内网或微信群、其他；空白为厂务公开栏",
        ),
        Column("subject", "公开事项", text(200, 2), required=True, width=36),
    )
    key_column = "subject"

    def key(self, values: dict[str, Any]) -> Hashable:
        return (values["uscc"], values["disclosed_on"], values["subject"])

    def existing(self, enterprises: dict[str, Enterprise]) -> set[Hashable]:
        return set(
            Disclosure.objects.filter(enterprise__in=enterprises.values()).values_list(
                "enterprise__uscc", "disclosed_on", "subject"
            )
        )

    def build(self, row: ParsedRow, enterprise: Enterprise) -> Disclosure:
        v = row.values
        return Disclosure(
            union_id=enterprise.union_id or enterprise.owner_union_id,
            enterprise=enterprise,
            disclosed_on=v["disclosed_on"],
            channel=v.get("channel") or DisclosureChannel.BOARD,
            subject=v["subject"],
            created_by=user_of(self.actor),
        )

    def export_rows(self) -> Iterable[list[Any]]:
        labels = dict(DisclosureChannel.choices)
        rows = (
            Disclosure.objects.visible_to(self.actor)
            .filter(union__path__startswith=self.union.path)
            .select_related("enterprise")
            .order_by("disclosed_on", "id")
        )
        for d in rows.iterator(chunk_size=5000):
            yield [d.enterprise.uscc, d.disclosed_on, labels[d.channel], d.subject]


def _importer(sheet_class: type[_EnterpriseSheet], action: str) -> Any:
    def run(
        *, actor: Actor, union: Union, path: Path, dry_run: bool, progress: Progress | None = None
    ) -> ImportReport:
        require_edit(actor, union)
        sheet = sheet_class(actor=actor, union=union)
        audit = ImportAudit(actor=actor, union=union, action=action, title=sheet_class.title)
        return run_import(sheet, path, dry_run=dry_run, progress=progress, audit=audit)

    return run


congress_import = _importer(CongressSheet, "wages.congress.import")
congress_export = exporter(CongressSheet, "wages.congress.export")
disclosure_import = _importer(DisclosureSheet, "wages.disclosure.import")
disclosure_export = exporter(DisclosureSheet, "wages.disclosure.export")

for _sheet, _name in ((CongressSheet, "congress"), (DisclosureSheet, "disclosure")):
    register_sheet(
        SheetEntry(
            name=_sheet.name,
            title=_sheet.title,
            sheet=_sheet,
            import_path=f"gonghui.wages.sheets.democracy.{_name}_import",
            export_path=f"gonghui.wages.sheets.democracy.{_name}_export",
        )
    )
