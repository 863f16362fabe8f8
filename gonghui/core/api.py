from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.pagination import LimitOffsetPagination

from gonghui.core import selectors
from gonghui.core.actors import Actor

router = Router(tags=["系统"])


class BoundedLimitOffset(LimitOffsetPagination):
    """limit/offset pages whose offset is bounded too (ninja bounds only the limit), so an
    offset past the database's integer range is a 422, not a database error."""

    class Input(Schema):
        limit: int = Field(100, ge=1, le=1000)
        offset: int = Field(0, ge=0, le=10_000_000)


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
