"""The indicator kernel: what an app declares in its ``indicators.py`` (sections, with their
paragraph writers, and indicators, with their queries), and what reads them back.

Apps declare against this package and never import ``gonghui.reports``; the reports (the
dashboard, the dispatch table, the narrative reports) only read the registry.
"""

from gonghui.core.indicators.periods import Period
from gonghui.core.indicators.queries import any_within, per_period, within
from gonghui.core.indicators.registry import (
    Indicator,
    RecordColumn,
    Section,
    Tree,
    Values,
    indicator_get,
    indicator_register,
    indicator_values,
    indicators,
    indicators_values,
    section_extend,
    section_register,
    sections,
)

__all__ = [
    "Indicator",
    "Period",
    "RecordColumn",
    "Section",
    "Tree",
    "Values",
    "any_within",
    "indicator_get",
    "indicator_register",
    "indicator_values",
    "indicators",
    "indicators_values",
    "per_period",
    "section_extend",
    "section_register",
    "sections",
    "within",
]
