"""Membership indicators (会员发展). Joining counts the join date, leaving the date left."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.models import Count, Q

from gonghui.members.models import EmploymentForm, Member, MembershipEvent, Occupation
from gonghui.reports.periods import Period
from gonghui.reports.queries import any_within, per_period, within
from gonghui.reports.registry import Indicator, RecordColumn, indicator_register

MEMBER_COLUMNS = (
    RecordColumn("姓名", lambda m: m.name),
    RecordColumn("身份证号", lambda m: m.id_masked),
    RecordColumn("所属工会", lambda m: m.union.name),
    RecordColumn("就业形态", lambda m: m.get_employment_form_display()),
    RecordColumn("职业", lambda m: m.get_occupation_display()),
    RecordColumn("入会日期", lambda m: m.join_date),
)


def _joined(new_form: bool) -> Any:
    def query(path: str, periods: Sequence[Period]) -> list[dict[int, Any]]:
        prefilter = any_within("join_date", periods)
        if new_form:
            prefilter &= Q(employment_form=EmploymentForm.NEW_FORM)
        return per_period(
            Member.objects.all(),
            owner="union_id",
            path_field="union__path",
            path=path,
            periods=periods,
            condition=lambda p: within("join_date", p),
            prefilter=prefilter,
        )

    return query


def _members_end(path: str, periods: Sequence[Period]) -> list[dict[int, Any]]:
    # A member at a period's end: joined by then and not left by then. Counted at the
    # member's current union (a transfer moves the member's history with them).
    return per_period(
        Member.objects.all(),
        owner="union_id",
        path_field="union__path",
        path=path,
        periods=periods,
        condition=lambda p: (
            Q(join_date__lte=p.end) & (Q(left_on__isnull=True) | Q(left_on__gt=p.end))
        ),
    )


def _left(path: str, periods: Sequence[Period]) -> list[dict[int, Any]]:
    return per_period(
        Member.objects.all(),
        owner="union_id",
        path_field="union__path",
        path=path,
        periods=periods,
        condition=lambda p: within("left_on", p),
        prefilter=any_within("left_on", periods),
    )


def _transferred(path: str, periods: Sequence[Period]) -> list[dict[int, Any]]:
    # Counted at the receiving union.
    return per_period(
        MembershipEvent.objects.filter(kind=MembershipEvent.Kind.TRANSFER),
        owner="union_id",
        path_field="union__path",
        path=path,
        periods=periods,
        condition=lambda p: within("on", p),
        prefilter=any_within("on", periods),
    )


def _new_form_by_occupation(path: str, period: Period) -> dict[str, Any]:
    labels = dict(Occupation.choices)
    rows = (
        Member.objects.filter(
            union__path__startswith=path,
            employment_form=EmploymentForm.NEW_FORM,
            join_date__gte=period.start,
            join_date__lte=period.end,
        )
        .order_by()
        .values("occupation")
        .annotate(n=Count("pk"))
    )
    return {labels.get(r["occupation"], "未填职业"): r["n"] for r in rows}


def _members_joined_records(new_form: bool) -> Any:
    def records(union: Any, period: Period) -> Any:
        rows = Member.objects.filter(
            union__path__startswith=union.path,
            join_date__gte=period.start,
            join_date__lte=period.end,
        )
        if new_form:
            rows = rows.filter(employment_form=EmploymentForm.NEW_FORM)
        return rows.select_related("union").order_by("join_date", "pk")

    return records


indicator_register(
    Indicator(
        key="members_new",
        label="新发展会员",
        unit="人",
        section="会员发展",
        kind="flow",
        query=_joined(False),
        records=_members_joined_records(False),
        record_columns=MEMBER_COLUMNS,
        seed="新发展会员1.5万余人",
        counts="入会日期在期间内的会员（含此后退会者），计入会员现所属工会。",
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
        query=_joined(True),
        breakdown=_new_form_by_occupation,
        breakdown_label="职业",
        records=_members_joined_records(True),
        record_columns=MEMBER_COLUMNS,
        seed="新就业形态劳动者入会6473人",
        counts="就业形态为新就业形态、入会日期在期间内的会员，可按八大群体等职业细分。",
        order=20,
    )
)
indicator_register(
    Indicator(
        key="members_end",
        label="期末会员数",
        unit="人",
        section="会员发展",
        kind="stock",
        query=_members_end,
        seed="（半年报未直接列出；会员总量）",
        counts="期末已入会且未退会的会员。",
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
        query=_left,
        seed="（半年报未列出）",
        counts="退会日期在期间内的会员。",
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
        query=_transferred,
        seed="（半年报未列出）",
        counts="转会日期在期间内的转会记录，计入转入工会。",
        order=50,
    )
)
