from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from django.http import HttpRequest
from ninja import Router, Schema

from gonghui.core import selectors
from gonghui.core.actors import Actor

router = Router(tags=["系统"])


class JobOut(Schema):
    id: int
    kind: str
    label: str
    state: str
    total: int
    done: int
    failed: int
    percent: int
    error: str
    created_at: datetime
    finished_at: datetime | None

    @staticmethod
    def resolve_error(job: Any) -> str:
        # The Chinese reason only: the technical detail stays in the server's log.
        return str(job.reason)


@router.get("/jobs/{job_id}", response=JobOut)
def get_job(request: HttpRequest, job_id: int):
    return selectors.access_job(actor=cast("Actor", request.user), job_id=job_id)


# The workflow engine's routes (the inbox, transitions) belong to the kernel's router.
from gonghui.core.workflow.api import router as workflow_router  # noqa: E402

router.add_router("", workflow_router)
