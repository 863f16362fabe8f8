"""The skill-promotions sheet (技能晋级): one row per person moving up one grade.

A row is keyed by the person and the grade reached: importing the same file again creates
nothing. A promotion goes up exactly one grade from the grade on file (初级工 for a first
certification); the person's file and, for a member, the roster's grade follow it."""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from pathlib import Path
from typing import Any

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
from gonghui.core.sheets.engine import ImportAudit, Progress
from gonghui.core.sheets.parsers import choice, past_date, person_name, text, yes_no
from gonghui.core.sheets.registry import SheetEntry, register_sheet
from gonghui.members.models import Member, SkillGrade
from gonghui.orgs.models import Union
from gonghui.skills.models import Mentorship, PromotionRoute, SkillPromotion, Talent
from gonghui.skills.permissions import require_edit
from gonghui.skills.services.talents import Person, talents_resolve

GRADE_NAMES = dict(SkillGrade.choices)


def grade_step_problem(from_grade: int | None, to_grade: int) -> str | None:
    """Why a promotion from ``from_grade`` to ``to_grade`` is not one grade up, or None.
    Grades count down (初级工 5 … 高级技师 1); a first certification is 初级工."""
    if from_grade is None:
        if to_grade != SkillGrade.JUNIOR:
            return (
                f"晋升等级：无原等级的首次认定只能是初级工，不能直接认定为{GRADE_NAMES[to_grade]}"
            )
        return None
    if to_grade >= from_grade:
        return (
            f"晋升等级：{GRADE_NAMES[to_grade]}不高于原等级{GRADE_NAMES[from_grade]}，晋级只能向上"
        )
    if to_grade != from_grade - 1:
        return (
            f"晋升等级：从{GRADE_NAMES[from_grade]}只能晋升为{GRADE_NAMES[from_grade - 1]}，"
            f"不能跳级到{GRADE_NAMES[to_grade]}"
        )
    return None


COLUMNS = (
    Column(
        "id_number",
        "身份证号",
        pii.normalize_id_number,
        synonyms=("身份证号码", "公民身份号码"),
        required=True,
        width=22,
    ),
    Column("name", "姓名", person_name, required=True, width=10),
    Column("employer", "工作单位", text(128), synonyms=("单位",), width=28),
    Column(
        "from_grade",
        "原等级",
        choice(SkillGrade.choices, ("无", None)),
        synonyms=("原技能等级",),
        width=10,
        note="首次认定留空",
    ),
    Column(
        "to_grade",
        "晋升等级",
        choice(SkillGrade.choices),
        synonyms=("晋升后等级", "新等级"),
        required=True,
        width=10,
    ),
    Column("promoted_on", "晋级日期", past_date, synonyms=("认定日期",), required=True, width=12),
    Column("certifier", "认定机构", text(128), synonyms=("发证机构",), required=True, width=24),
    Column(
        "route",
        "晋级途径",
        choice(PromotionRoute.choices),
        required=True,
        width=12,
        note="导师帮带/创新工作室/技能竞赛/技能培训",
    ),
    Column(
        "new_form", "新就业形态劳动者", yes_no, default=None, width=12, note="是/否；会员可留空"
    ),
)


class PromotionSheet(Sheet):
    name = "skill-promotions"
    title = "技能晋级"
    columns = COLUMNS
    key_column = "to_grade"

    def __init__(self, *, actor: Actor, union: Union) -> None:
        self.actor = actor
        self.union = union

    def key(self, values: dict[str, Any]) -> Hashable:
        return (values["id_number"], values["to_grade"])

    def check(self, values: dict[str, Any]) -> None:
        low, high = values.get("from_grade"), values.get("to_grade")
        if INVALID in (low, high) or high is None:
            return
        problem = grade_step_problem(low, high)
        if problem:
            raise RowError("晋升等级", problem)

    def apply(self, batch: list[ParsedRow], *, write: bool) -> BatchOutcome:
        outcome = BatchOutcome()
        resolved = talents_resolve(
            [
                Person(r.values["id_number"], r.values["name"], r.values.get("employer") or "")
                for r in batch
            ],
            union=self.union,
            write=write,
        )
        known = [t.pk for t in resolved.talents.values() if t.pk is not None]
        done = set(
            SkillPromotion.objects.filter(talent_id__in=known).values_list("talent_id", "to_grade")
        )
        members = {
            m.pk: m
            for m in Member.objects.filter(talent__pk__in=known).only("id", "employment_form")
        }
        # The grade on file as the rows move it, so one file may carry 5→4 then 4→3.
        current: dict[str, int | None] = {}
        new: list[SkillPromotion] = []
        for row in batch:
            v = row.values
            reason = resolved.refused.get(v["id_number"])
            if reason:
                outcome.errors.append(CellError(row.number, "姓名", reason))
                continue
            talent = resolved.talents[v["id_number"]]
            if talent.pk is not None and (talent.pk, v["to_grade"]) in done:
                outcome.unchanged += 1
                continue
            grade = current.get(v["id_number"], talent.grade)
            if grade is not None and grade != v["from_grade"]:
                outcome.errors.append(
                    CellError(
                        row.number,
                        "原等级",
                        f"原等级：与档案中的当前等级“{GRADE_NAMES[grade]}”不一致",
                    )
                )
                continue
            current[v["id_number"]] = v["to_grade"]
            member = members.get(talent.member_id) if talent.member_id else None
            new_form = v.get("new_form")
            if new_form is None:
                new_form = member is not None and member.employment_form == "new_form"
            new.append(
                SkillPromotion(
                    union=self.union,
                    talent=talent,
                    from_grade=v["from_grade"],
                    to_grade=v["to_grade"],
                    promoted_on=v["promoted_on"],
                    certifier=v["certifier"],
                    route=v["route"],
                    new_form=bool(new_form),
                )
            )
        outcome.created = len(new)
        if not write or outcome.errors or not new:
            return outcome
        for promotion in new:
            promotion.talent_id = promotion.talent.pk
        _mentorships_link(new)
        SkillPromotion.objects.bulk_create(new, batch_size=1000)
        moved = {}
        for promotion in new:
            promotion.talent.grade = promotion.to_grade
            moved[promotion.talent.pk] = promotion.talent
        Talent.objects.bulk_update(list(moved.values()), ["grade"], batch_size=1000)
        Member.objects.bulk_update(
            [
                Member(pk=t.member_id, skill_grade=t.grade)
                for t in moved.values()
                if t.member_id is not None
            ],
            ["skill_grade"],
            batch_size=1000,
        )
        return outcome

    def export_rows(self) -> Iterable[list[Any]]:
        rows = (
            SkillPromotion.objects.visible_to(self.actor)
            .filter(union__path__startswith=self.union.path)
            .select_related("talent")
            .order_by("promoted_on", "id")
        )
        for p in rows.iterator(chunk_size=5000):
            yield [
                p.talent.id_masked,
                p.talent.name,
                p.talent.employer_name,
                GRADE_NAMES.get(p.from_grade, "") if p.from_grade else "",
                GRADE_NAMES[p.to_grade],
                p.promoted_on,
                p.certifier,
                p.get_route_display(),
                "是" if p.new_form else "否",
            ]


def _mentorships_link(promotions: list[SkillPromotion]) -> None:
    """A promotion by 导师帮带 is linked to the apprentice's mentorship running that day."""
    by_mentorship = [p for p in promotions if p.route == PromotionRoute.MENTORSHIP]
    running: dict[int, list[Mentorship]] = {}
    for m in Mentorship.objects.filter(
        apprentice_id__in={p.talent_id for p in by_mentorship}
    ).order_by("-started_on"):
        running.setdefault(m.apprentice_id, []).append(m)
    for p in by_mentorship:
        p.mentorship = next(
            (
                m
                for m in running.get(p.talent_id, [])
                if m.started_on <= p.promoted_on
                and (m.ended_on is None or m.ended_on >= p.promoted_on)
            ),
            None,
        )


def promotion_import(
    *,
    actor: Actor,
    union: Union,
    path: Path,
    dry_run: bool,
    progress: Progress | None = None,
) -> ImportReport:
    """Import skill promotions recorded by ``union``: all rows or none."""
    require_edit(actor, union)
    sheet = PromotionSheet(actor=actor, union=union)
    audit = ImportAudit(
        actor=actor, union=union, action="skills.promotion.import", title=PromotionSheet.title
    )
    return run_import(sheet, path, dry_run=dry_run, progress=progress, audit=audit)


def promotion_export(*, actor: Actor, union: Union, path: Path, reveal: bool = False) -> int:
    sheet = PromotionSheet(actor=actor, union=union)
    count = write_export(sheet, path, sheet.export_rows())
    audit_record(
        actor=actor,
        action="skills.promotion.export",
        union=union,
        summary=f"导出{union.name}技能晋级 {count} 条",
    )
    return count


register_sheet(
    SheetEntry(
        name=PromotionSheet.name,
        title=PromotionSheet.title,
        sheet=PromotionSheet,
        import_path="gonghui.skills.sheets.promotions.promotion_import",
        export_path="gonghui.skills.sheets.promotions.promotion_export",
    )
)
