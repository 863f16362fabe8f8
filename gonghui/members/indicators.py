"""Membership indicators (会员发展), counted from the membership periods (members/periods.py):
a new member is a period begun by joining (or a roster import) in the period, at that union;
a member at a date is in the period that covers it, at its union; a leaver is a period
ended by leaving; a transfer is a period begun by transferring in. A move this month leaves
last month's figures as they were, and a rejoin leaves the earlier membership in the past's."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.db.models import Count, F, Q

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
from gonghui.members.models import (
    EmploymentForm,
    Member,
    MembershipPeriod,
    Occupation,
    PeriodEnd,
    PeriodStart,
)


# The paragraph of the narrative reports for this section, in the seed's style.
def _membership(w: Writer) -> list[Piece]:
    new = with_(w.clause("members_new", "新发展会员"), w.leader("members_new"))
    new_form = with_(
        w.nonzero("members_new_new_form", "其中新就业形态劳动者", sep="；"),
        w.parts("members_new_new_form", "（", "）"),
    )
    return [
        *sentence(f"{w.flow_time}，{w.area}", [new, new_form]),
        *sentence(f"{w.stock_time}，{w.area}", [w.clause("members_end", "共有会员")]),
        *sentence(
            f"{w.flow_time}，",
            [
                w.optional("members_joined_at_events", "在集中入会活动上入会"),
                w.optional("members_transferred", "办理会员转会转入"),
                w.optional("members_left", "会员退会"),
            ],
        ),
    ]


section_register(
    Section(
        "会员发展",
        order=20,
        writer=_membership,
        spoken=(
            "members_new",
            "members_new_new_form",
            "members_end",
            "members_joined_at_events",
            "members_transferred",
            "members_left",
        ),
    )
)

MEMBER_COLUMNS = (
    RecordColumn("姓名", lambda m: m.name),
    RecordColumn("身份证号", lambda m: m.id_masked),
    RecordColumn("所属工会", lambda m: m.union.name),
    RecordColumn("就业形态", lambda m: m.get_employment_form_display()),
    RecordColumn("职业", lambda m: m.get_occupation_display()),
    RecordColumn("入会日期", lambda m: m.join_date),
)


JOINING = (PeriodStart.JOINED, PeriodStart.IMPORTED)


def _periods(only: Q, condition: Callable[[Period], Q], field: str) -> Any:
    """A query over the membership periods meeting ``only``: per period, per union, the
    periods meeting ``condition``; ``field`` (a date of the period) narrows the scan for
    flows ("" for a stock)."""

    def query(path: str, periods: Sequence[Period]) -> list[dict[int, Any]]:
        return per_period(
            MembershipPeriod.objects.filter(only),
            owner="union_id",
            path_field="union__path",
            path=path,
            periods=periods,
            condition=condition,
            prefilter=any_within(field, periods) if field else None,
        )

    return query


def _joining(new_form: bool) -> Q:
    only = Q(began__in=JOINING)
    if new_form:
        only &= Q(member__employment_form=EmploymentForm.NEW_FORM)
    return only


def _member_on(p: Period) -> Q:
    # A member at a period's end: in the period that had begun by then and not yet ended.
    return Q(started_on__lte=p.end) & (Q(ended_on__isnull=True) | Q(ended_on__gt=p.end))


def _new_form_by_occupation(path: str, period: Period) -> dict[str, Any]:
    """New-form members who joined a union of the subtree in the period, by occupation
    (the same periods as the indicator's value)."""
    labels = dict(Occupation.choices)
    rows = (
        MembershipPeriod.objects.filter(
            _joining(True),
            within("started_on", period),
            union__path__startswith=path,
        )
        .order_by()
        .values("member__occupation")
        .annotate(n=Count("pk"))
    )
    return {labels.get(r["member__occupation"], "未填职业"): r["n"] for r in rows if r["n"]}


def _members_joined_records(new_form: bool) -> Any:
    def records(union: Any, period: Period) -> Any:
        # The members whose membership began by joining a union of the subtree in the period.
        joined = MembershipPeriod.objects.filter(
            _joining(new_form), within("started_on", period), union__path__startswith=union.path
        ).values("member_id")
        return (
            Member.objects.filter(pk__in=joined).select_related("union").order_by("join_date", "pk")
        )

    return records


indicator_register(
    Indicator(
        key="members_new",
        label="新发展会员",
        unit="人",
        section="会员发展",
        kind="flow",
        query=_periods(_joining(False), lambda p: within("started_on", p), "started_on"),
        records=_members_joined_records(False),
        record_columns=MEMBER_COLUMNS,
        seed="新发展会员1.5万余人",
        counts="在期间内入会（含名册导入、重新入会）开始的会籍期间，计入入会的工会；此后退会、转会或重新入会，不改变已有的数字。",
        order=10,
    )
)
indicator_register(
    Indicator(
        key="members_new_new_form",
        label="新就业形态劳动者入会",
        unit="人",
        section="会员发展",
        kind="flow",
        query=_periods(_joining(True), lambda p: within("started_on", p), "started_on"),
        breakdown=_new_form_by_occupation,
        breakdown_label="职业",
        records=_members_joined_records(True),
        record_columns=MEMBER_COLUMNS,
        seed="新就业形态劳动者入会6473人",
        counts="就业形态为新就业形态、在期间内入会开始的会籍期间，计入入会的工会，可按八大群体等职业细分。",
        order=20,
    )
)
indicator_register(
    Indicator(
        key="members_joined_at_events",
        label="集中入会活动入会",
        unit="人",
        section="会员发展",
        kind="flow",
        # A membership begun by joining at an event: the member's event is the join's when
        # the member row's join date is the period's first day (a later rejoin elsewhere
        # moves both, so an earlier period is not counted under an event it did not have).
        query=_periods(
            Q(began=PeriodStart.JOINED, member__mass_enrollment__isnull=False)
            & Q(member__join_date=F("started_on")),
            lambda p: within("started_on", p),
            "started_on",
        ),
        counts="在集中入会活动上入会（扫活动二维码网上申请获批，或工作人员按活动登记）开始的会籍期间，计入入会的工会。",
        seed="（“推进建会入会”：集中入会活动上入会的，计在新发展会员之内）",
        order=25,
    )
)
indicator_register(
    Indicator(
        key="members_end",
        label="期末会员数",
        unit="人",
        section="会员发展",
        kind="stock",
        query=_periods(Q(), _member_on, ""),
        seed="（半年报未直接列出；会员总量）",
        counts="期末这一天所在的会籍期间，计入当天所属的工会（此后转会、退会的，仍计入当天的工会）。",
        order=30,
    )
)
indicator_register(
    Indicator(
        key="members_left",
        label="退会会员",
        unit="人",
        section="会员发展",
        kind="flow",
        query=_periods(Q(ended=PeriodEnd.LEFT), lambda p: within("ended_on", p), "ended_on"),
        seed="（半年报未列出）",
        counts="因退会在期间内结束的会籍期间，计入退出的工会。",
        order=40,
    )
)
indicator_register(
    Indicator(
        key="members_transferred",
        label="转会转入",
        unit="人次",
        section="会员发展",
        kind="flow",
        query=_periods(
            Q(began=PeriodStart.TRANSFERRED_IN), lambda p: within("started_on", p), "started_on"
        ),
        seed="（半年报未列出）",
        counts="因转会转入在期间内开始的会籍期间，计入转入工会。",
        order=50,
    )
)
