"""应建未建 and 建会销号: which enterprises should form a union, and closing their tasks.

A task is closed only by forming a union: the service creates the grassroots union (or
attaches the enterprise to a joint union) and closes the task in the same transaction, and
a database constraint refuses a closed task without a union, a date and a mode.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from gonghui.core.actors import Actor
from gonghui.core.audit import audit_record
from gonghui.core.sheets.writer import write_rows
from gonghui.orgs.models import Enterprise, FormationMode, FormationTask, Union
from gonghui.orgs.services import next_child_code, union_create


def should_form_q() -> Q:
    """The configurable rule, as a filter (so the worklist is one query)."""
    rule = Q(employee_count__gte=settings.GONGHUI_FORMATION_MIN_EMPLOYEES)
    if settings.GONGHUI_FORMATION_ABOVE_SCALE:
        rule |= Q(is_above_scale=True)
    if settings.GONGHUI_FORMATION_PLATFORM_LEAD:
        rule |= Q(is_platform_lead=True)
    return rule


def should_form(enterprise: Enterprise) -> bool:
    return (
        enterprise.employee_count >= settings.GONGHUI_FORMATION_MIN_EMPLOYEES
        or (settings.GONGHUI_FORMATION_ABOVE_SCALE and enterprise.is_above_scale)
        or (settings.GONGHUI_FORMATION_PLATFORM_LEAD and enterprise.is_platform_lead)
    )


def township_union_of(region_id: int) -> Union | None:
    return Union.objects.filter(region_id=region_id, level=Union.Level.TOWNSHIP).first()


def formation_tasks_open(*, enterprises: QuerySet[Enterprise], on: date | None = None) -> int:
    """Open a task for each enterprise of ``enterprises`` that should form a union and has
    neither a union nor an open task. Returns how many were opened."""
    pending = (
        enterprises.filter(should_form_q(), union__isnull=True)
        .exclude(formation_tasks__status=FormationTask.Status.OPEN)
        .values_list("pk", "region_id")
    )
    townships: dict[int, Union | None] = {}
    tasks = []
    for pk, region_id in pending:
        if region_id not in townships:
            townships[region_id] = township_union_of(region_id)
        township = townships[region_id]
        if township is not None:
            tasks.append(
                FormationTask(
                    enterprise_id=pk, township_union=township, opened_on=on or timezone.localdate()
                )
            )
    FormationTask.objects.bulk_create(tasks, batch_size=1000)
    return len(tasks)


@transaction.atomic
def formation_close(
    *,
    actor: Actor,
    task: FormationTask,
    mode: str,
    formed_on: date,
    joint_union: Union | None = None,
    union_name: str = "",
    chair: str = "",
) -> FormationTask:
    """建会销号: form the enterprise's union (or attach it to a joint union) and close the task."""
    task = (
        FormationTask.objects.select_for_update()
        .select_related("enterprise", "township_union")
        .get(pk=task.pk)
    )
    if task.status != FormationTask.Status.OPEN:
        raise ValidationError("该任务已销号。", code="task_closed")
    if mode not in FormationMode.values:
        raise ValidationError("请选择组建方式。", code="mode_required")
    if formed_on > timezone.localdate():
        raise ValidationError("建会日期不能晚于今天。", code="date_future")
    enterprise = task.enterprise
    # Locked so that two closings in one township cannot pick the same next union code.
    township = Union.objects.select_for_update().get(pk=task.township_union_id)
    if joint_union is not None:
        if joint_union.kind != Union.Kind.JOINT or not joint_union.path.startswith(township.path):
            raise ValidationError("只能并入本乡镇（街道）的联合工会。", code="joint_union_invalid")
        union = joint_union
    else:
        union = union_create(
            actor=actor,
            parent=township,
            code=next_child_code(township),
            name=union_name or f"{enterprise.name}工会委员会",
            level=Union.Level.GRASSROOTS,
            established_on=formed_on,
            chair=chair,
            region_id=enterprise.region_id,
        )
    enterprise.union = union
    enterprise.owner_union = union
    enterprise.save(update_fields=["union", "owner_union", "updated_at"])
    task.status = FormationTask.Status.CLOSED
    task.closed_on = formed_on
    task.formed_union = union
    task.formation_mode = mode
    task.save(update_fields=["status", "closed_on", "formed_union", "formation_mode"])
    audit_record(
        actor=actor,
        action="formation.close",
        obj=task,
        union=township,
        summary=f"{enterprise.name} 建会销号（{FormationMode(mode).label}），工会：{union.name}",
    )
    return task


WORKLIST_HEADERS = [
    "企业名称",
    "统一社会信用代码",
    "所在乡镇（街道）",
    "职工人数",
    "规上企业",
    "新业态头部企业",
    "列入日期",
    "状态",
    "销号日期",
    "组建方式",
    "所建工会",
]


def formation_worklist_export(*, actor: Actor, union: Union, path: Path) -> int:
    """The worklist of a union's area as a workbook (open tasks and those closed)."""
    modes = dict(FormationMode.choices)
    statuses = dict(FormationTask.Status.choices)
    rows = (
        FormationTask.objects.visible_to(actor)
        .filter(township_union__path__startswith=union.path)
        .order_by("township_union__path", "status", "id")
        .values_list(
            "enterprise__name",
            "enterprise__uscc",
            "township_union__name",
            "enterprise__employee_count",
            "enterprise__is_above_scale",
            "enterprise__is_platform_lead",
            "opened_on",
            "status",
            "closed_on",
            "formation_mode",
            "formed_union__name",
        )
    )

    def values() -> Any:
        for (
            name,
            uscc,
            township,
            count,
            above,
            lead,
            opened,
            status,
            closed,
            mode,
            formed,
        ) in rows.iterator(chunk_size=2000):
            yield [
                name,
                uscc,
                township,
                count,
                above,
                lead,
                opened,
                statuses[status],
                closed,
                modes.get(mode, ""),
                formed or "",
            ]

    count = write_rows(path, "应建未建台账", WORKLIST_HEADERS, values())
    audit_record(
        actor=actor,
        action="formation.export",
        union=union,
        summary=f"导出{union.name}应建未建台账 {count} 条",
    )
    return count
