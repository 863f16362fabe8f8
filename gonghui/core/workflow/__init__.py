"""The workflow engine: an application type is declared once, the engine gives the rest.

A declaration (``Workflow``) names the model (a ``WorkflowItem`` subclass), its review steps
(``Step``: the tree level and the roles that act, an optional condition such as an amount
threshold), the public-notice period and the row the notice lists (``notice_row``), what it
pays (``Payout``: payout batches take every type that declares one), the places approval
may not exceed (``Quota``), and two hooks the type may need under the engine's lock:
recomputing amounts at final approval, and releasing what rejected or withdrawn items held.
From it the engine gives the transition services (``services``), the review trail, the
reviewer's inbox (``selectors``), the public notice, payout batches (``payouts``), the
pages, and the API. The engine knows no type: types register themselves from their app's
``workflows.py``.

A hook may be given as a dotted path (``"gonghui.aid.services.claims.claims_release"``),
imported at its first call: the services a hook runs usually import the declaration, and a
path keeps that from becoming an import cycle.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import autodiscover_modules, import_string

from gonghui.core.roles import PAYERS, REVIEWERS, SUBMITTERS
from gonghui.core.workflow.models import Action, State, WorkflowItem

# Depth of each union level in the tree (the city is the root).
LEVEL_DEPTH = {"city": 1, "county": 2, "township": 3, "grassroots": 4}
LEVEL_LABEL = {
    "city": "市总工会",
    "county": "区县总工会",
    "township": "乡镇（街道）工会",
    "grassroots": "基层工会",
}

REVIEW_ROLES = REVIEWERS
SUBMIT_ROLES = SUBMITTERS
PAY_ROLES = PAYERS


@dataclass(frozen=True)
class Step:
    """One review step: staff of the owner's ancestor at ``level``, holding one of ``roles``."""

    key: str
    label: str
    level: str
    roles: tuple[str, ...] = REVIEW_ROLES
    # A step that applies only to some items (the city approves above an amount).
    applies: Callable[[Any], bool] | None = None
    overdue_days: int | None = None  # default: settings.GONGHUI_REVIEW_OVERDUE_DAYS
    # Levels above ``level`` whose staff may also decide at this step (the township for a
    # grassroots union that has no reviewer of its own); still only for their subtree.
    deputies: tuple[str, ...] = ()

    @property
    def depth(self) -> int:
        return LEVEL_DEPTH[self.level]

    def decided_at(self, depth: int) -> bool:
        """Whether staff of a union at ``depth`` decide at this step."""
        return depth == self.depth or any(LEVEL_DEPTH[level] == depth for level in self.deputies)


Hook = Callable[..., Any] | str


def _hook(hook: Hook | None) -> Callable[..., Any] | None:
    if isinstance(hook, str):
        return import_string(hook)
    return hook


@dataclass(frozen=True)
class Payout:
    """What a type pays, read from its approved items by payout batches.

    Each reader is a field path from the item (``"member__name"``, ``"union__name"``), read in
    one query for the whole batch. The payee is whoever the path names: a member, a worker
    who has not joined, an enterprise or a union. ``account`` names an encrypted column
    (``CipherField``) of the item itself, where the application keeps the account it is paid
    to; it is opened only to seal the account again to the batch line."""

    purpose: str  # the bank transfer's 用途, e.g. 职工医疗互助金
    payee_name: str
    bank: str = "payee_bank"
    account: str = "account_cipher"
    account_masked: str = "account_masked"
    amount: str = "amount"


@dataclass(frozen=True)
class Quota:
    """Places an approval may not exceed: ``field`` is the item's foreign key to the row that
    holds them (a recuperation batch, an honour's places for a county) and ``places`` reads
    their number from that row (None: no limit).

    The engine locks the rows in primary-key order when items reach final approval, counts
    the items that hold a place (under notice, approved or paid) and refuses the rest with
    the reason; an item rejected or withdrawn after an objection stops holding one, so its
    place is free again without anything to undo."""

    field: str
    places: Callable[[Any], int | None]
    label: str = "名额"


@dataclass(frozen=True)
class Workflow:
    key: str
    label: str
    model: type[WorkflowItem]
    steps: tuple[Step, ...]
    submit_roles: tuple[str, ...] = SUBMIT_ROLES
    submit_levels: tuple[str, ...] = ("grassroots", "township")
    pay_roles: tuple[str, ...] = PAY_ROLES
    # Separation of duties: whoever entered or submitted an item never approves it, and by
    # default one person approves at most one step of an item; a type may allow the same
    # person at several steps (False), never the first rule.
    distinct_approvers: bool = True
    # Days of public notice after the last approval (None: no notice step).
    notice_days: Callable[[Any], int | None] | int | None = None
    # Called under the lock with the items leaving their last review step, before their
    # new state is written: it may recompute and save their ``amount``, and returns
    # {pk: reason} for items that must not pass (they stay where they are).
    before_final: Callable[[list[Any]], dict[int, str]] | str | None = None
    # Called in the same transaction after items were rejected or withdrawn.
    on_release: Callable[[list[Any]], None] | str | None = None
    # Called in the same transaction after items reached approval (after their notice, or
    # at the last review step without one): a type with no payout records its outcome here
    # (an honour in the registry).
    on_approved: Callable[[list[Any]], None] | str | None = None
    # The type's own words for a state ({"approved": "已授予"}): an honour is not 待发放.
    state_labels: dict[str, str] = field(default_factory=dict)
    # The item as the public notice lists it: person_name, id_masked (the engine decides how
    # much of both it shows), union, summary, amount, notice_until; ``name_public``: True
    # publishes the name in full and no ID number (an honour's nominee).
    notice_row: Callable[[Any], dict[str, Any]] | None = None
    payout: Payout | None = None
    quota: Quota | None = None
    select_related: tuple[str, ...] = ()
    url_name: str = ""  # the detail page, reversed with the item's pk
    # Who applied, as the inbox lists it: an attribute path from the item (loaded by
    # ``select_related``): the member, a nominee, an enterprise.
    applicant: str = "member.name"
    extra: dict[str, Any] = field(default_factory=dict)

    def applicable_steps(self, item: Any) -> list[Step]:
        """The steps ``item`` goes through, in order: those at or above its owner's level
        whose condition holds."""
        depth = item.union.depth
        return [
            s for s in self.steps if s.depth <= depth and (s.applies is None or s.applies(item))
        ]

    def step(self, key: str) -> Step | None:
        return next((s for s in self.steps if s.key == key), None)

    def notice_days_for(self, item: Any) -> int | None:
        days = self.notice_days(item) if callable(self.notice_days) else self.notice_days
        return days or None

    def step_label(self, key: str) -> str:
        step = self.step(key)
        return step.label if step else ""

    def run_before_final(self, items: list[Any]) -> dict[int, str]:
        hook = _hook(self.before_final)
        return hook(items) if hook else {}

    def run_on_release(self, items: list[Any]) -> None:
        hook = _hook(self.on_release)
        if hook:
            hook(items)

    def run_on_approved(self, items: list[Any]) -> None:
        hook = _hook(self.on_approved)
        if hook:
            hook(items)

    def applicant_of(self, item: Any) -> str:
        value = item
        for name in self.applicant.split("."):
            value = getattr(value, name, None)
            if value is None:
                return ""
        return str(value)

    def state_label(self, state: str) -> str:
        return self.state_labels.get(state) or State(state).label


_REGISTRY: dict[str, Workflow] = {}


def workflow_register(workflow: Workflow) -> Workflow:
    from gonghui.core.audit import audit_actions_register

    if workflow.notice_days is not None and workflow.notice_row is None:
        raise ImproperlyConfigured(
            f"workflow {workflow.key} has a notice period but declares no notice_row"
        )
    _REGISTRY[workflow.key] = workflow
    # The audit log names each transition "<type>：<action>".
    audit_actions_register(
        {f"{workflow.key}.{a.value}": f"{workflow.label}：{a.label}" for a in Action},
        default=True,
    )
    return workflow


def workflows() -> dict[str, Workflow]:
    autodiscover_modules("workflows")
    return dict(_REGISTRY)


def payables() -> dict[str, Workflow]:
    """The types that declare a payout, in registration order."""
    return {key: wf for key, wf in workflows().items() if wf.payout is not None}


def workflow_get(key: str) -> Workflow:
    found = workflows().get(key)
    if found is None:
        raise KeyError(key)
    return found


def workflow_of(item: Any) -> Workflow:
    for workflow in workflows().values():
        if isinstance(item, workflow.model):
            return workflow
    raise KeyError(type(item).__name__)


__all__: Sequence[str] = (
    "LEVEL_DEPTH",
    "Action",
    "Payout",
    "Quota",
    "State",
    "Step",
    "Workflow",
    "WorkflowItem",
    "payables",
    "workflow_get",
    "workflow_of",
    "workflow_register",
    "workflows",
)
