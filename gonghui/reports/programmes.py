"""Programmes with targets over several years (the 湖工有爱 共富班车): loading one, and its
progress from the start of its baseline year to the report day, against the pace that
reaches each target by the end of the target year, for a union and each union below it.

A target is a participation rate (a service item among a group of people, as the care
module's participation board counts it) or a cumulative count of a declared indicator. A
target whose indicator or item no module declares yet waits, and appears once it exists."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from gonghui.care.models import ServiceItem
from gonghui.care.selectors import participation
from gonghui.core.actors import Actor, SystemActor
from gonghui.core.audit import audit_record
from gonghui.core.indicators.periods import Period
from gonghui.core.indicators.registry import Tree, indicator_get, indicator_values
from gonghui.members.people import GROUPS, group_get
from gonghui.orgs.models import Union
from gonghui.reports.dispatch import light
from gonghui.reports.models import Programme, ProgrammeTarget

ONE = Decimal("0.1")


def programme_load(*, actor: Actor, data: dict[str, Any]) -> tuple[Programme, bool]:
    """Create or replace a programme from its JSON (idempotent by code); every problem of
    the file at once, in Chinese. Returns the programme and whether it was new."""
    problems: list[str] = []
    for key in ("code", "name", "union", "baseline_year", "target_year", "targets"):
        if not data.get(key):
            problems.append(f"缺少字段 {key}")
    union = Union.objects.filter(code=str(data.get("union", ""))).first()
    if data.get("union") and union is None:
        problems.append(f"没有代码为 {data['union']} 的工会")
    try:
        baseline, target_year = int(data.get("baseline_year", 0)), int(data.get("target_year", 0))
    except (TypeError, ValueError):
        baseline, target_year = 0, 0
        problems.append("基准年和目标年须为年份数字")
    if baseline and target_year and target_year < baseline:
        problems.append("目标年不能早于基准年")
    group = str(data.get("group", ""))
    if group and group not in GROUPS:
        problems.append(f"没有服务对象 {group}")
    targets: list[ProgrammeTarget] = []
    for n, raw in enumerate(data.get("targets") or [], start=1):
        measure = raw.get("measure")
        if measure not in ProgrammeTarget.Measure.values:
            problems.append(f"第{n}个目标：口径须为 participation 或 indicator")
            continue
        if measure == "participation" and (not raw.get("item") or raw.get("group") not in GROUPS):
            problems.append(f"第{n}个目标：参与率须写服务项目 item 和对象 group")
        if measure == "indicator" and not raw.get("indicator"):
            problems.append(f"第{n}个目标：累计数须写指标 indicator")
        try:
            value = Decimal(str(raw.get("value")))
        except ArithmeticError:
            problems.append(f"第{n}个目标：目标值须为数字")
            continue
        targets.append(
            ProgrammeTarget(
                order=n,
                label=str(raw.get("label") or "")[:128] or f"目标{n}",
                measure=measure,
                indicator=str(raw.get("indicator", "")),
                item=str(raw.get("item", "")),
                group=str(raw.get("group", "")),
                value=value,
            )
        )
    if problems:
        raise ValidationError(problems)
    assert union is not None
    with transaction.atomic():
        programme, created = Programme.objects.update_or_create(
            code=data["code"],
            defaults={
                "name": data["name"],
                "union": union,
                "baseline_year": baseline,
                "target_year": target_year,
                "group": group,
                "group_stated": data.get("group_stated"),
                "description": data.get("description", ""),
            },
        )
        programme.targets.all().delete()
        for target in targets:
            target.programme = programme
        ProgrammeTarget.objects.bulk_create(targets)
        audit_record(
            actor=actor,
            action="report.programme.load",
            obj=programme,
            union=union,
            summary=f"载入工作计划“{programme.name}”（{len(targets)}项目标）",
        )
    return programme, created


@dataclass
class Progress:
    """One target's figure for a union: the value, the completion against the target, the
    pace expected by today and the light (as the dispatch table lights)."""

    value: Decimal | None
    completion: Decimal | None
    light: str | None


@dataclass
class TargetProgress:
    target: ProgrammeTarget
    unit: str
    total: Progress
    children: list[tuple[Union, Progress]] = field(default_factory=list)


@dataclass
class ProgrammeProgress:
    programme: Programme
    union: Union
    start: date
    today: date
    end: date
    elapsed: Decimal  # per cent of the programme's time gone: the expected progress
    group_people: int | None
    targets: list[TargetProgress]
    waiting: list[ProgrammeTarget]  # naming an indicator or item not declared yet


def _progress(value: Decimal | None, target: Decimal, elapsed: Decimal) -> Progress:
    if value is None or not target:
        return Progress(value, None, None)
    completion = (value * 100 / target).quantize(ONE, rounding=ROUND_HALF_UP)
    return Progress(value, completion, light(completion - elapsed))


def programme_dates(programme: Programme, today: date) -> tuple[date, date, Decimal]:
    start, end = date(programme.baseline_year, 1, 1), date(programme.target_year, 12, 31)
    gone = min(max((today - start).days + 1, 0), (end - start).days + 1)
    elapsed = (Decimal(gone) * 100 / ((end - start).days + 1)).quantize(ONE, ROUND_HALF_UP)
    return start, end, elapsed


def programme_progress(
    *, actor: Actor, programme: Programme, union: Union, today: date
) -> ProgrammeProgress:
    """Each target for ``union`` and each child, from the baseline year's start to today."""
    start, end, elapsed = programme_dates(programme, today)
    until = min(today, end)
    tree = Tree.of(union)
    items = {i.key: i for i in ServiceItem.objects.all()}
    found: list[TargetProgress] = []
    waiting: list[ProgrammeTarget] = []
    for target in programme.targets.all():
        if target.measure == ProgrammeTarget.Measure.PARTICIPATION:
            item = items.get(target.item)
            if item is None:
                waiting.append(target)
                continue
            total, rates = participation(
                actor=actor,
                union=union,
                item=item,
                group=group_get(target.group),
                start=start,
                end=until,
            )

            def percent(rate: Any) -> Decimal | None:
                return None if rate.percent is None else Decimal(str(rate.percent))

            found.append(
                TargetProgress(
                    target,
                    "%",
                    _progress(percent(total), target.value, elapsed),
                    [(r.union, _progress(percent(r), target.value, elapsed)) for r in rates],
                )
            )
            continue
        try:
            indicator = indicator_get(target.indicator)
        except KeyError:
            waiting.append(target)
            continue
        (values,) = indicator_values(
            indicator, union, [Period(start, until, f"{start.year}年以来")], tree
        )
        found.append(
            TargetProgress(
                target,
                indicator.unit,
                _progress(values.total, target.value, elapsed),
                [
                    (child, _progress(values.child(child.code), target.value, elapsed))
                    for child in tree.children
                ],
            )
        )
    people = None
    if programme.group:
        group = group_get(programme.group)
        people = sum(
            rows.filter(union__path__startswith=union.path).count()
            for rows in (group.members(), group.workers())
        )
    return ProgrammeProgress(programme, union, start, today, end, elapsed, people, found, waiting)


def target_by_occupation(
    *, actor: Actor, programme: Programme, target: ProgrammeTarget, union: Union, today: date
) -> list[tuple[str, Progress, int]]:
    """A participation target among each occupation (the 八大群体) inside its group: label,
    progress and the people counted."""
    start, end, elapsed = programme_dates(programme, today)
    item = ServiceItem.objects.get(key=target.item)
    base = group_get(target.group)
    rows = []
    for key, group in GROUPS.items():
        if not key.startswith("occupation:"):
            continue
        both = type(group)(key, group.label, group.condition & base.condition)
        total, _ = participation(
            actor=actor, union=union, item=item, group=both, start=start, end=min(today, end)
        )
        if total.people:
            value = Decimal(str(total.percent))
            rows.append((group.label, _progress(value, target.value, elapsed), total.people))
    return rows


def programme_command(command: BaseCommand, options: dict[str, Any]) -> None:
    """`gonghui report programme --load FILE.json`: create or replace a programme."""
    path = Path(options["load"])
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise CommandError(f"无法读取计划文件 {path}：{exc}") from exc
    union = Union.objects.filter(code=str(data.get("union", ""))).first()
    try:
        programme, created = programme_load(actor=SystemActor(union), data=data)
    except ValidationError as exc:
        raise CommandError("；".join(exc.messages)) from exc
    verb = "已新建" if created else "已更新"
    command.stdout.write(f"{verb}工作计划“{programme.name}”：{programme.targets.count()}项目标。")
