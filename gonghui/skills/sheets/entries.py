"""The entries sheet of a competition (参赛成绩): one row per competitor with the scores.

A row is keyed by the competitor's ID number: importing the same file again creates
nothing, and a row whose scores differ from the entry's updates it (a correction), until
the ranking is published; after that the competition takes no rows."""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError

from gonghui.core import pii
from gonghui.core.actors import Actor
from gonghui.core.audit import audit_record
from gonghui.core.sheets import (
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
from gonghui.core.sheets.parsers import number_of, person_name, text
from gonghui.core.sheets.registry import SheetEntry, SheetOption, register_sheet
from gonghui.orgs.models import Union
from gonghui.skills.models import Competition, CompetitionEntry
from gonghui.skills.permissions import require_edit
from gonghui.skills.ranking import final_score
from gonghui.skills.selectors import (
    competition_by_code,
    competition_choices,
    competition_union,
)
from gonghui.skills.services.talents import Person, talents_resolve

CENT = Decimal("0.01")


def score(value: Any) -> Decimal:
    """A score from 0 to 100 with at most two decimals."""
    number = number_of(value if isinstance(value, int | float) else str(value).strip())
    if number is None or not 0 <= number <= 100:
        raise ValidationError("应为 0 到 100 之间的数", code="score_range")
    if number != number.quantize(CENT):
        raise ValidationError("最多两位小数", code="score_decimals")
    return number.quantize(CENT)


def minutes(value: Any) -> Decimal:
    """A positive number of minutes (at most two decimals)."""
    number = number_of(
        value if isinstance(value, int | float) else str(value).strip().removesuffix("分钟")
    )
    if number is None or number <= 0 or number > 100_000:
        raise ValidationError("应为大于 0 的分钟数", code="minutes")
    if number != number.quantize(CENT):
        raise ValidationError("最多两位小数", code="minutes_decimals")
    return number.quantize(CENT)


COLUMNS = (
    Column(
        "id_number",
        "身份证号",
        pii.normalize_id_number,
        synonyms=("身份证号码", "公民身份号码"),
        required=True,
        width=22,
    ),
    Column("name", "姓名", person_name, synonyms=("选手姓名",), required=True, width=10),
    Column("employer", "工作单位", text(128), synonyms=("单位", "所在单位"), width=28),
    Column("theory", "理论成绩", score, synonyms=("理论",), required=True, width=10),
    Column(
        "practical", "实操成绩", score, synonyms=("实操", "技能操作成绩"), required=True, width=10
    ),
    Column(
        "minutes",
        "实操用时（分钟）",
        minutes,
        synonyms=("实操用时", "用时（分钟）", "用时"),
        width=14,
        note="可留空：无用时的排在同分者之后",
    ),
)


class EntrySheet(Sheet):
    name = "competition-entries"
    title = "参赛成绩"
    columns = COLUMNS
    key_column = "id_number"

    def __init__(
        self, *, actor: Actor, union: Union, competition: Competition | str | None = None
    ) -> None:
        self.actor = actor
        self.union = union
        self.competition: Competition | None = (
            competition_by_code(scope=actor, code=competition)
            if isinstance(competition, str)
            else competition
        )

    def key(self, values: dict[str, Any]) -> Hashable:
        return values["id_number"]

    def check(self, values: dict[str, Any]) -> None:
        c = self.competition
        if c is not None and c.published:
            raise RowError("身份证号", f"身份证号：竞赛“{c.name}”的名次已公布，不能再导入成绩")

    def apply(self, batch: list[ParsedRow], *, write: bool) -> BatchOutcome:
        c = self.competition
        assert c is not None, "an import names its competition"
        outcome = BatchOutcome()
        resolved = talents_resolve(
            [
                Person(r.values["id_number"], r.values["name"], r.values.get("employer") or "")
                for r in batch
            ],
            union=c.union,
            write=write,
        )
        for row in batch:
            reason = resolved.refused.get(row.values["id_number"])
            if reason:
                outcome.errors.append(CellError(row.number, "姓名", reason))
        if outcome.errors:
            return outcome
        known = [t.pk for t in resolved.talents.values() if t.pk is not None]
        existing = {
            e.talent_id: e
            for e in CompetitionEntry.objects.filter(competition=c, talent_id__in=known)
        }
        new: list[CompetitionEntry] = []
        changed: list[CompetitionEntry] = []
        for row in batch:
            v = row.values
            talent = resolved.talents[v["id_number"]]
            final = final_score(v["theory"], v["practical"], c.theory_weight, c.practical_weight)
            fields = {
                "employer_name": v.get("employer") or "",
                "theory": v["theory"],
                "practical": v["practical"],
                "minutes": v.get("minutes"),
                "final": final,
            }
            entry = existing.get(talent.pk) if talent.pk is not None else None
            if entry is None:
                new.append(CompetitionEntry(competition=c, talent=talent, row=row.number, **fields))
            elif any(getattr(entry, k) != value for k, value in fields.items()):
                for k, value in fields.items():
                    setattr(entry, k, value)
                entry.row = row.number
                changed.append(entry)
            else:
                outcome.unchanged += 1
        outcome.created, outcome.updated = len(new), len(changed)
        if write:
            CompetitionEntry.objects.bulk_create(new, batch_size=1000)
            CompetitionEntry.objects.bulk_update(
                changed, ["employer_name", "theory", "practical", "minutes", "final", "row"]
            )
        return outcome

    def export_headers(self) -> list[str]:
        return [
            *(c.header for c in self.columns),
            "最终成绩",
            "名次",
            "技术能手",
            "奖金",
            "竞赛",
        ]

    def export_rows(self) -> Iterable[list[Any]]:
        rows = (
            CompetitionEntry.objects.visible_to(self.actor)
            .filter(competition__union__path__startswith=self.union.path)
            .select_related("talent", "competition")
            .order_by("competition_id", "rank", "row")
        )
        if self.competition is not None:
            rows = rows.filter(competition=self.competition)
        for e in rows.iterator(chunk_size=5000):
            yield [
                e.talent.id_masked,
                e.talent.name,
                e.employer_name,
                e.theory,
                e.practical,
                e.minutes,
                e.final,
                e.rank,
                "是" if e.titled else "",
                e.prize,
                e.competition.name,
            ]


def entry_import(
    *,
    actor: Actor,
    union: Union,
    path: Path,
    dry_run: bool,
    progress: Progress | None = None,
    competition: str,
) -> ImportReport:
    """Import the entries of ``competition`` (its code): all rows or none."""
    sheet = EntrySheet(actor=actor, union=union, competition=competition)
    target = sheet.competition
    assert target is not None  # a code was given: found, or ValidationError
    if not target.union.path.startswith(union.path):
        raise ValidationError(f"竞赛“{target.name}”不是{union.name}及其下级工会组织的。")
    require_edit(actor, target.union)
    audit = ImportAudit(
        actor=actor,
        union=target.union,
        action="skills.entry.import",
        title=f"{EntrySheet.title}（{target.name}）",
    )
    return run_import(sheet, path, dry_run=dry_run, progress=progress, audit=audit)


def entry_export(
    *,
    actor: Actor,
    union: Union,
    path: Path,
    reveal: bool = False,
    competition: str | None = None,
) -> int:
    sheet = EntrySheet(actor=actor, union=union, competition=competition)
    count = write_export(sheet, path, sheet.export_rows())
    audit_record(
        actor=actor,
        action="skills.entry.export",
        union=union,
        summary=f"导出{union.name}参赛成绩 {count} 条",
    )
    return count


register_sheet(
    SheetEntry(
        name=EntrySheet.name,
        title=EntrySheet.title,
        sheet=EntrySheet,
        import_path="gonghui.skills.sheets.entries.entry_import",
        export_path="gonghui.skills.sheets.entries.entry_export",
        options=(
            SheetOption(
                name="competition",
                label="竞赛",
                help="竞赛编号（竞赛页面上的编号）",
                choices=competition_choices,
                owner=competition_union,
            ),
        ),
    )
)
