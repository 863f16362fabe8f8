"""Every write of the work ledgers: activities and job fairs (``ledger``), research and
supervision visits and their follow-up items (``followups``)."""

from gonghui.activities.services.ledger import (
    MAX_ATTENDANCE,
    MAX_PHOTOS,
    activity_create,
    activity_photos_add,
    activity_problems,
    activity_select,
    case_create,
    fair_close,
    fair_create,
    fair_problems,
    partnership_create,
)

__all__ = [
    "MAX_ATTENDANCE",
    "MAX_PHOTOS",
    "activity_create",
    "activity_photos_add",
    "activity_problems",
    "activity_select",
    "case_create",
    "fair_close",
    "fair_create",
    "fair_problems",
    "partnership_create",
]
