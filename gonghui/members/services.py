"""Every write to members: the lifecycle (join, transfer, leave), import, export, reveal."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from gonghui.core import pii
from gonghui.core.actors import Actor
from gonghui.core.audit import audit_record
from gonghui.core.bulk import ids_reserve
from gonghui.core.models import User
from gonghui.core.sheets import ImportReport, run_import, write_export
from gonghui.core.sheets.engine import ImportAudit, Progress
from gonghui.members.identity import IDENTITY_FIELDS, member_identities
from gonghui.members.models import (
    EmploymentForm,
    JoinChannel,
    LeaveReason,
    MassEnrollment,
    Member,
    MembershipEvent,
    Occupation,
    PeriodEnd,
    PeriodStart,
    SkillGrade,
    Worker,
)
from gonghui.members.periods import began_by, period_close, period_open
from gonghui.members.permissions import require_pii_access
from gonghui.members.sheets import MEMBER_HOLDING_LEVELS, MemberSheet
from gonghui.orgs.models import Union
from gonghui.orgs.services import union_count_add, union_counts_refresh


def _require_holding_union(union: Union) -> None:
    if union.level not in MEMBER_HOLDING_LEVELS:
        raise ValidationError("会员须归属基层工会或乡镇（街道）工会。", code="union_level")


@transaction.atomic
def member_join(
    *,
    actor: Actor,
    union: Union,
    name: str,
    id_number: str,
    phone: str = "",
    employer_name: str = "",
    employer_uscc: str = "",
    employment_form: str = EmploymentForm.STANDARD,
    occupation: str = "",
    skill_grade: int | None = None,
    join_date: date | None = None,
    channel: str = JoinChannel.INDIVIDUAL,
    mass_enrollment: MassEnrollment | None = None,
) -> Member:
    """Enrol one person. A person already in another union must transfer instead."""
    _require_holding_union(union)
    id18 = pii.normalize_id_number(id_number)
    phone = pii.normalize_phone(phone) if phone else ""
    if employment_form == EmploymentForm.NEW_FORM and not occupation:
        raise ValidationError("新就业形态劳动者须填写职业。", code="occupation_required")
    indexer = pii.id_indexer()
    id_hash = indexer.digest(id18)
    existing = Member.objects.select_for_update().filter(id_hash=id_hash).first()
    if existing is not None and existing.status == Member.Status.ACTIVE:
        raise ValidationError(
            "此人已是工会会员，如需变更所属工会请办理转会。", code="already_member"
        )
    day = join_date or timezone.localdate()
    if existing is not None and existing.left_on is not None and day < existing.left_on:
        raise ValidationError(
            f"重新入会日期不能早于上次退会日期（{existing.left_on:%Y-%m-%d}）。",
            code="before_left",
        )
    # The ciphertexts are sealed to the row, so a new row's key is drawn first.
    pk = existing.pk if existing is not None else ids_reserve(Member, 1)[0]
    (identity,) = member_identities([pk], [id18], [phone], id_hashes=[id_hash])
    fields = {
        "union": union,
        "name": name,
        **dict(zip(IDENTITY_FIELDS, identity, strict=True)),
        "employer_name": employer_name,
        "employer_uscc": employer_uscc,
        "employment_form": employment_form,
        "occupation": occupation,
        "skill_grade": skill_grade,
        "join_date": day,
        "join_channel": channel,
        "mass_enrollment": mass_enrollment,
        "status": Member.Status.ACTIVE,
        "left_on": None,
    }
    if existing is not None:
        for key, value in fields.items():
            setattr(existing, key, value)
        existing.save()
        member = existing
        MembershipEvent.objects.create(
            member=member,
            kind=MembershipEvent.Kind.REJOIN,
            union=union,
            on=member.join_date,
            actor=_user(actor),
        )
    else:
        member = Member.objects.create(pk=pk, **fields)
    period_open(member=member, union_id=union.pk, on=member.join_date, began=began_by(channel))
    # A registered worker who joins is this member from now on (one person, one record).
    Worker.objects.filter(id_hash=id_hash, member__isnull=True).update(member=member)
    union_count_add("member_count", union_id=union.pk, delta=1)
    audit_record(
        actor=actor,
        action="member.join",
        obj=member,
        union=union,
        summary=f"{member.name}（{member.id_masked}）入会",
    )
    return member


def _user(actor: Actor) -> User | None:
    return actor if isinstance(actor, User) else None


def _event_day(member: Member, on: date | None, what: str) -> date:
    day = on or timezone.localdate()
    if day > timezone.localdate():
        raise ValidationError(f"{what}日期不能晚于今天。", code="future_date")
    if day < member.join_date:
        raise ValidationError(f"{what}日期不能早于入会日期。", code="before_join")
    return day


@transaction.atomic
def member_transfer(
    *,
    actor: Actor,
    member: Member,
    to_union: Union,
    on: date | None = None,
    reason: str = "",
    employer_name: str | None = None,
    employer_uscc: str | None = None,
) -> Member:
    """Move a member to another union, keeping both unions in the history; a new employer,
    when given, replaces the old one."""
    _require_holding_union(to_union)
    member = Member.objects.select_for_update().get(pk=member.pk)
    if member.status != Member.Status.ACTIVE:
        raise ValidationError("已退会的会员不能转会。", code="not_active")
    if member.union_id == to_union.pk:
        raise ValidationError("转入工会与当前所属工会相同。", code="same_union")
    day = _event_day(member, on, "转会")
    period_close(member=member, on=day, ended=PeriodEnd.TRANSFERRED_OUT, what="转会")
    period_open(member=member, union_id=to_union.pk, on=day, began=PeriodStart.TRANSFERRED_IN)
    from_union_id = member.union_id
    member.union = to_union
    fields = ["union", "updated_at"]
    if employer_name:
        member.employer_name = employer_name.strip()[:128]
        member.employer_uscc = pii.normalize_uscc(employer_uscc) if employer_uscc else ""
        fields += ["employer_name", "employer_uscc"]
    member.save(update_fields=fields)
    union_count_add("member_count", union_id=from_union_id, delta=-1)
    union_count_add("member_count", union_id=to_union.pk, delta=1)
    MembershipEvent.objects.create(
        member=member,
        kind=MembershipEvent.Kind.TRANSFER,
        union=to_union,
        from_union_id=from_union_id,
        on=day,
        reason=reason.strip()[:200],
        actor=_user(actor),
    )
    audit_record(
        actor=actor,
        action="member.transfer",
        obj=member,
        union=to_union,
        summary=f"{member.name}（{member.id_masked}）转入{to_union.name}"
        + (f"，原因：{reason.strip()[:100]}" if reason.strip() else ""),
    )
    return member


@transaction.atomic
def member_leave(
    *, actor: Actor, member: Member, on: date | None = None, reason: str = ""
) -> Member:
    """End a membership on a date, with why (离职, 退休, 死亡, 其他)."""
    if reason and reason not in LeaveReason.values:
        raise ValidationError("请选择退会原因。", code="leave_reason")
    member = Member.objects.select_for_update().get(pk=member.pk)
    if member.status != Member.Status.ACTIVE:
        raise ValidationError("此会员已退会。", code="not_active")
    member.status = Member.Status.LEFT
    member.left_on = _event_day(member, on, "退会")
    period_close(member=member, on=member.left_on, ended=PeriodEnd.LEFT, what="退会")
    member.left_reason = reason
    member.save(update_fields=["status", "left_on", "left_reason", "updated_at"])
    union_count_add("member_count", union_id=member.union_id, delta=-1)
    label = LeaveReason(reason).label if reason else ""
    MembershipEvent.objects.create(
        member=member,
        kind=MembershipEvent.Kind.LEAVE,
        union_id=member.union_id,
        on=member.left_on,
        reason=label,
        actor=_user(actor),
    )
    audit_record(
        actor=actor,
        action="member.leave",
        obj=member,
        union=member.union,
        summary=f"{member.name}（{member.id_masked}）退会" + (f"（{label}）" if label else ""),
    )
    return member


MEMBER_EDIT_LABELS = {
    "phone_masked": "手机号码",
    "employer_name": "工作单位",
    "employer_uscc": "统一社会信用代码",
    "employment_form": "就业形态",
    "occupation": "职业",
    "skill_grade": "技能等级",
}


@transaction.atomic
def member_update(
    *,
    actor: Actor,
    member: Member,
    phone: str,
    employer_name: str,
    employer_uscc: str,
    employment_form: str,
    occupation: str,
    skill_grade: int | None,
) -> Member:
    """Correct a member's contact and work details; the audit log keeps what changed (the
    member page shows it as the member's history). A blank phone keeps the one on file."""
    member = Member.objects.select_for_update().get(pk=member.pk)
    errors: dict[str, list[str]] = {}
    phone_value = ""
    if phone.strip():
        try:
            phone_value = pii.normalize_phone(phone)
        except ValidationError as exc:
            errors["phone"] = exc.messages
    uscc = ""
    if employer_uscc.strip():
        try:
            uscc = pii.normalize_uscc(employer_uscc)
        except ValidationError as exc:
            errors["employer_uscc"] = exc.messages
    if employment_form not in EmploymentForm.values:
        errors["employment_form"] = ["请选择就业形态。"]
    if employment_form == EmploymentForm.NEW_FORM and not occupation:
        errors["occupation"] = ["新就业形态劳动者须填写职业。"]
    if occupation and occupation not in Occupation.values:
        errors["occupation"] = ["请选择职业。"]
    if skill_grade is not None and skill_grade not in SkillGrade.values:
        errors["skill_grade"] = ["请选择技能等级。"]
    if errors:
        raise ValidationError(errors)
    before = {name: getattr(member, name) for name in MEMBER_EDIT_LABELS}
    if phone_value:
        member.phone_cipher = pii.column_cipher(Member.phone_cipher).encrypt(member.pk, phone_value)
        member.phone_hash = pii.id_indexer().digest(phone_value)
        member.phone_masked = pii.mask_phone(phone_value)
    member.employer_name = employer_name.strip()[:128]
    member.employer_uscc = uscc
    member.employment_form = employment_form
    member.occupation = occupation if employment_form == EmploymentForm.NEW_FORM else ""
    member.skill_grade = skill_grade
    member.save()
    shown: dict[str, dict[Any, str]] = {
        "employment_form": dict(EmploymentForm.choices),
        "occupation": dict(Occupation.choices),
        "skill_grade": dict(SkillGrade.choices),
    }
    changes = []
    for name, label in MEMBER_EDIT_LABELS.items():
        old, new = before[name], getattr(member, name)
        if old != new:
            table = shown.get(name, {})
            changes.append(
                f"{label}：{table.get(old, old) or '（空）'} → {table.get(new, new) or '（空）'}"
            )
    audit_record(
        actor=actor,
        action="member.update",
        obj=member,
        summary=f"修改会员{member.name}（{member.id_masked}）：" + ("；".join(changes) or "无变化"),
    )
    return member


def member_reveal(*, actor: User, member: Member, field: str) -> str:
    """The full ID number or phone of a member, for users holding the right; audited."""
    require_pii_access(actor)
    if field == "id_number":
        value = pii.column_cipher(Member.id_cipher).decrypt(member.pk, member.id_cipher)
        label = "身份证号"
    elif field == "phone" and member.phone_cipher:
        value = pii.column_cipher(Member.phone_cipher).decrypt(member.pk, member.phone_cipher)
        label = "手机号码"
    else:
        raise ValidationError("没有可查看的内容。", code="nothing_to_reveal")
    audit_record(
        actor=actor,
        action="member.reveal",
        obj=member,
        summary=f"查看{member.name}（{member.id_masked}）的完整{label}",
    )
    return value


def member_import(
    *, actor: Actor, union: Union, path: Path, dry_run: bool, progress: Progress | None = None
) -> ImportReport:
    """Import a roster into ``union``'s subtree: all rows or none; re-import adds nothing."""
    sheet = MemberSheet(actor=actor, union=union)
    audit = ImportAudit(actor=actor, union=union, action="member.import", title=MemberSheet.title)
    report = run_import(sheet, path, dry_run=dry_run, progress=progress, audit=audit)
    if report.committed and (report.created or report.updated):
        union_counts_refresh()  # cached roster sizes on the union tree
    return report


def member_export(*, actor: Actor, union: Union, path: Path, reveal: bool = False) -> int:
    """Export the active members of ``union``'s subtree; masked unless ``reveal`` is allowed."""
    if reveal:
        require_pii_access(actor, "您没有导出完整个人信息的权限。")
    sheet = MemberSheet(actor=actor, union=union)
    marking = ""
    if reveal:
        who = getattr(actor, "display_name", "") or actor.get_username()
        marking = (
            f"本表含完整身份证号和手机号码，由 {who}（{actor.get_username()}）于 "
            f"{timezone.localtime():%Y年%m月%d日 %H:%M} 导出，仅限工会工作使用，"
            "请妥善保管，不得外传；用毕请删除。"
        )
    count = write_export(sheet, path, sheet.export_rows(reveal=reveal), marking=marking)
    audit_record(
        actor=actor,
        action="member.export.revealed" if reveal else "member.export",
        union=union,
        summary=f"导出{union.name}会员名册 {count} 人"
        + ("（含完整身份证号）" if reveal else "（脱敏）"),
    )
    return count
