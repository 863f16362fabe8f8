"""Ledger indicators. 思想引领与职工文化: sessions of 班前十分钟 and "双百千万" 宣讲 with the
person-times they reached, and 文体活动; 就业帮扶与协作: 春风送岗 fairs and the posts they
offered. An activity or a fair counts in the period of its date (held_on), at the union
that organised it; a fair's posts count with the fair."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from django.db.models import Count, F, Q, QuerySet

from gonghui.activities.kinds import CULTURE_SPORTS, LECTURE, PRE_SHIFT_TALK
from gonghui.activities.models import (
    Activity,
    FollowUp,
    JobFair,
    JobPosition,
    Partnership,
    ResearchVisit,
)
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

SECTION = "思想引领与职工文化"


# The paragraph of the narrative reports, in the seed's words: "已开展“守好红色根脉·班前十分钟
# 活动”1860场次，劳模工匠和工会干部“双百千万”宣讲348场次，覆盖职工6.1万余人次".
def _guidance(w: Writer) -> list[Piece]:
    talks = with_(
        w.nonzero("pre_shift_talks", "在规上企业、产改试点企业开展“守好红色根脉·班前十分钟活动”"),
        w.leader("pre_shift_talks"),
    )
    return [
        *sentence(
            f"{w.flow_time}，{w.area}",
            [
                talks,
                w.nonzero("lectures", "劳模工匠和工会干部“双百千万”宣讲"),
                w.nonzero("talk_lecture_attendance", "覆盖职工"),
            ],
        ),
        *sentence(
            f"{w.flow_time}，{w.area}",
            [w.nonzero("culture_sports_events", "举办“双百引领”文体活动")],
        ),
    ]


section_register(
    Section(
        SECTION,
        order=40,
        writer=_guidance,
        spoken=("pre_shift_talks", "lectures", "talk_lecture_attendance", "culture_sports_events"),
    )
)

ACTIVITY_COLUMNS = (
    RecordColumn("编号", lambda a: a.pk),
    RecordColumn("活动名称", lambda a: a.title),
    RecordColumn("活动日期", lambda a: a.held_on),
    RecordColumn("组织工会", lambda a: a.union.name),
    RecordColumn("开展企业", lambda a: a.enterprise.name if a.enterprise else ""),
    RecordColumn("参与人次", lambda a: a.attendance),
)


def _held(kinds: Sequence[str], attendance: bool = False) -> Any:
    def query(path: str, periods: Sequence[Period]) -> list[dict[int, Any]]:
        return per_period(
            Activity.objects.filter(kind__in=kinds),
            owner="union_id",
            path_field="union__path",
            path=path,
            periods=periods,
            condition=lambda p: within("held_on", p),
            amount="attendance" if attendance else None,
            prefilter=any_within("held_on", periods),
        )

    return query


def _held_records(kinds: Sequence[str]) -> Any:
    def records(union: Union, period: Period) -> QuerySet[Activity]:
        return (
            Activity.objects.filter(
                kind__in=kinds,
                union__path__startswith=union.path,
                held_on__gte=period.start,
                held_on__lte=period.end,
            )
            .select_related("union", "enterprise")
            .order_by("held_on", "pk")
        )

    return records


TALKS = (PRE_SHIFT_TALK.key,)
LECTURES = (LECTURE.key,)
TALKS_AND_LECTURES = (PRE_SHIFT_TALK.key, LECTURE.key)
CULTURE = (CULTURE_SPORTS.key,)

indicator_register(
    Indicator(
        key="pre_shift_talks",
        label="班前十分钟活动场次",
        unit="场次",
        section=SECTION,
        kind="flow",
        query=_held(TALKS),
        records=_held_records(TALKS),
        record_columns=ACTIVITY_COLUMNS,
        seed="“守好红色根脉·班前十分钟活动”1860场次",
        counts="活动日期在期间内的班前十分钟活动场次，计入组织工会。",
        order=10,
    )
)
indicator_register(
    Indicator(
        key="lectures",
        label="“双百千万”宣讲场次",
        unit="场次",
        section=SECTION,
        kind="flow",
        query=_held(LECTURES),
        records=_held_records(LECTURES),
        record_columns=ACTIVITY_COLUMNS,
        seed="劳模工匠和工会干部“双百千万”宣讲348场次",
        counts="活动日期在期间内的宣讲场次，计入组织工会。",
        order=20,
    )
)
indicator_register(
    Indicator(
        key="talk_lecture_attendance",
        label="班前十分钟和宣讲覆盖职工人次",
        unit="人次",
        section=SECTION,
        kind="flow",
        query=_held(TALKS_AND_LECTURES, attendance=True),
        records=_held_records(TALKS_AND_LECTURES),
        record_columns=ACTIVITY_COLUMNS,
        seed="覆盖职工6.1万余人次",
        counts="活动日期在期间内的班前十分钟和宣讲的参与人次之和。",
        order=30,
    )
)
indicator_register(
    Indicator(
        key="culture_sports_events",
        label="“双百引领”文体活动场次",
        unit="场次",
        section=SECTION,
        kind="flow",
        query=_held(CULTURE),
        records=_held_records(CULTURE),
        record_columns=ACTIVITY_COLUMNS,
        seed="“双百引领”文体活动636场次",
        counts="活动日期在期间内的文体活动场次，计入组织工会。",
        order=40,
    )
)


EMPLOYMENT = "就业帮扶与协作"


# "线上线下举办“春风送岗”就业招聘活动131场次、推出岗位49564个".
def _employment(w: Writer) -> list[Piece]:
    # The leader comes last: "…131场次、推出岗位49564个，各区县中吴兴区最多（40场次）".
    fairs = w.nonzero("job_fairs", "线上线下举办“春风送岗”就业招聘活动")
    posts = w.nonzero("job_positions", "推出岗位", sep="、")
    last = posts if posts is not None and fairs is not None else fairs
    with_(last, w.leader("job_fairs"))
    # "加大东西部协作和对口支援，与柯坪、乌兰县分别签订框架合作协议".
    agreements = with_(
        w.nonzero("partnership_agreements", "加大东西部协作和对口支援，签订框架合作协议"),
        w.parts("partnership_agreements", opening="（", closing="）"),
    )
    return [
        *sentence(f"{w.flow_time}，{w.area}", [fairs, posts]),
        *sentence(f"{w.flow_time}，{w.area}", [agreements]),
    ]


section_register(
    Section(
        EMPLOYMENT,
        order=50,
        writer=_employment,
        spoken=("job_fairs", "job_positions", "partnership_agreements"),
    )
)

FAIR_COLUMNS = (
    RecordColumn("编号", lambda f: f.pk),
    RecordColumn("招聘会名称", lambda f: f.title),
    RecordColumn("举办日期", lambda f: f.held_on),
    RecordColumn("举办方式", lambda f: f.get_mode_display()),
    RecordColumn("组织工会", lambda f: f.union.name),
)


def _fairs(path: str, periods: Sequence[Period]) -> list[dict[int, Any]]:
    return per_period(
        JobFair.objects.all(),
        owner="union_id",
        path_field="union__path",
        path=path,
        periods=periods,
        condition=lambda p: within("held_on", p),
        prefilter=any_within("held_on", periods),
    )


def _posts(path: str, periods: Sequence[Period]) -> list[dict[int, Any]]:
    return per_period(
        JobPosition.objects.all(),
        owner="fair__union_id",
        path_field="fair__union__path",
        path=path,
        periods=periods,
        condition=lambda p: within("fair__held_on", p),
        amount="posts",
        prefilter=any_within("fair__held_on", periods),
    )


def _fair_records(union: Union, period: Period) -> QuerySet[JobFair]:
    return (
        JobFair.objects.filter(
            union__path__startswith=union.path,
            held_on__gte=period.start,
            held_on__lte=period.end,
        )
        .select_related("union")
        .order_by("held_on", "pk")
    )


indicator_register(
    Indicator(
        key="job_fairs",
        label="“春风送岗”就业招聘活动场次",
        unit="场次",
        section=EMPLOYMENT,
        kind="flow",
        query=_fairs,
        records=_fair_records,
        record_columns=FAIR_COLUMNS,
        seed="线上线下举办“春风送岗”就业招聘活动131场次",
        counts="举办日期在期间内的招聘会场次（线上、线下均计），计入组织工会。",
        order=10,
    )
)
indicator_register(
    Indicator(
        key="job_positions",
        label="“春风送岗”推出岗位数",
        unit="个",
        section=EMPLOYMENT,
        kind="flow",
        query=_posts,
        records=_fair_records,
        record_columns=FAIR_COLUMNS,
        seed="推出岗位49564个",
        counts="举办日期在期间内的招聘会上各岗位的招聘人数之和，计入招聘会的组织工会。",
        order=20,
    )
)


AGREEMENTS = (Partnership.Kind.EAST_WEST, Partnership.Kind.PAIRED_SUPPORT)


def _agreements(path: str, periods: Sequence[Period]) -> list[dict[int, Any]]:
    return per_period(
        Partnership.objects.filter(kind__in=AGREEMENTS),
        owner="union_id",
        path_field="union__path",
        path=path,
        periods=periods,
        condition=lambda p: within("signed_on", p),
        prefilter=any_within("signed_on", periods),
    )


def _agreements_by_partner(path: str, period: Period) -> dict[str, Any]:
    rows = (
        Partnership.objects.filter(
            kind__in=AGREEMENTS,
            union__path__startswith=path,
            signed_on__gte=period.start,
            signed_on__lte=period.end,
        )
        .values("partner")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {r["partner"]: r["n"] for r in rows}


def _agreement_records(union: Union, period: Period) -> QuerySet[Partnership]:
    return (
        Partnership.objects.filter(
            kind__in=AGREEMENTS,
            union__path__startswith=union.path,
            signed_on__gte=period.start,
            signed_on__lte=period.end,
        )
        .select_related("union")
        .order_by("signed_on", "pk")
    )


indicator_register(
    Indicator(
        key="partnership_agreements",
        label="东西部协作和对口支援协议数",
        unit="份",
        section=EMPLOYMENT,
        kind="flow",
        query=_agreements,
        breakdown=_agreements_by_partner,
        breakdown_label="合作地区",
        records=_agreement_records,
        record_columns=(
            RecordColumn("合作地区", lambda a: a.partner),
            RecordColumn("协议名称", lambda a: a.title),
            RecordColumn("类型", lambda a: a.get_kind_display()),
            RecordColumn("签订日期", lambda a: a.signed_on),
            RecordColumn("签约工会", lambda a: a.union.name),
        ),
        seed="与柯坪、乌兰县分别签订框架合作协议",
        counts="签订日期在期间内的东西部协作和对口支援协议份数（不含疗休养基地），计入签约工会。",
        order=30,
    )
)


RESEARCH = "调研督导"
FINDINGS = (FollowUp.Source.RESEARCH, FollowUp.Source.SUPERVISION)


# "开展“大学习大调研大实践”活动…研究形成…对策建议": visits, and the findings followed to closure.
def _research(w: Writer) -> list[Piece]:
    return [
        *sentence(
            f"{w.flow_time}，{w.area}",
            [
                w.nonzero("research_visits", "开展“大学习大调研大实践”进企业走访"),
                w.nonzero("findings_closed", "推动调研督导发现的问题办结"),
                w.nonzero("followups_closed_on_time", "按期办结督办事项"),
            ],
        ),
        *sentence(
            f"{w.stock_time}，",
            [
                w.nonzero("findings_open", "调研督导发现的问题尚有", "在办"),
                w.nonzero("followups_overdue", "逾期未办结的督办事项"),
            ],
        ),
    ]


section_register(
    Section(
        RESEARCH,
        order=60,
        writer=_research,
        spoken=(
            "research_visits",
            "findings_open",
            "findings_closed",
            "followups_overdue",
            "followups_closed_on_time",
        ),
    )
)

FOLLOWUP_COLUMNS = (
    RecordColumn("编号", lambda f: f.pk),
    RecordColumn("事项", lambda f: f.title),
    RecordColumn("来源", lambda f: f.get_source_display()),
    RecordColumn("责任工会", lambda f: f.owner.name),
    RecordColumn("办结期限", lambda f: f.deadline),
    RecordColumn("办结日期", lambda f: f.done_on or ""),
)
VISIT_COLUMNS = (
    RecordColumn("编号", lambda v: v.pk),
    RecordColumn("调研日期", lambda v: v.visited_on),
    RecordColumn("带队领导", lambda v: v.leaders),
    RecordColumn("调研企业或地点", lambda v: v.enterprise.name if v.enterprise else v.place),
    RecordColumn("调研工会", lambda v: v.union.name),
)


def _not_done_by(day: date) -> Q:
    return Q(done_on__isnull=True) | Q(done_on__gt=day)


def _followups(condition: Any, *, findings_only: bool, prefilter: Any = None) -> Any:
    def query(path: str, periods: Sequence[Period]) -> list[dict[int, Any]]:
        items = FollowUp.objects.all()
        if findings_only:
            items = items.filter(source__in=FINDINGS)
        return per_period(
            items,
            owner="owner_id",
            path_field="owner__path",
            path=path,
            periods=periods,
            condition=condition,
            prefilter=prefilter(periods) if prefilter else None,
        )

    return query


def _followup_records(condition: Any, *, findings_only: bool) -> Any:
    def records(union: Union, period: Period) -> QuerySet[FollowUp]:
        items = FollowUp.objects.filter(owner__path__startswith=union.path).filter(
            condition(period)
        )
        if findings_only:
            items = items.filter(source__in=FINDINGS)
        return items.select_related("owner").order_by("deadline", "pk")

    return records


def _open_at_end(p: Period) -> Q:
    return Q(created_on__lte=p.end) & _not_done_by(p.end)


def _overdue_at_end(p: Period) -> Q:
    return Q(created_on__lte=p.end, deadline__lt=p.end) & _not_done_by(p.end)


def _closed_in(p: Period) -> Q:
    return within("done_on", p)


def _closed_on_time_in(p: Period) -> Q:
    return within("done_on", p) & Q(done_on__lte=F("deadline"))


def _visits(path: str, periods: Sequence[Period]) -> list[dict[int, Any]]:
    return per_period(
        ResearchVisit.objects.all(),
        owner="union_id",
        path_field="union__path",
        path=path,
        periods=periods,
        condition=lambda p: within("visited_on", p),
        prefilter=any_within("visited_on", periods),
    )


def _visit_records(union: Union, period: Period) -> QuerySet[ResearchVisit]:
    return (
        ResearchVisit.objects.filter(
            union__path__startswith=union.path,
            visited_on__gte=period.start,
            visited_on__lte=period.end,
        )
        .select_related("union", "enterprise")
        .order_by("visited_on", "pk")
    )


indicator_register(
    Indicator(
        key="research_visits",
        label="大调研走访次数",
        unit="次",
        section=RESEARCH,
        kind="flow",
        query=_visits,
        records=_visit_records,
        record_columns=VISIT_COLUMNS,
        seed="“大学习大调研大实践”进企业入车间实地走访（未列数字）",
        counts="调研日期在期间内的大调研走访次数，计入调研工会。",
        order=10,
    )
)
indicator_register(
    Indicator(
        key="findings_open",
        label="调研督导发现问题在办数",
        unit="个",
        section=RESEARCH,
        kind="stock",
        query=_followups(_open_at_end, findings_only=True),
        records=_followup_records(_open_at_end, findings_only=True),
        record_columns=FOLLOWUP_COLUMNS,
        seed="（“找准瓶颈、补齐短板”：调研发现的问题跟踪至办结）",
        counts="期末已交办、尚未办结的大调研和督导发现的问题，计入责任工会。",
        order=20,
        better="lower",
    )
)
indicator_register(
    Indicator(
        key="findings_closed",
        label="调研督导发现问题办结数",
        unit="个",
        section=RESEARCH,
        kind="flow",
        query=_followups(
            _closed_in, findings_only=True, prefilter=lambda ps: any_within("done_on", ps)
        ),
        records=_followup_records(_closed_in, findings_only=True),
        record_columns=FOLLOWUP_COLUMNS,
        seed="（“推动调研出成果展实效”）",
        counts="办结日期在期间内的大调研和督导发现的问题，计入责任工会。",
        order=30,
    )
)
indicator_register(
    Indicator(
        key="followups_overdue",
        label="督办事项逾期未办结数",
        unit="个",
        section=RESEARCH,
        kind="stock",
        query=_followups(_overdue_at_end, findings_only=False),
        records=_followup_records(_overdue_at_end, findings_only=False),
        record_columns=FOLLOWUP_COLUMNS,
        seed="（督导与限时任务：逾期事项）",
        counts="期末已过办结期限、尚未办结的督办事项（调研、督导发现和限时任务），计入责任工会。",
        order=40,
        better="lower",
    )
)
indicator_register(
    Indicator(
        key="followups_closed_on_time",
        label="督办事项按期办结数",
        unit="个",
        section=RESEARCH,
        kind="flow",
        query=_followups(
            _closed_on_time_in, findings_only=False, prefilter=lambda ps: any_within("done_on", ps)
        ),
        records=_followup_records(_closed_on_time_in, findings_only=False),
        record_columns=FOLLOWUP_COLUMNS,
        seed="（督导与限时任务：按期办结）",
        counts="办结日期在期间内且不晚于办结期限的督办事项，计入责任工会。",
        order=50,
    )
)
