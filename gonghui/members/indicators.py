"""Membership indicators (会员发展). Joining counts the join date, leaving the date left.

A member row holds the member's union now. A transfer (转会) leaves an event naming both
unions, so where a member was at an earlier date follows from the current union and the
transfers since: each later transfer gives the member back to the union it came from
(+1) and takes them from the one it went to (-1); along a chain of transfers the middle
unions cancel out. That keeps last month's figures of a county fixed when a member moves
away this month, and credits a new member to the union they joined."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from typing import Any

from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

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
from gonghui.members.models import EmploymentForm, Member, MembershipEvent, Occupation
from gonghui.orgs.models import Union


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


def _transfers_back(
    path: str,
    periods: Sequence[Period],
    condition: Callable[[Period], Q],
    prefilter: Q | None = None,
) -> list[dict[int, int]]:
    """For each period, per union id, the members the transfers meeting ``condition`` (on
    the event, its member reached as ``member__``) moved away (+1, at the union they
    left) and in (-1, at the union they went to): added to counts by the current union,
    they give counts by the union of an earlier day. One query for all periods."""
    events: QuerySet[Any] = MembershipEvent.objects.filter(
        kind=MembershipEvent.Kind.TRANSFER, from_union__isnull=False
    )
    if len(path) > Union.steplen:
        # A move across the subtree's edge matters on both sides of it.
        events = events.filter(
            Q(union__path__startswith=path) | Q(from_union__path__startswith=path)
        )
    if prefilter is not None:
        events = events.filter(prefilter)
    aggregates = {
        f"p{i}": Count("pk", filter=condition(period)) for i, period in enumerate(periods)
    }
    rows = events.order_by().values("from_union_id", "union_id").annotate(**aggregates)
    result: list[dict[int, int]] = [defaultdict(int) for _ in periods]
    for row in rows:
        for i in range(len(periods)):
            moved = row[f"p{i}"]
            if moved:
                result[i][row["from_union_id"]] += moved
                result[i][row["union_id"]] -= moved
    return result


def _add(counts: list[dict[int, Any]], shifts: list[dict[int, int]]) -> list[dict[int, Any]]:
    for owned, shift in zip(counts, shifts, strict=True):
        for owner, delta in shift.items():
            owned[owner] = owned.get(owner, 0) + delta
    return counts


def _moved_after_joining(period: Period) -> Q:
    # Every transfer of the membership counts: a member's union on the day they joined.
    return Q(member__join_date__gte=period.start, member__join_date__lte=period.end) & Q(
        on__gte=F("member__join_date")
    )


def _joined(new_form: bool) -> Any:
    def query(path: str, periods: Sequence[Period]) -> list[dict[int, Any]]:
        prefilter = any_within("join_date", periods)
        moved = any_within("member__join_date", periods)
        if new_form:
            prefilter &= Q(employment_form=EmploymentForm.NEW_FORM)
            moved &= Q(member__employment_form=EmploymentForm.NEW_FORM)
        counts = per_period(
            Member.objects.all(),
            owner="union_id",
            path_field="union__path",
            path=path,
            periods=periods,
            condition=lambda p: within("join_date", p),
            prefilter=prefilter,
        )
        # Counted at the union joined, not the one a later transfer moved the member to.
        return _add(counts, _transfers_back(path, periods, _moved_after_joining, moved))

    return query


def _members_end(path: str, periods: Sequence[Period]) -> list[dict[int, Any]]:
    # A member at a period's end: joined by then and not left by then, at the union they
    # belonged to that day.
    counts = per_period(
        Member.objects.all(),
        owner="union_id",
        path_field="union__path",
        path=path,
        periods=periods,
        condition=lambda p: (
            Q(join_date__lte=p.end) & (Q(left_on__isnull=True) | Q(left_on__gt=p.end))
        ),
    )

    def moved_since(p: Period) -> Q:
        return Q(on__gt=p.end, member__join_date__lte=p.end) & (
            Q(member__left_on__isnull=True) | Q(member__left_on__gt=p.end)
        )

    later = Q(on__gt=min(p.end for p in periods)) if periods else None
    return _add(counts, _transfers_back(path, periods, moved_since, later))


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
    """New-form members who joined a union of the subtree in the period, by occupation
    (the same members as the indicator's value, transfers included)."""
    labels = dict(Occupation.choices)
    counts: dict[str, int] = defaultdict(int)
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
    for row in rows:
        counts[row["occupation"]] += row["n"]
    moves = MembershipEvent.objects.filter(
        _moved_after_joining(period),
        Q(union__path__startswith=path) | Q(from_union__path__startswith=path),
        kind=MembershipEvent.Kind.TRANSFER,
        from_union__isnull=False,
        member__employment_form=EmploymentForm.NEW_FORM,
    ).values_list("member__occupation", "from_union__path", "union__path")
    for occupation, left, went in moves:
        counts[occupation] += int(left.startswith(path)) - int(went.startswith(path))
    return {labels.get(code, "未填职业"): n for code, n in counts.items() if n}


def _members_joined_records(new_form: bool) -> Any:
    def records(union: Any, period: Period) -> Any:
        # The union a member joined: the one their first transfer since joining left, or
        # else the one they are in.
        first_left = (
            MembershipEvent.objects.filter(
                member=OuterRef("pk"),
                kind=MembershipEvent.Kind.TRANSFER,
                from_union__isnull=False,
                on__gte=OuterRef("join_date"),
            )
            .order_by("on", "pk")
            .values("from_union__path")[:1]
        )
        rows = (
            Member.objects.filter(join_date__gte=period.start, join_date__lte=period.end)
            .annotate(joined_path=Coalesce(Subquery(first_left), F("union__path")))
            .filter(joined_path__startswith=union.path)
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
        counts="入会日期在期间内的会员（含此后退会、转会者），计入其入会时所在工会。",
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
        counts="就业形态为新就业形态、入会日期在期间内的会员，计入其入会时所在工会，可按八大群体等职业细分。",
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
        counts="期末已入会且未退会的会员，计入其期末所在工会（此后转会的，按转会记录还原）。",
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
