"""Service indicators (服务保障) of mutual aid and relief. Money counts the payment date:
an item is in a period when it was paid in it (paid_on), whenever it was submitted."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from django.db.models import Q
from django.utils import timezone

from gonghui.aid.models import (
    MutualAidClaim,
    MutualAidEnrollment,
    MutualAidPlan,
    ReliefApplication,
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
from gonghui.core.workflow.models import State
from gonghui.orgs.models import Union


# The paragraph of the narrative reports for this section, in the seed's style.
def _services(w: Writer) -> list[Piece]:
    mutual = with_(
        w.clause("mutual_aid_paid_amount", "发放职工医疗互助金"),
        w.leader("mutual_aid_paid_amount"),
    )
    return [
        *sentence(
            f"{w.stock_time}，{w.area}", [w.clause("mutual_aid_enrolled", "参加职工医疗互助")]
        ),
        *sentence(
            f"{w.flow_time}，{w.area}",
            [
                mutual,
                w.nonzero("mutual_aid_paid_count", "惠及职工"),
                w.nonzero("relief_paid_amount", "发放会员大病救助金", sep="；"),
                w.nonzero("relief_paid_count", "救助"),
            ],
        ),
        *(
            []
            if w.brief
            else sentence(
                f"{w.flow_time}发放的互助金和救助金，",
                [w.clause("aid_days_to_payment", "从提交申请到发放用时的中位数为")],
            )
        ),
    ]


section_register(
    Section(
        "服务保障",
        order=30,
        writer=_services,
        spoken=(
            "mutual_aid_enrolled",
            "mutual_aid_paid_amount",
            "mutual_aid_paid_count",
            "relief_paid_amount",
            "relief_paid_count",
            "aid_days_to_payment",
        ),
    )
)

CLAIM_COLUMNS = (
    RecordColumn("编号", lambda c: c.pk),
    RecordColumn("姓名", lambda c: c.member.name),
    RecordColumn("身份证号", lambda c: c.member.id_masked),
    RecordColumn("所属工会", lambda c: c.union.name),
    RecordColumn("类别", lambda c: c.get_category_display()),
    RecordColumn("互助金（元）", lambda c: c.amount),
    RecordColumn("发放日期", lambda c: c.paid_on),
)
RELIEF_COLUMNS = (
    RecordColumn("编号", lambda r: r.pk),
    RecordColumn("姓名", lambda r: r.member.name),
    RecordColumn("身份证号", lambda r: r.member.id_masked),
    RecordColumn("所属工会", lambda r: r.union.name),
    RecordColumn("诊断", lambda r: r.diagnosis),
    RecordColumn("救助金（元）", lambda r: r.amount),
    RecordColumn("发放日期", lambda r: r.paid_on),
)


def _paid(model: Any, money: bool) -> Any:
    def query(path: str, periods: Sequence[Period]) -> list[dict[int, Any]]:
        return per_period(
            model.objects.filter(state=State.PAID),
            owner="union_id",
            path_field="union__path",
            path=path,
            periods=periods,
            condition=lambda p: within("paid_on", p),
            amount="amount" if money else None,
            prefilter=any_within("paid_on", periods),
        )

    return query


def _paid_records(model: Any) -> Any:
    def records(union: Any, period: Period) -> Any:
        return (
            model.objects.filter(
                union__path__startswith=union.path,
                state=State.PAID,
                paid_on__gte=period.start,
                paid_on__lte=period.end,
            )
            .select_related("member", "union")
            .order_by("paid_on", "pk")
        )

    return records


def _enrolled(path: str, periods: Sequence[Period]) -> list[dict[int, Any]]:
    # Enrolled at a period's end: in a plan whose coverage holds that day, since then. The
    # plans are few: resolving them first spares the enrollment table a join per row.
    covering = {
        p: list(
            MutualAidPlan.objects.filter(
                coverage_from__lte=p.end, coverage_to__gte=p.end
            ).values_list("pk", flat=True)
        )
        for p in periods
    }
    return per_period(
        MutualAidEnrollment.objects.all(),
        owner="union_id",
        path_field="union__path",
        path=path,
        periods=periods,
        condition=lambda p: Q(plan_id__in=covering[p], enrolled_on__lte=p.end),
    )


def _days_to_payment(path: str, periods: Sequence[Period]) -> list[dict[int, Any]]:
    """Days from submission to payment of every claim and relief grant paid in a period,
    listed per owning union (the engine takes medians)."""
    result: list[dict[int, Any]] = [defaultdict(list) for _ in periods]
    for model in (MutualAidClaim, ReliefApplication):
        rows = model.objects.filter(
            any_within("paid_on", periods), state=State.PAID, submitted_at__isnull=False
        )
        if len(path) > Union.steplen:  # the root's subtree is everything: no join
            rows = rows.filter(union__path__startswith=path)
        triples = rows.values_list("union_id", "submitted_at", "paid_on")
        for union_id, submitted_at, paid_on in triples.iterator(chunk_size=5000):
            assert paid_on is not None and submitted_at is not None
            # The day of submission in Asia/Shanghai: the stored time is UTC, and a claim
            # submitted before 8 a.m. would otherwise date from the day before.
            days = (paid_on - timezone.localdate(submitted_at)).days
            for i, period in enumerate(periods):
                if period.start <= paid_on <= period.end:
                    result[i][union_id].append(days)
    return [dict(r) for r in result]


indicator_register(
    Indicator(
        key="mutual_aid_enrolled",
        label="职工医疗互助参保人数",
        unit="人",
        section="服务保障",
        kind="stock",
        query=_enrolled,
        seed="（参保人数；2025年目标：新就业形态参与互助保障95%以上）",
        counts="期末参加保障期覆盖该日的互助方案的会员，计入参保时所在工会。",
        order=10,
    )
)
indicator_register(
    Indicator(
        key="mutual_aid_paid_amount",
        label="职工医疗互助金发放金额",
        unit="元",
        section="服务保障",
        kind="flow",
        query=_paid(MutualAidClaim, True),
        records=_paid_records(MutualAidClaim),
        record_columns=CLAIM_COLUMNS,
        seed="发放互助保障金1241万余元",
        counts="发放日期在期间内、已发放的互助金申请的金额之和。",
        order=20,
    )
)
indicator_register(
    Indicator(
        key="mutual_aid_paid_count",
        label="职工医疗互助受益人次",
        unit="人次",
        section="服务保障",
        kind="flow",
        query=_paid(MutualAidClaim, False),
        records=_paid_records(MutualAidClaim),
        record_columns=CLAIM_COLUMNS,
        seed="惠及职工2.2万余人次",
        counts="发放日期在期间内、已发放的互助金申请件数（每件一人次）。",
        order=30,
    )
)
indicator_register(
    Indicator(
        key="relief_paid_amount",
        label="会员大病救助金额",
        unit="元",
        section="服务保障",
        kind="flow",
        query=_paid(ReliefApplication, True),
        records=_paid_records(ReliefApplication),
        record_columns=RELIEF_COLUMNS,
        seed="（半年报未单列）",
        counts="发放日期在期间内、已发放的大病救助金额之和。",
        order=40,
    )
)
indicator_register(
    Indicator(
        key="relief_paid_count",
        label="会员大病救助人次",
        unit="人次",
        section="服务保障",
        kind="flow",
        query=_paid(ReliefApplication, False),
        records=_paid_records(ReliefApplication),
        record_columns=RELIEF_COLUMNS,
        seed="（半年报未单列）",
        counts="发放日期在期间内、已发放的大病救助申请件数。",
        order=50,
    )
)
indicator_register(
    Indicator(
        key="aid_days_to_payment",
        label="互助救助办理时长（中位数）",
        unit="天",
        section="服务保障",
        kind="flow",
        query=_days_to_payment,
        combine="median",
        better="lower",
        seed="（半年报未列出；服务时效）",
        counts="期间内发放的互助金和大病救助，从提交到发放的天数的中位数。",
        order=60,
    )
)
