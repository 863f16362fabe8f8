"""Tasks of the aid app: each takes a job's primary key and wraps one service."""

from django_tasks import task

from gonghui.aid.services.plans import enrollment_enroll_union_work
from gonghui.core.jobs import job_run


@task()
def enrollment_enroll_union_task(job_id: int) -> None:
    job_run(job_id, enrollment_enroll_union_work)
