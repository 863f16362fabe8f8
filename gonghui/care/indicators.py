"""The service package in the reports, in the section 服务保障 that mutual aid opened:
deliveries are counted on their day, at the delivering union."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.models import F, Q, QuerySet

import gonghui.aid.indicators  # noqa: F401  (registers the section 服务保障 first)
from gonghui.care.models import (
    BatchQuota,
    CareVisit,
    CounselingSession,
    Delivery,
    HardshipAid,
    HardshipCase,
    LegalCase,
    RecuperationApplication,
)
from gonghui.core.indicators import (
    Indicator,
    Period,
    RecordColumn,
    any_within,
    indicator_register,
    per_period,
    section_extend,
    within,
)
from gonghui.core.indicators.writing import Piece, Writer, sentence
from gonghui.core.workflow.models import State

SECTION = "服务保障"


# After mutual aid's sentences, in the seed's words: "今年已走访慰问新就业劳动者4211人次,
# 提供就业服务培训6053人次,一线职工免费体检及疗休养1711人次"; "走访慰问经费345万元".
def _services(w: Writer) -> list[Piece]:
    return [
        *sentence(
            f"{w.flow_time}，{w.area}",
            [
                w.nonzero("recuperation_participants", "组织职工参与疗休养"),
                w.optional("recuperation_place_use_rate", "疗休养名额使用率"),
            ],
        ),
        *sentence(
            f"{w.flow_time}，{w.area}",
            [
                w.nonzero("care_visits", "走访慰问职工"),
                w.nonzero("care_visit_amount", "投入走访慰问经费"),
            ],
        ),
        *sentence(
            f"{w.flow_time}，{w.area}",
            [
                w.nonzero("care_visits_new_form", "走访慰问新就业劳动者"),
                w.nonzero("employment_training_new_form", "提供就业服务培训"),
                w.nonzero("checkup_recuperation_frontline", "一线职工免费体检及疗休养"),
            ],
        ),
        *sentence(
            f"{w.stock_time}，{w.area}",
            [w.nonzero("hardship_cases_open", "在档困难职工")],
        ),
        *sentence(
            f"{w.flow_time}，{w.area}",
            [
                w.nonzero("hardship_aid_amount", "发放困难职工帮扶金"),
                w.nonzero("hardship_aid_count", "帮扶"),
                w.nonzero("legal_cases_closed", "办结法律服务案件"),
                w.nonzero("counseling_sessions", "开展“湖工心安”心理咨询"),
            ],
        ),
        *sentence(
            f"{w.flow_time}，{w.area}",
            [
                w.nonzero("service_deliveries", "提供惠“新”服务"),
                w.optional("service_cost", "服务费用"),
            ],
        ),
    ]


section_extend(
    SECTION,
    writer=_services,
    spoken=(
        "service_deliveries",
        "service_cost",
        "care_visits",
        "care_visit_amount",
        "care_visits_new_form",
        "employment_training_new_form",
        "checkup_recuperation_frontline",
        "recuperation_participants",
        "recuperation_admitted",
        "recuperation_places",
        "recuperation_place_use_rate",
        "hardship_cases_open",
        "hardship_aid_amount",
        "hardship_aid_count",
        "legal_cases_closed",
        "counseling_sessions",
    ),
)


def _deliveries(amount: str | None, only: Q | None = None) -> Any:
    def query(path: str, periods: Sequence[Period]) -> list[dict[int, Any]]:
        return per_period(
            Delivery.objects.filter(only) if only is not None else Delivery.objects.all(),
            owner="union_id",
            path_field="union__path",
            path=path,
            periods=periods,
            condition=lambda p: within("on", p),
            amount=amount,
            prefilter=any_within("on", periods),
        )

    return query


def _delivery_records(only: Q | None = None) -> Any:
    def records(union: Any, period: Period) -> QuerySet[Any]:
        rows = Delivery.objects.filter(
            union__path__startswith=union.path, on__gte=period.start, on__lte=period.end
        )
        if only is not None:
            rows = rows.filter(only)
        return rows.select_related("item", "union").order_by("on", "pk")

    return records


EMPLOYMENT_TRAINING_NEW_FORM = Q(item__key__in=("employment", "skill_upgrading"), new_form=True)
CHECKUP_RECUPERATION_FRONTLINE = Q(item__key__in=("health_checkup", "recuperation"), frontline=True)


def _visits(amount: str | None, only: Q | None = None) -> Any:
    def query(path: str, periods: Sequence[Period]) -> list[dict[int, Any]]:
        rows = CareVisit.objects.annotate(given=F("cash") + F("goods_value"))
        return per_period(
            rows.filter(only) if only is not None else rows,
            owner="union_id",
            path_field="union__path",
            path=path,
            periods=periods,
            condition=lambda p: within("on", p),
            amount=amount,
            prefilter=any_within("on", periods),
        )

    return query


def _visit_records(only: Q | None = None) -> Any:
    def records(union: Any, period: Period) -> QuerySet[Any]:
        rows = CareVisit.objects.filter(
            union__path__startswith=union.path, on__gte=period.start, on__lte=period.end
        )
        if only is not None:
            rows = rows.filter(only)
        return rows.select_related("campaign", "union").order_by("on", "pk")

    return records


VISIT_COLUMNS = (
    RecordColumn("走访日期", lambda v: v.on),
    RecordColumn("姓名", lambda v: v.person_name),
    RecordColumn("身份证号", lambda v: v.person_masked),
    RecordColumn("活动", lambda v: v.campaign.name if v.campaign else ""),
    RecordColumn("慰问金（元）", lambda v: v.cash),
    RecordColumn("慰问品价值（元）", lambda v: v.goods_value),
    RecordColumn("走访工会", lambda v: v.union.name),
)


DELIVERY_COLUMNS = (
    RecordColumn("服务日期", lambda d: d.on),
    RecordColumn("姓名", lambda d: d.person_name),
    RecordColumn("身份证号", lambda d: d.person_masked),
    RecordColumn("服务项目", lambda d: d.item.name),
    RecordColumn("费用（元）", lambda d: d.cost),
    RecordColumn("服务工会", lambda d: d.union.name),
)

indicator_register(
    Indicator(
        key="service_deliveries",
        label="惠“新”服务人次",
        unit="人次",
        section=SECTION,
        kind="flow",
        query=_deliveries(None),
        records=_delivery_records(),
        record_columns=DELIVERY_COLUMNS,
        seed="打造健康体检、医疗保障、暖心慰问等“9+X”惠“新”服务包（总量，分项见各项指标）",
        counts="服务日期在期间内的服务记录（页面录入、表格导入和走访、疗休养等业务记录写入的），计入服务工会。",
    )
)
indicator_register(
    Indicator(
        key="service_cost",
        label="惠“新”服务费用",
        unit="元",
        section=SECTION,
        kind="flow",
        query=_deliveries("cost"),
        records=_delivery_records(),
        record_columns=DELIVERY_COLUMNS,
        seed="（种子未列总费用；与服务人次同源）",
        counts="服务日期在期间内的服务记录的费用合计，计入服务工会。",
    )
)
indicator_register(
    Indicator(
        key="employment_training_new_form",
        label="新就业形态劳动者就业服务培训人次",
        unit="人次",
        section=SECTION,
        kind="flow",
        query=_deliveries(None, EMPLOYMENT_TRAINING_NEW_FORM),
        records=_delivery_records(EMPLOYMENT_TRAINING_NEW_FORM),
        record_columns=DELIVERY_COLUMNS,
        seed="提供就业服务培训6053人次",
        counts="服务日期在期间内、项目为就业服务或能力提升、服务时为新就业形态劳动者的服务记录，计入服务工会。",
    )
)
indicator_register(
    Indicator(
        key="checkup_recuperation_frontline",
        label="一线职工免费体检及疗休养人次",
        unit="人次",
        section=SECTION,
        kind="flow",
        query=_deliveries(None, CHECKUP_RECUPERATION_FRONTLINE),
        records=_delivery_records(CHECKUP_RECUPERATION_FRONTLINE),
        record_columns=DELIVERY_COLUMNS,
        seed="一线职工免费体检及疗休养1711人次",
        counts="服务日期在期间内、项目为健康体检或职工疗休养、标为一线职工的服务记录（疗休养出席写入的记录同样计入），计入服务工会。",
    )
)
indicator_register(
    Indicator(
        key="care_visits",
        label="走访慰问人次",
        unit="人次",
        section=SECTION,
        kind="flow",
        query=_visits(None),
        records=_visit_records(),
        record_columns=VISIT_COLUMNS,
        seed="（走访慰问总人次，种子只列新就业劳动者的4211人次）",
        counts="走访日期在期间内的走访慰问记录，计入走访工会。",
    )
)
indicator_register(
    Indicator(
        key="care_visit_amount",
        label="走访慰问经费",
        unit="元",
        section=SECTION,
        kind="flow",
        query=_visits("given"),
        records=_visit_records(),
        record_columns=VISIT_COLUMNS,
        seed="投入经费345万元开展走访慰问",
        counts="走访日期在期间内的走访慰问的慰问金与慰问品价值之和，计入走访工会。",
    )
)
indicator_register(
    Indicator(
        key="care_visits_new_form",
        label="走访慰问新就业劳动者人次",
        unit="人次",
        section=SECTION,
        kind="flow",
        query=_visits(None, Q(new_form=True)),
        records=_visit_records(Q(new_form=True)),
        record_columns=VISIT_COLUMNS,
        seed="走访慰问新就业劳动者4211人次",
        counts="走访日期在期间内、被走访时为新就业形态劳动者的走访慰问记录，计入走访工会。",
    )
)


def _recuperation(only: Q) -> Any:
    """Applications of the batches starting in the period, at the applicant's union."""

    def query(path: str, periods: Sequence[Period]) -> list[dict[int, Any]]:
        return per_period(
            RecuperationApplication.objects.filter(only),
            owner="union_id",
            path_field="union__path",
            path=path,
            periods=periods,
            condition=lambda p: within("batch__start", p),
            prefilter=any_within("batch__start", periods),
        )

    return query


def _places(path: str, periods: Sequence[Period]) -> list[dict[int, Any]]:
    return per_period(
        BatchQuota.objects.all(),
        owner="county_id",
        path_field="county__path",
        path=path,
        periods=periods,
        condition=lambda p: within("batch__start", p),
        amount="places",
        prefilter=any_within("batch__start", periods),
    )


def _recuperation_records(only: Q) -> Any:
    def records(union: Any, period: Period) -> QuerySet[Any]:
        return (
            RecuperationApplication.objects.filter(
                only,
                union__path__startswith=union.path,
                batch__start__gte=period.start,
                batch__start__lte=period.end,
            )
            .select_related("batch__base", "union")
            .order_by("batch__start", "pk")
        )

    return records


ATTENDED = Q(attended=True)
ADMITTED = Q(state__in=(State.APPROVED, State.PAID))
RECUPERATION_COLUMNS = (
    RecordColumn("批次", lambda a: a.batch.code),
    RecordColumn("基地", lambda a: a.batch.base.name),
    RecordColumn("开始日期", lambda a: a.batch.start),
    RecordColumn("姓名", lambda a: a.person_name),
    RecordColumn("身份证号", lambda a: a.person_masked),
    RecordColumn("所属工会", lambda a: a.union.name),
)

indicator_register(
    Indicator(
        key="recuperation_participants",
        label="参与疗休养职工",
        unit="人",
        section=SECTION,
        kind="flow",
        query=_recuperation(ATTENDED),
        records=_recuperation_records(ATTENDED),
        record_columns=RECUPERATION_COLUMNS,
        seed="组织3.8万余名职工参与疗休养",
        counts="开始日期在期间内的疗休养批次中登记参加的职工，计入其所属工会。",
    )
)
indicator_register(
    Indicator(
        key="recuperation_admitted",
        label="疗休养录取人数",
        unit="人",
        section=SECTION,
        kind="flow",
        query=_recuperation(ADMITTED),
        records=_recuperation_records(ADMITTED),
        record_columns=RECUPERATION_COLUMNS,
        seed="（名额使用率的分子）",
        counts="开始日期在期间内的疗休养批次中已录取的申请，计入申请人所属工会。",
    )
)
indicator_register(
    Indicator(
        key="recuperation_places",
        label="疗休养名额",
        unit="个",
        section=SECTION,
        kind="flow",
        query=_places,
        seed="（名额使用率的分母）",
        counts="开始日期在期间内的疗休养批次中市总工会分给各区县的名额，计入区县工会。",
    )
)
indicator_register(
    Indicator(
        key="recuperation_place_use_rate",
        label="疗休养名额使用率",
        unit="%",
        section=SECTION,
        kind="ratio",
        numerator="recuperation_admitted",
        denominator="recuperation_places",
        seed="（种子未列；录取人数 ÷ 名额）",
        counts="疗休养录取人数 ÷ 疗休养名额。",
    )
)


def _open_at_end(p: Period) -> Q:
    return Q(opened_on__lte=p.end) & (Q(closed_on__isnull=True) | Q(closed_on__gt=p.end))


def _hardship_open(path: str, periods: Sequence[Period]) -> list[dict[int, Any]]:
    return per_period(
        HardshipCase.objects.all(),
        owner="union_id",
        path_field="union__path",
        path=path,
        periods=periods,
        condition=_open_at_end,
    )


def _hardship_records(union: Any, period: Period) -> QuerySet[Any]:
    return (
        HardshipCase.objects.filter(_open_at_end(period), union__path__startswith=union.path)
        .select_related("union")
        .order_by("opened_on", "pk")
    )


def _aid_paid(amount: str | None) -> Any:
    def query(path: str, periods: Sequence[Period]) -> list[dict[int, Any]]:
        return per_period(
            HardshipAid.objects.filter(state=State.PAID),
            owner="union_id",
            path_field="union__path",
            path=path,
            periods=periods,
            condition=lambda p: within("paid_on", p),
            amount=amount,
            prefilter=any_within("paid_on", periods),
        )

    return query


def _aid_records(union: Any, period: Period) -> QuerySet[Any]:
    return (
        HardshipAid.objects.filter(
            union__path__startswith=union.path,
            state=State.PAID,
            paid_on__gte=period.start,
            paid_on__lte=period.end,
        )
        .select_related("union")
        .order_by("paid_on", "pk")
    )


HARDSHIP_COLUMNS = (
    RecordColumn("姓名", lambda c: c.person_name),
    RecordColumn("身份证号", lambda c: c.person_masked),
    RecordColumn("困难类别", lambda c: c.get_hardship_class_display()),
    RecordColumn("建档日期", lambda c: c.opened_on),
    RecordColumn("建档工会", lambda c: c.union.name),
)
AID_COLUMNS = (
    RecordColumn("姓名", lambda a: a.person_name),
    RecordColumn("身份证号", lambda a: a.person_masked),
    RecordColumn("帮扶类别", lambda a: a.get_kind_display()),
    RecordColumn("金额（元）", lambda a: a.amount),
    RecordColumn("发放日期", lambda a: a.paid_on),
    RecordColumn("所属工会", lambda a: a.union.name),
)

indicator_register(
    Indicator(
        key="hardship_cases_open",
        label="在档困难职工",
        unit="户",
        section=SECTION,
        kind="stock",
        query=_hardship_open,
        records=_hardship_records,
        record_columns=HARDSHIP_COLUMNS,
        seed="（种子未列；困难职工帮扶的在档户数）",
        counts="期末已建档且尚未销档的困难职工档案，计入建档工会。",
    )
)
indicator_register(
    Indicator(
        key="hardship_aid_amount",
        label="困难职工帮扶金",
        unit="元",
        section=SECTION,
        kind="flow",
        query=_aid_paid("amount"),
        records=_aid_records,
        record_columns=AID_COLUMNS,
        seed="（种子未列金额；送温暖资金的一部分）",
        counts="发放日期在期间内的困难职工帮扶金（生活救助、医疗救助、助学），计入所属工会。",
    )
)
indicator_register(
    Indicator(
        key="hardship_aid_count",
        label="困难职工帮扶人次",
        unit="人次",
        section=SECTION,
        kind="flow",
        query=_aid_paid(None),
        records=_aid_records,
        record_columns=AID_COLUMNS,
        seed="（种子未列）",
        counts="发放日期在期间内的困难职工帮扶笔数，计入所属工会。",
    )
)


def _legal_closed(path: str, periods: Sequence[Period]) -> list[dict[int, Any]]:
    return per_period(
        LegalCase.objects.all(),
        owner="union_id",
        path_field="union__path",
        path=path,
        periods=periods,
        condition=lambda p: within("closed_on", p),
        prefilter=any_within("closed_on", periods),
    )


indicator_register(
    Indicator(
        key="legal_cases_closed",
        label="办结法律服务案件",
        unit="件",
        section=SECTION,
        kind="flow",
        query=_legal_closed,
        seed="（种子未列；法律服务）",
        counts="结案日期在期间内的法律咨询、劳动争议调解和法律援助案件，计入受理工会。",
    )
)


def _counseling_sessions(path: str, periods: Sequence[Period]) -> list[dict[int, Any]]:
    return per_period(
        CounselingSession.objects.all(),
        owner="union_id",
        path_field="union__path",
        path=path,
        periods=periods,
        condition=lambda p: within("held_on", p),
        prefilter=any_within("held_on", periods),
    )


indicator_register(
    Indicator(
        key="counseling_sessions",
        label="“湖工心安”心理咨询",
        unit="人次",
        section=SECTION,
        kind="flow",
        query=_counseling_sessions,
        seed="（种子未列；“湖工心安”心理健康服务）",
        counts="咨询日期在期间内、由咨询师登记的心理咨询次数（只计次数，不读记录），计入咨询站所在工会。",
    )
)
