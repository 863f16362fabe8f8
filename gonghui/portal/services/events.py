"""集中入会 events: a union office sets one up (date, place, union), shows its QR code at the
event, workers scan it and apply from their phones (the application names the event), and
the office approves them there in one go. Each application made at the event is its
attendance record; the members it makes carry the event (``Member.mass_enrollment``)."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction

from gonghui.core.actors import Actor
from gonghui.core.audit import audit_record
from gonghui.core.problems import problems_raise
from gonghui.core.scoping import require_in_scope
from gonghui.core.workflow.models import Action, State
from gonghui.core.workflow.services import TransitionReport, transition_many
from gonghui.members.models import MassEnrollment
from gonghui.members.permissions import require_member_editor
from gonghui.members.sheets import MEMBER_HOLDING_LEVELS
from gonghui.orgs.models import Union
from gonghui.portal.models import JoinApplication
from gonghui.portal.workflows import JOIN


@transaction.atomic
def event_create(
    *, actor: Actor, union: Union, name: str, held_on: date | None, location: str
) -> MassEnrollment:
    require_member_editor(actor)
    require_in_scope(actor, union, "只能为本工会及下级工会举办集中入会活动。")
    problems: list[tuple[str, str]] = []
    if union.level not in MEMBER_HOLDING_LEVELS:
        problems.append(
            ("union", "集中入会活动须由基层工会或乡镇（街道）工会举办，会员归属该工会。")
        )
    if not name.strip():
        problems.append(("name", "请填写活动名称。"))
    if held_on is None:
        problems.append(("held_on", "请填写活动日期。"))
    problems_raise(problems)
    assert held_on is not None
    event = MassEnrollment.objects.create(
        union=union, name=name.strip()[:128], held_on=held_on, location=location.strip()[:128]
    )
    audit_record(
        actor=actor,
        action="portal.event.create",
        obj=event,
        union=union,
        summary=f"举办集中入会活动“{event.name}”（{held_on:%Y-%m-%d}）",
    )
    return event


def event_approve(*, actor: Actor, event: MassEnrollment, ids: list[int]) -> TransitionReport:
    """Approve the chosen applications of the event still under review, through the engine
    (each refusal, such as someone who became a member meanwhile, is reported by item)."""
    if not ids:
        raise ValidationError("请勾选要通过的申请。", code="none_chosen")
    mine = list(
        JoinApplication.objects.filter(
            pk__in=ids, mass_enrollment=event, state=State.IN_REVIEW
        ).values_list("pk", flat=True)
    )
    return transition_many(JOIN, mine, Action.APPROVE, actor=actor)
