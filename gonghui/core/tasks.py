from datetime import timedelta

from django_tasks import task

from gonghui.core.jobs import job_kind, job_run
from gonghui.core.periodic import Periodic, periodic_register
from gonghui.core.sheet_jobs import sheet_export_work, sheet_import_work
from gonghui.core.workflow.services import notice_expire_all, workflow_bulk_work


@task()
def job_task(job_id: int) -> None:
    """Every job, by its kind (each app declares its kinds in its tasks.py)."""
    job_run(job_id)


job_kind("sheet_import")(sheet_import_work)
job_kind("sheet_export")(sheet_export_work)
job_kind("workflow_bulk")(workflow_bulk_work)


@task()
def notice_expire_task() -> None:
    """公示期满: items whose notice has ended go on to waiting for payment."""
    notice_expire_all()


periodic_register(
    Periodic("notice_expire", timedelta(minutes=10), notice_expire_task, "公示期满自动通过")
)


@task()
def jobs_reap_task() -> None:
    """Jobs whose worker stopped beating (a crash, kill -9) are failed, so they can run again."""
    from gonghui.core.jobs import jobs_reap

    jobs_reap()


periodic_register(Periodic("jobs_reap", timedelta(minutes=1), jobs_reap_task, "中断任务标记为失败"))


@task()
def files_expire_task() -> None:
    """Uploads and job result files past GONGHUI_FILE_RETENTION_DAYS are deleted."""
    from gonghui.core.jobs import files_expire

    files_expire()


periodic_register(
    Periodic("files_expire", timedelta(hours=1), files_expire_task, "删除过期的上传文件和结果文件")
)


@task()
def facts_drain_task() -> None:
    """The indicator facts brought up to the changes noted since (a report drains too)."""
    from gonghui.core.indicators.facts import facts_drain

    facts_drain()


periodic_register(
    Periodic("facts_drain", timedelta(minutes=1), facts_drain_task, "指标事实表跟进数据变更")
)
