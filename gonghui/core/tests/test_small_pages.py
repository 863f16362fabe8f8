"""Small things a visitor notices: the favicon, and the demo's error pages."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings


def test_favicon_is_served_to_anyone(client) -> None:
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"] == "/static/core/favicon.svg"


def test_pages_name_their_icon(world, client_as) -> None:
    body = client_as(world.wuxing_staff).get("/jobs/").content.decode()
    assert 'rel="icon" href="/static/core/favicon.svg"' in body


def test_the_demo_serves_with_debug_off() -> None:
    """With DEBUG on, an out-of-scope address showed Django's English page of every URL."""
    makefile = (Path(settings.BASE_DIR) / "Makefile").read_text()
    serve = next(line for line in makefile.splitlines() if "demo-serve.sh" in line)
    assert "DEBUG=1" not in serve and "GONGHUI_HTTPS=0" in serve
    assert "collectstatic" in makefile.split("demo: setup")[1].split("\n\n")[0]


def test_money_is_written_one_way_everywhere() -> None:
    from decimal import Decimal

    from gonghui.core.templatetags.gonghui_tags import money

    assert [money(Decimal("4200.5")), money("12414327.50"), money(0), money(None)] == [
        "4,200.50",
        "12,414,327.50",
        "0.00",
        "",
    ]


def test_the_union_page_says_its_count_is_todays(world, client_as) -> None:
    body = client_as(world.wuxing_staff).get("/orgs/unions/330502/").content.decode()
    assert "当前在会会员" in body and "按所选月份的月末统计" in body
