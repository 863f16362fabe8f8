"""The printable pages of 半年一汇报 and 季度一展示 and their .docx downloads: scoped, with
the same sentences as the document, and printable on A4 without the site's chrome."""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest
from django.utils import timezone

from gonghui.conftest import World, build_world
from gonghui.core.tests.factories import TEST_PASSWORD
from gonghui.reports.docx_writer import docx_text
from gonghui.reports.tests.test_narrative import CITY_H1, build_records
from gonghui.testing.browser import SCREENSHOTS

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def page_text(html: str) -> str:
    """The report's words without the markup around its figures."""
    article = html.split('data-testid="report"', 1)[1]
    return re.sub(r"<[^>]+>", "", article)


def test_the_half_year_page_reads_as_the_document(records: World, client_as) -> None:
    response = client_as(records.city_admin).get("/reports/half-year/?union=3305&year=2023")
    assert response.status_code == 200
    text = page_text(response.content.decode())
    assert "湖州市总工会2023年上半年工作情况汇报" in text
    assert "数据截至" in text
    for paragraph in CITY_H1:
        assert paragraph in text


def test_the_page_marks_each_figure_with_its_indicator(records: World, client_as) -> None:
    body = client_as(records.city_admin).get("/reports/half-year/?union=3305&year=2023")
    html = body.content.decode()
    assert (
        '<span class="report-figure" data-indicator="members_new" title="2023年上半年">4人</span>'
        in html
    )


def test_the_page_prints_on_a4_without_the_sidebar(records: World, client_as) -> None:
    html = client_as(records.city_admin).get("/reports/half-year/?year=2023").content.decode()
    assert "@page { size: A4" in html
    assert re.search(
        r"@media print \{\s*header\.navbar, #sidebar, \.no-print \{ display: none", html
    )
    assert 'href="/reports/half-year/docx/?union=3305&amp;year=2023"' in html


def test_the_union_and_year_default_to_ones_own_and_this_year(world: World, client_as) -> None:
    response = client_as(world.wuxing_staff).get("/reports/half-year/")
    year = timezone.localdate().year
    assert f"吴兴区总工会{year}年上半年工作情况汇报" in response.content.decode()


def test_the_docx_download(records: World, client_as) -> None:
    response = client_as(records.city_admin).get("/reports/half-year/docx/?union=3305&year=2023")
    assert response.status_code == 200
    assert response["Content-Type"] == DOCX
    name = quote("湖州市总工会2023年上半年工作情况汇报.docx")
    assert response["Content-Disposition"] == f"attachment; filename*=UTF-8''{name}"
    text = docx_text(response.content)
    for paragraph in CITY_H1:
        assert paragraph in text


def test_the_docx_download_is_audited(world: World, client_as) -> None:
    from gonghui.core.models import AuditEvent

    client_as(world.wuxing_staff).get("/reports/half-year/docx/?union=330502&year=2023")
    event = AuditEvent.objects.get(action="report.narrative.download")
    assert (event.actor, event.union) == (world.wuxing_staff, world.wuxing)
    assert "吴兴区总工会2023年上半年工作情况汇报.docx" in event.summary


def test_the_quarter_page_and_its_docx(records: World, client_as) -> None:
    client = client_as(records.city_admin)
    page = client.get("/reports/quarter/?union=3305&year=2023&quarter=2").content.decode()
    assert "湖州市总工会2023年第二季度工作情况展示" in page_text(page)
    assert "二季度，全市新建工会组织2家。" in page_text(page)
    assert 'href="/reports/quarter/docx/?union=3305&amp;year=2023&amp;quarter=2"' in page
    docx = client.get("/reports/quarter/docx/?union=3305&year=2023&quarter=2")
    assert "二季度，全市新建工会组织2家。" in docx_text(docx.content)


def test_kind_quarter_on_the_half_year_address_gives_the_showcase(
    records: World, client_as
) -> None:
    client = client_as(records.city_admin)
    page = client.get("/reports/half-year/?union=3305&year=2023&kind=quarter&quarter=1")
    assert "湖州市总工会2023年第一季度工作情况展示" in page_text(page.content.decode())


@pytest.mark.parametrize(
    ("username", "url"),
    [
        ("nanxun_staff", "/reports/half-year/?union=330502&year=2023"),
        ("nanxun_staff", "/reports/half-year/docx/?union=330502&year=2023"),
        ("nanxun_staff", "/reports/quarter/?union=330502&year=2023&quarter=2"),
        ("nanxun_staff", "/reports/quarter/docx/?union=3305020010001&year=2023&quarter=2"),
        ("township_staff", "/reports/half-year/?union=330502&year=2023"),
        ("wuxing_staff", "/reports/half-year/docx/?union=3305&year=2023"),
        ("worker", "/reports/half-year/?year=2023"),
    ],
)
def test_a_union_outside_ones_scope_is_not_found(
    world: World, client_as, username: str, url: str
) -> None:
    user = getattr(world, username)
    assert client_as(user).get(url).status_code == 404


@pytest.mark.parametrize("query", ["year=abc", "year=1999", "quarter=5", "quarter=0", "quarter=二"])
def test_bad_parameters_are_not_found(world: World, client_as, query: str) -> None:
    response = client_as(world.wuxing_staff).get(f"/reports/quarter/?{query}")
    assert response.status_code == 404


def test_the_pages_only_read(world: World, client_as) -> None:
    assert client_as(world.wuxing_staff).post("/reports/half-year/").status_code == 405


@pytest.fixture
def records(world: World) -> World:
    build_records(world)
    return world


@pytest.fixture
def live_records(transactional_db: None) -> World:
    world = build_world()
    build_records(world)
    return world


@pytest.mark.browser
@pytest.mark.parametrize("width", [375, 1440])
def test_the_report_fits_the_screen_and_prints_alone(
    live_records: World, live_server, browser, width: int
) -> None:
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="zh-CN")
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("#id_username", "city_admin")
        page.fill("#id_password", TEST_PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_load_state("networkidle")
        page.goto(f"{live_server.url}/reports/half-year/?union=3305&year=2023")
        title = page.inner_text(".report-title")
        assert title == "湖州市总工会2023年上半年工作情况汇报"
        assert page.inner_text("[data-section=会员发展]") == CITY_H1[1]
        lights = page.locator("[data-testid=light]").all_inner_texts()
        assert lights.count("绿灯") == 1 and lights.count("黄灯") == 1 and lights.count("红灯") == 1
        # Nothing wider than the screen but the table, which scrolls inside its frame.
        assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"half-year-{width}.png"), full_page=True)

        page.emulate_media(media="print")
        assert not page.is_visible("header.navbar")
        assert not page.is_visible("[data-testid=docx-link]")
        assert page.is_visible(".report-title")
        page.screenshot(path=str(SCREENSHOTS / f"half-year-{width}-print.png"), full_page=True)
        assert page.pdf(format="A4").startswith(b"%PDF")
    finally:
        context.close()
