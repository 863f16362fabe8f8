"""能级工资集体协商 in the reports: the contracts signed in a period, their coverage counted once
per enterprise, and the average rise over every row of the pilot contracts."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q

from gonghui.core.indicators import (
    Indicator,
    Period,
    Section,
    any_within,
    indicator_register,
    per_period,
    section_register,
    within,
)
from gonghui.core.indicators.writing import Piece, Writer, sentence
from gonghui.core.workflow.models import State
from gonghui.orgs.models import Enterprise, Union
from gonghui.wages.models import (
    NEW_FORM_PURPOSES,
    Allocation,
    CongressSession,
    Disclosure,
    DuesRelief,
    Expenditure,
    Lease,
    RentPayment,
    WageRow,
)
from gonghui.wages.services.assets import rent_roll
from gonghui.wages.services.contracts import (
    BILL_BEFORE,
    BILL_INCREASE,
    coverage_of,
    coverage_rows,
)
from gonghui.wages.services.democracy import congress_window, disclosure_window

SECTION = "能级工资与民主管理"


# "能级工资集体协商覆盖企业2087家，惠及职工19.12万人，平均增幅8%".
def _wages(w: Writer) -> list[Piece]:
    return [
        *sentence(
            f"{w.flow_time}，{w.area}",
            [
                w.nonzero("wage_contract_enterprises", "能级工资集体协商覆盖企业"),
                w.nonzero("wage_contract_workers", "惠及职工"),
                w.optional("wage_rise_avg", "试点企业职工工资平均增幅"),
            ],
        ),
        *sentence(
            f"{w.stock_time}，{w.area}已建会企业中",
            [
                w.nonzero("congress_enterprises", "建立职代会"),
                w.nonzero("congress_rate", "职代会建制率"),
                w.nonzero("disclosure_enterprises", "实行厂务公开"),
                w.nonzero("disclosure_rate", "厂务公开建制率"),
            ],
        ),
        *sentence(
            f"{w.flow_time}，{w.area}",
            [
                w.nonzero("dues_relief_amount", "缓减企业工会经费"),
                w.nonzero("dues_relief_enterprises", "惠及企业"),
                w.nonzero("grassroots_allocation_new_form", "下拨新就业形态劳动者专项经费"),
                w.nonzero("expenditures_over_standard", "超标准支出"),
                w.nonzero("lease_income", "收取工会资产租金"),
            ],
        ),
        *sentence(
            f"{w.stock_time}，{w.area}",
            [w.nonzero("lease_arrears", "工会资产租金欠缴")],
        ),
    ]


section_register(
    Section(
        SECTION,
        order=90,
        writer=_wages,
        spoken=(
            "wage_contract_enterprises",
            "wage_contract_workers",
            "wage_rise_avg",
            "wage_bill_before",
            "wage_bill_increase",
            "union_enterprises",
            "congress_enterprises",
            "congress_rate",
            "disclosure_enterprises",
            "disclosure_rate",
            "dues_relief_amount",
            "dues_relief_enterprises",
            "grassroots_allocation_new_form",
            "expenditures_over_standard",
            # Not written: the seed quotes no spending total; the table lists it.
            "expenditure_amount",
            "lease_income",
            "lease_arrears",
        ),
    )
)


def _coverage(part: int) -> Any:
    def query(path: str, periods: Sequence[Period]) -> list[dict[int, Any]]:
        if not periods:
            return []
        rows = coverage_rows(
            WageRow.objects.filter(contract__union__path__startswith=path).filter(
                any_within("contract__signed_on", periods)
            )
        )
        result: list[dict[int, Any]] = []
        for p in periods:
            found = coverage_of(r for r in rows if p.start <= r[2] <= p.end)
            result.append({union: values[part] for union, values in found.by_union.items()})
        return result

    return query


indicator_register(
    Indicator(
        key="wage_contract_enterprises",
        additive=False,  # each enterprise once in a period, whatever its months
        label="能级工资集体协商覆盖企业",
        unit="家",
        section=SECTION,
        kind="flow",
        query=_coverage(0),
        seed="能级工资集体协商覆盖企业2087家",
        counts="签订日期在期间内的能级工资集体合同覆盖的企业，一家企业多份合同只计一次，计入最近一份合同的登记工会。",
        order=10,
    )
)
indicator_register(
    Indicator(
        key="wage_contract_workers",
        additive=False,  # each enterprise once in a period, whatever its months
        label="能级工资集体协商惠及职工",
        unit="人",
        section=SECTION,
        kind="flow",
        query=_coverage(1),
        seed="惠及职工19.12万人",
        counts="上述企业在其最近一份合同工资标准表中的人数之和（每家企业只计一次）。",
        order=20,
    )
)


def _bill(expression: Any) -> Any:
    def query(path: str, periods: Sequence[Period]) -> list[dict[int, Any]]:
        return per_period(
            WageRow.objects.filter(contract__pilot=True).annotate(bill=expression),
            owner="contract__union_id",
            path_field="contract__union__path",
            path=path,
            periods=periods,
            condition=lambda p: within("contract__signed_on", p),
            amount="bill",
            prefilter=any_within("contract__signed_on", periods) & Q(contract__pilot=True),
        )

    return query


indicator_register(
    Indicator(
        key="wage_bill_before",
        label="试点合同协商前月工资总额",
        unit="元",
        section=SECTION,
        kind="flow",
        query=_bill(BILL_BEFORE),
        seed="（平均增幅的分母）",
        counts="签订日期在期间内的全域试点合同，各行人数 × 协商前月工资之和。",
        order=30,
    )
)
indicator_register(
    Indicator(
        key="wage_bill_increase",
        label="试点合同月工资增加额",
        unit="元",
        section=SECTION,
        kind="flow",
        query=_bill(BILL_INCREASE),
        seed="（平均增幅的分子）",
        counts="签订日期在期间内的全域试点合同，各行人数 × （协商后 − 协商前月工资）之和。",
        order=40,
    )
)
indicator_register(
    Indicator(
        key="wage_rise_avg",
        label="能级工资平均增幅",
        unit="%",
        section=SECTION,
        kind="ratio",
        numerator="wage_bill_increase",
        denominator="wage_bill_before",
        seed="平均增幅8%",
        counts="Σ(人数 × 协商后月工资) ÷ Σ(人数 × 协商前月工资) − 1，覆盖期间内签订的全部试点合同的每一行。",
        order=50,
    )
)


def _with_union(p: Period) -> Q:
    # Covered at the period's end: the enterprise's union was founded by then.
    return Q(union__isnull=False) & (
        Q(union__established_on__isnull=True) | Q(union__established_on__lte=p.end)
    )


def _union_enterprises(path: str, periods: Sequence[Period]) -> list[dict[int, Any]]:
    return per_period(
        Enterprise.objects.filter(union__isnull=False),
        owner="owner_union_id",
        path_field="owner_union__path",
        path=path,
        periods=periods,
        condition=_with_union,
    )


def _democratic(model: Any, field: str, window: Any) -> Any:
    def query(path: str, periods: Sequence[Period]) -> list[dict[int, Any]]:
        def condition(p: Period) -> Q:
            start, end = window(p.end)
            held = model.objects.filter(
                enterprise=OuterRef("pk"), **{f"{field}__gte": start, f"{field}__lte": end}
            )
            return _with_union(p) & Q(Exists(held))

        return per_period(
            Enterprise.objects.filter(union__isnull=False),
            owner="owner_union_id",
            path_field="owner_union__path",
            path=path,
            periods=periods,
            condition=condition,
        )

    return query


indicator_register(
    Indicator(
        key="union_enterprises",
        label="已建会企业",
        unit="家",
        section=SECTION,
        kind="stock",
        query=_union_enterprises,
        seed="（职代会、厂务公开建制率的分母）",
        counts="期末已有工会覆盖（所在工会成立日期不晚于期末）的企业，计入其管理工会。",
        order=60,
    )
)
indicator_register(
    Indicator(
        key="congress_enterprises",
        label="建立职代会企业",
        unit="家",
        section=SECTION,
        kind="stock",
        query=_democratic(CongressSession, "held_on", congress_window),
        seed="职代会制度",
        counts="期末已建会、且期末前12个月内召开过职代会的企业（由职代会会议记录判断）。",
        order=70,
    )
)
indicator_register(
    Indicator(
        key="congress_rate",
        label="职代会建制率",
        unit="%",
        section=SECTION,
        kind="ratio",
        numerator="congress_enterprises",
        denominator="union_enterprises",
        seed="职代会建制",
        counts="建立职代会企业 ÷ 已建会企业 × 100%。",
        order=80,
    )
)
indicator_register(
    Indicator(
        key="disclosure_enterprises",
        label="实行厂务公开企业",
        unit="家",
        section=SECTION,
        kind="stock",
        query=_democratic(Disclosure, "disclosed_on", disclosure_window),
        seed="厂务公开",
        counts="期末已建会、且期末前6个月内有厂务公开事项的企业（由厂务公开记录判断）。",
        order=90,
    )
)
indicator_register(
    Indicator(
        key="disclosure_rate",
        label="厂务公开建制率",
        unit="%",
        section=SECTION,
        kind="ratio",
        numerator="disclosure_enterprises",
        denominator="union_enterprises",
        seed="厂务公开建制",
        counts="实行厂务公开企业 ÷ 已建会企业 × 100%。",
        order=100,
    )
)


def _granted(p: Period) -> Q:
    return Q(approved_at__date__gte=p.start, approved_at__date__lte=p.end)


def _relief_amount(path: str, periods: Sequence[Period]) -> list[dict[int, Any]]:
    return per_period(
        DuesRelief.objects.filter(state=State.APPROVED),
        owner="enterprise__owner_union_id",
        path_field="enterprise__owner_union__path",
        path=path,
        periods=periods,
        condition=_granted,
        amount="amount",
    )


def _relief_enterprises(path: str, periods: Sequence[Period]) -> list[dict[int, Any]]:
    # Each enterprise once, at the union that owns it in the register: the sum over a
    # county's children then counts it once too.
    if not periods:
        return []
    rows = DuesRelief.objects.filter(state=State.APPROVED)
    if len(path) > Union.steplen:
        rows = rows.filter(enterprise__owner_union__path__startswith=path)
    aggregates = {
        f"p{i}": Count("enterprise_id", distinct=True, filter=_granted(p))
        for i, p in enumerate(periods)
    }
    found: Any = rows.order_by().values("enterprise__owner_union_id").annotate(**aggregates)
    result: list[dict[int, Any]] = [{} for _ in periods]
    for row in found:
        for i in range(len(periods)):
            if row[f"p{i}"]:
                result[i][row["enterprise__owner_union_id"]] = row[f"p{i}"]
    return result


indicator_register(
    Indicator(
        key="dues_relief_amount",
        label="缓减企业工会经费",
        unit="元",
        section=SECTION,
        kind="flow",
        query=_relief_amount,
        seed="缓减企业工会经费4031.11万元",
        counts="批准日期在期间内的工会经费缓缴、减免金额之和，计入企业的管理工会。",
        order=110,
    )
)
indicator_register(
    Indicator(
        key="dues_relief_enterprises",
        additive=False,  # each enterprise once in a period, whatever its months
        label="缓减工会经费惠及企业",
        unit="家",
        section=SECTION,
        kind="flow",
        query=_relief_enterprises,
        seed="惠及企业2.34万家",
        counts="期间内获批缓减工会经费的企业，一家企业多次缓减只计一次。",
        order=120,
    )
)


def _allocated(path: str, periods: Sequence[Period]) -> list[dict[int, Any]]:
    return per_period(
        Allocation.objects.filter(purpose__in=NEW_FORM_PURPOSES),
        owner="to_union_id",
        path_field="to_union__path",
        path=path,
        periods=periods,
        condition=lambda p: within("allocated_on", p),
        amount="amount",
        prefilter=any_within("allocated_on", periods),
    )


def _spending(over: bool) -> Any:
    def query(path: str, periods: Sequence[Period]) -> list[dict[int, Any]]:
        rows = Expenditure.objects.all()
        if over:
            rows = rows.exclude(over_standard="")
        return per_period(
            rows,
            owner="union_id",
            path_field="union__path",
            path=path,
            periods=periods,
            condition=lambda p: within("spent_on", p),
            amount=None if over else "amount",
            prefilter=any_within("spent_on", periods),
        )

    return query


indicator_register(
    Indicator(
        key="grassroots_allocation_new_form",
        label="下拨新就业形态劳动者专项经费",
        unit="元",
        section=SECTION,
        kind="flow",
        query=_allocated,
        seed="追加500万元用于新就业形态劳动者疗休养、健康体检和互助保障补贴",
        counts="拨付日期在期间内、用途为新就业形态劳动者疗休养、健康体检或互助保障补贴的经费拨付，计入接收工会。",
        order=130,
    )
)
indicator_register(
    Indicator(
        key="expenditure_amount",
        label="经费支出",
        unit="元",
        section=SECTION,
        kind="flow",
        query=_spending(False),
        seed="（经费支出管理）",
        counts="支出日期在期间内的经费支出金额之和，计入支出工会。",
        order=140,
    )
)
indicator_register(
    Indicator(
        key="expenditures_over_standard",
        label="超标准支出",
        unit="笔",
        section=SECTION,
        kind="flow",
        query=_spending(True),
        better="lower",
        seed="（特色工会活动项目支出标准）",
        counts="支出日期在期间内、单次或人均金额超过所适用支出标准的经费支出笔数。",
        order=150,
    )
)


def _rent_received(path: str, periods: Sequence[Period]) -> list[dict[int, Any]]:
    return per_period(
        RentPayment.objects.all(),
        owner="lease__asset__union_id",
        path_field="lease__asset__union__path",
        path=path,
        periods=periods,
        condition=lambda p: within("paid_on", p),
        amount="amount",
        prefilter=any_within("paid_on", periods),
    )


def _arrears(path: str, periods: Sequence[Period]) -> list[dict[int, Any]]:
    # Leases are few (a union's buildings): the rent roll is read in Python at each end.
    leases = list(Lease.objects.filter(asset__union__path__startswith=path).select_related("asset"))
    result: list[dict[int, Any]] = []
    for p in periods:
        owed: dict[int, Any] = {}
        for line in rent_roll(leases, on=p.end):
            if line.arrears:
                union = line.lease.asset.union_id
                owed[union] = owed.get(union, 0) + line.arrears
        result.append(owed)
    return result


indicator_register(
    Indicator(
        key="lease_income",
        label="工会资产租金收入",
        unit="元",
        section=SECTION,
        kind="flow",
        query=_rent_received,
        seed="（工会资产出租管理）",
        counts="收款日期在期间内的租金收款之和，计入资产的产权工会。",
        order=160,
    )
)
indicator_register(
    Indicator(
        key="lease_arrears",
        label="工会资产租金欠缴",
        unit="元",
        section=SECTION,
        kind="stock",
        query=_arrears,
        better="lower",
        seed="（工会资产出租管理）",
        counts="期末各租赁合同已到期应收租金（每期租金于该期首日到期）减已收租金，计入资产的产权工会。",
        order=170,
    )
)
