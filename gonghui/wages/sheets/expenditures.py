"""The expenditures sheet (经费支出): a union's payments out of its budget lines, as its
accounting software exports them. A row is keyed by day and voucher number, so importing the
same file again creates nothing; each payment is checked against its spending standard as
the form checks it."""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from pathlib import Path
from typing import Any

from gonghui.core.actors import Actor, user_of
from gonghui.core.sheets import (
    BatchOutcome,
    CellError,
    Column,
    ImportReport,
    ParsedRow,
    Sheet,
    run_import,
)
from gonghui.core.sheets.engine import ImportAudit, Progress
from gonghui.core.sheets.parsers import choice, money, parse_date, text, whole_number
from gonghui.core.sheets.registry import SheetEntry, register_sheet
from gonghui.core.sheets.writer import exporter
from gonghui.orgs.models import Union
from gonghui.wages.models import BudgetCategory, BudgetLine, Expenditure, SpendingKind
from gonghui.wages.permissions import require_funds
from gonghui.wages.services.funds import Spending, Standards, over_standard, spending_problems

HEADER_OF = {
    "line": "预算项目",
    "spent_on": "支出日期",
    "amount": "金额",
    "payee": "收款方",
    "voucher": "凭证号",
    "people": "受益人数",
}


class ExpenditureSheet(Sheet):
    name = "expenditures"
    title = "经费支出"
    columns = (
        Column("spent_on", "支出日期", parse_date, required=True, width=12),
        Column("voucher", "凭证号", text(32), synonyms=("凭证编号",), required=True, width=12),
        Column(
            "category",
            "支出科目",
            choice(BudgetCategory.choices),
            required=True,
            width=14,
            note="职工活动支出、维权支出、业务支出、资本性支出、补助下级支出、事业支出、其他支出",
        ),
        Column(
            "line",
            "预算项目",
            text(100),
            required=True,
            width=20,
            note="须是本工会当年预算中的项目",
        ),
        Column("amount", "金额", money, required=True, width=12, note="元"),
        Column("payee", "收款方", text(128), required=True, width=24),
        Column(
            "kind",
            "支出类别",
            choice(SpendingKind.choices),
            default=SpendingKind.OTHER,
            width=10,
            note="文体活动、慰问品、职工培训、疗休养、会议、其他；空白为其他",
        ),
        Column(
            "people",
            "受益人数",
            whole_number(1, 1_000_000),
            width=10,
            note="按人均标准核算的类别必填",
        ),
        Column("summary", "摘要", text(200), width=28),
    )
    key_column = "voucher"

    def __init__(self, *, actor: Actor, union: Union) -> None:
        self.actor = actor
        self.union = union
        self.standards = Standards(union)
        self.flagged = 0

    def key(self, values: dict[str, Any]) -> Hashable:
        return (values["spent_on"], values["voucher"])

    def apply(self, batch: list[ParsedRow], *, write: bool) -> BatchOutcome:
        outcome = BatchOutcome()
        years = {r.values["spent_on"].year for r in batch}
        lines = {
            (line.budget.year, line.category, line.name): line
            for line in BudgetLine.objects.filter(
                budget__union=self.union, budget__year__in=years
            ).select_related("budget")
        }
        existing = set(
            Expenditure.objects.filter(
                union=self.union, voucher__in={r.values["voucher"] for r in batch}
            ).values_list("spent_on", "voucher")
        )
        new: list[Expenditure] = []
        for row in batch:
            v = row.values
            if (v["spent_on"], v["voucher"]) in existing:
                outcome.unchanged += 1
                continue
            spending = Spending(
                spent_on=v["spent_on"],
                amount=v["amount"],
                payee=v["payee"],
                voucher=v["voucher"],
                kind=v.get("kind") or SpendingKind.OTHER,
                people=v.get("people"),
                summary=v.get("summary") or "",
            )
            line = lines.get((v["spent_on"].year, v["category"], v["line"]))
            standard = self.standards.applying(self.union.path, spending.kind, spending.spent_on)
            problems = spending_problems(self.union, line, spending, standard)
            if problems:
                field, message = problems[0]
                header = HEADER_OF.get(field, "预算项目")
                outcome.errors.append(CellError(row.number, header, f"{header}：{message}"))
                continue
            flag = over_standard(standard, spending.amount, spending.people)
            self.flagged += bool(flag)
            new.append(
                Expenditure(
                    union=self.union,
                    line=line,
                    spent_on=spending.spent_on,
                    amount=spending.amount,
                    payee=spending.payee,
                    voucher=spending.voucher,
                    kind=spending.kind,
                    people=spending.people,
                    summary=spending.summary,
                    over_standard=flag,
                    created_by=user_of(self.actor),
                )
            )
        outcome.created = len(new)
        if write and not outcome.errors and new:
            Expenditure.objects.bulk_create(new, batch_size=2000)
        return outcome

    def export_rows(self) -> Iterable[list[Any]]:
        categories, kinds = dict(BudgetCategory.choices), dict(SpendingKind.choices)
        rows = (
            Expenditure.objects.visible_to(self.actor)
            .filter(union=self.union)
            .select_related("line")
            .order_by("spent_on", "id")
        )
        for e in rows.iterator(chunk_size=5000):
            yield [
                e.spent_on,
                e.voucher,
                categories[e.line.category],
                e.line.name,
                e.amount,
                e.payee,
                kinds[e.kind],
                e.people,
                e.summary,
            ]


def expenditure_import(
    *, actor: Actor, union: Union, path: Path, dry_run: bool, progress: Progress | None = None
) -> ImportReport:
    """Import the union's payments: all rows or none; ``extra["over_standard"]`` counts those
    flagged above their standard."""
    require_funds(actor, union)
    sheet = ExpenditureSheet(actor=actor, union=union)
    audit = ImportAudit(
        actor=actor, union=union, action="wages.expenditure.import", title=ExpenditureSheet.title
    )
    report = run_import(sheet, path, dry_run=dry_run, progress=progress, audit=audit)
    report.extra["over_standard"] = sheet.flagged
    return report


expenditure_export = exporter(ExpenditureSheet, "wages.expenditure.export")


register_sheet(
    SheetEntry(
        name=ExpenditureSheet.name,
        title=ExpenditureSheet.title,
        sheet=ExpenditureSheet,
        import_path="gonghui.wages.sheets.expenditures.expenditure_import",
        export_path="gonghui.wages.sheets.expenditures.expenditure_export",
    )
)
