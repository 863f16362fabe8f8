"""The business dates every module shares."""

from __future__ import annotations

from datetime import date


def report_today() -> date:
    """The day reports and yearly worklists are read on, for their default year and month:
    today in Asia/Shanghai, or the date GONGHUI_REPORTS_TODAY names (the demo sets it: its
    records are 2023's), so a worklist and a report never speak of different years."""
    from django.conf import settings
    from django.utils import timezone

    configured = getattr(settings, "GONGHUI_REPORTS_TODAY", "")
    return date.fromisoformat(configured) if configured else timezone.localdate()
