"""缓减工会经费: the rules of a relief (one form's and one sheet row's), applying, and settling
a deferral. Dues (or, where no union has been formed yet, the preparatory dues 工会筹备金)
are 2 % of the payroll; a relief may not exceed the period's dues nor overlap a relief of
the same enterprise that is granted or under review."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.db.models import Q

from gonghui.core.actors import Actor, user_of
from gonghui.core.audit import audit_record
from gonghui.core.dates import report_today
from gonghui.core.problems import problems_raise
from gonghui.core.scoping import in_scope
from gonghui.core.sheets.parsers import local_today
from gonghui.core.workflow.models import RELEASED_STATES, State
from gonghui.core.workflow.services import workflow_submit
from gonghui.orgs.models import Enterprise
from gonghui.wages.models import DUES_RATE, DuesRelief, ReliefKind
from gonghui.wages.permissions import own_union, require_edit
from gonghui.wages.workflows import RELIEF

CENT = Decimal("0.01")


@dataclass(frozen=True)
class ReliefTerms:
    kind: str
    period_from: date
    period_to: date
    payroll: Decimal
    amount: Decimal | None  # None: the period's dues in full
    due_on: date | None = None

    @property
    def dues(self) -> Decimal:
        return (self.payroll * DUES_RATE).quantize(CENT)

    @property
    def relieved(self) -> Decimal:
        return self.dues if self.amount is None else self.amount


def overlapping(
    enterprise_ids: Iterable[int], *, exclude: int | None = None
) -> dict[int, list[DuesRelief]]:
    """The reliefs of these enterprises that still hold their period (granted or under
    review), by enterprise: one query for a form or a sheet's batch."""
    rows = DuesRelief.objects.filter(enterprise_id__in=list(enterprise_ids)).exclude(
        state__in=[*RELEASED_STATES, State.DRAFT]
    )
    if exclude:
        rows = rows.exclude(pk=exclude)
    found: dict[int, list[DuesRelief]] = {}
    for relief in rows.only("id", "enterprise_id", "period_from", "period_to", "state"):
        found.setdefault(relief.enterprise_id, []).append(relief)
    return found


def relief_problems(terms: ReliefTerms, held: list[DuesRelief]) -> list[tuple[str, str]]:
    """Every problem of one relief, as (field, message): the same words on a form and on a
    sheet's row."""
    # An enterprise without a union pays 工会筹备金 at the same rate: it may be relieved too.
    problems: list[tuple[str, str]] = []
    if terms.period_to < terms.period_from:
        problems.append(("period_to", "截止月份不能早于起始月份"))
    if terms.payroll <= 0:
        problems.append(("payroll", "工资总额须大于 0"))
    elif terms.amount is not None and terms.amount <= 0:
        problems.append(("amount", "缓减金额须大于 0"))
    elif terms.relieved > terms.dues:
        problems.append(
            (
                "amount",
                f"缓减金额 {terms.relieved:.2f} 元超过该期间应缴经费 {terms.dues:.2f} 元"
                "（工资总额的 2%）",
            )
        )
    if terms.kind == ReliefKind.DEFER:
        if terms.due_on is None:
            problems.append(("due_on", "缓缴须填写缓缴到期日"))
        elif terms.due_on <= terms.period_to:
            problems.append(("due_on", "缓缴到期日须在截止月份之后"))
    elif terms.due_on is not None:
        problems.append(("due_on", "减免不填缓缴到期日"))
    for other in held:
        if other.period_from <= terms.period_to and terms.period_from <= other.period_to:
            what = "已批准" if other.state == State.APPROVED else "审核中"
            problems.append(
                (
                    "period_from",
                    f"与{what}的缓减（编号 {other.pk}，{other.period_label}）期间重叠",
                )
            )
            break
    return problems


def relief_apply(
    *,
    actor: Actor,
    enterprise: Enterprise,
    terms: ReliefTerms,
    reason: str,
    reason_note: str = "",
    policy: str = "",
) -> DuesRelief:
    """Apply for a relief from the actor's union (the enterprise's own, or the township's on
    its behalf) and submit it to the county."""
    union = own_union(actor)
    require_edit(actor, union)
    if not in_scope(actor, enterprise.owner_union):
        problems_raise([("enterprise", "只能为本工会及下级工会的企业申请")])
    with transaction.atomic():
        Enterprise.objects.select_for_update().filter(pk=enterprise.pk).first()
        problems_raise(relief_problems(terms, overlapping([enterprise.pk]).get(enterprise.pk, [])))
        relief = DuesRelief.objects.create(
            union=union,
            enterprise=enterprise,
            kind=terms.kind,
            period_from=terms.period_from,
            period_to=terms.period_to,
            payroll=terms.payroll,
            amount=terms.relieved,
            due_on=terms.due_on,
            reason=reason,
            reason_note=reason_note.strip(),
            policy=policy.strip(),
            entered_by=user_of(actor),
        )
        submitted: DuesRelief = workflow_submit(RELIEF, relief, actor=actor)
    return submitted


def relief_settle(*, actor: Actor, relief: DuesRelief, settled_on: date) -> DuesRelief:
    """Record that a granted deferral's dues were paid."""
    require_edit(actor, relief.union)
    problems: list[tuple[str, str]] = []
    if relief.kind != ReliefKind.DEFER or relief.state != State.APPROVED:
        problems.append(("settled_on", "只有已批准的缓缴可以登记补缴"))
    elif relief.settled_on is not None:
        problems.append(("settled_on", f"已于 {relief.settled_on:%Y-%m-%d} 登记补缴"))
    if settled_on > local_today():
        problems.append(("settled_on", "补缴日期不能晚于今天"))
    problems_raise(problems)
    updated = DuesRelief.objects.filter(pk=relief.pk, settled_on__isnull=True).update(
        settled_on=settled_on
    )
    if not updated:
        problems_raise([("settled_on", "已登记补缴")])
    relief.settled_on = settled_on
    audit_record(
        actor=actor,
        action="wages.relief.settle",
        union=relief.union,
        summary=f"登记{relief.enterprise.name}缓缴经费补缴（{settled_on:%Y-%m-%d}）",
    )
    return relief


def deferrals_overdue(*, on: date | None = None) -> Q:
    """Granted deferrals past their due day (by default the report day) and not yet
    settled."""
    on = on or report_today()
    return Q(
        kind=ReliefKind.DEFER,
        state=State.APPROVED,
        due_on__lt=on,
        settled_on__isnull=True,
    )
