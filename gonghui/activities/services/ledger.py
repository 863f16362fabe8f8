"""Every write of the activity ledger: checked against the kind's rules (every error at
once), written in one transaction, audited."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Sum
from django.utils import timezone

from gonghui.activities.kinds import ActivityKind, kind_get
from gonghui.activities.models import Activity, JobFair, JobPosition
from gonghui.activities.permissions import require_edit
from gonghui.core.actors import Actor, user_of
from gonghui.core.audit import audit_record
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
) -> Activity:
    """Record one activity of ``union``; refusals raise one ValidationError listing every
    problem ({field: [messages]})."""
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
    if not title:
        problems.insert(0, ("title", "请填写活动名称"))
    elif Activity.objects.filter(union=union, kind=kind, title=title, held_on=held_on).exists():
        problems.insert(0, ("title", f"{held_on:%Y-%m-%d}的“{title}”已经录入"))
    if problems:
        errors: dict[str, list[str]] = {}
        for field, message in problems:
            errors.setdefault(field, []).append(message)
        raise ValidationError(errors)
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
        audit_record(
            actor=actor,
            action="activities.activity.create",
            obj=activity,
            union=union,
            summary=f"新建{declared.label}“{activity.title}”（{held_on:%Y-%m-%d}，"
            f"{attendance} 人次）",
        )
    return activity


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
    if problems:
        errors: dict[str, list[str]] = {}
        for field, message in problems:
            errors.setdefault(field, []).append(message)
        raise ValidationError(errors)
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
