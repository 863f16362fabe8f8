"""技能提升 in the reports: 百业千匠 competitions held and their entries by the day held,
at the organising union; skill promotions (技能晋级) and titles by their date, at the union
that recorded them."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.db.models import Count, Q, QuerySet

from gonghui.core.indicators import (
    Indicator,
    Period,
    RecordColumn,
    Section,
    any_within,
    indicator_register,
    per_period,
    section_register,
    within,
)
from gonghui.core.indicators.writing import Piece, Writer, sentence, with_
from gonghui.orgs.models import Union
from gonghui.skills.models import Competition, CompetitionEntry, SkillPromotion, SkillTitle

SECTION = "技能提升"


# "全市已开展“百业千匠”职工职业技能大赛408场次……累计参赛职工达2.11万人次";
# "7300人次获得技能晋级".
def _skills(w: Writer) -> list[Piece]:
    return [
        *sentence(
            f"{w.flow_time}，{w.area}",
            [
                with_(
                    w.nonzero("competitions_held", "开展“百业千匠”职工职业技能大赛"),
                    w.leader("competitions_held"),
                ),
                w.nonzero("competition_entries", "参赛职工达"),
                w.optional("skill_titles_granted", "授予技能称号"),
            ],
        ),
        *sentence(
            f"{w.flow_time}，{w.area}",
            [
                w.nonzero("skill_promotions", "获得技能晋级"),
                w.optional("skill_promotions_new_form", "其中新就业形态劳动者"),
            ],
        ),
    ]


section_register(
    Section(
        SECTION,
        order=80,
        writer=_skills,
        spoken=(
            "competitions_held",
            "competition_entries",
            "skill_titles_granted",
            "skill_promotions",
            "skill_promotions_new_form",
        ),
    )
)


def _flow(
    records: Callable[[], QuerySet[Any]], owner: str, day: str
) -> Callable[[str, Sequence[Period]], list[dict[int, Any]]]:
    def query(path: str, periods: Sequence[Period]) -> list[dict[int, Any]]:
        return per_period(
            records(),
            owner=f"{owner}_id",
            path_field=f"{owner}__path",
            path=path,
            periods=periods,
            condition=lambda p: within(day, p),
            prefilter=any_within(day, periods),
        )

    return query


def _in_period(records: QuerySet[Any], owner: str, day: str, union: Union, p: Period) -> Any:
    return records.filter(
        Q(
            **{
                f"{owner}__path__startswith": union.path,
                f"{day}__gte": p.start,
                f"{day}__lte": p.end,
            }
        )
    )


COMPETITION_COLUMNS = (
    RecordColumn("竞赛编号", lambda c: c.code),
    RecordColumn("竞赛名称", lambda c: c.name),
    RecordColumn("工种", lambda c: c.trade),
    RecordColumn("举办日期", lambda c: c.held_on),
    RecordColumn("主办工会", lambda c: c.union.name),
)

indicator_register(
    Indicator(
        key="competitions_held",
        label="“百业千匠”职业技能竞赛",
        unit="场次",
        section=SECTION,
        kind="flow",
        query=_flow(Competition.objects.all, "union", "held_on"),
        records=lambda union, p: _in_period(
            Competition.objects.select_related("union"), "union", "held_on", union, p
        ).order_by("held_on", "code"),
        record_columns=COMPETITION_COLUMNS,
        seed="全市已开展“百业千匠”职工职业技能大赛408场次",
        counts="举办日期在期间内的技能竞赛，计入主办工会。",
        order=10,
    )
)


def _entries_by_competition(path: str, period: Period) -> dict[str, Any]:
    rows = (
        CompetitionEntry.objects.filter(
            competition__union__path__startswith=path,
            competition__held_on__gte=period.start,
            competition__held_on__lte=period.end,
        )
        .exclude(competition__chain="")
        .values("competition__chain")
        .annotate(n=Count("pk"))
        .order_by("-n")
    )
    return {r["competition__chain"]: r["n"] for r in rows}


indicator_register(
    Indicator(
        key="competition_entries",
        label="技能竞赛参赛职工",
        unit="人次",
        section=SECTION,
        kind="flow",
        query=_flow(CompetitionEntry.objects.all, "competition__union", "competition__held_on"),
        breakdown=_entries_by_competition,
        breakdown_label="按产业链",
        seed="累计参赛职工达2.11万人次",
        counts="举办日期在期间内的竞赛的参赛记录（一人参加两场计两人次），计入主办工会。",
        order=20,
    )
)

TITLE_LABELS = dict(SkillTitle._meta.get_field("kind").choices or [])


def _titles_by_kind(path: str, period: Period) -> dict[str, Any]:
    rows = (
        SkillTitle.objects.filter(
            union__path__startswith=path,
            granted_on__gte=period.start,
            granted_on__lte=period.end,
        )
        .values("kind")
        .annotate(n=Count("pk"))
        .order_by("kind")
    )
    return {TITLE_LABELS.get(r["kind"], r["kind"]): r["n"] for r in rows}


indicator_register(
    Indicator(
        key="skill_titles_granted",
        label="授予技能称号",
        unit="人",
        section=SECTION,
        kind="flow",
        query=_flow(SkillTitle.objects.all, "union", "granted_on"),
        breakdown=_titles_by_kind,
        breakdown_label="按称号",
        seed="（大赛前三名授予湖州市技术能手称号）",
        counts="授予日期在期间内的技术能手、湖州工匠等技能称号，计入授予工会。",
        order=30,
    )
)

PROMOTION_COLUMNS = (
    RecordColumn("姓名", lambda p: p.talent.name),
    RecordColumn("身份证号", lambda p: p.talent.id_masked),
    RecordColumn("晋升等级", lambda p: p.get_to_grade_display()),
    RecordColumn("晋级日期", lambda p: p.promoted_on),
    RecordColumn("晋级途径", lambda p: p.get_route_display()),
)


def _promotions_records(new_form: bool) -> Any:
    def records(union: Union, p: Period) -> QuerySet[SkillPromotion]:
        rows = SkillPromotion.objects.select_related("talent")
        if new_form:
            rows = rows.filter(new_form=True)
        return _in_period(rows, "union", "promoted_on", union, p).order_by("promoted_on", "id")

    return records


def _promotions_by_route(path: str, period: Period) -> dict[str, Any]:
    labels = dict(SkillPromotion._meta.get_field("route").choices or [])
    rows = (
        SkillPromotion.objects.filter(
            union__path__startswith=path,
            promoted_on__gte=period.start,
            promoted_on__lte=period.end,
        )
        .values("route")
        .annotate(n=Count("pk"))
        .order_by("route")
    )
    return {labels.get(r["route"], r["route"]): r["n"] for r in rows}


indicator_register(
    Indicator(
        key="skill_promotions",
        label="技能晋级",
        unit="人次",
        section=SECTION,
        kind="flow",
        query=_flow(SkillPromotion.objects.all, "union", "promoted_on"),
        breakdown=_promotions_by_route,
        breakdown_label="按晋级途径",
        records=_promotions_records(False),
        record_columns=PROMOTION_COLUMNS,
        seed="7300人次获得技能晋级",
        counts="晋级日期在期间内的技能晋级（含首次认定初级工），计入登记的工会。",
        order=40,
    )
)
indicator_register(
    Indicator(
        key="skill_promotions_new_form",
        label="新就业形态劳动者技能晋级",
        unit="人次",
        section=SECTION,
        kind="flow",
        query=_flow(lambda: SkillPromotion.objects.filter(new_form=True), "union", "promoted_on"),
        records=_promotions_records(True),
        record_columns=PROMOTION_COLUMNS,
        seed="（2025年目标：新增技能晋级5000人）",
        counts="晋级日期在期间内、登记为新就业形态劳动者的技能晋级，计入登记的工会。",
        order=50,
    )
)
