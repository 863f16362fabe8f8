from django_tasks import task

from gonghui.core.jobs import job_run
from gonghui.core.sheet_jobs import sheet_export_work, sheet_import_work


@task()
def sheet_import_task(job_id: int) -> None:
    job_run(job_id, sheet_import_work)


@task()
def sheet_export_task(job_id: int) -> None:
    job_run(job_id, sheet_export_work)
