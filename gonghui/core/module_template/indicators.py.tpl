"""%%title%% in the reports: its own section, one indicator counted from the records."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from %%package%%.models import %%Entity%%
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

SECTION = "%%title%%"

section_register(Section(SECTION, order=900))


def _count(path: str, periods: Sequence[Period]) -> list[dict[int, Any]]:
    return per_period(
        %%Entity%%.objects.all(),
        owner="union_id",
        path_field="union__path",
        path=path,
        periods=periods,
        condition=lambda p: within("held_on", p),
        prefilter=any_within("held_on", periods),
    )


indicator_register(
    Indicator(
        key="%%app%%_count",
        label="%%title%%数",
        unit="个",
        section=SECTION,
        kind="flow",
        query=_count,
        counts="日期在期间内的%%title%%，计入录入的工会。",
    )
)
