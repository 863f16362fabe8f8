"""Ledger indicators. 思想引领与职工文化: sessions of 班前十分钟 and "双百千万" 宣讲 with the
person-times they reached, and 文体活动; 就业帮扶与协作: 春风送岗 fairs and the posts they
offered. An activity or a fair counts in the period of its date (held_on), at the union
that organised it; a fair's posts count with the fair."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.models import QuerySet

from gonghui.activities.kinds import CULTURE_SPORTS, LECTURE, PRE_SHIFT_TALK
from gonghui.activities.models import Activity, JobFair, JobPosition
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
    return sentence(
        f"{w.flow_time}，{w.area}",
        [
            with_(
                w.nonzero("job_fairs", "线上线下举办“春风送岗”就业招聘活动"),
                w.leader("job_fairs"),
            ),
            w.nonzero("job_positions", "推出岗位", sep="、"),
        ],
    )


section_register(
    Section(EMPLOYMENT, order=50, writer=_employment, spoken=("job_fairs", "job_positions"))
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
