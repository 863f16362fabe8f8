"""The dues-relief sheet (工会经费缓减): relief granted by policy to many enterprises at once.
Each row becomes an application of the importing union, submitted to the county in the same
transaction, where the county approves them in bulk from its inbox. A row is keyed by
enterprise and period: importing the same file again creates nothing."""

from __future__ import annotations

import re
from collections.abc import Hashable, Iterable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

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
from gonghui.core.sheets.engine import Progress, RowErrors, audit_import
from gonghui.core.sheets.parsers import choice, clean_text, money, parse_date, text
from gonghui.core.sheets.registry import SheetEntry, register_sheet
from gonghui.core.sheets.writer import exporter
from gonghui.core.workflow.models import Action
from gonghui.core.workflow.services import transition_many
from gonghui.orgs.models import Enterprise, Union
from gonghui.wages.models import DuesRelief, ReliefKind, ReliefReason
from gonghui.wages.permissions import require_edit
from gonghui.wages.services.relief import ReliefTerms, overlapping, relief_problems
from gonghui.wages.workflows import RELIEF

MONTH = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?$")


def _month(value: Any) -> date:
    if isinstance(value, datetime | date):
        return date(value.year, value.month, 1)
    raw = clean_text(value)
    match = MONTH.match(raw)
    if not match:
        try:
            day = parse_date(value)
        except ValidationError:
            raise ValidationError(
                "月份格式无法识别，请使用如 2023-01 的格式", code="month_format"
            ) from None
        return date(day.year, day.month, 1)
    year, month = int(match.group(1)), int(match.group(2))
    if not 1 <= month <= 12 or year < 2000:
        raise ValidationError("月份不存在", code="month_invalid")
    return date(year, month, 1)


def month_first(value: Any) -> date:
    return _month(value)


def month_last(value: Any) -> date:
    first = _month(value)
    return date(first.year + first.month // 12, first.month % 12 + 1, 1) - timedelta(days=1)


# Field names of the rules (``relief_problems``) and the sheet's headers.
HEADER_OF = {
    "enterprise": "统一社会信用代码",
    "period_from": "起始月份",
    "period_to": "截止月份",
    "payroll": "工资总额",
    "amount": "缓减金额",
    "due_on": "缓缴到期日",
}


class ReliefSheet(Sheet):
    name = "dues-relief"
    title = "工会经费缓减"
    columns = (
        Column("uscc", "统一社会信用代码", pii.normalize_uscc, required=True, width=22),
        Column(
            "kind",
            "缓减方式",
            choice(ReliefKind.choices, ("缓交", ReliefKind.DEFER), ("免缴", ReliefKind.REDUCE)),
            required=True,
            width=10,
            note="缓缴、减免",
        ),
        Column("period_from", "起始月份", month_first, required=True, width=10, note="如 2023-01"),
        Column("period_to", "截止月份", month_last, required=True, width=10, note="如 2023-06"),
        Column(
            "payroll", "工资总额", money, required=True, width=14, note="该期间的工资总额（元）"
        ),
        Column(
            "amount",
            "缓减金额",
            money,
            width=12,
            note="元；空白为该期间应缴经费（工资总额的 2%）全额",
        ),
        Column(
            "reason",
            "原因",
            choice(
                ReliefReason.choices, ("小微", ReliefReason.SMALL), ("困难", ReliefReason.HARDSHIP)
            ),
            required=True,
            width=12,
            note="小微企业、困难企业、受灾或突发事件影响、其他",
        ),
        Column("reason_note", "原因说明", text(200), width=20),
        Column("policy", "政策依据", text(100), width=20, note="如 湖工〔2023〕12号"),
        Column("due_on", "缓缴到期日", parse_date, width=12, note="缓缴必填，减免不填"),
    )
    key_column = "period_from"

    def __init__(self, *, actor: Actor, union: Union) -> None:
        self.actor = actor
        self.union = union
        # Periods already in this file, by enterprise (rows of earlier batches included).
        self._seen: dict[str, list[tuple[date, date, int]]] = {}
        self.created_ids: list[int] = []
        self.row_of_pk: dict[int, int] = {}

    def key(self, values: dict[str, Any]) -> Hashable:
        return (values["uscc"], values["period_from"])

    def check(self, values: dict[str, Any]) -> None:
        first, last = values.get("period_from"), values.get("period_to")
        if first not in (None, INVALID) and last not in (None, INVALID) and last < first:
            raise RowErrors([RowError("截止月份", "截止月份：不能早于起始月份")])

    def apply(self, batch: list[ParsedRow], *, write: bool) -> BatchOutcome:
        outcome = BatchOutcome()
        enterprises = {
            e.uscc: e
            for e in Enterprise.objects.visible_to(self.actor)
            .filter(
                uscc__in={r.values["uscc"] for r in batch},
                owner_union__path__startswith=self.union.path,
            )
            .only("id", "uscc", "name", "union_id", "owner_union_id")
        }
        held = overlapping(e.pk for e in enterprises.values())
        new: list[tuple[ParsedRow, DuesRelief]] = []
        for row in batch:
            v = row.values
            enterprise = enterprises.get(v["uscc"])
            if enterprise is None:
                outcome.errors.append(
                    CellError(
                        row.number,
                        HEADER_OF["enterprise"],
                        f"统一社会信用代码：{self.union.name}的企业名录中没有该企业",
                    )
                )
                continue
            terms = ReliefTerms(
                kind=v["kind"],
                period_from=v["period_from"],
                period_to=v["period_to"],
                payroll=v["payroll"],
                amount=v.get("amount"),
                due_on=v.get("due_on"),
            )
            mine = held.get(enterprise.pk, [])
            same = next(
                (
                    r
                    for r in mine
                    if (r.period_from, r.period_to) == (terms.period_from, terms.period_to)
                    and r.union_id == self.union.pk
                ),
                None,
            )
            if same is not None:
                outcome.unchanged += 1
                continue
            problems = relief_problems(terms, mine)
            for first, last, number in self._seen.get(v["uscc"], []):
                if number != row.number and first <= terms.period_to and terms.period_from <= last:
                    problems.append(("period_from", f"与第 {number} 行的期间重叠"))
                    break
            self._seen.setdefault(v["uscc"], []).append(
                (terms.period_from, terms.period_to, row.number)
            )
            if problems:
                field, message = problems[0]
                header = HEADER_OF.get(field, "统一社会信用代码")
                outcome.errors.append(CellError(row.number, header, f"{header}：{message}"))
                continue
            new.append(
                (
                    row,
                    DuesRelief(
                        union=self.union,
                        enterprise=enterprise,
                        kind=terms.kind,
                        period_from=terms.period_from,
                        period_to=terms.period_to,
                        payroll=terms.payroll,
                        amount=terms.relieved,
                        due_on=terms.due_on,
                        reason=v["reason"],
                        reason_note=v.get("reason_note") or "",
                        policy=v.get("policy") or "",
                        entered_by=user_of(self.actor),
                    ),
                )
            )
        outcome.created = len(new)
        if not write or outcome.errors or not new:
            return outcome
        made = DuesRelief.objects.bulk_create([relief for _, relief in new], batch_size=2000)
        for (row, _), relief in zip(new, made, strict=True):
            self.created_ids.append(relief.pk)
            self.row_of_pk[relief.pk] = row.number
        return outcome

    def export_rows(self) -> Iterable[list[Any]]:
        kinds, reasons = dict(ReliefKind.choices), dict(ReliefReason.choices)
        rows = (
            DuesRelief.objects.visible_to(self.actor)
            .filter(union__path__startswith=self.union.path)
            .select_related("enterprise")
            .order_by("id")
        )
        for r in rows.iterator(chunk_size=5000):
            yield [
                r.enterprise.uscc,
                kinds[r.kind],
                f"{r.period_from:%Y-%m}",
                f"{r.period_to:%Y-%m}",
                r.payroll,
                r.amount,
                reasons[r.reason],
                r.reason_note,
                r.policy,
                r.due_on,
            ]


class _SubmitRefused(Exception):
    pass


def relief_import(
    *, actor: Actor, union: Union, path: Path, dry_run: bool, progress: Progress | None = None
) -> ImportReport:
    """Import policy relief for ``union``'s enterprises and submit every row to the county,
    all rows or none."""
    require_edit(actor, union)
    sheet = ReliefSheet(actor=actor, union=union)
    try:
        with transaction.atomic():
            report = run_import(sheet, path, dry_run=dry_run, progress=progress)
            if report.committed and sheet.created_ids:
                submitted = transition_many(RELIEF, sheet.created_ids, Action.SUBMIT, actor=actor)
                if submitted.refused:
                    for pk, message in submitted.refused.items():
                        report.errors.append(
                            CellError(sheet.row_of_pk.get(pk, 0), "统一社会信用代码", message)
                        )
                    raise _SubmitRefused
            if report.committed:
                audit_import(
                    report,
                    path=path,
                    actor=actor,
                    union=union,
                    action="wages.relief.import",
                    title=ReliefSheet.title,
                )
    except _SubmitRefused:
        report.committed = False
        report.created = report.updated = report.unchanged = 0
    return report


relief_export = exporter(ReliefSheet, "wages.relief.export")


register_sheet(
    SheetEntry(
        name=ReliefSheet.name,
        title=ReliefSheet.title,
        sheet=ReliefSheet,
        import_path="gonghui.wages.sheets.relief.relief_import",
        export_path="gonghui.wages.sheets.relief.relief_export",
    )
)
