"""The wage-contracts sheet (能级工资集体合同): one row per grade of an enterprise in a contract.
The rows of one 合同编号 form one contract; a regional or industry contract lists one row per
grade for each enterprise it covers. A row is keyed by contract, enterprise and grade, so
importing the same file again creates nothing."""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from datetime import date
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
from gonghui.core.sheets.parsers import (
    choice,
    money,
    parse_date,
    past_date,
    text,
    whole_number,
    yes_no,
)
from gonghui.core.sheets.registry import SheetEntry, register_sheet
from gonghui.core.sheets.writer import exporter
from gonghui.orgs.models import Enterprise, Union
from gonghui.wages.models import WageContract, WageGrade, WageRow
from gonghui.wages.permissions import require_edit

COLUMNS = (
    Column("uscc", "统一社会信用代码", pii.normalize_uscc, required=True, width=22),
    Column("code", "合同编号", text(64), required=True, width=18),
    Column("signed_on", "签订日期", past_date, required=True, width=12),
    Column("starts_on", "生效日期", parse_date, required=True, width=12),
    Column("ends_on", "终止日期", parse_date, required=True, width=12),
    Column("pilot", "全域试点", yes_no, default=True, width=10, note="是/否，空白为是"),
    Column(
        "grade",
        "技能等级",
        choice(WageGrade.choices),
        synonyms=("等级",),
        required=True,
        width=12,
        note="初级工、中级工、高级工、技师、高级技师、特级技师、首席技师、创新成果奖励、荣誉称号奖励",
    ),
    Column("workers", "人数", whole_number(1, 1_000_000), required=True, width=8),
    Column("wage_before", "协商前月工资", money, required=True, width=14),
    Column("wage_after", "协商后月工资", money, required=True, width=14),
    Column("note", "说明", text(200), width=24, note="协商后低于协商前时必填"),
)
TERMS = ("signed_on", "starts_on", "ends_on", "pilot")
TERM_LABELS = {
    "signed_on": "签订日期",
    "starts_on": "生效日期",
    "ends_on": "终止日期",
    "pilot": "全域试点",
}


class WageContractSheet(Sheet):
    name = "wage-contracts"
    title = "能级工资集体合同"
    columns = COLUMNS
    key_column = "grade"

    def __init__(self, *, actor: Actor, union: Union) -> None:
        self.actor = actor
        self.union = union
        # The terms of each contract as the file first gave them, across batches.
        self._terms: dict[str, tuple[int, dict[str, Any]]] = {}
        self._contracts: dict[str, WageContract] = {}

    def key(self, values: dict[str, Any]) -> Hashable:
        return (values["code"], values["uscc"], values["grade"])

    def check(self, values: dict[str, Any]) -> None:
        errors: list[RowError] = []
        starts, ends = values.get("starts_on"), values.get("ends_on")
        if isinstance(starts, date) and isinstance(ends, date) and ends < starts:
            errors.append(RowError("终止日期", "终止日期：不能早于生效日期"))
        before, after = values.get("wage_before"), values.get("wage_after")
        if (
            before not in (None, INVALID)
            and after not in (None, INVALID)
            and after < before
            and not values.get("note")
        ):
            errors.append(
                RowError("协商后月工资", "协商后月工资：低于协商前月工资，请在“说明”列写明原因")
            )
        if errors:
            raise RowErrors(errors)

    def apply(self, batch: list[ParsedRow], *, write: bool) -> BatchOutcome:
        outcome = BatchOutcome()
        codes = {r.values["uscc"] for r in batch}
        enterprises = {
            e.uscc: e
            for e in Enterprise.objects.visible_to(self.actor)
            .filter(uscc__in=codes, owner_union__path__startswith=self.union.path)
            .only("id", "uscc", "name", "union_id")
        }
        wanted = {r.values["code"] for r in batch} - self._contracts.keys()
        for c in WageContract.objects.filter(code__in=wanted).select_related("union"):
            self._contracts[c.code] = c
        existing = set(
            WageRow.objects.filter(
                contract__code__in={r.values["code"] for r in batch}
            ).values_list("contract__code", "enterprise__uscc", "grade")
        )
        new: list[ParsedRow] = []
        for row in batch:
            v = row.values
            enterprise = enterprises.get(v["uscc"])
            if enterprise is None:
                outcome.errors.append(
                    CellError(
                        row.number,
                        "统一社会信用代码",
                        f"统一社会信用代码：{self.union.name}的企业名录中没有该企业",
                    )
                )
                continue
            if enterprise.union_id is None:
                outcome.errors.append(
                    CellError(
                        row.number,
                        "统一社会信用代码",
                        f"统一社会信用代码：“{enterprise.name}”尚未建立工会，不能登记集体合同",
                    )
                )
                continue
            terms = {k: v[k] for k in TERMS}
            first = self._terms.setdefault(v["code"], (row.number, terms))
            stored = self._contracts.get(v["code"])
            if stored is not None:
                if not stored.union.path.startswith(self.union.path):
                    outcome.errors.append(
                        CellError(
                            row.number,
                            "合同编号",
                            f"合同编号：{v['code']} 已由{stored.union.name}登记",
                        )
                    )
                    continue
                differs = [k for k in TERMS if getattr(stored, k) != terms[k]]
                if differs:
                    outcome.errors.append(
                        CellError(
                            row.number,
                            TERM_LABELS[differs[0]],
                            f"{TERM_LABELS[differs[0]]}：与已登记的合同 {v['code']} 不一致",
                        )
                    )
                    continue
            elif first[1] != terms:
                label = TERM_LABELS[next(k for k in TERMS if first[1][k] != terms[k])]
                outcome.errors.append(
                    CellError(
                        row.number,
                        label,
                        f"{label}：与同一合同第 {first[0]} 行不一致",
                    )
                )
                continue
            if (v["code"], v["uscc"], v["grade"]) in existing:
                outcome.unchanged += 1
                continue
            new.append(row)
        outcome.created = len(new)
        if not write or outcome.errors or not new:
            return outcome
        for row in new:
            v = row.values
            if v["code"] not in self._contracts:
                self._contracts[v["code"]] = WageContract.objects.create(
                    union=self.union,
                    code=v["code"],
                    **{k: v[k] for k in TERMS},
                    created_by=user_of(self.actor),
                )
        WageRow.objects.bulk_create(
            [
                WageRow(
                    contract=self._contracts[row.values["code"]],
                    enterprise=enterprises[row.values["uscc"]],
                    grade=row.values["grade"],
                    workers=row.values["workers"],
                    wage_before=row.values["wage_before"],
                    wage_after=row.values["wage_after"],
                    note=row.values.get("note") or "",
                )
                for row in new
            ],
            batch_size=2000,
        )
        return outcome

    def export_rows(self) -> Iterable[list[Any]]:
        grades = dict(WageGrade.choices)
        rows = (
            WageRow.objects.visible_to(self.actor)
            .filter(contract__union__path__startswith=self.union.path)
            .select_related("contract", "enterprise")
            .order_by("contract__signed_on", "contract_id", "id")
        )
        for r in rows.iterator(chunk_size=5000):
            c = r.contract
            yield [
                r.enterprise.uscc,
                c.code,
                c.signed_on,
                c.starts_on,
                c.ends_on,
                "是" if c.pilot else "否",
                grades[r.grade],
                r.workers,
                r.wage_before,
                r.wage_after,
                r.note,
            ]


def wage_contract_import(
    *, actor: Actor, union: Union, path: Path, dry_run: bool, progress: Progress | None = None
) -> ImportReport:
    """Import the contracts recorded by ``union``: all rows or none."""
    require_edit(actor, union)
    sheet = WageContractSheet(actor=actor, union=union)
    audit = ImportAudit(
        actor=actor,
        union=union,
        action="wages.wagecontract.import",
        title=WageContractSheet.title,
    )
    return run_import(sheet, path, dry_run=dry_run, progress=progress, audit=audit)


wage_contract_export = exporter(WageContractSheet, "wages.wagecontract.export")


register_sheet(
    SheetEntry(
        name=WageContractSheet.name,
        title=WageContractSheet.title,
        sheet=WageContractSheet,
        import_path="gonghui.wages.sheets.wage_contract_import",
        export_path="gonghui.wages.sheets.wage_contract_export",
    )
)
