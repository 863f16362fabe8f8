"""Exports that come back: a masked roster edited in Excel updates the members it lists,
matched by member number; a full export is for holders of the right, marked and audited."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from python_calamine import CalamineWorkbook

from gonghui.conftest import World
from gonghui.core.models import AuditEvent
from gonghui.members.models import Member
from gonghui.members.services import member_export, member_import
from gonghui.members.tests.factories import MemberFactory


def exported(world: World, tmp_path: Path, **kwargs: bool) -> Path:
    path = tmp_path / "名册.xlsx"
    member_export(actor=world.township_staff, union=world.yuehe, path=path, **kwargs)
    return path


def edit(path: Path, column: str, values: dict[str, object]) -> Path:
    """Change one column in Excel's way (openpyxl), keyed by the name column."""
    book = openpyxl.load_workbook(path)
    sheet = book.worksheets[0]
    headers = [c.value for c in sheet[1]]
    name_at, target = headers.index("姓名"), headers.index(column)
    for row in sheet.iter_rows(min_row=2):
        if row[name_at].value in values:
            row[target].value = values[row[name_at].value]
    edited = path.with_name("edited.xlsx")
    book.save(edited)
    return edited


def test_a_masked_export_edited_in_excel_updates_by_member_number(
    world: World, tmp_path: Path
) -> None:
    zhang = MemberFactory.create(union=world.yuehe, name="张三", phone="13800138000")
    MemberFactory.create(union=world.yuehe, name="李四")
    path = edit(exported(world, tmp_path), "工作单位", {"张三": "湖州新单位有限公司"})
    report = member_import(actor=world.township_staff, union=world.yuehe, path=path, dry_run=False)
    assert (report.errors, report.created, report.updated, report.unchanged) == ([], 0, 1, 1)
    zhang.refresh_from_db()
    assert (zhang.employer_name, zhang.phone_masked) == ("湖州新单位有限公司", "138****8000")
    assert Member.objects.count() == 2


def test_a_masked_number_that_does_not_match_the_member_number_is_refused(
    world: World, tmp_path: Path
) -> None:
    MemberFactory.create(union=world.yuehe, name="张三")
    wang = MemberFactory.create(union=world.zhili, name="王五")  # outside the importer's scope
    path = edit(exported(world, tmp_path), "会员编号", {"张三": wang.pk})
    report = member_import(actor=world.township_staff, union=world.yuehe, path=path, dry_run=True)
    assert [e.message for e in report.errors] == [
        "会员编号：与身份证号不符，或不在本工会管辖范围内"
    ]


def test_a_masked_number_without_a_member_number_is_refused(world: World, tmp_path: Path) -> None:
    MemberFactory.create(union=world.yuehe, name="张三")
    path = edit(exported(world, tmp_path), "会员编号", {"张三": None})
    report = member_import(actor=world.township_staff, union=world.yuehe, path=path, dry_run=True)
    assert "脱敏的身份证号须同时填写会员编号" in report.errors[0].message


def test_another_countys_member_number_matches_nothing(world: World, tmp_path: Path) -> None:
    MemberFactory.create(union=world.yuehe, name="张三")
    path = exported(world, tmp_path)
    report = member_import(
        actor=world.nanxun_staff, union=world.nanxun_town, path=path, dry_run=True
    )
    assert (report.invalid, report.created, report.updated) == (1, 0, 0)


def test_a_full_export_is_marked_with_who_and_when(world: World, tmp_path: Path) -> None:
    world.township_staff.pii_access = True
    world.township_staff.save()
    MemberFactory.create(union=world.yuehe, name="张三")
    path = exported(world, tmp_path, reveal=True)
    book = CalamineWorkbook.from_path(str(path))
    assert book.sheet_names == ["会员名册", "导出说明"]
    note = str(book.get_sheet_by_name("导出说明").to_python()[0][0])
    assert "township_staff" in note and "含完整身份证号" in note
    assert AuditEvent.objects.filter(action="member.export.revealed").count() == 1


def test_the_export_page_refuses_a_full_export_without_the_right(world: World, client_as) -> None:
    response = client_as(world.township_staff).post(
        "/sheets/members/export/", {"union": "330502001", "reveal": "1"}
    )
    assert response.status_code == 403


@pytest.mark.parametrize("right", [True, False])
def test_the_full_export_option_shows_to_holders_only(world: World, client_as, right: bool) -> None:
    world.township_staff.pii_access = right
    world.township_staff.save()
    page = client_as(world.township_staff).get("/sheets/members/").content.decode()
    assert ('data-testid="reveal"' in page) == right
