"""技能提升 in the reports: 百业千匠 competitions held and their entries by the day held,
at the organising union; skill promotions (技能晋级) and titles by their date, at the union
that recorded them."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

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
from gonghui.core.indicators.queries import ONLY_OWNERS
from gonghui.core.indicators.writing import Piece, Writer, sentence, with_
from gonghui.orgs.models import Union
from gonghui.skills.models import (
    CRAFTSMAN_TITLES,
    Competition,
    CompetitionEntry,
    Honour,
    HonourKind,
    HonourLevel,
    InnovationStudio,
    Mentorship,
    SkillPromotion,
    SkillTitle,
    StudioAlliance,
    StudioLevel,
    Talent,
)

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
                w.optional("highly_skilled_new", "晋升高级工及以上"),
            ],
        ),
        *sentence(
            f"{w.stock_time}，{w.area}",
            [
                w.nonzero("active_mentorships", "在册“导师帮带”"),
                w.nonzero("innovation_studios", "有劳模工匠创新工作室"),
                w.optional("studio_alliances", "工作室联盟"),
                w.optional("skilled_talents", "技能人才"),
                w.optional("highly_skilled_talents", "其中高技能人才"),
                w.optional("craftsman_talents", "工匠人才"),
            ],
        ),
        *sentence(
            f"{w.flow_time}，{w.area}",
            [with_(w.nonzero("honours_granted", "获评各类荣誉"), w.parts("honours_granted"))],
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
            "highly_skilled_new",
            "active_mentorships",
            "innovation_studios",
            "studio_alliances",
            "skilled_talents",
            "highly_skilled_talents",
            "craftsman_talents",
            "honours_granted",
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

indicator_register(
    Indicator(
        key="highly_skilled_new",
        label="新晋高技能人才",
        unit="人次",
        section=SECTION,
        kind="flow",
        query=_flow(lambda: SkillPromotion.objects.filter(to_grade__lte=3), "union", "promoted_on"),
        seed="（“技能人才—高技能人才—工匠人才”三级培训体系）",
        counts="晋级日期在期间内、晋升为高级工及以上的技能晋级，计入登记的工会。",
        order=60,
    )
)


def _stock(
    records: Callable[[], QuerySet[Any]], start: str, end: str | None = None
) -> Callable[[str, Sequence[Period]], list[dict[int, Any]]]:
    """Records running at each period's end: begun by then and (if they end) not ended
    before it."""

    def condition(p: Period) -> Q:
        began = Q(**{f"{start}__lte": p.end})
        if end is None:
            return began
        return began & (Q(**{f"{end}__isnull": True}) | Q(**{f"{end}__gte": p.end}))

    def query(path: str, periods: Sequence[Period]) -> list[dict[int, Any]]:
        return per_period(
            records(),
            owner="union_id",
            path_field="union__path",
            path=path,
            periods=periods,
            condition=condition,
        )

    return query


indicator_register(
    Indicator(
        key="active_mentorships",
        label="在册导师帮带",
        unit="对",
        section=SECTION,
        kind="stock",
        query=_stock(Mentorship.objects.all, "started_on", "ended_on"),
        seed="（以“导师帮带”为载体抓手）",
        counts="期末已结对、未结束的导师帮带，计入登记的工会。",
        order=70,
    )
)
indicator_register(
    Indicator(
        key="innovation_studios",
        label="劳模工匠创新工作室",
        unit="个",
        section=SECTION,
        kind="stock",
        query=_stock(InnovationStudio.objects.all, "founded_on"),
        breakdown=lambda path, p: {
            dict(StudioLevel.choices)[r["level"]]: r["n"]
            for r in InnovationStudio.objects.filter(
                union__path__startswith=path, founded_on__lte=p.end
            )
            .values("level")
            .annotate(n=Count("pk"))
            .order_by("level")
        },
        breakdown_label="按级别",
        seed="（劳模工匠创新工作室为载体抓手）",
        counts="期末已命名的劳模工匠创新工作室，计入所属工会。",
        order=80,
    )
)
indicator_register(
    Indicator(
        key="studio_alliances",
        label="创新工作室联盟",
        unit="个",
        section=SECTION,
        kind="stock",
        query=_stock(StudioAlliance.objects.all, "founded_on"),
        seed="（创建铸造行业劳模工匠创新工作室联盟）",
        counts="期末已成立的劳模工匠创新工作室联盟，计入所属工会。",
        order=90,
    )
)


def _craftsmen(path: str, periods: Sequence[Period]) -> list[dict[int, Any]]:
    """Distinct holders of a craftsman title granted by each period's end, at the union
    keeping their skills file (a holder of two such titles counts once)."""
    if not periods:
        return []
    talents = Talent.objects.filter(union__path__startswith=path)
    aggregates = {
        f"p{i}": Count(
            "pk",
            filter=Q(titles__kind__in=CRAFTSMAN_TITLES, titles__granted_on__lte=p.end),
            distinct=True,
        )
        for i, p in enumerate(periods)
    }
    rows: Any = (
        talents.filter(titles__kind__in=CRAFTSMAN_TITLES)
        .order_by()
        .values("union_id")
        .annotate(**aggregates)
    )
    result: list[dict[int, Any]] = [{} for _ in periods]
    for row in rows:
        for i in range(len(periods)):
            if row[f"p{i}"]:
                result[i][row["union_id"]] = row[f"p{i}"]
    return result


indicator_register(
    Indicator(
        key="craftsman_talents",
        label="工匠人才",
        unit="人",
        section=SECTION,
        kind="stock",
        query=_craftsmen,
        seed="（湖州工匠、浙江青年工匠等称号获得者）",
        counts="期末持有湖州工匠、浙江青年工匠等工匠称号的人（一人多个称号计一人），计入建档工会。",
        order=100,
    )
)


def _honours_by_kind(path: str, period: Period) -> dict[str, Any]:
    levels, kinds = dict(HonourLevel.choices), dict(HonourKind.choices)
    rows = (
        Honour.objects.filter(
            union__path__startswith=path,
            granted_on__gte=period.start,
            granted_on__lte=period.end,
        )
        .values("level", "kind")
        .annotate(n=Count("pk"))
        .order_by("level", "kind")
    )
    return {f"{levels[r['level']]}{kinds[r['kind']]}": r["n"] for r in rows}


indicator_register(
    Indicator(
        key="honours_granted",
        label="获评荣誉",
        unit="个",
        section=SECTION,
        kind="flow",
        query=_flow(Honour.objects.all, "union", "granted_on"),
        breakdown=_honours_by_kind,
        breakdown_label="按荣誉和级别",
        seed="（推选省级以上五一劳动奖章（状）和工人先锋号）",
        counts="授予日期在期间内的劳动模范、五一劳动奖章（状）、工人先锋号、湖州工匠（个人、集体、班组各计一个），计入推荐或登记的工会。",
        order=110,
    )
)


def _grade_at_most(level: int, day: Any) -> Q:
    """(The rule as SQL, the reference ``_tier`` is tested against.) A talent whose grade on
    ``day`` was ``level`` or better (grades count down, 初级工 5 …
    高级技师 1), read from the promotions: the last one by that day, else the grade the first
    one after it started from, else (no promotion at all) the grade on file."""
    promotions = SkillPromotion.objects.filter(talent=OuterRef("pk"))
    later = promotions.filter(promoted_on__gt=day)
    reached = Exists(promotions.filter(promoted_on__lte=day, to_grade__lte=level))
    none_before = ~Exists(promotions.filter(promoted_on__lte=day))
    # Grades only rise, so the first later promotion started from the lowest of them.
    from_later = Exists(later) & ~Exists(
        later.filter(Q(from_grade__isnull=True) | Q(from_grade__gt=level))
    )
    never = ~Exists(promotions) & Q(grade__lte=level)
    return Q(reached) | (Q(none_before) & (Q(from_later) | never))


def _tier(level: int) -> Callable[[str, Sequence[Period]], list[dict[int, Any]]]:
    """Talents at ``level`` or better at each period's end, by the rule of
    ``_grade_at_most``, worked out once per talent rather than per period in SQL (the facts
    ask for every month of several years at once): before their first promotion a talent
    counts if every promotion started from ``level`` or better; from the first promotion
    reaching ``level`` on, they count; with no promotion, their grade on file decides."""

    def query(path: str, periods: Sequence[Period]) -> list[dict[int, Any]]:
        if not periods:
            return []
        talents = Talent.objects.all()
        if len(path) > Union.steplen:
            talents = talents.filter(union__path__startswith=path)
        only = ONLY_OWNERS.get()
        if only is not None:
            talents = talents.filter(union_id__in=only)
        owner_of: dict[int, tuple[int, int | None]] = {
            pk: (union_id, grade)
            for pk, union_id, grade in talents.values_list("pk", "union_id", "grade")
        }
        promoted: dict[int, list[tuple[Any, int | None, int]]] = {}
        rows = (
            SkillPromotion.objects.filter(talent__in=talents)
            .order_by("talent_id", "promoted_on", "pk")
            .values_list("talent_id", "promoted_on", "from_grade", "to_grade")
        )
        for talent, on, from_grade, to_grade in rows.iterator(chunk_size=5000):
            promoted.setdefault(talent, []).append((on, from_grade, to_grade))
        result: list[dict[int, Any]] = [{} for _ in periods]
        for pk, (union_id, grade) in owner_of.items():
            steps = promoted.get(pk)
            if not steps:
                if grade is not None and grade <= level:
                    for counted in result:
                        counted[union_id] = counted.get(union_id, 0) + 1
                continue
            first = steps[0][0]
            before = all(f is not None and f <= level for _, f, _ in steps)
            reached = next((on for on, _, to in steps if to <= level), None)
            for i, p in enumerate(periods):
                if (before and p.end < first) or (reached is not None and reached <= p.end):
                    result[i][union_id] = result[i].get(union_id, 0) + 1
        return result

    return query


indicator_register(
    Indicator(
        key="skilled_talents",
        label="技能人才",
        unit="人",
        section=SECTION,
        kind="stock",
        query=_tier(5),
        seed="（“技能人才—高技能人才—工匠人才”三级培训体系）",
        counts="人才档案中期末有职业技能等级（初级工及以上）的人，等级按期末前的技能晋级推算，计入建档工会。",
        order=95,
    )
)
indicator_register(
    Indicator(
        key="highly_skilled_talents",
        label="高技能人才",
        unit="人",
        section=SECTION,
        kind="stock",
        query=_tier(3),
        seed="（“技能人才—高技能人才—工匠人才”三级培训体系）",
        counts="人才档案中期末为高级工及以上的人，等级按期末前的技能晋级推算，计入建档工会。",
        order=96,
    )
)
