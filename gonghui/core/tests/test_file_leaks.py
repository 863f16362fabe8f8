"""What an import leaves behind holds personal data: the error workbook is masked and
downloadable by its starter or an administrator only (audited), uploads and results are
files of the server's user alone and are deleted after GONGHUI_FILE_RETENTION_DAYS, and
numbers typed into comments, job labels and audit summaries are masked however spaced."""

from __future__ import annotations

import io
import stat
import unicodedata
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from python_calamine import CalamineWorkbook

from gonghui.conftest import World
from gonghui.core import pii
from gonghui.core.jobs import files_expire
from gonghui.core.models import AuditEvent, Job, Role
from gonghui.core.tests.factories import UserFactory

ID = pii.id_number_compose("330502", date(1986, 4, 12), 88)
PHONE = "13957200001"


def roster_with_a_bad_row(tmp_path: Path) -> SimpleUploadedFile:
    good = pii.id_number_compose("330502", date(1990, 1, 2), 5)
    text = f"姓名,身份证号,手机号码,入会日期\n沈建国,{ID},{PHONE},2099-01-01\n王丽,{good},,2023-06-01\n"
    return SimpleUploadedFile(f"名册{ID}.csv", text.encode())


@pytest.fixture
def checked(world: World, client_as, tmp_path: Path, django_capture_on_commit_callbacks) -> Job:
    """township_staff's dry run of a roster whose first row is refused (a future date)."""
    with django_capture_on_commit_callbacks(execute=True):
        client_as(world.township_staff).post(
            "/sheets/members/", {"union": "330502001", "file": roster_with_a_bad_row(tmp_path)}
        )
    job = Job.objects.get()
    assert (job.state, job.result["invalid"]) == (Job.State.DONE, 1)
    return job


def cells(data: bytes) -> str:
    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    rows = book.get_sheet_by_index(0).to_python()
    return "\n".join(str(c) for row in rows for c in row)


def test_the_error_workbook_masks_numbers_and_keeps_the_reason(
    checked: Job, world: World, client_as
) -> None:
    response = client_as(world.township_staff).get(f"/jobs/{checked.pk}/result/")
    text = cells(b"".join(response.streaming_content))
    assert ID not in text and PHONE not in text
    assert pii.mask_id_number(ID) in text and "139****0001" in text
    assert "入会日期" in text and "沈建国" in text


def test_the_error_workbook_is_for_its_starter_and_administrators(
    checked: Job, world: World, client_as
) -> None:
    colleague = UserFactory.create(username="yuehe_other", union=world.yuehe, role=Role.STAFF)
    refused = client_as(colleague).get(f"/jobs/{checked.pk}/result/")
    assert refused.status_code == 403
    page = client_as(colleague).get(f"/jobs/{checked.pk}/").content.decode()
    assert f"/jobs/{checked.pk}/result/" not in page
    assert client_as(world.city_admin).get(f"/jobs/{checked.pk}/result/").status_code == 200
    downloads = AuditEvent.objects.filter(action="job.result_download")
    assert list(downloads.values_list("actor_name", flat=True)) == ["city_admin"]


def test_uploads_and_results_are_the_server_users_alone(checked: Job) -> None:
    upload = Path(settings.MEDIA_ROOT) / checked.params["file"]
    result = Path(checked.result_file.path)
    assert stat.S_IMODE(upload.stat().st_mode) == 0o600
    assert stat.S_IMODE(upload.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE(result.stat().st_mode) == 0o600


def test_the_upload_name_and_job_label_hold_no_full_number(checked: Job) -> None:
    assert ID not in checked.params["file"] and ID not in checked.label
    assert pii.mask_id_number(ID) in checked.label


def test_files_are_deleted_after_the_retention_period(
    checked: Job, world: World, client_as, settings
) -> None:
    settings.GONGHUI_FILE_RETENTION_DAYS = 30
    upload = Path(settings.MEDIA_ROOT) / checked.params["file"]
    result = Path(checked.result_file.path)
    assert files_expire(now=timezone.now() + timedelta(days=29)) == {"results": 0, "uploads": 0}
    # The upload's folder is as old as the file; pretend both are a month old.
    import os

    month_ago = (timezone.now() - timedelta(days=31)).timestamp()
    os.utime(upload.parent, (month_ago, month_ago))
    assert files_expire(now=timezone.now() + timedelta(days=31)) == {"results": 1, "uploads": 1}
    assert not upload.exists() and not result.exists()
    checked.refresh_from_db()
    assert not checked.result_file
    page = client_as(world.township_staff).get(f"/jobs/{checked.pk}/").content.decode()
    assert "结果文件已超过保存期限被删除" in page


def test_a_job_whose_upload_expired_asks_for_the_file_again(
    checked: Job, world: World, client_as
) -> None:
    Job.objects.filter(pk=checked.pk).update(state=Job.State.FAILED)
    import shutil

    shutil.rmtree((Path(settings.MEDIA_ROOT) / checked.params["file"]).parent)
    response = client_as(world.township_staff).post(f"/jobs/{checked.pk}/retry/")
    assert response.status_code == 400
    assert "请重新上传" in response.content.decode()


@pytest.mark.parametrize(
    "typed",
    [
        ID,
        " ".join([ID[:4], ID[4:8], ID[8:12], ID[12:16], ID[16:]]),
        f"{ID[:6]}-{ID[6:14]}-{ID[14:]}",
        "".join(chr(ord(c) + 0xFEE0) for c in ID),  # full-width digits
    ],
)
def test_numbers_typed_into_a_comment_are_masked(typed: str, world: World) -> None:
    from gonghui.core.tests.test_workflow import TYPE, reviewer, submitted
    from gonghui.core.workflow import Action
    from gonghui.core.workflow.models import ReviewEntry
    from gonghui.core.workflow.services import transition

    item = submitted(world)
    transition(
        TYPE,
        item.pk,
        Action.RETURN,
        actor=reviewer(world.yuehe, "yuehe_reviewer"),
        comment=f"请核对身份证号 {typed} 和电话 139 5720 0001",
    )
    comment = ReviewEntry.objects.filter(action=Action.RETURN).get().comment
    digits = "".join(c for c in unicodedata.normalize("NFKC", comment) if c.isdigit())
    assert ID[6:14] not in digits and "5720" not in comment
    assert comment.endswith("和电话 139****0001")
    summary = AuditEvent.objects.filter(action__endswith=".return").get().summary
    assert "5720" not in summary and ID[6:14] not in summary
