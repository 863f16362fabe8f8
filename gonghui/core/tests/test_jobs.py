from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.files.base import ContentFile
from django.db import OperationalError
from django.utils import timezone

from gonghui.conftest import World
from gonghui.core.jobs import JobProgress, job_run
from gonghui.core.models import Job
from gonghui.core.tests.factories import JobFactory
from gonghui.orgs.models import Union


def test_rebuild_counts_job_runs_through_the_task_worker(
    world: World,
    client_as,
    django_capture_on_commit_callbacks,
) -> None:
    Union.objects.update(grassroots_count=0)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_as(world.city_admin).post("/orgs/unions/3305/rebuild-counts/")
    job = Job.objects.get()
    assert response["Location"] == f"/jobs/{job.pk}/"
    assert job.state == Job.State.DONE
    assert (job.total, job.done) == (8, 8)
    counts = dict(Union.objects.values_list("code", "grassroots_count"))
    assert counts["3305"] == 2
    assert counts["330502"] == 1
    assert counts["330502100"] == 0
    assert counts["3305020010001"] == 1


def test_only_admins_start_a_rebuild(world: World, client_as) -> None:
    response = client_as(world.wuxing_staff).post("/orgs/unions/330502/rebuild-counts/")
    assert response.status_code == 403
    assert not Job.objects.exists()


def test_failed_work_is_recorded_on_the_job(world: World) -> None:
    job = JobFactory.create(union=world.city)

    def work(job: Job, progress: JobProgress) -> dict[str, Any]:
        progress.set_total(3)
        progress.advance(1)
        raise RuntimeError("磁盘已满")

    job_run(job.pk, work)
    job.refresh_from_db()
    assert job.state == Job.State.FAILED
    assert job.done == 1
    assert "磁盘已满" in job.error


def test_progress_component_polls_until_the_job_ends(world: World, client_as) -> None:
    job = JobFactory.create(union=world.wuxing, state=Job.State.RUNNING, total=10, done=4)
    client = client_as(world.wuxing_staff)
    running = client.get(f"/jobs/{job.pk}/progress/").content.decode()
    assert 'hx-trigger="every 1s"' in running
    assert "40%" in running
    Job.objects.filter(pk=job.pk).update(state=Job.State.DONE, done=10)
    finished = client.get(f"/jobs/{job.pk}/progress/").content.decode()
    assert "hx-trigger" not in finished
    assert "100%" in finished


def test_job_api_reports_progress(world: World, client_as) -> None:
    job = JobFactory.create(union=world.wuxing, state=Job.State.RUNNING, total=4, done=1)
    data = client_as(world.wuxing_staff).get(f"/api/v1/jobs/{job.pk}").json()
    assert (data["state"], data["percent"]) == ("running", 25)


def test_result_file_downloads_inside_scope_only(world: World, client_as) -> None:
    job = JobFactory.create(union=world.wuxing, state=Job.State.DONE, started_by=world.wuxing_staff)
    job.result_file.save("结果.csv", ContentFile("姓名\n张三\n".encode()))
    response = client_as(world.wuxing_staff).get(f"/jobs/{job.pk}/result/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content).decode() == "姓名\n张三\n"
    assert client_as(world.nanxun_staff).get(f"/jobs/{job.pk}/result/").status_code == 404


def test_job_without_result_file_has_nothing_to_download(world: World, client_as) -> None:
    job = JobFactory.create(union=world.wuxing, state=Job.State.DONE)
    assert client_as(world.wuxing_staff).get(f"/jobs/{job.pk}/result/").status_code == 404


def test_failed_job_tells_its_starter_why_in_chinese(world: World, client_as) -> None:
    job = JobFactory.create(union=world.wuxing, started_by=world.wuxing_staff)

    def work(job: Job, progress: JobProgress) -> dict[str, Any]:
        raise OperationalError("database is locked")

    job_run(job.pk, work)
    html = client_as(world.wuxing_staff).get(f"/jobs/{job.pk}/").content.decode()
    assert "数据库正忙（另一项写入尚未结束），本次未写入任何数据" in html
    assert "OperationalError" not in html
    assert "database is locked" not in html


def test_job_api_gives_the_reason_not_the_traceback(world: World, client_as) -> None:
    job = JobFactory.create(union=world.wuxing, started_by=world.wuxing_staff)

    def work(job: Job, progress: JobProgress) -> dict[str, Any]:
        raise KeyError("/srv/gonghui/secret.py")

    job_run(job.pk, work)
    data = client_as(world.wuxing_staff).get(f"/api/v1/jobs/{job.pk}").json()
    assert data["error"].startswith("任务执行中出错，本次未完成")
    assert "Traceback" not in data["error"] and "/srv/" not in data["error"]


def test_failed_commit_runs_again_from_the_stored_upload(
    world: World, client_as, tmp_path, django_capture_on_commit_callbacks, monkeypatch
) -> None:
    from gonghui.core.tests.test_sheet_jobs import upload
    from gonghui.members.models import Member

    client = client_as(world.township_staff)
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, tmp_path, rows=5)
    check = Job.objects.get()
    monkeypatch.setattr(
        "gonghui.members.sheets.MemberSheet.apply",
        lambda *a, **k: (_ for _ in ()).throw(OperationalError("database is locked")),
    )
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/jobs/{check.pk}/commit/")
    failed = Job.objects.exclude(pk=check.pk).get()
    assert failed.state == Job.State.FAILED
    assert Member.objects.count() == 0
    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/jobs/{failed.pk}/retry/")
    again = Job.objects.exclude(pk__in=[check.pk, failed.pk]).get()
    assert response["Location"] == f"/jobs/{again.pk}/"
    assert again.params == failed.params
    assert (again.state, again.result["created"]) == (Job.State.DONE, 5)
    assert Member.objects.count() == 5


def test_only_the_starter_or_an_admin_runs_a_failed_job_again(world: World, client_as) -> None:
    job = JobFactory.create(
        union=world.yuehe,
        started_by=world.township_staff,
        state=Job.State.FAILED,
        task="gonghui.core.tasks.job_task",
    )
    assert client_as(world.wuxing_staff).post(f"/jobs/{job.pk}/retry/").status_code == 403
    assert client_as(world.nanxun_staff).post(f"/jobs/{job.pk}/retry/").status_code == 404
    assert Job.objects.count() == 1


def test_a_job_still_running_is_not_run_again(world: World, client_as) -> None:
    job = JobFactory.create(
        union=world.yuehe,
        started_by=world.township_staff,
        state=Job.State.RUNNING,
        task="gonghui.core.tasks.job_task",
    )
    response = client_as(world.township_staff).post(f"/jobs/{job.pk}/retry/")
    assert response.status_code == 400
    assert "只有失败的任务可以重新运行" in response.content.decode()


def test_running_job_shows_progress_published_outside_its_transaction(
    world: World, client_as, settings
) -> None:
    job = JobFactory.create(union=world.wuxing, state=Job.State.RUNNING)
    progress = JobProgress(job)
    progress.set_total(200)
    progress.advance(50)
    html = client_as(world.wuxing_staff).get(f"/jobs/{job.pk}/progress/").content.decode()
    assert "50 / 200" in html
    assert "25%" in html


def test_progress_polling_leaves_the_session_as_it_was(world: World, client_as) -> None:
    from django.contrib.sessions.models import Session

    job = JobFactory.create(union=world.wuxing, state=Job.State.RUNNING, total=10, done=4)
    client = client_as(world.wuxing_staff)
    Session.objects.update(expire_date=timezone.now() + timedelta(minutes=5))
    client.get(f"/jobs/{job.pk}/progress/")
    expiry = Session.objects.get().expire_date
    assert expiry < timezone.now() + timedelta(minutes=6)
    client.get(f"/jobs/{job.pk}/")  # an ordinary page renews it
    assert Session.objects.get().expire_date > timezone.now() + timedelta(minutes=20)


def test_a_job_whose_worker_stopped_beating_fails_when_its_page_polls(
    world: World, client_as
) -> None:
    long_ago = timezone.now() - timedelta(minutes=10)
    job = JobFactory.create(
        union=world.wuxing,
        started_by=world.wuxing_staff,
        state=Job.State.RUNNING,
        started_at=long_ago,
        heartbeat_at=long_ago,
        task="gonghui.core.tasks.job_task",
    )
    html = client_as(world.wuxing_staff).get(f"/jobs/{job.pk}/progress/").content.decode()
    assert 'data-state="failed"' in html
    assert "hx-trigger" not in html  # the page stops polling
    assert "后台进程已中断" in html
    assert 'data-testid="job-retry"' in html
    job.refresh_from_db()
    assert (job.state, job.finished_at is not None) == (Job.State.FAILED, True)


def test_a_job_that_beat_recently_keeps_running(world: World, client_as) -> None:
    job = JobFactory.create(
        union=world.wuxing,
        state=Job.State.RUNNING,
        started_at=timezone.now() - timedelta(hours=2),
        heartbeat_at=timezone.now() - timedelta(seconds=5),
    )
    html = client_as(world.wuxing_staff).get(f"/jobs/{job.pk}/progress/").content.decode()
    assert 'data-state="running"' in html
    job.refresh_from_db()
    assert job.state == Job.State.RUNNING


def test_reaping_fails_lost_jobs_and_their_task_rows_only(world: World) -> None:
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    from gonghui.core.jobs import jobs_reap

    now = timezone.now()
    lost = JobFactory.create(
        union=world.city, state=Job.State.RUNNING, started_at=now, heartbeat_at=now
    )
    alive = JobFactory.create(
        union=world.city, state=Job.State.RUNNING, started_at=now, heartbeat_at=now
    )
    rows = {}
    for job in (lost, alive):
        rows[job.pk] = DBTaskResult.objects.create(
            status=TaskResultStatus.RUNNING,
            args_kwargs={"args": [], "kwargs": {"job_id": job.pk}},
            task_path="gonghui.core.tasks.job_task",
            backend_name="default",
            run_after=now,
        )
    Job.objects.filter(pk=alive.pk).update(heartbeat_at=now + timedelta(minutes=10))
    assert jobs_reap(now=now + timedelta(minutes=10)) == [lost.pk]
    statuses = {pk: DBTaskResult.objects.get(pk=row.pk).status for pk, row in rows.items()}
    assert statuses == {lost.pk: TaskResultStatus.FAILED, alive.pk: TaskResultStatus.RUNNING}
    assert Job.objects.get(pk=alive.pk).state == Job.State.RUNNING


def test_a_running_job_records_its_heartbeat(world: World) -> None:
    job = JobFactory.create(union=world.city)
    seen: dict[str, Any] = {}

    def work(job: Job, progress: JobProgress) -> dict[str, Any]:
        from gonghui.core.jobs import job_last_beat

        seen["beat"] = job_last_beat(Job.objects.get(pk=job.pk))
        return {}

    before = timezone.now()
    job_run(job.pk, work)
    assert seen["beat"] is not None and seen["beat"] >= before - timedelta(seconds=1)


def test_every_kind_started_in_the_product_is_declared() -> None:
    from gonghui.core.jobs import job_kind_work

    kinds = [
        "sheet_import",
        "sheet_export",
        "workflow_bulk",
        "union_counts_rebuild",
        "aid_enroll_union",
    ]
    assert [k for k in kinds if job_kind_work(k) is None] == []


def test_an_undeclared_kind_is_refused_before_anything_is_written(world: World) -> None:
    import pytest

    from gonghui.core.jobs import job_start

    with pytest.raises(ValueError, match="undeclared job kind"):
        job_start(actor=world.city_admin, kind="no_such_kind", label="x", union=world.city)
    assert not Job.objects.exists()


def test_a_declared_kind_runs_by_the_one_job_task(world: World) -> None:
    from gonghui.core.jobs import _KINDS, job_kind
    from gonghui.core.tasks import job_task

    def work(job: Job, progress: JobProgress) -> dict[str, Any]:
        return {"ran": job.kind}

    job_kind("test_kind")(work)
    try:
        job = JobFactory.create(union=world.city, kind="test_kind")
        job_task.call(job_id=job.pk)
        job.refresh_from_db()
        assert (job.state, job.result) == (Job.State.DONE, {"ran": "test_kind"})
    finally:
        _KINDS.pop("test_kind")
