"""The engine's API: every registered application type, listed in scope, read, and moved;
payout batches with their lines (accounts masked)."""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest
from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate

from gonghui.core.actors import Actor
from gonghui.core.middleware import request_actor
from gonghui.core.pagination import BoundedLimitOffset
from gonghui.core.scoping import access
from gonghui.core.workflow import State, Workflow, payouts, workflow_get
from gonghui.core.workflow import selectors as wf
from gonghui.core.workflow.services import transition

router = Router(tags=["审核流程"])
PAGE = 100


class TrailOut(Schema):
    at: datetime
    step: str
    action: str
    from_state: str
    to_state: str
    actor: str
    comment: str


class ItemOut(Schema):
    id: int
    workflow: str
    title: str
    union_code: str
    union_name: str
    state: str
    state_label: str
    step: str
    step_label: str
    amount: Decimal
    submitted_at: datetime | None
    notice_until: date | None
    paid_on: date | None


class ItemDetailOut(ItemOut):
    actions: list[str]
    trail: list[TrailOut]


class ItemPage(Schema):
    items: list[ItemOut]
    next_before: int | None


class TransitionIn(Schema):
    action: str
    comment: str = ""


def _workflow(key: str) -> Workflow:
    try:
        return workflow_get(key)
    except KeyError as exc:
        raise Http404("没有这种申请类型。") from exc


def _out(workflow: Workflow, item: Any) -> dict[str, Any]:
    return {
        "id": item.pk,
        "workflow": workflow.key,
        "title": str(item),
        "union_code": item.union.code,
        "union_name": item.union.name,
        "state": item.state,
        "state_label": State(item.state).label,
        "step": item.step,
        "step_label": workflow.step_label(item.step),
        "amount": item.amount,
        "submitted_at": item.submitted_at,
        "notice_until": item.notice_until,
        "paid_on": item.paid_on,
    }


def _detail(workflow: Workflow, item: Any, actor: Actor) -> dict[str, Any]:
    return {
        **_out(workflow, item),
        "actions": [a.value for a in wf.allowed_actions(workflow, item, actor)],
        "trail": [
            {
                "at": e.at,
                "step": e.step,
                "action": e.action,
                "from_state": e.from_state,
                "to_state": e.to_state,
                "actor": e.actor_name,
                "comment": e.comment,
            }
            for e in wf.trail(workflow, item)
        ],
    }


@router.get("/workflow/{workflow_key}/items", response=ItemPage)
def list_items(request: HttpRequest, workflow_key: str, state: str = "", before: int | None = None):
    """Applications of one type in the caller's scope, newest first (keyset pages)."""
    workflow = _workflow(workflow_key)
    items = workflow.model.objects.visible_to(request_actor(request)).select_related("union")
    if state:
        items = items.filter(state=state)
    if before is not None:
        items = items.filter(pk__lt=before)
    page = list(items.order_by("-pk")[: PAGE + 1])
    return {
        "items": [_out(workflow, i) for i in page[:PAGE]],
        "next_before": page[PAGE - 1].pk if len(page) > PAGE else None,
    }


@router.get("/workflow/{workflow_key}/items/{item_id}", response=ItemDetailOut)
def get_item(request: HttpRequest, workflow_key: str, item_id: int):
    workflow = _workflow(workflow_key)
    actor = request_actor(request)
    item = access(workflow.model.objects.select_related("union"), actor=actor, pk=item_id)
    return _detail(workflow, item, actor)


def _transition_in(request: HttpRequest) -> TransitionIn:
    """The body as JSON (or a form). Read by hand, after the scope check: ninja would
    parse it first, and a stranger's malformed body must get the same 404 as any other."""
    if request.content_type == "application/json":
        try:
            data = json.loads(request.body or b"{}")
        except ValueError as exc:
            raise HttpError(400, "请求体不是有效的 JSON。") from exc
        if not isinstance(data, dict):
            raise HttpError(400, "请求体须为 JSON 对象。")
    else:
        data = request.POST.dict()
    return TransitionIn(
        action=str(data.get("action", "")), comment=str(data.get("comment", "") or "")
    )


@router.post(
    "/workflow/{workflow_key}/items/{item_id}/transition",
    response=ItemDetailOut,
    openapi_extra={
        "requestBody": {
            "content": {"application/json": {"schema": TransitionIn.model_json_schema()}},
            "required": True,
        }
    },
)
def post_transition(request: HttpRequest, workflow_key: str, item_id: int):
    """Submit, approve, reject, return, withdraw or object; refusals answer 400/403/404.
    Body: ``{"action": "approve", "comment": "…"}``."""
    workflow = _workflow(workflow_key)
    actor = request_actor(request)
    access(workflow.model.objects.all(), actor=actor, pk=item_id)
    payload = _transition_in(request)
    if payload.action not in wf.USER_ACTIONS:
        raise HttpError(400, "没有这个操作。")
    try:
        item = transition(workflow, item_id, payload.action, actor=actor, comment=payload.comment)
    except ValidationError as exc:
        raise HttpError(400, "；".join(exc.messages)) from exc
    except PermissionDenied as exc:
        raise HttpError(403, str(exc)) from exc
    return _detail(workflow, item, actor)


@router.get("/workflow/inbox", response=dict[str, int])
def inbox_counts(request: HttpRequest):
    """How many applications wait at the caller's review steps, per type."""
    return {s.workflow.key: s.items.count() for s in wf.inbox(request_actor(request))}


# --- Payout batches ---------------------------------------------------------------------


class BatchOut(Schema):
    id: int
    name: str
    union_code: str
    state: str
    total: Decimal
    item_count: int
    created_at: datetime
    bank_reference: str
    paid_on: date | None

    @staticmethod
    def resolve_union_code(obj: Any) -> str:
        return str(obj.union.code)


class LineOut(Schema):
    id: int
    workflow: str
    object_id: int
    payee_name: str
    account: str
    amount: Decimal
    purpose: str
    status: str
    return_reason: str

    @staticmethod
    def resolve_account(obj: Any) -> str:
        return str(obj.account_masked)


class BatchDetailOut(BatchOut):
    lines: list[LineOut]


def batches_newest_first(request: HttpRequest) -> Any:
    return payouts.payout_batches(actor=request_actor(request)).order_by("-created_at", "-id")


def batch_detail(request: HttpRequest, batch_id: int) -> Any:
    batch = payouts.access_batch(actor=request_actor(request), batch_id=batch_id)
    batch.lines = list(payouts.payout_lines(batch=batch))  # type: ignore[attr-defined]
    return batch


@router.get("/payouts", response=list[BatchOut])
@paginate(BoundedLimitOffset)
def list_batches(request: HttpRequest):
    """Payout batches in the caller's scope, newest first; their lines' accounts masked."""
    return batches_newest_first(request)


@router.get("/payouts/{batch_id}", response=BatchDetailOut)
def get_batch(request: HttpRequest, batch_id: int):
    """One payout batch with its lines."""
    return batch_detail(request, batch_id)
