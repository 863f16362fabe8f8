"""The job runner: long work runs in a task worker and reports progress on a ``Job`` row.

A service starts a job with ``job_start``; the task it names receives the job's primary key
only, runs the service with a ``JobProgress`` and finishes the row. Pages poll the row
through the progress component (``core/_job_progress.html``).
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from gonghui.core.audit import audit_record
from gonghui.core.models import Job

logger = logging.getLogger(__name__)


class JobProgress:
    """Progress reporting for a running job, written in its own short updates.

    Each call is a single UPDATE outside any long transaction of the job's work where the
    database allows it, so that pollers see it while the work goes on.
    """

    def __init__(self, job: Job) -> None:
        self.job = job

    def set_total(self, total: int) -> None:
        Job.objects.filter(pk=self.job.pk).update(total=total)
        self.job.total = total

    def advance(self, done: int = 1, failed: int = 0) -> None:
        Job.objects.filter(pk=self.job.pk).update(
            done=F("done") + done, failed=F("failed") + failed
        )
        self.job.done += done
        self.job.failed += failed


def job_start(
    *,
    actor: Any,
    kind: str,
    label: str,
    union: Any,
    task: Any,
    params: dict[str, Any] | None = None,
) -> Job:
    """Create a pending job and enqueue its task once the caller's transaction commits."""
    job = Job.objects.create(
        kind=kind,
        label=label,
        union=union,
        params=params or {},
        started_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audit_record(actor=actor, action="job.start", obj=job, union=union, summary=label)
    transaction.on_commit(lambda: task.enqueue(job_id=job.pk))
    return job


def job_run(job_id: int, work: Callable[[Job, JobProgress], dict[str, Any]]) -> None:
    """Run ``work`` for a job and record how it ended. Called by the job's task."""
    job = Job.objects.get(pk=job_id)
    if job.is_finished:
        return  # a task delivered twice runs once
    Job.objects.filter(pk=job.pk).update(state=Job.State.RUNNING, started_at=timezone.now())
    job.state = Job.State.RUNNING
    try:
        result = work(job, JobProgress(job))
    except Exception as exc:
        logger.exception("job %s (%s) failed", job.pk, job.kind)
        Job.objects.filter(pk=job.pk).update(
            state=Job.State.FAILED,
            finished_at=timezone.now(),
            error=f"{type(exc).__name__}: {exc}\n{traceback.format_exc(limit=5)}"[:4000],
        )
        return
    Job.objects.filter(pk=job.pk).update(
        state=Job.State.DONE, finished_at=timezone.now(), result=result or {}
    )
