"""The job runner: long work runs in a task worker and reports progress on a ``Job`` row.

A service starts a job with ``job_start``; the task it names receives the job's primary key
only, runs the service with a ``JobProgress`` and finishes the row. Pages poll the row
through the progress component (``core/_job_progress.html``).
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import threading
import traceback
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DEFAULT_DB_ALIAS, OperationalError, connections, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from gonghui.core.actors import Actor
from gonghui.core.audit import audit_record
from gonghui.core.models import Job, User
from gonghui.core.pii import scrub_personal

logger = logging.getLogger(__name__)


class JobProgress:
    """Progress reporting for a running job, published where pollers can read it at once.

    A job's own writes may hold a long transaction: on PostgreSQL the figures go to the job's
    row through a connection of their own (the ``progress`` alias when configured); on SQLite,
    where a second writer would wait for the import's write lock and fail, they go to a small
    file beside the database (``job_live``) and reach the row when the job ends.
    """

    def __init__(self, job: Job) -> None:
        self.job = job
        self.touched = False

    def set_total(self, total: int) -> None:
        self.job.total = total
        self._publish()

    def advance(self, done: int = 1, failed: int = 0) -> None:
        self.job.done += done
        self.job.failed += failed
        self._publish()

    def _publish(self) -> None:
        self.touched = True
        values = {"total": self.job.total, "done": self.job.done, "failed": self.job.failed}
        if _uses_side_file():
            _side_file_write(self.job.pk, values)
        else:
            alias = "progress" if "progress" in settings.DATABASES else DEFAULT_DB_ALIAS
            Job.objects.using(alias).filter(pk=self.job.pk).update(**values)


def _uses_side_file() -> bool:
    return connections[DEFAULT_DB_ALIAS].vendor == "sqlite"


def _side_file(job_id: int) -> Path:
    return Path(settings.GONGHUI_JOB_PROGRESS_DIR) / f"{job_id}.json"


def _side_file_write(job_id: int, values: dict[str, int]) -> None:
    target = _side_file(job_id)
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_suffix(f".{os.getpid()}.tmp")
    temporary.write_text(json.dumps({**values, "at": timezone.now().isoformat()}))
    os.replace(temporary, target)  # readers see the old figures or the new, never half


def _side_file_clear(job_id: int) -> None:
    with contextlib.suppress(FileNotFoundError):
        _side_file(job_id).unlink()


def _beat_file(job_id: int) -> Path:
    return Path(settings.GONGHUI_JOB_PROGRESS_DIR) / f"{job_id}.beat"


class _Heartbeat:
    """A thread that says the job's worker is alive, every GONGHUI_JOB_HEARTBEAT_SECONDS,
    where a poller can read it while the job's own transaction is open: the beat file's
    time on SQLite (the row may wait on the import's write lock), the row through a
    connection of its own on PostgreSQL."""

    def __init__(self, job: Job) -> None:
        self.job_id = job.pk
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, name=f"job-{job.pk}-beat", daemon=True)

    def __enter__(self) -> _Heartbeat:
        self.beat()
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.thread.join()
        with contextlib.suppress(FileNotFoundError):
            _beat_file(self.job_id).unlink()

    def beat(self) -> None:
        if _uses_side_file():
            target = _beat_file(self.job_id)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.touch()
        else:
            alias = "progress" if "progress" in settings.DATABASES else DEFAULT_DB_ALIAS
            Job.objects.using(alias).filter(pk=self.job_id).update(heartbeat_at=timezone.now())

    def _run(self) -> None:
        try:
            while not self.stop.wait(settings.GONGHUI_JOB_HEARTBEAT_SECONDS):
                try:
                    self.beat()
                except Exception:  # a missed beat is retried; only silence fails the job
                    logger.warning("job %s: heartbeat not written", self.job_id, exc_info=True)
        finally:
            connections.close_all()  # this thread's own connections


def job_last_beat(job: Job) -> datetime | None:
    """When the job's worker last said it was alive (None before it started)."""
    beats = [job.heartbeat_at, job.started_at]
    with contextlib.suppress(FileNotFoundError):
        mtime = _beat_file(job.pk).stat().st_mtime
        beats.append(datetime.fromtimestamp(mtime, tz=timezone.get_current_timezone()))
    known = [b for b in beats if b is not None]
    return max(known) if known else None


JOB_LOST_REASON = (
    "执行任务的后台进程已中断（服务器重启或进程被终止），本次未完成，未写入任何数据。"
    "可以点击“重新运行”再试一次。"
)


def job_is_lost(job: Job, *, now: datetime | None = None) -> bool:
    if job.state != Job.State.RUNNING:
        return False
    last = job_last_beat(job)
    limit = timedelta(seconds=settings.GONGHUI_JOB_STALE_SECONDS)
    return last is not None and (now or timezone.now()) - last > limit


def job_fail_lost(job: Job) -> bool:
    """Mark a running job whose worker stopped beating as failed, and its task row with it,
    so the page stops waiting and the person can run it again. False if it had ended."""
    changed = Job.objects.filter(pk=job.pk, state=Job.State.RUNNING).update(
        state=Job.State.FAILED,
        finished_at=timezone.now(),
        reason=JOB_LOST_REASON,
        error="heartbeat lost: the worker stopped while the job was running",
    )
    if not changed:
        return False
    _side_file_clear(job.pk)
    with contextlib.suppress(FileNotFoundError):
        _beat_file(job.pk).unlink()
    _task_rows_fail(job.pk)
    job.state, job.reason = Job.State.FAILED, JOB_LOST_REASON
    logger.warning("job %s (%s): worker lost, marked failed", job.pk, job.kind)
    return True


def _task_rows_fail(job_id: int) -> None:
    """The database task queue's row for the job, left "running" by the dead worker."""
    if "django_tasks_db" not in settings.INSTALLED_APPS:
        return
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    DBTaskResult.objects.filter(
        status=TaskResultStatus.RUNNING, args_kwargs__kwargs__job_id=job_id
    ).update(status=TaskResultStatus.FAILED, finished_at=timezone.now())


def jobs_reap(*, now: datetime | None = None) -> list[int]:
    """Fail every running job whose worker stopped beating; returns their numbers."""
    lost = [
        job
        for job in Job.objects.filter(state=Job.State.RUNNING)
        if job_is_lost(job, now=now) and job_fail_lost(job)
    ]
    return [job.pk for job in lost]


def job_live(job: Job) -> Job:
    """The job with the latest figures of its work, also while they are not on its row; a
    job whose worker was lost is failed here, so a page polling it stops."""
    if job_is_lost(job):
        job_fail_lost(job)
        return job
    if job.state == Job.State.RUNNING and _uses_side_file():
        try:
            values = json.loads(_side_file(job.pk).read_text())
        except (FileNotFoundError, ValueError):
            return job
        job.total, job.done, job.failed = values["total"], values["done"], values["failed"]
    return job


def job_failure_reason(exc: BaseException) -> str:
    """What the person who started a job reads when it failed: Chinese, with no internals."""
    if isinstance(exc, ValidationError):
        return "；".join(exc.messages)[:500]
    if isinstance(exc, OperationalError) and "locked" in str(exc):
        return "数据库正忙（另一项写入尚未结束），本次未写入任何数据。请稍后点击“重新运行”。"
    if isinstance(exc, MemoryError):
        return "服务器内存不足，本次未完成。请把文件拆小后重新导入，或联系系统管理员。"
    return (
        "任务执行中出错，本次未完成，详细信息已记入服务器日志。"
        "可以点击“重新运行”再试一次；仍然失败请联系系统管理员。"
    )


JobWork = Callable[[Job, "JobProgress"], dict[str, Any]]
# The one django-tasks task that runs every job, by its kind (stored on the job so a retry
# knows what to enqueue).
JOB_TASK = "gonghui.core.tasks.job_task"
_KINDS: dict[str, JobWork] = {}


def job_kind(name: str) -> Callable[[JobWork], JobWork]:
    """Declare the work of a job kind: ``job_kind("sheet_import")(sheet_import_work)``, in the
    app's ``tasks.py`` (discovered). The work takes the job and its progress and returns the
    figures its page shows."""

    def register(work: JobWork) -> JobWork:
        _KINDS[name] = work
        return work

    return register


def job_kind_work(name: str) -> JobWork | None:
    """The work of a declared kind, or None."""
    from django.utils.module_loading import autodiscover_modules

    autodiscover_modules("tasks")
    return _KINDS.get(name)


def job_start(
    *,
    actor: Actor,
    kind: str,
    label: str,
    union: Any,
    params: dict[str, Any] | None = None,
) -> Job:
    """Create a pending job of a declared ``kind`` and enqueue the job task once the
    caller's transaction commits."""
    if job_kind_work(kind) is None:
        raise ValueError(f"undeclared job kind {kind!r}")
    job = Job.objects.create(
        kind=kind,
        label=scrub_personal(label)[:128],
        union=union,
        params=params or {},
        started_by=actor if isinstance(actor, User) else None,
        task=JOB_TASK,
    )
    _side_file_clear(job.pk)  # a number reused after a rollback starts with no figures
    audit_record(actor=actor, action="job.start", obj=job, union=union, summary=label)
    task = import_string(JOB_TASK)
    transaction.on_commit(lambda: task.enqueue(job_id=job.pk))
    return job


def job_result_refusal(*, actor: Actor, job: Job) -> str:
    """Why ``actor`` may not download the job's result file ("" if they may)."""
    from gonghui.core.models import Role

    if job.started_by_id == actor.pk:
        return ""
    if actor.role != Role.ADMIN:
        return "只有任务发起人或管理员可以下载结果文件。"
    if job.params.get("reveal") and not getattr(actor, "pii_access", False):
        return "该文件含完整个人信息，需持有个人信息查看权限才能下载。"
    return ""


def job_result_open(*, actor: Actor, job: Job) -> Any:
    """The job's result file (an export, an error workbook), opened for its download: by
    the person who started the job, or an administrator in scope (one holding the
    personal-data right for a full export); every download is audited, as an export is."""
    if refusal := job_result_refusal(actor=actor, job=job):
        raise PermissionDenied(refusal)
    handle = job.result_file.open("rb")
    audit_record(
        actor=actor,
        action="job.result_download",
        obj=job,
        union=job.union,
        summary=f"下载任务 #{job.pk} 的结果文件：{job.label}",
    )
    return handle


def job_retry(*, actor: Actor, job: Job) -> Job:
    """Run a failed job again with the same parameters (the stored upload, the same options).

    The person who started it may, and an administrator whose scope holds it.
    """
    from gonghui.core.models import Role

    if job.state != Job.State.FAILED:
        raise ValidationError("只有失败的任务可以重新运行。", code="job_not_failed")
    if job.started_by_id != actor.pk and actor.role != Role.ADMIN:
        raise PermissionDenied("只有发起人或管理员可以重新运行该任务。")
    if job_kind_work(job.kind) is None:
        raise ValidationError("该任务不能重新运行，请重新发起。", code="job_not_retryable")
    upload = job.params.get("file")
    if upload and not (Path(settings.MEDIA_ROOT) / upload).exists():
        raise ValidationError(
            "上传的文件已超过保存期限被删除，请重新上传。", code="job_upload_expired"
        )
    again = job_start(
        actor=actor, kind=job.kind, label=job.label, union=job.union, params=job.params
    )
    audit_record(
        actor=actor,
        action="job.retry",
        obj=again,
        union=job.union,
        summary=f"重新运行失败的任务 #{job.pk}：{job.label}",
    )
    return again


def job_run(job_id: int, work: JobWork | None = None) -> None:
    """Run the job's work (its kind's, unless ``work`` is given) and record how it ended.
    Called by the job task."""
    job = Job.objects.get(pk=job_id)
    if job.is_finished:
        return  # a task delivered twice runs once
    if work is None:
        work = job_kind_work(job.kind)
        if work is None:
            raise ValueError(f"undeclared job kind {job.kind!r}")
    now = timezone.now()
    Job.objects.filter(pk=job.pk).update(state=Job.State.RUNNING, started_at=now, heartbeat_at=now)
    job.state = Job.State.RUNNING
    progress = JobProgress(job)
    try:
        with _Heartbeat(job):
            result = work(job, progress)
    except Exception as exc:
        logger.exception("job %s (%s) failed", job.pk, job.kind)
        _finish(
            progress,
            state=Job.State.FAILED,
            error=f"{type(exc).__name__}: {exc}\n{traceback.format_exc(limit=5)}"[:4000],
            reason=job_failure_reason(exc),
        )
        return
    _finish(progress, state=Job.State.DONE, result=result or {})


def _finish(progress: JobProgress, **values: Any) -> None:
    """The job's final row: its state, and the figures its work published."""
    job = progress.job
    if progress.touched:
        values.update(total=job.total, done=job.done, failed=job.failed)
    Job.objects.filter(pk=job.pk).update(finished_at=timezone.now(), **values)
    _side_file_clear(job.pk)


def files_expire(*, now: datetime | None = None) -> dict[str, int]:
    """Delete what jobs left on disk once GONGHUI_FILE_RETENTION_DAYS have passed since they
    ended: result files (exports, error workbooks) and the uploads they read. Rosters and
    exports hold personal data and serve no one after the work is done; the job's row and
    its audit events stay, and the page says the file has gone."""
    import shutil

    cutoff = (now or timezone.now()) - timedelta(days=settings.GONGHUI_FILE_RETENTION_DAYS)
    media = Path(settings.MEDIA_ROOT)
    removed = {"results": 0, "uploads": 0}
    ended = Job.objects.filter(state__in=[Job.State.DONE, Job.State.FAILED], finished_at__lt=cutoff)
    for job in ended.exclude(result_file=""):
        job.result_file.delete(save=False)
        Job.objects.filter(pk=job.pk).update(result_file="")
        removed["results"] += 1
    still_needed = {
        str(params.get("file", ""))
        for params in Job.objects.exclude(pk__in=ended.values("pk")).values_list(
            "params", flat=True
        )
        if isinstance(params, dict)
    }
    uploads = media / "uploads"
    for folder in uploads.iterdir() if uploads.is_dir() else []:
        files = [f"uploads/{folder.name}/{f.name}" for f in folder.iterdir()]
        if any(name in still_needed for name in files):
            continue
        if folder.stat().st_mtime < cutoff.timestamp():
            shutil.rmtree(folder, ignore_errors=True)
            removed["uploads"] += 1
    return removed
