"""The service package in the reports, in the section 服务保障 that mutual aid opened:
deliveries are counted on their day, at the delivering union."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import gonghui.aid.indicators  # noqa: F401  (registers the section 服务保障 first)
from gonghui.care.models import Delivery
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

SECTION = "服务保障"


# After mutual aid's sentences: what the service package delivered.
def _services(w: Writer) -> list[Piece]:
    return sentence(
        f"{w.flow_time}，{w.area}",
        [
            w.nonzero("service_deliveries", "提供惠“新”服务"),
            w.optional("service_cost", "服务费用"),
        ],
    )


section_extend(SECTION, writer=_services, spoken=("service_deliveries", "service_cost"))


def _deliveries(amount: str | None) -> Any:
    def query(path: str, periods: Sequence[Period]) -> list[dict[int, Any]]:
        return per_period(
            Delivery.objects.all(),
            owner="union_id",
            path_field="union__path",
            path=path,
            periods=periods,
            condition=lambda p: within("on", p),
            amount=amount,
            prefilter=any_within("on", periods),
        )

    return query


def _delivery_records(union: Any, period: Period) -> Any:
    return (
        Delivery.objects.filter(
            union__path__startswith=union.path, on__gte=period.start, on__lte=period.end
        )
        .select_related("item", "union")
        .order_by("on", "pk")
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
        records=_delivery_records,
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
        records=_delivery_records,
        record_columns=DELIVERY_COLUMNS,
        seed="（种子未列总费用；与服务人次同源）",
        counts="服务日期在期间内的服务记录的费用合计，计入服务工会。",
    )
)
