"""Joining the union online (网上入会): a worker's application from the portal, and what its
approval does. The application is the workflow type ``member_application``; approval makes
the person a member of the union applied to on the day of approval, through
``member_join`` (so the membership period, the tree's counts and the registered worker's
link are written as for any join), channel 网上入会, or 集中入会 with the event when the
application came from an event's QR code."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from gonghui.core import pii
from gonghui.core.actors import ApplicantActor, SystemActor
from gonghui.core.audit import audit_record
from gonghui.core.problems import problems_raise
from gonghui.core.workflow.models import Action, State
from gonghui.core.workflow.services import transition, workflow_submit
from gonghui.members.models import EmploymentForm, JoinChannel, MassEnrollment, Member
from gonghui.members.services import member_join
from gonghui.members.sheets import MEMBER_HOLDING_LEVELS
from gonghui.members.workers import person_problems
from gonghui.orgs.models import Enterprise, Union
from gonghui.portal.models import JoinApplication, WorkerAccount
from gonghui.portal.services.accounts import account_id_number
from gonghui.portal.workflows import JOIN

# An application in one of these states is still being handled: a second one waits.
OPEN_STATES = (State.DRAFT, State.IN_REVIEW, State.RETURNED, State.NOTICE)
ALREADY_MEMBER = "您已是工会会员，无须再申请入会；如需换到其他工会，请联系所在工会办理转会。"
STILL_OPEN = "您已有一份入会申请正在办理，请等待审核结果，或先撤回那一份。"


@dataclass
class JoinForm:
    union: Union | None
    employer_name: str
    employer_uscc: str
    employment_form: str
    occupation: str
    mass_enrollment: MassEnrollment | None = None


def event_is_open(event: MassEnrollment, today: Any = None) -> bool:
    """A 集中入会 event takes applications on its day (its QR code is shown there)."""
    return event.held_on == (today or timezone.localdate())


def _union_problems(form: JoinForm, uscc: str) -> list[tuple[str, str]]:
    union = form.union
    if union is None:
        return [("union", "请选择要加入的工会。")]
    if union.level not in MEMBER_HOLDING_LEVELS:
        return [("union", "请选择基层工会，或乡镇（街道）的联合工会、兜底工会。")]
    if form.mass_enrollment is not None and form.mass_enrollment.union_id != union.pk:
        return [("union", "集中入会活动的申请只能交给举办活动的工会。")]
    enterprise = (
        Enterprise.objects.select_related("union", "owner_union").filter(uscc=uscc).first()
        if uscc
        else None
    )
    if enterprise is None:
        return []
    # The employer is known: its own union, or a union of the township it lies in.
    township = enterprise.owner_union
    if enterprise.union_id == union.pk or str(union.path).startswith(township.path):
        return []
    return [
        (
            "union",
            f"所选工会不在单位所在的{township.name}，请选择单位的工会，"
            "或所在乡镇（街道）的联合工会、兜底工会。",
        )
    ]


def join_apply(*, account: WorkerAccount, form: JoinForm) -> JoinApplication:
    """The worker's application, submitted to its first review step at once. Every problem
    of what was typed is raised at once; nothing is saved unless all is well."""
    problems: list[tuple[str, str]] = []
    employer_name = form.employer_name.strip()[:128]
    if not employer_name:
        problems.append(("employer_name", "请填写工作单位（平台或公司名称）。"))
    uscc = ""
    if form.employer_uscc.strip():
        try:
            uscc = pii.normalize_uscc(form.employer_uscc)
        except ValidationError as exc:
            problems.append(("employer_uscc", exc.messages[0]))
    problems += person_problems(employment_form=form.employment_form, occupation=form.occupation)
    problems += _union_problems(form, uscc)
    event = form.mass_enrollment
    if event is not None and not event_is_open(event):
        problems.append(
            ("mass_enrollment", f"集中入会活动“{event.name}”不在今天举办，已不能报名。")
        )
    if Member.objects.filter(id_hash=account.id_hash, status=Member.Status.ACTIVE).exists():
        problems.append(("__all__", ALREADY_MEMBER))
    if JoinApplication.objects.filter(account=account, state__in=OPEN_STATES).exists():
        problems.append(("__all__", STILL_OPEN))
    problems_raise(problems)
    assert form.union is not None
    with transaction.atomic():
        # The account's row is the lock two submissions from two tabs queue on.
        WorkerAccount.objects.select_for_update().get(pk=account.pk)
        if JoinApplication.objects.filter(account=account, state__in=OPEN_STATES).exists():
            raise ValidationError(STILL_OPEN, code="still_open")
        item = JoinApplication.objects.create(
            union=form.union,
            account=account,
            person_hash=account.id_hash,
            person_name=account.name,
            person_masked=account.id_masked,
            employer_name=employer_name,
            employer_uscc=uscc,
            employment_form=form.employment_form,
            occupation=form.occupation,
            mass_enrollment=event,
            entered_by=account.user,
        )
        audit_record(
            actor=account.user,
            action="portal.join.apply",
            obj=item,
            union=form.union,
            summary=f"{account.name}（{account.id_masked}）申请加入{form.union.name}",
        )
        workflow_submit(JOIN, item, actor=applicant(account, form.union))
    return JoinApplication.objects.select_related("union").get(pk=item.pk)


def applicant(account: WorkerAccount, union: Union) -> ApplicantActor:
    """The worker as the workflow engine's actor for an application to ``union``."""
    return ApplicantActor(
        union=union,
        user_id=account.user_id,
        person_hash=account.id_hash,
        audit_name=f"{account.name}（本人）",
    )


def join_withdraw(*, account: WorkerAccount, item: JoinApplication) -> JoinApplication:
    """The worker withdraws their own application while it is under review."""
    if item.account_id != account.pk:
        raise ValidationError("未找到这份申请。", code="not_found")
    return transition(JOIN, item.pk, Action.WITHDRAW, actor=applicant(account, item.union))


# Hooks of the workflow type -----------------------------------------------------------------


def joins_refusals(items: list[JoinApplication]) -> dict[int, str]:
    """Before approval: a person who became a member meanwhile (a roster import, a staff
    join) is not enrolled twice; their application stays at its step with the reason."""
    active = set(
        Member.objects.filter(
            id_hash__in=[i.person_hash for i in items], status=Member.Status.ACTIVE
        ).values_list("id_hash", flat=True)
    )
    return {
        i.pk: f"{i.person_name}已是会员（可能已由名册导入），请退回或不予通过这份申请。"
        for i in items
        if i.person_hash in active
    }


def joins_approved(items: list[JoinApplication]) -> None:
    """In the approval's transaction: each applicant joins the union applied to, today."""
    today = timezone.localdate()
    for item in items:
        account = item.account
        id18 = account_id_number(account)
        phone = (
            pii.column_cipher(WorkerAccount.phone_cipher).decrypt(account.pk, account.phone_cipher)
            if account.phone_cipher
            else ""
        )
        event = item.mass_enrollment
        member = member_join(
            actor=SystemActor(item.union, audit_name="入会申请审批通过"),
            union=item.union,
            name=item.person_name,
            id_number=id18,
            phone=phone,
            employer_name=item.employer_name,
            employer_uscc=item.employer_uscc,
            employment_form=item.employment_form or EmploymentForm.NEW_FORM,
            occupation=item.occupation,
            join_date=today,
            channel=JoinChannel.MASS_ENROLLMENT if event is not None else JoinChannel.ONLINE,
            mass_enrollment=event,
        )
        JoinApplication.objects.filter(pk=item.pk).update(member=member)
        item.member = member
