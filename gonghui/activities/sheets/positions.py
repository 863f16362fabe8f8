"""The positions sheet of a 春风送岗 fair (招聘岗位): one row per position of an employer.

A row is keyed by its employer and position, so importing the same file again creates
nothing; an employer is linked to the enterprise register when its 统一社会信用代码 is there
(employers from outside the register are kept by name). A closed fair takes no rows."""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError

from gonghui.activities.models import JobFair, JobFairEmployer, JobPosition
from gonghui.activities.permissions import require_edit
from gonghui.activities.selectors import fair_by_ref, fair_choices
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
from gonghui.core.sheets.engine import ImportAudit, Progress, RowErrors
from gonghui.core.sheets.parsers import money, text, whole_number, yes_no
from gonghui.core.sheets.registry import SheetEntry, SheetOption, register_sheet
from gonghui.orgs.models import Enterprise, Union

MAX_POSTS = 100_000

COLUMNS = (
    Column(
        "employer",
        "用人单位",
        text(128),
        synonyms=("招聘单位", "企业名称"),
        required=True,
        width=28,
    ),
    Column("uscc", "统一社会信用代码", pii.normalize_uscc, width=22, note="在企业名录中的将关联"),
    Column("title", "岗位名称", text(64), synonyms=("岗位",), required=True, width=20),
    Column(
        "posts",
        "招聘人数",
        whole_number(1, MAX_POSTS),
        synonyms=("岗位数", "人数"),
        required=True,
        width=10,
    ),
    Column("pay_min", "月薪下限（元）", money, width=12),
    Column("pay_max", "月薪上限（元）", money, width=12),
    Column("new_form_open", "接受新就业形态劳动者", yes_no, default=False, width=12, note="是/否"),
    Column("applicants", "投递人数", whole_number(0, 10**6), default=0, width=10),
    Column("hires", "录用人数", whole_number(0, 10**6), default=0, width=10),
)


class PositionSheet(Sheet):
    name = "job-positions"
    title = "招聘岗位"
    columns = COLUMNS
    key_column = "title"

    def __init__(self, *, actor: Actor, union: Union, fair: JobFair | str | None = None) -> None:
        self.actor = actor
        self.union = union
        # None only for the template and an export of every fair of the union.
        self.fair: JobFair | None = (
            fair_by_ref(scope=actor, ref=fair) if isinstance(fair, str) else fair
        )
        self._enterprises: dict[str, Enterprise] = {}
        self._employers: dict[str, JobFairEmployer] | None = None

    def key(self, values: dict[str, Any]) -> Hashable:
        return (values["employer"], values["title"])

    def employers(self) -> dict[str, JobFairEmployer]:
        if self._employers is None:
            self._employers = (
                {e.name: e for e in JobFairEmployer.objects.filter(fair=self.fair)}
                if self.fair is not None
                else {}
            )
        return self._employers

    def check(self, values: dict[str, Any]) -> None:
        errors: list[RowError] = []
        fair = self.fair
        if fair is not None and fair.closed_on is not None:
            errors.append(
                RowError(
                    "岗位名称",
                    f"岗位名称：招聘会“{fair.title}”已于 {fair.closed_on:%Y-%m-%d} 结束，"
                    "不能再导入岗位",
                )
            )
        low, high = values.get("pay_min"), values.get("pay_max")
        if low not in (None, INVALID) and high not in (None, INVALID) and low > high:
            errors.append(RowError("月薪上限（元）", "月薪上限（元）：不能低于月薪下限"))
        applicants, hires = values.get("applicants"), values.get("hires")
        if (
            applicants not in (None, INVALID)
            and hires not in (None, INVALID)
            and hires > applicants
        ):
            errors.append(RowError("录用人数", "录用人数：不能多于投递人数"))
        uscc = values.get("uscc")
        known = self.employers().get(values["employer"]) if values["employer"] else None
        if uscc and uscc is not INVALID and known is not None and known.uscc not in ("", uscc):
            errors.append(
                RowError(
                    "统一社会信用代码",
                    f"统一社会信用代码：与本招聘会已有的“{known.name}”（{known.uscc}）不一致",
                )
            )
        if errors:
            raise RowErrors(errors)

    def _enterprises_of(self, codes: set[str]) -> dict[str, Enterprise]:
        missing = codes - self._enterprises.keys()
        if missing:
            for e in (
                Enterprise.objects.visible_to(self.actor)
                .filter(uscc__in=missing)
                .only("id", "uscc")
            ):
                self._enterprises[e.uscc] = e
        return self._enterprises

    def apply(self, batch: list[ParsedRow], *, write: bool) -> BatchOutcome:
        assert self.fair is not None, "an import names its fair"
        outcome = BatchOutcome()
        employers = self.employers()
        existing = set(
            JobPosition.objects.filter(fair=self.fair).values_list("employer__name", "title")
        )
        # Within one file an employer's code is the first one given: a later row with
        # another code is refused on its row.
        first_code: dict[str, str] = {}
        new: list[ParsedRow] = []
        for row in batch:
            v = row.values
            code = v.get("uscc") or ""
            known = employers.get(v["employer"])
            before = (
                known.uscc if known is not None and known.uscc else first_code.get(v["employer"])
            )
            if code and before and before != code:
                outcome.errors.append(
                    CellError(
                        row.number,
                        "统一社会信用代码",
                        f"统一社会信用代码：与同一用人单位“{v['employer']}”的 {before} 不一致",
                    )
                )
                continue
            if code:
                first_code.setdefault(v["employer"], code)
            if (v["employer"], v["title"]) in existing:
                outcome.unchanged += 1
                continue
            new.append(row)
        outcome.created = len(new)
        if not write or not new or outcome.errors:
            return outcome
        registered = self._enterprises_of(set(first_code.values()))
        for name, code in first_code.items():
            employer = employers.get(name)
            if employer is None:
                employer = JobFairEmployer.objects.create(
                    fair=self.fair, name=name, uscc=code, enterprise=registered.get(code)
                )
                employers[name] = employer
            elif not employer.uscc:
                employer.uscc = code
                employer.enterprise = registered.get(code)
                employer.save(update_fields=["uscc", "enterprise"])
        for row in new:
            name = row.values["employer"]
            if name not in employers:
                employers[name] = JobFairEmployer.objects.create(fair=self.fair, name=name)
        JobPosition.objects.bulk_create(
            [
                JobPosition(
                    fair=self.fair,
                    employer=employers[row.values["employer"]],
                    title=row.values["title"],
                    posts=row.values["posts"],
                    pay_min=row.values["pay_min"],
                    pay_max=row.values["pay_max"],
                    new_form_open=bool(row.values["new_form_open"]),
                    applicants=row.values["applicants"] or 0,
                    hires=row.values["hires"] or 0,
                )
                for row in new
            ],
            batch_size=1000,
        )
        return outcome

    def export_headers(self) -> list[str]:
        return [*(c.header for c in self.columns), "招聘会", "举办日期", "组织工会"]

    def export_rows(self) -> Iterable[list[Any]]:
        rows = (
            JobPosition.objects.visible_to(self.actor)
            .filter(fair__union__path__startswith=self.union.path)
            .select_related("employer", "fair__union")
            .order_by("fair_id", "id")
        )
        if self.fair is not None:
            rows = rows.filter(fair=self.fair)
        for p in rows.iterator(chunk_size=5000):
            yield [
                p.employer.name,
                p.employer.uscc,
                p.title,
                p.posts,
                p.pay_min,
                p.pay_max,
                "是" if p.new_form_open else "否",
                p.applicants,
                p.hires,
                p.fair.title,
                p.fair.held_on,
                p.fair.union.name,
            ]


def position_import(
    *,
    actor: Actor,
    union: Union,
    path: Path,
    dry_run: bool,
    progress: Progress | None = None,
    fair: str,
) -> ImportReport:
    """Import the positions of ``fair`` (its number): all rows or none."""
    sheet = PositionSheet(actor=actor, union=union, fair=fair)
    target = sheet.fair
    assert target is not None  # a number was given: found, or ValidationError
    if not target.union.path.startswith(union.path):
        raise ValidationError(f"招聘会“{target.title}”不是{union.name}及其下级工会组织的。")
    require_edit(actor, target.union)
    audit = ImportAudit(
        actor=actor,
        union=target.union,
        action="activities.jobposition.import",
        title=f"{PositionSheet.title}（{target.title}）",
    )
    return run_import(sheet, path, dry_run=dry_run, progress=progress, audit=audit)


def position_export(
    *, actor: Actor, union: Union, path: Path, reveal: bool = False, fair: str | None = None
) -> int:
    sheet = PositionSheet(actor=actor, union=union, fair=fair)
    count = write_export(sheet, path, sheet.export_rows())
    audit_record(
        actor=actor,
        action="activities.jobposition.export",
        union=union,
        summary=f"导出{union.name}招聘岗位 {count} 条",
    )
    return count


register_sheet(
    SheetEntry(
        name=PositionSheet.name,
        title=PositionSheet.title,
        sheet=PositionSheet,
        import_path="gonghui.activities.sheets.positions.position_import",
        export_path="gonghui.activities.sheets.positions.position_export",
        options=(
            SheetOption(
                name="fair",
                label="招聘会",
                help="招聘会编号（招聘会页面上的编号）",
                choices=fair_choices,
            ),
        ),
    )
)
