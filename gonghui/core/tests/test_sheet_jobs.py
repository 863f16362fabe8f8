"""Imports as jobs: stored upload, dry run with progress, error workbook, guarded commit."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import xlsxwriter
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from python_calamine import CalamineWorkbook

from gonghui.conftest import World
from gonghui.core.models import Job
from gonghui.core.pii import id_number_compose
from gonghui.core.sheet_jobs import store_upload
from gonghui.members.models import Member


def roster_bytes(tmp_path: Path, rows: int, bad: int = 0) -> bytes:
    path = tmp_path / "roster.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, ["姓名", "身份证号", "所属工会"])
    for n in range(rows):
        name = "会员" + "".join("零一二三四五六七八九"[int(d)] for d in f"{n:03d}")
        sheet.write_row(
            1 + n, 0, [name, id_number_compose("330502", date(1990, 1, 1), n), "3305020010001"]
        )
    for n in range(bad):
        sheet.write_row(1 + rows + n, 0, ["坏", "123", "3305020010001"])
    book.close()
    return path.read_bytes()


def upload(client, tmp_path: Path, rows: int, bad: int = 0):
    file = SimpleUploadedFile("名册.xlsx", roster_bytes(tmp_path, rows, bad))
    return client.post("/sheets/members/", {"union": "330502001", "file": file})


def test_dry_run_job_reports_progress_and_writes_nothing(
    world: World,
    client_as,
    tmp_path: Path,
    django_capture_on_commit_callbacks,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        upload(client_as(world.township_staff), tmp_path, rows=30, bad=2)
    job = Job.objects.get()
    assert (job.state, job.total, job.done) == (Job.State.DONE, 32, 32)
    assert (job.result["valid"], job.result["invalid"], job.result["created"]) == (30, 2, 30)
    assert Member.objects.count() == 0


def test_dry_run_with_errors_keeps_an_error_workbook(
    world: World,
    client_as,
    tmp_path: Path,
    django_capture_on_commit_callbacks,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        upload(client_as(world.township_staff), tmp_path, rows=3, bad=1)
    job = Job.objects.get()
    path = Path(settings.MEDIA_ROOT) / str(job.result_file.name)
    rows = list(CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).iter_rows())
    assert rows[0][-1] == "错误原因"
    assert rows[1][0] == 5.0  # the row number as the user sees it
    assert "身份证号" in str(rows[1][-1])


def test_commit_is_refused_after_a_dry_run_with_errors(
    world: World,
    client_as,
    tmp_path: Path,
    django_capture_on_commit_callbacks,
) -> None:
    client = client_as(world.township_staff)
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, tmp_path, rows=3, bad=1)
    job = Job.objects.get()
    assert client.post(f"/jobs/{job.pk}/commit/").status_code == 403
    assert Member.objects.count() == 0


def test_commit_after_a_clean_dry_run_writes_every_row(
    world: World,
    client_as,
    tmp_path: Path,
    django_capture_on_commit_callbacks,
) -> None:
    client = client_as(world.township_staff)
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, tmp_path, rows=5)
    dry = Job.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/jobs/{dry.pk}/commit/")
    real = Job.objects.exclude(pk=dry.pk).get()
    assert response["Location"] == f"/jobs/{real.pk}/"
    assert (real.result["committed"], real.result["created"]) == (True, 5)
    assert Member.objects.filter(union=world.wuxing_grassroots).count() == 5


def test_a_file_that_is_not_a_table_gets_a_clear_result(
    world: World,
    client_as,
    django_capture_on_commit_callbacks,
) -> None:
    file = SimpleUploadedFile("名册.xlsx", b"PK\x03\x04 not really a zip")
    with django_capture_on_commit_callbacks(execute=True):
        client_as(world.township_staff).post(
            "/sheets/members/", {"union": "330502001", "file": file}
        )
    job = Job.objects.get()
    assert job.state == Job.State.DONE
    assert "损坏" in job.result["file_error"]


def test_upload_of_another_format_is_refused_on_the_page(world: World, client_as) -> None:
    file = SimpleUploadedFile("名册.pdf", b"%PDF-1.4")
    response = client_as(world.township_staff).post(
        "/sheets/members/", {"union": "330502001", "file": file}
    )
    assert response.status_code == 400
    assert "请上传 Excel" in response.content.decode()
    assert not Job.objects.exists()


def test_viewer_cannot_upload(world: World, client_as, tmp_path: Path) -> None:
    world.township_staff.role = "viewer"
    world.township_staff.save()
    assert upload(client_as(world.township_staff), tmp_path, rows=1).status_code == 403


def test_upload_into_a_sibling_county_is_not_found(world: World, client_as, tmp_path: Path) -> None:
    file = SimpleUploadedFile("名册.xlsx", roster_bytes(tmp_path, 1))
    response = client_as(world.nanxun_staff).post(
        "/sheets/members/", {"union": "330502001", "file": file}
    )
    assert response.status_code == 404


@pytest.mark.parametrize("name", ["a.xlsx", "b.CSV"])
def test_stored_uploads_keep_their_kind(name: str) -> None:
    stored = store_upload(SimpleUploadedFile(name, b"x"))
    assert stored.startswith("uploads/") and stored.endswith(Path(name).suffix.lower())


def test_the_audit_log_names_the_file_the_person_chose(
    world: World, client_as, tmp_path: Path, django_capture_on_commit_callbacks
) -> None:
    from gonghui.core.models import AuditEvent

    client = client_as(world.township_staff)
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, tmp_path, rows=2)
    check = Job.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/jobs/{check.pk}/commit/")
    event = AuditEvent.objects.get(action="member.import")
    assert event.summary.startswith("导入会员名册 名册.xlsx：2 行")


def test_a_file_name_cannot_climb_out_of_its_folder(world: World) -> None:
    stored = store_upload(SimpleUploadedFile("../../etc/pass:wd?.xlsx", b"PK"))
    assert stored.endswith("/pass_wd_.xlsx") and ".." not in stored
