"""The day reports default to: today, or the configured GONGHUI_REPORTS_TODAY (the demo's)."""

from __future__ import annotations

from datetime import date

from gonghui.conftest import World
from gonghui.core.indicators.periods import last_complete_month, report_today


def test_report_day_is_today_unless_configured(settings) -> None:
    settings.GONGHUI_REPORTS_TODAY = ""
    assert report_today() != date(2023, 7, 1)
    settings.GONGHUI_REPORTS_TODAY = "2023-07-01"
    assert report_today() == date(2023, 7, 1)
    assert last_complete_month() == (2023, 6)


def test_reports_open_on_the_configured_month(world: World, client_as, settings) -> None:
    settings.GONGHUI_REPORTS_TODAY = "2023-07-01"
    client = client_as(world.city_admin)
    assert "2023年1—6月" in client.get("/reports/dashboard/").content.decode()
    assert "2023年6月" in client.get("/reports/dispatch/").content.decode()
    assert "2023年上半年" in client.get("/reports/half-year/").content.decode()
