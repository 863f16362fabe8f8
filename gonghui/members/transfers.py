"""转会 between unions: within one's own subtree at once, across it (another county) as a
proposal the receiving union accepts or declines. Every step is locked and audited."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from gonghui.core import pii
from gonghui.core.actors import Actor, user_of
from gonghui.core.audit import audit_record
from gonghui.core.scoping import access, in_scope
from gonghui.members.models import Member, MemberTransfer
from gonghui.members.permissions import (
    require_receiving_union,
    require_sending_union,
    require_transfer_handler,
)
from gonghui.members.services import _require_holding_union, member_transfer
from gonghui.orgs.models import Union


def transfer_propose(
    *,
    actor: Actor,
    member: Member,
    to_union: Union,
    on: date,
    reason: str,
    employer_name: str = "",
    employer_uscc: str = "",
) -> MemberTransfer | Member:
    """Transfer ``member`` to ``to_union``: done at once when the actor's scope covers the
    receiving union (the member is returned), otherwise proposed to it (the proposal is)."""
    require_transfer_handler(actor)
    member = access(Member.objects.select_related("union"), actor=actor, pk=member.pk)
    reason = reason.strip()
    if not reason:
        raise ValidationError("请填写转会原因。", code="reason_required")
    _require_holding_union(to_union)
    if employer_uscc.strip():
        employer_uscc = pii.normalize_uscc(employer_uscc)
    if in_scope(actor, to_union):
        return member_transfer(
            actor=actor,
            member=member,
            to_union=to_union,
            on=on,
            reason=reason,
            employer_name=employer_name or None,
            employer_uscc=employer_uscc or None,
        )
    if member.status != Member.Status.ACTIVE:
        raise ValidationError("已退会的会员不能转会。", code="not_active")
    if on > timezone.localdate() or on < member.join_date:
        raise ValidationError("转会日期须在入会日期之后、今天之前。", code="transfer_date")
    try:
        with transaction.atomic():
            proposal = MemberTransfer.objects.create(
                member=member,
                from_union=member.union,
                to_union=to_union,
                on=on,
                reason=reason[:200],
                employer_name=employer_name.strip()[:128],
                employer_uscc=employer_uscc,
                proposed_by=user_of(actor),
            )
            audit_record(
                actor=actor,
                action="member.transfer_propose",
                obj=proposal,
                union=member.union,
                summary=f"申请将{member.name}（{member.id_masked}）转入{to_union.name}：{reason[:100]}",
            )
    except IntegrityError as exc:
        raise ValidationError(
            "该会员已有一份待接收的转会申请，请等待对方处理或先撤回。", code="open_transfer"
        ) from exc
    return proposal


def transfers_visible(*, actor: Actor) -> QuerySet[MemberTransfer]:
    return MemberTransfer.objects.visible_to(actor).select_related(
        "member", "from_union", "to_union", "proposed_by", "decided_by"
    )


def _lock(actor: Actor, transfer_id: int) -> MemberTransfer:
    found = (
        MemberTransfer.objects.visible_to(actor)
        .select_for_update(of=("self",))
        .select_related("member", "from_union", "to_union")
        .filter(pk=transfer_id)
        .first()
    )
    if found is None:
        raise Http404("未找到该转会申请，或不在您的管辖范围内。")
    if found.state != MemberTransfer.State.PROPOSED:
        raise ValidationError(
            f"该转会申请已{found.get_state_display()}，不能再处理。", code="decided"
        )
    return found


@transaction.atomic
def transfer_decide(
    *, actor: Actor, transfer_id: int, accept: bool, comment: str = ""
) -> MemberTransfer:
    """The receiving union accepts (the member moves, with the new employer) or declines."""
    proposal = _lock(actor, transfer_id)  # 404 out of scope, before any role check
    require_receiving_union(actor, proposal)
    if not accept and not comment.strip():
        raise ValidationError("拒绝转会须填写原因。", code="comment_required")
    if accept:
        member_transfer(
            actor=actor,
            member=proposal.member,
            to_union=proposal.to_union,
            on=proposal.on,
            reason=proposal.reason,
            employer_name=proposal.employer_name or None,
            employer_uscc=proposal.employer_uscc or None,
        )
    proposal.state = MemberTransfer.State.ACCEPTED if accept else MemberTransfer.State.DECLINED
    proposal.decided_by = user_of(actor)
    proposal.decided_at = timezone.now()
    proposal.comment = comment.strip()[:200]
    proposal.save()
    audit_record(
        actor=actor,
        action="member.transfer_accept" if accept else "member.transfer_decline",
        obj=proposal,
        union=proposal.to_union,
        summary=f"{'接收' if accept else '拒绝'}{proposal.member.name}（{proposal.member.id_masked}）"
        f"自{proposal.from_union.name}转入"
        + (f"：{comment.strip()[:100]}" if comment.strip() else ""),
    )
    return proposal


@transaction.atomic
def transfer_cancel(*, actor: Actor, transfer_id: int) -> MemberTransfer:
    """The sending union withdraws its proposal before the receiver decides."""
    proposal = _lock(actor, transfer_id)
    require_sending_union(actor, proposal)
    proposal.state = MemberTransfer.State.CANCELLED
    proposal.decided_by = user_of(actor)
    proposal.decided_at = timezone.now()
    proposal.save()
    audit_record(
        actor=actor,
        action="member.transfer_cancel",
        obj=proposal,
        union=proposal.from_union,
        summary=f"撤回{proposal.member.name}（{proposal.member.id_masked}）转入{proposal.to_union.name}的申请",
    )
    return proposal
