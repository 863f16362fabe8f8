"""Joining online: the worker's application, its review by the union applied to, and what
approval makes of the person (a member, counted in that union on the day of approval)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from gonghui.conftest import World
from gonghui.core.indicators.periods import Period
from gonghui.core.indicators.registry import indicator_get, indicator_values
from gonghui.core.models import Role
from gonghui.core.pii import uscc_compose
from gonghui.core.tests.factories import UserFactory
from gonghui.core.workflow.models import Action, ReviewEntry, State
from gonghui.core.workflow.services import transition
from gonghui.members.models import JoinChannel, MassEnrollment, Member
from gonghui.members.tests.factories import MemberFactory, WorkerFactory
from gonghui.orgs.models import Enterprise, Region, Union
from gonghui.portal.models import JoinApplication, WorkerAccount
from gonghui.portal.selectors import access_own_join, timeline
from gonghui.portal.services.joining import (
    ALREADY_MEMBER,
    STILL_OPEN,
    JoinForm,
    join_apply,
    join_withdraw,
)
from gonghui.portal.tests.factories import account_signed_up, person_id
from gonghui.portal.workflows import JOIN


def apply(account: WorkerAccount, union: Union | None, **changes: Any) -> JoinApplication:
    form = JoinForm(
        union=union,
        employer_name="美团外卖湖州站",
        employer_uscc="",
        employment_form="new_form",
        occupation="delivery_rider",
    )
    for key, value in changes.items():
        setattr(form, key, value)
    return join_apply(account=account, form=form)


def reviewer_of(union: Union, name: str = "grassroots_reviewer") -> Any:
    return UserFactory.create(username=name, union=union, role=Role.REVIEWER)


def test_an_application_goes_to_the_grassroots_union_s_own_review(world: World) -> None:
    item = apply(account_signed_up(), world.wuxing_grassroots)
    assert (item.state, item.step) == (State.IN_REVIEW, "grassroots_review")
    submitted = ReviewEntry.objects.get(workflow=JOIN.key, object_id=item.pk)
    assert (submitted.action, submitted.actor_name) == (Action.SUBMIT, "王骑手（本人）")


def test_an_application_to_a_township_union_is_reviewed_by_the_township(world: World) -> None:
    item = apply(account_signed_up(), world.yuehe)
    assert item.step == "township_review"
    transition(JOIN, item.pk, Action.APPROVE, actor=reviewer_of(world.yuehe))
    assert Member.objects.get(id_hash=item.person_hash).union == world.yuehe


def test_approval_makes_a_person_on_no_roster_a_member_today(world: World) -> None:
    account = account_signed_up()
    item = apply(account, world.wuxing_grassroots)
    transition(JOIN, item.pk, Action.APPROVE, actor=world.grassroots_chair)
    member = Member.objects.get(id_hash=account.id_hash)
    today = timezone.localdate()
    assert (member.union, member.join_date, member.join_channel) == (
        world.wuxing_grassroots,
        today,
        JoinChannel.ONLINE,
    )
    assert (member.name, member.occupation, member.employer_name) == (
        "王骑手",
        "delivery_rider",
        "美团外卖湖州站",
    )
    item.refresh_from_db()
    assert (item.state, item.member_id) == (State.APPROVED, member.pk)


def test_the_join_is_counted_in_the_approving_union_on_the_approval_date(world: World) -> None:
    item = apply(account_signed_up(), world.wuxing_grassroots)
    transition(JOIN, item.pk, Action.APPROVE, actor=world.grassroots_chair)
    today = timezone.localdate()
    month = Period.month(today.year, today.month)
    (new,) = indicator_values(indicator_get("members_new"), union=world.wuxing, periods=[month])
    assert new.total == 1
    assert new.child(world.yuehe.code) == 1
    (nanxun,) = indicator_values(indicator_get("members_new"), union=world.nanxun, periods=[month])
    assert nanxun.total == 0


def test_a_registered_worker_who_joins_is_linked_to_the_new_member(world: World) -> None:
    registered = WorkerFactory.create(
        union=world.yuehe, name="王骑手", id_number=person_id(1), phone="13700000001"
    )
    item = apply(account_signed_up(), world.wuxing_grassroots)
    transition(JOIN, item.pk, Action.APPROVE, actor=world.grassroots_chair)
    registered.refresh_from_db()
    assert registered.member == Member.objects.get(id_hash=registered.id_hash)


def test_a_rejected_application_makes_no_member_and_tells_why(world: World) -> None:
    account = account_signed_up()
    item = apply(account, world.wuxing_grassroots)
    transition(JOIN, item.pk, Action.REJECT, actor=world.grassroots_chair, comment="非本单位职工")
    assert not Member.objects.filter(id_hash=account.id_hash).exists()
    moments = timeline(JOIN, item)
    assert [m.title for m in moments] == ["已提交", "未通过"]
    assert "意见：非本单位职工" in moments[1].detail
    assert "基层工会审核" in moments[1].detail


def test_a_second_open_application_is_refused(world: World) -> None:
    account = account_signed_up()
    apply(account, world.wuxing_grassroots)
    with pytest.raises(ValidationError) as refused:
        apply(account, world.yuehe)
    assert refused.value.messages == [STILL_OPEN]
    assert JoinApplication.objects.count() == 1


def test_a_member_cannot_apply(world: World) -> None:
    MemberFactory.create(
        union=world.nanxun_grassroots, name="王骑手", id_number=person_id(1), phone=""
    )
    with pytest.raises(ValidationError) as refused:
        apply(account_signed_up(), world.wuxing_grassroots)
    assert refused.value.messages == [ALREADY_MEMBER]


def test_a_new_form_worker_names_the_occupation_and_every_problem_is_given(world: World) -> None:
    with pytest.raises(ValidationError) as refused:
        apply(account_signed_up(), None, occupation="", employer_name="", employer_uscc="123")
    assert set(refused.value.message_dict) == {
        "union",
        "occupation",
        "employer_name",
        "employer_uscc",
    }
    assert not JoinApplication.objects.exists()


def test_a_county_union_is_not_joined_directly(world: World) -> None:
    with pytest.raises(ValidationError) as refused:
        apply(account_signed_up(), world.wuxing)
    assert "基层工会" in refused.value.message_dict["union"][0]


USCC = uscc_compose("91330502MA2B3C4D5")


def test_a_union_outside_the_employer_s_township_is_refused(world: World) -> None:
    township = Region.objects.create(code="330502001", name="月河街道", level="township")
    Enterprise.objects.create(
        name="湖州顺达快递有限公司",
        uscc=USCC,
        region=township,
        owner_union=world.yuehe,
    )
    with pytest.raises(ValidationError) as refused:
        apply(account_signed_up(), world.nanxun_town, employer_uscc=USCC)
    assert "月河街道工会" in refused.value.message_dict["union"][0]
    assert apply(account_signed_up(n=2, phone="13700000002"), world.yuehe, employer_uscc=USCC)


def test_an_application_at_an_event_joins_through_the_event(world: World) -> None:
    event = MassEnrollment.objects.create(
        union=world.yuehe, name="月河街道骑手集中入会", held_on=timezone.localdate()
    )
    account = account_signed_up()
    item = apply(account, world.yuehe, mass_enrollment=event)
    transition(JOIN, item.pk, Action.APPROVE, actor=reviewer_of(world.yuehe))
    member = Member.objects.get(id_hash=account.id_hash)
    assert (member.join_channel, member.mass_enrollment) == (JoinChannel.MASS_ENROLLMENT, event)


def test_an_event_not_held_today_takes_no_application(world: World) -> None:
    event = MassEnrollment.objects.create(
        union=world.yuehe, name="上月集中入会", held_on=timezone.localdate() - timedelta(days=30)
    )
    with pytest.raises(ValidationError) as refused:
        apply(account_signed_up(), world.yuehe, mass_enrollment=event)
    assert "已不能报名" in refused.value.message_dict["mass_enrollment"][0]


def test_someone_who_became_a_member_meanwhile_is_not_enrolled_twice(world: World) -> None:
    item = apply(account_signed_up(), world.wuxing_grassroots)
    MemberFactory.create(union=world.nanxun_grassroots, name="王骑手", id_number=person_id(1))
    with pytest.raises(ValidationError) as refused:
        transition(JOIN, item.pk, Action.APPROVE, actor=world.grassroots_chair)
    assert "已是会员" in refused.value.messages[0]
    item.refresh_from_db()
    assert item.state == State.IN_REVIEW


def test_a_worker_withdraws_their_own_application(world: World) -> None:
    account = account_signed_up()
    item = apply(account, world.wuxing_grassroots)
    assert join_withdraw(account=account, item=item).state == State.WITHDRAWN
    assert apply(account, world.wuxing_grassroots).state == State.IN_REVIEW


def test_a_worker_reaches_only_their_own_applications(world: World) -> None:
    item = apply(account_signed_up(), world.wuxing_grassroots)
    other = account_signed_up(name="李骑手", n=2, phone="13700000002")
    with pytest.raises(Http404):
        access_own_join(account=other, join_id=item.pk)
    with pytest.raises(ValidationError):
        join_withdraw(account=other, item=item)


def test_the_applicant_may_not_approve_anything(world: World) -> None:
    from gonghui.portal.services.joining import applicant

    account = account_signed_up()
    item = apply(account, world.wuxing_grassroots)
    with pytest.raises(PermissionDenied):
        transition(JOIN, item.pk, Action.APPROVE, actor=applicant(account, item.union))


def test_the_township_may_decide_for_a_grassroots_union_of_its_area(world: World) -> None:
    township_reviewer = reviewer_of(world.yuehe, "yuehe_reviewer")
    item = apply(account_signed_up(), world.wuxing_grassroots)
    transition(JOIN, item.pk, Action.APPROVE, actor=township_reviewer)
    assert Member.objects.get(id_hash=item.person_hash).union == world.wuxing_grassroots
    # Another township's reviewer does not see it at all.
    other = apply(
        account_signed_up(name="李骑手", n=2, phone="13700000002"), world.wuxing_grassroots
    )
    with pytest.raises(Http404):
        transition(
            JOIN, other.pk, Action.APPROVE, actor=reviewer_of(world.nanxun_town, "nx_reviewer")
        )
