from django_tasks import task

from gonghui.core.jobs import job_run
from gonghui.orgs.services import union_counts_rebuild


@task()
def union_counts_rebuild_task(job_id: int) -> None:
    job_run(job_id, union_counts_rebuild)
