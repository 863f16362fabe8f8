from __future__ import annotations

from typing import Any

from django.core.files.base import ContentFile

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
    job = JobFactory.create(union=world.wuxing, state=Job.State.DONE)
    job.result_file.save("结果.csv", ContentFile("姓名\n张三\n".encode()))
    response = client_as(world.wuxing_staff).get(f"/jobs/{job.pk}/result/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content).decode() == "姓名\n张三\n"
    assert client_as(world.nanxun_staff).get(f"/jobs/{job.pk}/result/").status_code == 404


def test_job_without_result_file_has_nothing_to_download(world: World, client_as) -> None:
    job = JobFactory.create(union=world.wuxing, state=Job.State.DONE)
    assert client_as(world.wuxing_staff).get(f"/jobs/{job.pk}/result/").status_code == 404
