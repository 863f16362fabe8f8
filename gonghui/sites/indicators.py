"""Sites in the reports (阵地建设): new outdoor-worker stations and new worker sites by the
day they opened, and the sites open at a period's end, at the township they stand in."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery

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
from gonghui.sites.models import Inspection, Site, SiteKind, SiteVisitors

SECTION = "阵地建设"


# "新建户外劳动者服务站点22家" and the 职工阵地 toward the 500 of 2025.
def _sites(w: Writer) -> list[Piece]:
    return [
        *sentence(
            f"{w.flow_time}，{w.area}",
            [
                with_(
                    w.nonzero("outdoor_stations_new", "新建户外劳动者服务站点"),
                    w.leader("outdoor_stations_new"),
                ),
                w.nonzero("worker_sites_new", "新建各类职工阵地"),
            ],
        ),
        *sentence(
            f"{w.stock_time}，{w.area}",
            [
                with_(w.nonzero("sites_open", "开放各类服务阵地"), w.parts("sites_open")),
                w.optional("sites_compliance_rate", "检查合格率"),
                w.optional("sites_inspection_overdue", "尚有", "未按时检查", sep="；"),
            ],
        ),
        *sentence(f"{w.flow_time}，", [w.optional("site_visitors", "各阵地服务职工")]),
    ]


section_register(
    Section(
        SECTION,
        order=70,
        writer=_sites,
        spoken=(
            "outdoor_stations_new",
            "worker_sites_new",
            "outdoor_stations_open",
            "sites_open",
            "sites_inspection_overdue",
            "sites_inspected_ok",
            "sites_compliance_rate",
            "site_visitors",
        ),
    )
)

SITE_COLUMNS = (
    RecordColumn("站点编号", lambda s: s.code),
    RecordColumn("站点名称", lambda s: s.name),
    RecordColumn("类型", lambda s: s.get_kind_display()),
    RecordColumn("所在乡镇（街道）", lambda s: s.union.name),
    RecordColumn("启用日期", lambda s: s.opened_on),
)


def _opened(kinds: Sequence[str] | None) -> Any:
    def query(path: str, periods: Sequence[Period]) -> list[dict[int, Any]]:
        sites = Site.objects.all() if kinds is None else Site.objects.filter(kind__in=kinds)
        return per_period(
            sites,
            owner="union_id",
            path_field="union__path",
            path=path,
            periods=periods,
            condition=lambda p: within("opened_on", p),
            prefilter=any_within("opened_on", periods),
        )

    return query


def _opened_records(kinds: Sequence[str] | None) -> Any:
    def records(union: Union, period: Period) -> QuerySet[Site]:
        sites = Site.objects.filter(
            union__path__startswith=union.path,
            opened_on__gte=period.start,
            opened_on__lte=period.end,
        )
        if kinds is not None:
            sites = sites.filter(kind__in=kinds)
        return sites.select_related("union").order_by("opened_on", "code")

    return records


def _open_at_end(p: Period) -> Q:
    return Q(opened_on__lte=p.end) & (Q(closed_on__isnull=True) | Q(closed_on__gt=p.end))


def _stations_open(path: str, periods: Sequence[Period]) -> list[dict[int, Any]]:
    return per_period(
        Site.objects.filter(kind=SiteKind.OUTDOOR_STATION),
        owner="union_id",
        path_field="union__path",
        path=path,
        periods=periods,
        condition=_open_at_end,
    )


STATIONS = (SiteKind.OUTDOOR_STATION,)

indicator_register(
    Indicator(
        key="outdoor_stations_new",
        label="新建户外劳动者服务站点",
        unit="家",
        section=SECTION,
        kind="flow",
        query=_opened(STATIONS),
        records=_opened_records(STATIONS),
        record_columns=SITE_COLUMNS,
        seed="新建户外劳动者服务站点22家",
        counts="启用日期在期间内的户外劳动者服务站点，计入所在乡镇（街道）。",
        order=10,
    )
)
indicator_register(
    Indicator(
        key="worker_sites_new",
        label="新建职工阵地",
        unit="个",
        section=SECTION,
        kind="flow",
        query=_opened(None),
        records=_opened_records(None),
        record_columns=SITE_COLUMNS,
        seed="（2025年目标：新建职工阵地500个）",
        counts="启用日期在期间内的各类服务阵地（站点、职工之家、文化阵地等），计入所在乡镇（街道）。",
        order=20,
    )
)
indicator_register(
    Indicator(
        key="outdoor_stations_open",
        label="开放的户外劳动者服务站点",
        unit="家",
        section=SECTION,
        kind="stock",
        query=_stations_open,
        seed="（站点总数，半年报未单列）",
        counts="期末已启用、未停用的户外劳动者服务站点（暂停开放的也计入）。",
        order=30,
    )
)


def _open_by_kind(path: str, period: Period) -> dict[str, Any]:
    labels = dict(SiteKind.choices)
    rows = (
        Site.objects.filter(union__path__startswith=path)
        .filter(_open_at_end(period))
        .values("kind")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {labels.get(r["kind"], r["kind"]): r["n"] for r in rows}


def _sites_open(path: str, periods: Sequence[Period]) -> list[dict[int, Any]]:
    return per_period(
        Site.objects.all(),
        owner="union_id",
        path_field="union__path",
        path=path,
        periods=periods,
        condition=_open_at_end,
    )


def _last_inspection(p: Period) -> Any:
    """Per site: its last inspection on or before the period's end, and whether it passed."""
    latest = Inspection.objects.filter(site=OuterRef("pk"), inspected_on__lte=p.end).order_by(
        "-inspected_on", "-id"
    )
    return latest


def _inspections(kind: str) -> Any:
    """Open sites at each period's end that are ``stale`` (not inspected within
    GONGHUI_SITE_INSPECTION_DAYS of it) or ``ok`` (their last inspection in that window passed
    every item): one grouped query per period."""

    def query(path: str, periods: Sequence[Period]) -> list[dict[int, Any]]:
        result: list[dict[int, Any]] = []
        for p in periods:
            limit = p.end - timedelta(days=settings.GONGHUI_SITE_INSPECTION_DAYS)
            latest = _last_inspection(p)
            sites = Site.objects.filter(_open_at_end(p)).annotate(
                last_on=Subquery(latest.values("inspected_on")[:1]),
                last_passed=Subquery(latest.values("passed")[:1]),
            )
            if len(path) > Union.steplen:
                sites = sites.filter(union__path__startswith=path)
            if kind == "stale":
                sites = sites.filter(Q(last_on__isnull=True) | Q(last_on__lt=limit))
            else:
                sites = sites.filter(last_on__gte=limit, last_passed=True)
            result.append(
                dict(
                    sites.order_by()
                    .values_list("union_id")
                    .annotate(n=Count("pk"))
                    .values_list("union_id", "n")
                )
            )
        return result

    return query


def _visitors(path: str, periods: Sequence[Period]) -> list[dict[int, Any]]:
    return per_period(
        SiteVisitors.objects.all(),
        owner="site__union_id",
        path_field="site__union__path",
        path=path,
        periods=periods,
        condition=lambda p: within("day", p),
        amount="count",
        prefilter=any_within("day", periods),
    )


indicator_register(
    Indicator(
        key="sites_open",
        label="开放的服务阵地",
        unit="个",
        section=SECTION,
        kind="stock",
        query=_sites_open,
        breakdown=_open_by_kind,
        breakdown_label="类型",
        seed="（各类阵地总数，半年报未单列）",
        counts="期末已启用、未停用的各类服务阵地，按类型细分。",
        order=40,
    )
)
indicator_register(
    Indicator(
        key="sites_inspection_overdue",
        label="未按时检查的阵地",
        unit="个",
        section=SECTION,
        kind="stock",
        query=_inspections("stale"),
        better="lower",
        seed="（阵地管理：检查逾期）",
        counts="期末开放、此前规定天数内没有检查记录的阵地（天数见 GONGHUI_SITE_INSPECTION_DAYS）。",
        order=50,
    )
)
indicator_register(
    Indicator(
        key="sites_inspected_ok",
        label="按时检查且合格的阵地",
        unit="个",
        section=SECTION,
        kind="stock",
        query=_inspections("ok"),
        seed="（阵地管理：检查合格）",
        counts="期末开放、规定天数内最近一次检查全部合格的阵地。",
        order=60,
    )
)
indicator_register(
    Indicator(
        key="sites_compliance_rate",
        label="阵地检查合格率",
        unit="%",
        section=SECTION,
        kind="ratio",
        numerator="sites_inspected_ok",
        denominator="sites_open",
        seed="（五有阵地、站点设施达标）",
        counts="按时检查且合格的阵地 ÷ 开放的阵地。",
        order=70,
    )
)
indicator_register(
    Indicator(
        key="site_visitors",
        label="阵地服务人次",
        unit="人次",
        section=SECTION,
        kind="flow",
        query=_visitors,
        seed="（站点使用情况，半年报未单列）",
        counts="日期在期间内的各阵地登记的服务人次之和，计入阵地所在乡镇（街道）。",
        order=80,
    )
)
