"""疗休养 sheets of one batch (``--batch CODE``): the applications (``recuperation-
applications``: 身份证号, 申请日期, 一线职工), submitted to the city's allocation in the
import's transaction, and the attendance (``recuperation-attendance``: 身份证号)."""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from gonghui.care.models import RecuperationApplication, RecuperationBatch
from gonghui.care.permissions import require_edit
from gonghui.care.services.deliveries import person_problems
from gonghui.care.services.recuperation import (
    application_problems,
    applied_at_of,
    attendance_record,
    quotas_of,
)
from gonghui.care.sheets.common import problem_cells
from gonghui.care.workflows import RECUPERATION
from gonghui.core import pii
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
from gonghui.core.sheets.parsers import past_date, person_name, yes_no
from gonghui.core.sheets.registry import SheetEntry, SheetOption, register_sheet
from gonghui.core.sheets.writer import exporter
from gonghui.core.workflow.models import RELEASED_STATES, Action, State
from gonghui.core.workflow.services import transition_many
from gonghui.members.models import EmploymentForm
from gonghui.members.people import people_find
from gonghui.members.sheets import ID_NUMBER_COLUMN
from gonghui.orgs.models import Union


def batch_named(*, actor: Actor, code: str) -> RecuperationBatch:
    """A batch the actor sees, by code (ValidationError when there is none)."""
    found = RecuperationBatch.objects.visible_to(actor).filter(code=code.strip()).first()
    if found is None:
        raise ValidationError(f"找不到疗休养批次“{code}”，或不在您的管辖范围内。")
    return found


def batch_owner(code: str) -> Any:
    batch = RecuperationBatch.objects.select_related("union").filter(code=code).first()
    return batch.union if batch else None


def batch_choices(actor: Any) -> list[tuple[str, str]]:
    return [
        (b.code, f"{b.code} {b.base.name}（{b.start:%Y-%m-%d}）")
        for b in RecuperationBatch.objects.visible_to(actor)
        .filter(closed=False)
        .select_related("base")
        .order_by("-start")[:100]
    ]


BATCH_OPTION = SheetOption(
    name="batch",
    label="疗休养批次",
    help="批次编号",
    choices=batch_choices,
    owner=batch_owner,
)

APPLICATION_COLUMNS = (
    Column("name", "姓名", person_name, width=12, note="可不填；填写时须与登记的一致"),
    ID_NUMBER_COLUMN,
    Column("applied_on", "申请日期", past_date, required=True, width=12),
    Column("frontline", "一线职工", yes_no, width=8, note="是/否，不填为否"),
)


class ApplicationSheet(Sheet):
    name = "recuperation-applications"
    title = "疗休养申请"
    columns = APPLICATION_COLUMNS
    key_column = "id_number"

    def __init__(
        self, *, actor: Actor, union: Union, batch: RecuperationBatch | str | None = None
    ) -> None:
        self.actor = actor
        self.union = union
        self.batch = batch_named(actor=actor, code=batch) if isinstance(batch, str) else batch
        self.created_ids: list[int] = []
        self.row_of_pk: dict[int, int] = {}

    def key(self, values: dict[str, Any]) -> Hashable:
        return values["id_number"]

    def apply(self, batch: list[ParsedRow], *, write: bool) -> BatchOutcome:
        assert self.batch is not None
        outcome = BatchOutcome()
        hashes = pii.id_indexer().digest_many([r.values["id_number"] for r in batch])
        people = people_find(hashes)
        quotas, held = quotas_of(self.batch)
        live = set(
            RecuperationApplication.objects.filter(batch=self.batch, person_hash__in=hashes)
            .exclude(state__in=RELEASED_STATES)
            .values_list("person_hash", flat=True)
        )
        new: list[tuple[ParsedRow, RecuperationApplication]] = []
        for row, id_hash in zip(batch, hashes, strict=True):
            v = row.values
            person = people.get(id_hash)
            problems = person_problems(person, self.union, v["name"] or "")
            quota = None
            if not problems and person is not None:
                if id_hash in live:
                    problems.append(("id_number", f"此人已申请批次{self.batch.code}，不能重复申请"))
                else:
                    quota, more = application_problems(
                        batch=self.batch, person=person, quotas=quotas, held=held
                    )
                    problems += more
            if problems:
                outcome.errors += problem_cells(self, row.number, problems)
                continue
            assert person is not None and quota is not None
            new.append(
                (
                    row,
                    RecuperationApplication(
                        union=person.union,
                        batch=self.batch,
                        quota=quota,
                        person_hash=person.id_hash,
                        person_name=person.name,
                        person_masked=person.id_masked,
                        applied_at=applied_at_of(v["applied_on"]),
                        row=row.number,
                        frontline=bool(v["frontline"]),
                        new_form=person.employment_form == EmploymentForm.NEW_FORM,
                        amount=self.batch.cost_per_person,
                        entered_by=user_of(self.actor),
                    ),
                )
            )
        outcome.created = len(new)
        if write and new:
            saved = RecuperationApplication.objects.bulk_create([a for _, a in new])
            for (row, _), application in zip(new, saved, strict=True):
                self.created_ids.append(application.pk)
                self.row_of_pk[application.pk] = row.number
        return outcome

    def export_rows(self) -> Iterable[list[Any]]:
        rows = RecuperationApplication.objects.visible_to(self.actor).filter(
            union__path__startswith=self.union.path
        )
        if self.batch is not None:
            rows = rows.filter(batch=self.batch)
        for name, masked, applied_at, frontline in rows.order_by("id").values_list(
            "person_name", "person_masked", "applied_at", "frontline"
        ):
            yield [name, masked, applied_at.date(), "是" if frontline else "否"]


class _SubmitRefused(Exception):
    pass


def application_import(
    *,
    actor: Actor,
    union: Union,
    path: Path,
    dry_run: bool,
    progress: Progress | None = None,
    batch: str,
) -> ImportReport:
    """Import the applications to ``batch`` of the people of ``union``'s subtree and submit
    them to the city's allocation, all rows or none."""
    require_edit(actor, union)
    sheet = ApplicationSheet(actor=actor, union=union, batch=batch)
    assert sheet.batch is not None
    audit = ImportAudit(
        actor=actor,
        union=union,
        action="care.recuperation.import",
        title=f"{ApplicationSheet.title}（{sheet.batch.code}）",
    )
    try:
        with transaction.atomic():
            report = run_import(sheet, path, dry_run=dry_run, progress=progress, audit=audit)
            if report.committed and sheet.created_ids:
                submitted = transition_many(
                    RECUPERATION, sheet.created_ids, Action.SUBMIT, actor=actor
                )
                if submitted.refused:
                    for pk, message in submitted.refused.items():
                        report.errors.append(
                            CellError(sheet.row_of_pk.get(pk, 0), "身份证号", message)
                        )
                    raise _SubmitRefused
    except _SubmitRefused:
        report.committed = False
        report.created = report.updated = report.unchanged = 0
    return report


application_export = exporter(ApplicationSheet, "care.recuperation.export")


class AttendanceSheet(Sheet):
    name = "recuperation-attendance"
    title = "疗休养参加人员"
    columns = (ID_NUMBER_COLUMN,)
    key_column = "id_number"

    def __init__(
        self, *, actor: Actor, union: Union, batch: RecuperationBatch | str | None = None
    ) -> None:
        self.actor = actor
        self.union = union
        self.batch = batch_named(actor=actor, code=batch) if isinstance(batch, str) else batch

    def key(self, values: dict[str, Any]) -> Hashable:
        return values["id_number"]

    def apply(self, batch: list[ParsedRow], *, write: bool) -> BatchOutcome:
        assert self.batch is not None
        outcome = BatchOutcome()
        hashes = pii.id_indexer().digest_many([r.values["id_number"] for r in batch])
        found = {
            a.person_hash: a
            for a in RecuperationApplication.objects.visible_to(self.actor)
            .filter(batch=self.batch, person_hash__in=hashes)
            .exclude(state__in=RELEASED_STATES)
            .select_related("union")
        }
        todo = []
        for row, id_hash in zip(batch, hashes, strict=True):
            application = found.get(id_hash)
            if application is None or application.state not in (State.APPROVED, State.PAID):
                outcome.errors.append(
                    CellError(
                        row.number,
                        "身份证号",
                        f"身份证号：此人没有获批次{self.batch.code}录取，不能登记参加",
                    )
                )
            elif application.attended:
                outcome.unchanged += 1
            else:
                todo.append(application)
        outcome.created = len(todo)
        if write and todo:
            attendance_record(actor=self.actor, batch=self.batch, applications=todo)
        return outcome

    def export_rows(self) -> Iterable[list[Any]]:
        rows = RecuperationApplication.objects.visible_to(self.actor).filter(attended=True)
        if self.batch is not None:
            rows = rows.filter(batch=self.batch)
        for (masked,) in rows.order_by("id").values_list("person_masked"):
            yield [masked]


def attendance_import(
    *,
    actor: Actor,
    union: Union,
    path: Path,
    dry_run: bool,
    progress: Progress | None = None,
    batch: str,
) -> ImportReport:
    """Record who attended ``batch`` (approved applicants only); re-import changes nothing."""
    target = batch_named(actor=actor, code=batch)
    require_edit(actor, target.union)
    sheet = AttendanceSheet(actor=actor, union=union, batch=target)
    audit = ImportAudit(
        actor=actor,
        union=union,
        action="care.recuperation.attend",
        title=f"{AttendanceSheet.title}（{target.code}）",
    )
    return run_import(sheet, path, dry_run=dry_run, progress=progress, audit=audit)


attendance_export = exporter(AttendanceSheet, "care.recuperation.attendance_export")

for _sheet, _import, _export in (
    (ApplicationSheet, "application_import", "application_export"),
    (AttendanceSheet, "attendance_import", "attendance_export"),
):
    register_sheet(
        SheetEntry(
            name=_sheet.name,
            title=_sheet.title,
            sheet=_sheet,
            import_path=f"gonghui.care.sheets.recuperation.{_import}",
            export_path=f"gonghui.care.sheets.recuperation.{_export}",
            options=(BATCH_OPTION,),
        )
    )
