"""Organisation indicators (组织建设): unions formed (by their founding date), the
应建未建 worklist, and the share of above-scale enterprises covered by a union."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.models import Q

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
from gonghui.orgs.models import Enterprise, FormationMode, FormationTask, Union


# The paragraph of the narrative reports for this section, in the seed's style.
def _organisation(w: Writer) -> list[Piece]:
    formed = with_(
        w.clause("unions_formed", "新建工会组织"),
        w.parts("unions_formed"),
        w.leader("unions_formed"),
    )
    return [
        *sentence(
            f"{w.flow_time}，{w.area}",
            [formed, w.nonzero("unions_formed_new_form", "新就业形态领域新建工会", sep="；")],
        ),
        *(
            []
            if w.brief
            else sentence(
                "推进应建未建企业建会销号，",
                [
                    w.nonzero("formation_closed", f"{w.flow_time}销号"),
                    w.nonzero("formation_open", f"{w.stock_time}尚有", "未销号"),
                ],
            )
        ),
        *sentence(
            f"{w.stock_time}，{w.area}",
            [
                None if w.brief else w.nonzero("above_scale_enterprises", "规上企业"),
                None if w.brief else w.nonzero("above_scale_covered", "已建会"),
                w.clause("above_scale_union_rate", "建会率" if not w.brief else "规上企业建会率"),
            ],
        ),
    ]


section_register(
    Section(
        "组织建设",
        order=10,
        writer=_organisation,
        spoken=(
            "unions_formed",
            "unions_formed_new_form",
            "formation_open",
            "formation_closed",
            "above_scale_enterprises",
            "above_scale_covered",
            "above_scale_union_rate",
        ),
    )
)

UNION_COLUMNS = (
    RecordColumn("工会名称", lambda u: u.name),
    RecordColumn("工会代码", lambda u: u.code),
    RecordColumn("类型", lambda u: u.get_kind_display()),
    RecordColumn("成立日期", lambda u: u.established_on),
)
TASK_COLUMNS = (
    RecordColumn("企业名称", lambda t: t.enterprise.name),
    RecordColumn("责任工会", lambda t: t.township_union.name),
    RecordColumn("列入日期", lambda t: t.opened_on),
    RecordColumn("销号日期", lambda t: t.closed_on or ""),
    RecordColumn("组建方式", lambda t: t.get_formation_mode_display()),
)

# A union for new-form workers: one that covers a lead platform enterprise (新业态头部企业)
# or, for joint unions, any such enterprise among those it covers.
NEW_FORM_UNIONS = Q(enterprises__is_platform_lead=True)


def _formed(new_form: bool) -> Any:
    def query(path: str, periods: Sequence[Period]) -> list[dict[int, Any]]:
        unions = Union.objects.filter(level=Union.Level.GRASSROOTS)
        if new_form:
            unions = unions.filter(pk__in=Union.objects.filter(NEW_FORM_UNIONS).values("pk"))
        return per_period(
            unions,
            owner="id",
            path_field="path",
            path=path,
            periods=periods,
            condition=lambda p: within("established_on", p),
            prefilter=any_within("established_on", periods),
        )

    return query


def _formed_by_mode(path: str, period: Period) -> dict[str, Any]:
    """New unions by how they were formed: the mode of the 建会销号 that formed them; unions
    formed outside the worklist count as 单独组建 when standalone, else 其他."""
    labels = dict(FormationMode.choices)
    modes = dict(
        FormationTask.objects.filter(status=FormationTask.Status.CLOSED, formed_union__isnull=False)
        .order_by()
        .values_list("formed_union_id", "formation_mode")
    )
    counts: dict[str, int] = {}
    for pk, kind in Union.objects.filter(
        path__startswith=path,
        level=Union.Level.GRASSROOTS,
        established_on__gte=period.start,
        established_on__lte=period.end,
    ).values_list("pk", "kind"):
        mode = modes.get(pk)
        label = labels[mode] if mode else ("单独组建" if kind == Union.Kind.STANDARD else "其他")
        counts[label] = counts.get(label, 0) + 1
    return counts


def _formed_records(new_form: bool) -> Any:
    def records(union: Union, period: Period) -> Any:
        rows = Union.objects.filter(
            path__startswith=union.path,
            level=Union.Level.GRASSROOTS,
            established_on__gte=period.start,
            established_on__lte=period.end,
        )
        if new_form:
            rows = rows.filter(pk__in=Union.objects.filter(NEW_FORM_UNIONS).values("pk"))
        return rows.order_by("established_on", "code")

    return records


def _open(path: str, periods: Sequence[Period]) -> list[dict[int, Any]]:
    # Open at the period's end: listed by then and not closed by then.
    return per_period(
        FormationTask.objects.all(),
        owner="township_union_id",
        path_field="township_union__path",
        path=path,
        periods=periods,
        condition=lambda p: (
            Q(opened_on__lte=p.end) & (Q(closed_on__isnull=True) | Q(closed_on__gt=p.end))
        ),
    )


def _closed(path: str, periods: Sequence[Period]) -> list[dict[int, Any]]:
    return per_period(
        FormationTask.objects.filter(status=FormationTask.Status.CLOSED),
        owner="township_union_id",
        path_field="township_union__path",
        path=path,
        periods=periods,
        condition=lambda p: within("closed_on", p),
        prefilter=any_within("closed_on", periods),
    )


def _above_scale(covered: bool) -> Any:
    def query(path: str, periods: Sequence[Period]) -> list[dict[int, Any]]:
        # Covered at a period's end: the enterprise's union was founded by then.
        def condition(p: Period) -> Q:
            if not covered:
                return Q(pk__isnull=False)
            return Q(union__isnull=False) & (
                Q(union__established_on__isnull=True) | Q(union__established_on__lte=p.end)
            )

        return per_period(
            Enterprise.objects.filter(is_above_scale=True),
            owner="owner_union_id",
            path_field="owner_union__path",
            path=path,
            periods=periods,
            condition=condition,
        )

    return query


def _tasks(closed: bool) -> Any:
    def records(union: Union, period: Period) -> Any:
        rows = FormationTask.objects.filter(township_union__path__startswith=union.path)
        if closed:
            rows = rows.filter(closed_on__gte=period.start, closed_on__lte=period.end)
        else:
            rows = rows.filter(opened_on__lte=period.end).filter(
                Q(closed_on__isnull=True) | Q(closed_on__gt=period.end)
            )
        return rows.select_related("enterprise", "township_union").order_by("opened_on", "pk")

    return records


indicator_register(
    Indicator(
        key="unions_formed",
        label="新建工会",
        unit="家",
        section="组织建设",
        kind="flow",
        query=_formed(False),
        breakdown=_formed_by_mode,
        breakdown_label="组建方式",
        records=_formed_records(False),
        record_columns=UNION_COLUMNS,
        seed="新建工会179家",
        counts="成立日期在期间内的基层工会，可按组建方式（单独组建、区域联建、行业统建等）细分。",
        order=10,
    )
)
indicator_register(
    Indicator(
        key="unions_formed_new_form",
        label="新就业形态领域新建工会",
        unit="家",
        section="组织建设",
        kind="flow",
        query=_formed(True),
        records=_formed_records(True),
        record_columns=UNION_COLUMNS,
        seed="新就业形态领域新建工会29家",
        counts="成立日期在期间内、覆盖新业态头部企业的基层工会。",
        order=20,
    )
)
indicator_register(
    Indicator(
        key="formation_open",
        label="应建未建企业（未销号）",
        unit="家",
        section="组织建设",
        kind="stock",
        query=_open,
        records=_tasks(False),
        record_columns=TASK_COLUMNS,
        better="lower",
        seed="应建未建、建会销号工作",
        counts="期末已列入应建未建名单、尚未建会销号的企业，计入责任乡镇（街道）工会。",
        order=30,
    )
)
indicator_register(
    Indicator(
        key="formation_closed",
        label="建会销号",
        unit="家",
        section="组织建设",
        kind="flow",
        query=_closed,
        records=_tasks(True),
        record_columns=TASK_COLUMNS,
        seed="应建未建、建会销号工作",
        counts="销号日期在期间内的应建未建任务。",
        order=40,
    )
)
indicator_register(
    Indicator(
        key="above_scale_enterprises",
        label="规上企业",
        unit="家",
        section="组织建设",
        kind="stock",
        query=_above_scale(False),
        seed="（覆盖率的分母）",
        counts="企业名录中的规上企业，计入其管理工会。",
        order=50,
    )
)
indicator_register(
    Indicator(
        key="above_scale_covered",
        label="已建会规上企业",
        unit="家",
        section="组织建设",
        kind="stock",
        query=_above_scale(True),
        seed="（覆盖率的分子）",
        counts="期末已有工会覆盖（所在工会成立日期不晚于期末）的规上企业。",
        order=60,
    )
)
indicator_register(
    Indicator(
        key="above_scale_union_rate",
        label="规上企业建会率",
        unit="%",
        section="组织建设",
        kind="ratio",
        numerator="above_scale_covered",
        denominator="above_scale_enterprises",
        seed="规上企业建会覆盖",
        counts="已建会规上企业 ÷ 规上企业 × 100%。",
        order=70,
    )
)
