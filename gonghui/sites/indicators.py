"""Sites in the reports (阵地建设): new outdoor-worker stations and new worker sites by the
day they opened, and the sites open at a period's end, at the township they stand in."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.models import Q, QuerySet

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
from gonghui.sites.models import Site, SiteKind

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
            [w.nonzero("outdoor_stations_open", "开放户外劳动者服务站点")],
        ),
    ]


section_register(
    Section(
        SECTION,
        order=70,
        writer=_sites,
        spoken=("outdoor_stations_new", "worker_sites_new", "outdoor_stations_open"),
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
