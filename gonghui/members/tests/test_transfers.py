"""转会 across counties: 吴兴 proposes, 南浔 accepts or declines; both keep the history."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from gonghui.conftest import World
from gonghui.core.models import AuditEvent
from gonghui.members.models import Member, MemberTransfer
from gonghui.members.tests.factories import MemberFactory
from gonghui.members.transfers import transfer_cancel, transfer_decide, transfer_propose


@pytest.fixture
def jiang(world: World) -> Member:
    return MemberFactory.create(union=world.wuxing_grassroots, join_date=date(2020, 1, 1))


def propose(world: World, jiang: Member) -> MemberTransfer:
    done = transfer_propose(
        actor=world.wuxing_staff,
        member=jiang,
        to_union=world.nanxun_grassroots,
        on=date(2023, 6, 1),
        reason="家庭搬迁",
        employer_name="南浔练市电梯有限公司",
    )
    assert isinstance(done, MemberTransfer)
    return done


def test_a_transfer_to_another_county_waits_for_the_receiver(world: World, jiang: Member) -> None:
    proposal = propose(world, jiang)
    jiang.refresh_from_db()
    assert (proposal.state, jiang.union) == ("proposed", world.wuxing_grassroots)


def test_the_receiver_accepts_and_the_member_moves_with_the_new_employer(
    world: World, jiang: Member
) -> None:
    proposal = propose(world, jiang)
    transfer_decide(actor=world.nanxun_staff, transfer_id=proposal.pk, accept=True)
    jiang.refresh_from_db()
    assert (jiang.union, jiang.employer_name) == (world.nanxun_grassroots, "南浔练市电梯有限公司")
    event = jiang.events.get()
    assert (event.from_union, event.union, event.on) == (
        world.wuxing_grassroots,
        world.nanxun_grassroots,
        date(2023, 6, 1),
    )
    assert AuditEvent.objects.filter(action="member.transfer_accept").count() == 1


def test_the_sender_cannot_accept_its_own_proposal(world: World, jiang: Member) -> None:
    proposal = propose(world, jiang)
    with pytest.raises(PermissionDenied):
        transfer_decide(actor=world.wuxing_staff, transfer_id=proposal.pk, accept=True)


def test_a_decline_needs_a_reason_and_leaves_the_member(world: World, jiang: Member) -> None:
    proposal = propose(world, jiang)
    with pytest.raises(ValidationError, match="须填写原因"):
        transfer_decide(actor=world.nanxun_staff, transfer_id=proposal.pk, accept=False)
    transfer_decide(
        actor=world.nanxun_staff, transfer_id=proposal.pk, accept=False, comment="查无此单位"
    )
    jiang.refresh_from_db()
    assert jiang.union == world.wuxing_grassroots


def test_one_open_proposal_per_member(world: World, jiang: Member) -> None:
    propose(world, jiang)
    with pytest.raises(ValidationError, match="已有一份待接收的转会申请"):
        propose(world, jiang)


def test_the_sender_withdraws_before_the_decision(world: World, jiang: Member) -> None:
    proposal = propose(world, jiang)
    transfer_cancel(actor=world.wuxing_staff, transfer_id=proposal.pk)
    with pytest.raises(ValidationError, match="已撤回"):
        transfer_decide(actor=world.nanxun_staff, transfer_id=proposal.pk, accept=True)


def test_a_third_county_sees_no_proposal(world: World, jiang: Member, client_as) -> None:
    from gonghui.core.tests.factories import UserFactory
    from gonghui.orgs.tests.factories import UnionFactory

    changxing = UnionFactory.create(
        parent=world.city, code="330522", name="长兴县总工会", level="county"
    )
    outsider = UserFactory.create(username="changxing_staff", union=changxing, role="staff")
    propose(world, jiang)
    assert "家庭搬迁" not in client_as(outsider).get("/members/transfers/").content.decode()
    assert "家庭搬迁" in client_as(world.nanxun_staff).get("/members/transfers/").content.decode()


def test_within_ones_own_county_the_transfer_is_done_at_once(world: World, jiang: Member) -> None:
    moved = transfer_propose(
        actor=world.wuxing_staff,
        member=jiang,
        to_union=world.zhili,
        on=date(2023, 6, 1),
        reason="工作调动",
    )
    assert isinstance(moved, Member) and moved.union == world.zhili
    assert not MemberTransfer.objects.exists()


def test_the_receiver_accepts_on_the_page(world: World, jiang: Member, client_as) -> None:
    proposal = propose(world, jiang)
    page = client_as(world.nanxun_staff).get("/members/transfers/").content.decode()
    assert f'data-testid="accept-{proposal.pk}"' in page
    client_as(world.nanxun_staff).post(f"/members/transfers/{proposal.pk}/decide/", {"accept": "1"})
    proposal.refresh_from_db()
    assert proposal.state == "accepted"
