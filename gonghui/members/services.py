"""Every write to members: the lifecycle (join, transfer, leave), import, export, reveal."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from gonghui.core import pii
from gonghui.core.audit import audit_record
from gonghui.core.models import User
from gonghui.core.sheets import ImportReport, run_import, write_export
from gonghui.core.sheets.engine import Progress, audit_import
from gonghui.members.models import (
    EmploymentForm,
    JoinChannel,
    MassEnrollment,
    Member,
    MembershipEvent,
)
from gonghui.members.sheets import MEMBER_HOLDING_LEVELS, MemberSheet
from gonghui.orgs.models import Union
from gonghui.orgs.services import union_counts_refresh, union_member_count_add


def _require_holding_union(union: Union) -> None:
    if union.level not in MEMBER_HOLDING_LEVELS:
        raise ValidationError("会员须归属基层工会或乡镇（街道）工会。", code="union_level")


@transaction.atomic
def member_join(
    *,
    actor: Any,
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
    indexer, cipher = pii.id_indexer(), pii.data_cipher()
    id_hash = indexer.digest(id18)
    existing = Member.objects.select_for_update().filter(id_hash=id_hash).first()
    if existing is not None and existing.status == Member.Status.ACTIVE:
        raise ValidationError(
            "此人已是工会会员，如需变更所属工会请办理转会。", code="already_member"
        )
    fields = {
        "union": union,
        "name": name,
        "id_cipher": cipher.encrypt(id18),
        "id_hash": id_hash,
        "id_masked": pii.mask_id_number(id18),
        "sex": pii.id_sex(id18),
        "birth_date": pii.id_birth_date(id18),
        "home_region_code": pii.id_region_code(id18),
        "phone_cipher": cipher.encrypt(phone) if phone else None,
        "phone_hash": indexer.digest(phone) if phone else "",
        "phone_masked": pii.mask_phone(phone) if phone else "",
        "employer_name": employer_name,
        "employer_uscc": employer_uscc,
        "employment_form": employment_form,
        "occupation": occupation,
        "skill_grade": skill_grade,
        "join_date": join_date or timezone.localdate(),
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
        member = Member.objects.create(**fields)
    union_member_count_add(union_id=union.pk, delta=1)
    audit_record(
        actor=actor,
        action="member.join",
        obj=member,
        summary=f"{member.name}（{member.id_masked}）入会",
    )
    return member


def _user(actor: Any) -> User | None:
    return actor if isinstance(actor, User) else None


@transaction.atomic
def member_transfer(
    *, actor: Any, member: Member, to_union: Union, on: date | None = None
) -> Member:
    """Move a member to another union, keeping the history."""
    _require_holding_union(to_union)
    member = Member.objects.select_for_update().get(pk=member.pk)
    if member.status != Member.Status.ACTIVE:
        raise ValidationError("已退会的会员不能转会。", code="not_active")
    if member.union_id == to_union.pk:
        raise ValidationError("转入工会与当前所属工会相同。", code="same_union")
    from_union_id = member.union_id
    member.union = to_union
    member.save(update_fields=["union", "updated_at"])
    union_member_count_add(union_id=from_union_id, delta=-1)
    union_member_count_add(union_id=to_union.pk, delta=1)
    MembershipEvent.objects.create(
        member=member,
        kind=MembershipEvent.Kind.TRANSFER,
        union=to_union,
        from_union_id=from_union_id,
        on=on or timezone.localdate(),
        actor=_user(actor),
    )
    audit_record(
        actor=actor,
        action="member.transfer",
        obj=member,
        union=to_union,
        summary=f"{member.name}（{member.id_masked}）转入{to_union.name}",
    )
    return member


@transaction.atomic
def member_leave(*, actor: Any, member: Member, on: date | None = None) -> Member:
    member = Member.objects.select_for_update().get(pk=member.pk)
    if member.status != Member.Status.ACTIVE:
        raise ValidationError("此会员已退会。", code="not_active")
    member.status = Member.Status.LEFT
    member.left_on = on or timezone.localdate()
    member.save(update_fields=["status", "left_on", "updated_at"])
    union_member_count_add(union_id=member.union_id, delta=-1)
    MembershipEvent.objects.create(
        member=member,
        kind=MembershipEvent.Kind.LEAVE,
        union_id=member.union_id,
        on=member.left_on,
        actor=_user(actor),
    )
    audit_record(
        actor=actor,
        action="member.leave",
        obj=member,
        summary=f"{member.name}（{member.id_masked}）退会",
    )
    return member


def member_reveal(*, actor: User, member: Member, field: str) -> str:
    """The full ID number or phone of a member, for users holding the right; audited."""
    if not actor.pii_access:
        raise PermissionDenied("您没有查看完整个人信息的权限。")
    cipher = pii.data_cipher()
    if field == "id_number":
        value = cipher.decrypt(member.id_cipher)
        label = "身份证号"
    elif field == "phone" and member.phone_cipher:
        value = cipher.decrypt(member.phone_cipher)
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
    *, actor: Any, union: Union, path: Path, dry_run: bool, progress: Progress | None = None
) -> ImportReport:
    """Import a roster into ``union``'s subtree: all rows or none; re-import adds nothing."""
    sheet = MemberSheet(actor=actor, union=union)
    report = run_import(sheet, path, dry_run=dry_run, progress=progress)
    if report.committed and (report.created or report.updated):
        union_counts_refresh()  # cached roster sizes on the union tree
    audit_import(
        report, actor=actor, union=union, action="member.import", title=MemberSheet.title, path=path
    )
    return report


def member_export(*, actor: Any, union: Union, path: Path, reveal: bool = False) -> int:
    """Export the active members of ``union``'s subtree; masked unless ``reveal`` is allowed."""
    if reveal and not getattr(actor, "pii_access", False):
        raise PermissionDenied("您没有导出完整个人信息的权限。")
    sheet = MemberSheet(actor=actor, union=union)
    count = write_export(sheet, path, sheet.export_rows(reveal=reveal))
    audit_record(
        actor=actor,
        action="member.export.revealed" if reveal else "member.export",
        union=union,
        summary=f"导出{union.name}会员名册 {count} 人"
        + ("（含完整身份证号）" if reveal else "（脱敏）"),
    )
    return count
