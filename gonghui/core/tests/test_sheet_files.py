"""Files as offices make them: several worksheets, a notes row under the header, .ods from
WPS or LibreOffice, and ID numbers that a spreadsheet stored as numbers."""

from __future__ import annotations

import zipfile
from datetime import date
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
import xlsxwriter
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from gonghui.conftest import World
from gonghui.core.models import Job
from gonghui.core.pii import id_number_compose
from gonghui.core.tests.test_sheets import region_codes, run, write_xlsx
from gonghui.members.services import member_import

pytestmark = pytest.mark.django_db


def test_header_on_a_later_sheet_is_found_and_named(tmp_path: Path) -> None:
    path = tmp_path / "two.xlsx"
    book = xlsxwriter.Workbook(str(path))
    book.add_worksheet("填表说明").write_row(0, 0, ["请在第二个工作表填写"])
    book.add_worksheet("区划").write_row(0, 0, ["区划代码", "名称"])
    book.worksheets()[1].write_row(1, 0, ["330502", "吴兴区"])
    book.close()
    report = run(path)
    assert (report.worksheet, report.created) == ("区划", 1)
    assert region_codes() == ["330502"]


def test_no_header_on_any_sheet_names_the_sheets_looked_at(tmp_path: Path) -> None:
    path = tmp_path / "none.xlsx"
    book = xlsxwriter.Workbook(str(path))
    book.add_worksheet("封面").write_row(0, 0, ["2023年名册"])
    book.add_worksheet("说明").write_row(0, 0, ["无"])
    book.close()
    with pytest.raises(ValidationError, match="在文件的工作表（封面、说明）前 30 行中没有找到表头"):
        run(path)


def test_a_notes_row_under_the_header_is_not_data(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "notes.xlsx",
        [
            ["区划代码", "名称", "层级"],
            ["（必填）", "（必填）", "(选填)"],
            ["330502", "吴兴区", "区"],
        ],
    )
    report = run(path)
    assert (report.rows, report.created, report.errors) == (1, 1, [])


def test_a_first_data_row_is_kept_when_it_is_not_notes(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "data.xlsx", [["区划代码", "名称"], ["(1)", "吴兴区"]])
    report = run(path, dry_run=True)
    assert report.rows == 1


def write_ods(path: Path, rows: list[list[str]]) -> Path:
    """A minimal OpenDocument spreadsheet, as LibreOffice and WPS save one."""
    body = "".join(
        "<table:table-row>"
        + "".join(
            f'<table:table-cell office:value-type="string"><text:p>{escape(c)}</text:p></table:table-cell>'
            for c in row
        )
        + "</table:table-row>"
        for row in rows
    )
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f'<office:body><office:spreadsheet><table:table table:name="名册">{body}</table:table>'
        "</office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(
            zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet"
        )
        archive.writestr("META-INF/manifest.xml", manifest, zipfile.ZIP_DEFLATED)
        archive.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
    return path


def test_an_ods_file_is_read(tmp_path: Path) -> None:
    path = write_ods(tmp_path / "regions.ods", [["区划代码", "名称"], ["330502", "吴兴区"]])
    report = run(path)
    assert (report.worksheet, report.created) == ("名册", 1)


def test_an_ods_file_is_accepted_on_the_page(
    world: World, client_as, tmp_path: Path, django_capture_on_commit_callbacks
) -> None:
    number = id_number_compose("330502", date(1990, 1, 1), 7)
    path = write_ods(tmp_path / "名册.ods", [["姓名", "身份证号"], ["王芳", number]])
    upload = SimpleUploadedFile("名册.ods", path.read_bytes())
    with django_capture_on_commit_callbacks(execute=True):
        response = client_as(world.township_staff).post(
            "/sheets/members/", {"union": "330502001", "file": upload}
        )
    assert response.status_code == 302
    job = Job.objects.get()
    assert (job.result["valid"], job.result["worksheet"]) == (1, "名册")
    page = client_as(world.township_staff).get(f"/jobs/{job.pk}/").content.decode()
    assert "读取的工作表：“名册”" in page


def test_id_numbers_stored_as_numbers_are_refused_with_the_cause(
    world: World, tmp_path: Path
) -> None:
    real = "330503197912039536"
    path = tmp_path / "numbers.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, ["姓名", "身份证号"])
    sheet.write_string(1, 0, "王芳")
    sheet.write_number(1, 1, float(real))  # what Excel keeps of it: 330503197912040000
    book.close()
    report = member_import(actor=world.township_staff, union=world.yuehe, path=path, dry_run=True)
    assert [e.message for e in report.errors] == [
        "身份证号列被保存为数字，后几位已丢失：请把该列设为文本后重新填写"
    ]
