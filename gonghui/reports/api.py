"""The reports API: the indicator registry, an indicator's value for a union and each of
its children over a period, and the year's targets, within the caller's scope."""

from __future__ import annotations

from decimal import Decimal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError

from gonghui.core.dates import report_today
from gonghui.core.indicators.periods import Period
from gonghui.core.indicators.registry import Tree, indicator_get, indicator_values, indicators
from gonghui.core.middleware import request_actor
from gonghui.orgs.selectors import union_of_page
from gonghui.reports.targets import targets_for

router = Router(tags=["指标与目标"])


class IndicatorOut(Schema):
    key: str
    label: str
    unit: str
    section: str
    kind: str


@router.get("/indicators", response=list[IndicatorOut])
def list_indicators(request: HttpRequest):
    """Every registered indicator."""
    return indicators()


class PeriodIn(Schema):
    union: str = ""
    year: int | None = Field(None, ge=2000, le=2100, description="年度（默认本年）")
    month: int | None = Field(None, ge=1, le=12, description="1—month 累计（默认到本月）")


class ValueOut(Schema):
    union_code: str
    union_name: str
    value: Decimal | None
    target: Decimal | None


class IndicatorValuesOut(Schema):
    key: str
    label: str
    unit: str
    period: str
    total: ValueOut
    children: list[ValueOut]


@router.get("/indicators/{indicator_key}/values", response=IndicatorValuesOut)
def get_indicator_values(request: HttpRequest, indicator_key: str, params: Query[PeriodIn]):
    """The indicator for a union (the caller's by default) and each child, January to
    ``month`` of ``year``, with the year's targets."""
    actor = request_actor(request)
    try:
        indicator = indicator_get(indicator_key)
    except KeyError as exc:
        raise HttpError(404, "没有这个指标。") from exc
    union = union_of_page(actor=actor, code=params.union)
    today = report_today()
    year = params.year or today.year
    month = params.month or (today.month if year == today.year else 12)
    period = Period.year_to_date(year, month)
    tree = Tree.of(union)
    [values] = indicator_values(indicator, union, [period], tree)
    targets = targets_for(tree, year, [indicator.key]).get(indicator.key, {})
    return {
        "key": indicator.key,
        "label": indicator.label,
        "unit": indicator.unit,
        "period": period.label,
        "total": {
            "union_code": union.code,
            "union_name": union.name,
            "value": values.total,
            "target": targets.get(None),
        },
        "children": [
            {
                "union_code": c.code,
                "union_name": c.name,
                "value": values.child(c.code),
                "target": targets.get(c.code),
            }
            for c in tree.children
        ],
    }
