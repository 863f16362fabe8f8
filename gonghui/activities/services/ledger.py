"""Every write of the activity ledger: checked against the kind's rules (every error at
once), written in one transaction, audited."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Count, Sum
from django.utils import timezone

from gonghui.activities.kinds import ActivityKind, kind_get
from gonghui.activities.models import (
    Activity,
    ActivityPhoto,
    JobFair,
    JobPosition,
    Partnership,
    ShowcaseCase,
)
from gonghui.activities.permissions import require_edit, require_select
from gonghui.core.actors import Actor, user_of
from gonghui.core.attachments import (
    attachment_check,
    attachments_check,
    attachments_store,
    files_delete,
    storage_name,
)
from gonghui.core.audit import audit_record
from gonghui.core.problems import problems_raise
from gonghui.orgs.models import Enterprise, Union

MAX_ATTENDANCE = 100_000


def activity_problems(
    *,
    kind: ActivityKind,
    union: Union,
    held_on: date | None,
    enterprise: Enterprise | None,
    attendance: int,
    extra: dict[str, Any],
    today: date | None = None,
) -> list[tuple[str, str]]:
    """What is wrong with an activity, as (field, Chinese message) pairs: the rules every
    kind shares and the kind's own (the date's rules skipped when it is None: a cell that
    could not be read). The page and the sheet give the same sentences."""
    problems: list[tuple[str, str]] = []
    today = today or timezone.localdate()
    if held_on is not None and held_on > today:
        problems.append(("held_on", "活动日期不能晚于今天"))
    if held_on is not None and union.established_on is not None and held_on < union.established_on:
        problems.append(
            ("held_on", f"活动日期不能早于组织工会的成立日期（{union.established_on:%Y-%m-%d}）")
        )
    if not 0 <= attendance <= MAX_ATTENDANCE:
        problems.append(("attendance", f"参与人次应在 0 至 {MAX_ATTENDANCE} 之间"))
    if kind.needs_enterprise and enterprise is None:
        problems.append(("enterprise", f"{kind.label}须填写开展企业的统一社会信用代码"))
    if enterprise is not None and kind.enterprise_refusal is not None:
        refusal = kind.enterprise_refusal(enterprise)
        if refusal:
            problems.append(("enterprise", refusal))
    for field in kind.extra:
        if field.required and extra.get(field.key) in (None, ""):
            problems.append((field.key, f"{kind.label}须填写{field.header}"))
    return problems


def activity_create(
    *,
    actor: Actor,
    union: Union,
    kind: str,
    title: str,
    held_on: date,
    enterprise: Enterprise | None = None,
    site: str = "",
    attendance: int = 0,
    speakers: str = "",
    extra: dict[str, Any] | None = None,
    photos: Sequence[UploadedFile] = (),
) -> Activity:
    """Record one activity of ``union`` with its photos; refusals raise one ValidationError
    listing every problem ({field: [messages]}), and nothing is kept."""
    require_edit(actor, union)
    declared = kind_get(kind)
    if declared is None:
        raise ValidationError({"kind": ["请选择活动类型"]})
    extra = extra or {}
    title = title.strip()
    problems = activity_problems(
        kind=declared,
        union=union,
        held_on=held_on,
        enterprise=enterprise,
        attendance=attendance,
        extra=extra,
    )
    checked, photo_problems = photos_check(photos)
    problems += photo_problems
    if not title:
        problems.insert(0, ("title", "请填写活动名称"))
    elif Activity.objects.filter(union=union, kind=kind, title=title, held_on=held_on).exists():
        problems.insert(0, ("title", f"{held_on:%Y-%m-%d}的“{title}”已经录入"))
    problems_raise(problems)
    written: list[str] = []
    try:
        with transaction.atomic():
            activity = Activity.objects.create(
                union=union,
                kind=kind,
                title=title[:128],
                held_on=held_on,
                enterprise=enterprise,
                site=site.strip()[:128],
                attendance=attendance,
                speakers=speakers.strip()[:200],
                extra=extra,
                created_by=user_of(actor),
            )
            attachments_store(
                ActivityPhoto, checked, written, activity=activity, uploaded_by=user_of(actor)
            )
            audit_record(
                actor=actor,
                action="activities.activity.create",
                obj=activity,
                union=union,
                summary=f"新建{declared.label}“{activity.title}”（{held_on:%Y-%m-%d}，"
                f"{attendance} 人次，照片 {len(checked)} 张）",
            )
    except BaseException:
        files_delete(written)
        raise
    return activity


MAX_PHOTOS = 9


def photos_check(
    files: Sequence[UploadedFile], *, already: int = 0
) -> tuple[list[tuple[UploadedFile, str]], list[tuple[str, str]]]:
    """The photos that pass (images by content, within the size limit) and the problems of
    the others, as ("photos", message) pairs."""
    checked, problems = attachments_check(files, images_only=True, most=MAX_PHOTOS, already=already)
    return checked, [("photos", m) for m in problems]


def activity_photos_add(*, actor: Actor, activity: Activity, photos: Sequence[UploadedFile]) -> int:
    """Add photos to a recorded activity (all or none)."""
    require_edit(actor, activity.union)
    if not photos:
        raise ValidationError({"photos": ["请选择照片"]})
    checked, problems = photos_check(photos, already=activity.photos.count())
    if problems:
        raise ValidationError({"photos": [m for _, m in problems]})
    written: list[str] = []
    try:
        with transaction.atomic():
            attachments_store(
                ActivityPhoto, checked, written, activity=activity, uploaded_by=user_of(actor)
            )
            audit_record(
                actor=actor,
                action="activities.activity.photos",
                obj=activity,
                union=activity.union,
                summary=f"为“{activity.title}”上传照片 {len(checked)} 张",
            )
    except BaseException:
        files_delete(written)
        raise
    return len(checked)


def activity_select(
    *, actor: Actor, activity: Activity, showcase: bool, lead_speaker: bool
) -> Activity:
    """The city marks (or unmarks) an activity as 优秀活动案例 and its speaker as 领讲员."""
    require_select(actor)
    require_edit(actor, activity.union)
    if lead_speaker and not activity.speakers:
        raise ValidationError({"lead_speaker": ["这场活动没有填写主讲人，不能选为领讲员"]})
    with transaction.atomic():
        activity.showcase = showcase
        activity.lead_speaker = lead_speaker
        activity.save(update_fields=["showcase", "lead_speaker"])
        chosen = "、".join(
            label
            for label, on in (
                ("优秀活动案例", showcase),
                (f"领讲员（{activity.speakers}）", lead_speaker),
            )
            if on
        )
        audit_record(
            actor=actor,
            action="activities.activity.select",
            obj=activity,
            union=activity.union,
            summary=f"“{activity.title}”的选定：{chosen or '无'}",
        )
    return activity


def case_create(
    *,
    actor: Actor,
    union: Union,
    title: str,
    year: int,
    summary: str,
    cover: UploadedFile | None = None,
    activities: Sequence[Activity] = (),
) -> ShowcaseCase:
    """The city records a 典型工作案例 of ``union`` (every problem at once)."""
    require_select(actor)
    require_edit(actor, union)
    problems: list[tuple[str, str]] = []
    if not title.strip():
        problems.append(("title", "请填写案例名称"))
    if not summary.strip():
        problems.append(("summary", "请填写案例简介"))
    if not 2000 <= year <= timezone.localdate().year:
        problems.append(("year", "年度不正确"))
    outside = [a.title for a in activities if not a.union.path.startswith(union.path)]
    if outside:
        problems.append(("activities", f"“{'、'.join(outside)}”不是{union.name}及其下级工会的活动"))
    if (
        title.strip()
        and ShowcaseCase.objects.filter(union=union, year=year, title=title.strip()).exists()
    ):
        problems.append(("title", f"{union.name}{year}年已有案例“{title.strip()}”"))
    cover_type = ""
    if cover is not None:
        try:
            cover_type = attachment_check(cover, images_only=True)
        except ValidationError as exc:
            problems += [("cover", m) for m in exc.messages]
    problems_raise(problems)
    written: list[str] = []
    try:
        with transaction.atomic():
            case = ShowcaseCase(
                union=union,
                title=title.strip()[:128],
                year=year,
                summary=summary.strip(),
                cover_type=cover_type,
                created_by=user_of(actor),
            )
            if cover is not None:
                cover.seek(0)
                case.cover.save(storage_name(cover_type), cover, save=False)
                written.append(case.cover.name or "")
            case.save()
            case.activities.set(activities)
            audit_record(
                actor=actor,
                action="activities.case.create",
                obj=case,
                union=union,
                summary=f"选定典型工作案例“{case.title}”（{year}年，关联活动 {len(activities)} 场）",
            )
    except BaseException:
        files_delete(written)
        raise
    return case


# --- 春风送岗 job fairs ------------------------------------------------------------------


def fair_problems(
    *, union: Union, title: str, held_on: date | None, today: date | None = None
) -> list[tuple[str, str]]:
    today = today or timezone.localdate()
    problems: list[tuple[str, str]] = []
    if not title.strip():
        problems.append(("title", "请填写招聘会名称"))
    if held_on is not None and held_on > today:
        problems.append(("held_on", "举办日期不能晚于今天（招聘会举办后录入）"))
    if held_on is not None and union.established_on is not None and held_on < union.established_on:
        problems.append(
            ("held_on", f"举办日期不能早于组织工会的成立日期（{union.established_on:%Y-%m-%d}）")
        )
    if (
        held_on is not None
        and title.strip()
        and JobFair.objects.filter(union=union, title=title.strip(), held_on=held_on).exists()
    ):
        problems.append(("title", f"{held_on:%Y-%m-%d}的“{title.strip()}”已经录入"))
    return problems


def fair_create(
    *,
    actor: Actor,
    union: Union,
    title: str,
    held_on: date,
    mode: str = JobFair.Mode.ONSITE,
    venue: str = "",
) -> JobFair:
    """Record a 春风送岗 fair of ``union``; its positions come by the ``job-positions`` sheet.
    Refusals raise one ValidationError listing every problem."""
    require_edit(actor, union)
    problems = fair_problems(union=union, title=title, held_on=held_on)
    if mode not in JobFair.Mode.values:
        problems.append(("mode", "请选择举办方式"))
    problems_raise(problems)
    with transaction.atomic():
        fair = JobFair.objects.create(
            union=union,
            title=title.strip()[:128],
            held_on=held_on,
            mode=mode,
            venue=venue.strip()[:128],
            created_by=user_of(actor),
        )
        audit_record(
            actor=actor,
            action="activities.jobfair.create",
            obj=fair,
            union=union,
            summary=f"新建招聘会“{fair.title}”（{held_on:%Y-%m-%d}）",
        )
    return fair


def fair_close(*, actor: Actor, fair: JobFair, on: date | None = None) -> JobFair:
    """End a fair: its positions are final; a sheet adds none after this."""
    require_edit(actor, fair.union)
    if fair.closed_on is not None:
        raise ValidationError(f"招聘会“{fair.title}”已于 {fair.closed_on:%Y-%m-%d} 结束")
    on = on or timezone.localdate()
    if on < fair.held_on:
        raise ValidationError("结束日期不能早于举办日期")
    with transaction.atomic():
        locked = JobFair.objects.select_for_update().get(pk=fair.pk)
        if locked.closed_on is not None:
            raise ValidationError(f"招聘会“{fair.title}”已于 {locked.closed_on:%Y-%m-%d} 结束")
        locked.closed_on = on
        locked.save(update_fields=["closed_on"])
        totals = JobPosition.objects.filter(fair=locked).aggregate(
            n=Count("pk"), posts=Sum("posts")
        )
        audit_record(
            actor=actor,
            action="activities.jobfair.close",
            obj=locked,
            union=locked.union,
            summary=f"结束招聘会“{locked.title}”：岗位 {totals['n']} 个，招聘 {totals['posts'] or 0} 人",
        )
    return locked


# --- 东西部协作 and 对口支援 ------------------------------------------------------------------


def partnership_create(
    *,
    actor: Actor,
    union: Union,
    kind: str,
    partner: str,
    title: str,
    signed_on: date,
    items: str = "",
    money: Decimal | None = None,
    base_name: str = "",
) -> Partnership:
    """Record an agreement of ``union`` with a region elsewhere (every problem at once)."""
    require_edit(actor, union)
    problems: list[tuple[str, str]] = []
    if kind not in Partnership.Kind.values:
        problems.append(("kind", "请选择类型"))
    if not partner.strip():
        problems.append(("partner", "请填写合作地区"))
    if not title.strip():
        problems.append(("title", "请填写协议名称"))
    if signed_on > timezone.localdate():
        problems.append(("signed_on", "签订日期不能晚于今天"))
    if money is not None and money < 0:
        problems.append(("money", "资金不能为负数"))
    if kind == Partnership.Kind.RECUPERATION_BASE and not base_name.strip():
        problems.append(("base_name", "疗休养基地须填写基地名称"))
    if (
        partner.strip()
        and title.strip()
        and Partnership.objects.filter(
            union=union, partner=partner.strip(), title=title.strip(), signed_on=signed_on
        ).exists()
    ):
        problems.append(
            ("title", f"{signed_on:%Y-%m-%d}与{partner.strip()}的“{title.strip()}”已经录入")
        )
    problems_raise(problems)
    with transaction.atomic():
        agreement = Partnership.objects.create(
            union=union,
            kind=kind,
            partner=partner.strip()[:64],
            title=title.strip()[:128],
            signed_on=signed_on,
            items=items.strip(),
            money=money,
            base_name=base_name.strip()[:128],
            created_by=user_of(actor),
        )
        audit_record(
            actor=actor,
            action="activities.partnership.create",
            obj=agreement,
            union=union,
            summary=f"与{agreement.partner}签订“{agreement.title}”（{signed_on:%Y-%m-%d}，"
            f"{agreement.get_kind_display()}）",
        )
    return agreement
