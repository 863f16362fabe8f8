"""Every write of the work ledgers: activities and job fairs (``ledger``), research and
supervision visits and their follow-up items (``followups``)."""

from gonghui.activities.services.ledger import (
    MAX_ATTENDANCE,
    activity_create,
    activity_problems,
    fair_close,
    fair_create,
    fair_problems,
)

__all__ = [
    "MAX_ATTENDANCE",
    "activity_create",
    "activity_problems",
    "fair_close",
    "fair_create",
    "fair_problems",
]
