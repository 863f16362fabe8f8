"""The registry of workers the union serves (登记职工): registering a person who is not a
member, correcting their details, and turning them into a member when they join. One person
is one record: a member is never registered, and a registered worker who joins is linked to
the new member row (``member_join`` and the roster import link them)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from gonghui.core import pii
from gonghui.core.actors import Actor
from gonghui.core.audit import audit_record
from gonghui.core.bulk import ids_reserve
from gonghui.core.problems import problems_raise
from gonghui.core.scoping import require_in_scope
from gonghui.core.sheets import ImportReport, run_import, write_export
from gonghui.core.sheets.engine import ImportAudit, Progress
from gonghui.members.identity import IDENTITY_FIELDS, member_identities
from gonghui.members.models import EmploymentForm, JoinChannel, Member, Occupation, Worker
from gonghui.members.permissions import require_member_editor, require_pii_access
from gonghui.members.services import member_join
from gonghui.members.sheets import WorkerSheet, already_member_message
from gonghui.orgs.models import Union

HOLDING_LEVELS = (Union.Level.GRASSROOTS, Union.Level.TOWNSHIP)


def person_problems(
    *, employment_form: str, occupation: str, field_prefix: str = ""
) -> list[tuple[str, str]]:
    """The rules on how a person works, shared by the registry's form and its sheet."""
    problems = []
    if employment_form not in EmploymentForm.values:
        problems.append((f"{field_prefix}employment_form", "请选择就业形态。"))
    if employment_form == EmploymentForm.NEW_FORM and not occupation:
        problems.append((f"{field_prefix}occupation", "新就业形态劳动者须填写职业。"))
    if occupation and occupation not in Occupation.values:
        problems.append((f"{field_prefix}occupation", "请选择职业。"))
    return problems


@transaction.atomic
def worker_register(
    *,
    actor: Actor,
    union: Union,
    name: str,
    id_number: str,
    phone: str = "",
    employer_name: str = "",
    employer_uscc: str = "",
    employment_form: str = EmploymentForm.NEW_FORM,
    occupation: str = "",
    platform: str = "",
    registered_on: date | None = None,
) -> Worker:
    """Register a person who is not a member, in ``union`` (a township or grassroots union
    of the actor's subtree). Every problem of what was typed is raised at once."""
    require_member_editor(actor)
    require_in_scope(actor, union, "只能在本工会及下级工会登记职工。")
    problems: list[tuple[str, str]] = []
    if union.level not in HOLDING_LEVELS:
        problems.append(("union", "登记工会须为基层工会或乡镇（街道）工会。"))
    id18 = ""
    try:
        id18 = pii.normalize_id_number(id_number)
    except ValidationError as exc:
        problems.append(("id_number", exc.messages[0]))
    try:
        phone = pii.normalize_phone(phone) if phone.strip() else ""
    except ValidationError as exc:
        problems.append(("phone", exc.messages[0]))
    try:
        employer_uscc = pii.normalize_uscc(employer_uscc) if employer_uscc.strip() else ""
    except ValidationError as exc:
        problems.append(("employer_uscc", exc.messages[0]))
    problems += person_problems(employment_form=employment_form, occupation=occupation)
    day = registered_on or timezone.localdate()
    if day > timezone.localdate():
        problems.append(("registered_on", "登记日期不能晚于今天。"))
    id_hash = pii.id_indexer().digest(id18) if id18 else ""
    if id_hash:
        member = Member.objects.select_related("union").filter(id_hash=id_hash).first()
        if member is not None:
            problems.append(("id_number", already_member_message(actor, member.union)))
        elif Worker.objects.filter(id_hash=id_hash).exists():
            problems.append(("id_number", "此人已登记，请在登记职工中查找并修改。"))
    problems_raise(problems)
    pk = ids_reserve(Worker, 1)[0]
    (identity,) = member_identities([pk], [id18], [phone], id_hashes=[id_hash], model=Worker)
    try:
        with transaction.atomic():
            worker = Worker.objects.create(
                pk=pk,
                union=union,
                name=name.strip()[:30],
                **dict(zip(IDENTITY_FIELDS, identity, strict=True)),
                employer_name=employer_name.strip()[:128],
                employer_uscc=employer_uscc,
                employment_form=employment_form,
                occupation=occupation,
                platform=platform.strip()[:64],
                registered_on=day,
            )
    except IntegrityError as exc:  # registered by someone else a moment ago
        raise ValidationError({"id_number": ["此人已登记，请在登记职工中查找并修改。"]}) from exc
    audit_record(
        actor=actor,
        action="worker.register",
        obj=worker,
        union=union,
        summary=f"登记职工{worker.name}（{worker.id_masked}）",
    )
    return worker


WORKER_EDIT_LABELS = {
    "phone_masked": "手机号码",
    "employer_name": "工作单位",
    "employer_uscc": "统一社会信用代码",
    "employment_form": "就业形态",
    "occupation": "职业",
    "platform": "平台",
}


@transaction.atomic
def worker_update(
    *,
    actor: Actor,
    worker: Worker,
    phone: str,
    employer_name: str,
    employer_uscc: str,
    employment_form: str,
    occupation: str,
    platform: str,
) -> Worker:
    """Correct a registered worker's contact and work details (a blank phone keeps the one
    on file); the audit log keeps what changed. A worker who has joined is corrected on the
    member's page."""
    require_member_editor(actor)
    worker = Worker.objects.select_for_update().get(pk=worker.pk)
    problems: list[tuple[str, str]] = []
    if worker.member_id is not None:
        problems.append(("", "此人已入会，请在会员页面修改。"))
    phone_value = ""
    try:
        phone_value = pii.normalize_phone(phone) if phone.strip() else ""
    except ValidationError as exc:
        problems.append(("phone", exc.messages[0]))
    uscc = ""
    try:
        uscc = pii.normalize_uscc(employer_uscc) if employer_uscc.strip() else ""
    except ValidationError as exc:
        problems.append(("employer_uscc", exc.messages[0]))
    problems += person_problems(employment_form=employment_form, occupation=occupation)
    problems_raise(problems)
    before = {name: getattr(worker, name) for name in WORKER_EDIT_LABELS}
    if phone_value:
        worker.phone_cipher = pii.column_cipher(Worker.phone_cipher).encrypt(worker.pk, phone_value)
        worker.phone_hash = pii.id_indexer().digest(phone_value)
        worker.phone_masked = pii.mask_phone(phone_value)
    worker.employer_name = employer_name.strip()[:128]
    worker.employer_uscc = uscc
    worker.employment_form = employment_form
    worker.occupation = occupation
    worker.platform = platform.strip()[:64]
    worker.save()
    shown: dict[str, dict[Any, str]] = {
        "employment_form": dict(EmploymentForm.choices),
        "occupation": dict(Occupation.choices),
    }
    changes = []
    for name, label in WORKER_EDIT_LABELS.items():
        old, new = before[name], getattr(worker, name)
        if old != new:
            table = shown.get(name, {})
            changes.append(
                f"{label}：{table.get(old, old) or '（空）'} → {table.get(new, new) or '（空）'}"
            )
    audit_record(
        actor=actor,
        action="worker.update",
        obj=worker,
        union=worker.union,
        summary=f"修改登记职工{worker.name}（{worker.id_masked}）："
        + ("；".join(changes) or "无变化"),
    )
    return worker


def worker_join(
    *, actor: Actor, worker: Worker, union: Union, join_date: date | None = None
) -> Member:
    """The registered worker joins ``union``: a member row from what the registry holds (no
    keying again), linked to the registration by ``member_join``."""
    require_member_editor(actor)
    require_in_scope(actor, union, "只能加入本工会及下级工会。")
    if worker.member_id is not None:
        raise ValidationError("此人已入会。", code="already_member")
    id18 = pii.column_cipher(Worker.id_cipher).decrypt(worker.pk, worker.id_cipher)
    phone = (
        pii.column_cipher(Worker.phone_cipher).decrypt(worker.pk, worker.phone_cipher)
        if worker.phone_cipher
        else ""
    )
    with transaction.atomic():
        member = member_join(
            actor=actor,
            union=union,
            name=worker.name,
            id_number=id18,
            phone=phone,
            employer_name=worker.employer_name,
            employer_uscc=worker.employer_uscc,
            employment_form=worker.employment_form,
            occupation=worker.occupation,
            join_date=join_date,
            channel=JoinChannel.INDIVIDUAL,
        )
        audit_record(
            actor=actor,
            action="worker.join",
            obj=worker,
            union=union,
            summary=f"登记职工{worker.name}（{worker.id_masked}）加入{union.name}",
        )
    return member


def worker_import(
    *, actor: Actor, union: Union, path: Path, dry_run: bool, progress: Progress | None = None
) -> ImportReport:
    """Import the registry of workers into ``union``'s subtree: all rows or none; re-import
    adds nothing."""
    sheet = WorkerSheet(actor=actor, union=union)
    audit = ImportAudit(actor=actor, union=union, action="worker.import", title=WorkerSheet.title)
    return run_import(sheet, path, dry_run=dry_run, progress=progress, audit=audit)


def worker_export(*, actor: Actor, union: Union, path: Path, reveal: bool = False) -> int:
    """Export the registered workers of ``union``'s subtree; masked unless ``reveal``."""
    if reveal:
        require_pii_access(actor, "您没有导出完整个人信息的权限。")
    sheet = WorkerSheet(actor=actor, union=union)
    count = write_export(sheet, path, sheet.export_rows(reveal=reveal))
    audit_record(
        actor=actor,
        action="worker.export.revealed" if reveal else "worker.export",
        union=union,
        summary=f"导出{union.name}登记职工 {count} 人"
        + ("（含完整身份证号）" if reveal else "（脱敏）"),
    )
    return count
