"""%%title%%: the service, scope, the pages, the sheet, the indicator and the API."""

from __future__ import annotations

import datetime
from pathlib import Path

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from %%package%%.models import %%Entity%%
from %%package%%.selectors import access_%%entity%%
from %%package%%.services import %%entity%%_create
from %%package%%.sheets import %%entity%%_import
from %%package%%.tests.factories import %%Entity%%Factory
from gonghui.conftest import World
from gonghui.core.indicators import Period, indicator_get, indicator_values
from gonghui.core.models import AuditEvent

JUNE = datetime.date(2023, 6, 15)


def test_creating_one_records_an_audit_event(world: World) -> None:
    record = %%entity%%_create(
        actor=world.township_staff, union=world.yuehe, name="六月", held_on=JUNE
    )
    event = AuditEvent.objects.get(action="%%app%%.%%entity%%.create")
    assert (event.object_id, event.union, record.created_by) == (
        str(record.pk),
        world.yuehe,
        world.township_staff,
    )


def test_the_same_name_and_date_twice_is_refused_in_chinese(world: World) -> None:
    %%entity%%_create(actor=world.township_staff, union=world.yuehe, name="六月", held_on=JUNE)
    with pytest.raises(ValidationError) as refused:
        %%entity%%_create(actor=world.township_staff, union=world.yuehe, name="六月", held_on=JUNE)
    assert refused.value.messages == ["2023-06-15的“六月”已经录入。"]


def test_a_sibling_county_may_not_record_for_wuxing(world: World) -> None:
    with pytest.raises(PermissionDenied):
        %%entity%%_create(actor=world.nanxun_staff, union=world.yuehe, name="六月", held_on=JUNE)


def test_a_sibling_county_gets_not_found(world: World) -> None:
    record = %%Entity%%Factory.create(union=world.yuehe)
    with pytest.raises(Http404):
        access_%%entity%%(actor=world.nanxun_staff, %%entity%%_id=record.pk)


def test_the_list_page_shows_the_subtree_in_few_queries(
    world: World, client_as, django_assert_max_num_queries
) -> None:
    %%Entity%%Factory.create_batch(30, union=world.yuehe)
    %%Entity%%Factory.create(union=world.nanxun, name="南浔的")
    client = client_as(world.wuxing_staff)
    with django_assert_max_num_queries(15):
        page = client.get("/%%app%%/").content.decode()
    assert page.count('data-label="名称"') == 30
    assert "南浔的" not in page


def test_the_new_page_records_one(world: World, client_as) -> None:
    response = client_as(world.township_staff).post(
        "/%%app%%/new/", {"name": "六月", "held_on": "2023-06-15"}
    )
    record = %%Entity%%.objects.get()
    assert response.status_code == 302
    assert (record.union, record.name) == (world.yuehe, "六月")


def sheet(tmp_path: Path, rows: list[tuple[str, str]]) -> Path:
    book = openpyxl.Workbook()
    book.active.append(["名称", "日期"])
    for row in rows:
        book.active.append(list(row))
    path = tmp_path / "%%app%%.xlsx"
    book.save(path)
    return path


def test_importing_the_same_sheet_again_creates_nothing(world: World, tmp_path: Path) -> None:
    path = sheet(tmp_path, [("六月", "2023-06-15"), ("七月", "2023-07-15")])
    first = %%entity%%_import(actor=world.township_staff, union=world.yuehe, path=path, dry_run=False)
    again = %%entity%%_import(actor=world.township_staff, union=world.yuehe, path=path, dry_run=False)
    assert (first.created, again.created, again.unchanged) == (2, 0, 2)
    assert %%Entity%%.objects.count() == 2


def test_a_bad_date_is_reported_and_nothing_is_written(world: World, tmp_path: Path) -> None:
    path = sheet(tmp_path, [("六月", "2023-06-15"), ("七月", "不是日期")])
    report = %%entity%%_import(actor=world.township_staff, union=world.yuehe, path=path, dry_run=False)
    assert (report.committed, [e.row for e in report.errors]) == (False, [3])
    assert not %%Entity%%.objects.exists()


def test_the_indicator_counts_the_month(world: World) -> None:
    %%Entity%%Factory.create_batch(2, union=world.yuehe, held_on=JUNE)
    %%Entity%%Factory.create(union=world.yuehe, held_on=datetime.date(2023, 7, 1))
    [june] = indicator_values(indicator_get("%%app%%_count"), world.wuxing, [Period.month(2023, 6)])
    assert (june.total, june.child(world.yuehe.code)) == (2, 2)


def test_the_api_lists_the_callers_scope(world: World, client_as) -> None:
    %%Entity%%Factory.create(union=world.yuehe, name="吴兴的")
    %%Entity%%Factory.create(union=world.nanxun, name="南浔的")
    items = client_as(world.nanxun_staff).get("/api/v1/%%app%%").json()["items"]
    assert [item["name"] for item in items] == ["南浔的"]


def test_the_module_has_its_sidebar_entry_and_its_sheet() -> None:
    from gonghui.core.navigation import area_by_slug
    from gonghui.core.sheets.registry import sheet_entries

    area = area_by_slug("%%area%%")
    assert area is not None
    assert "%%app%%:list" in [item.url_name for item in area.items]
    assert sheet_entries()["%%app%%"].title == "%%title%%"
