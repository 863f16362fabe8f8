"""Participation: distinct people of a group served ÷ people in the group, by child union."""

from __future__ import annotations

from datetime import date

from gonghui.aid.tests.factories import ApprovedClaimFactory
from gonghui.care.selectors import participation
from gonghui.care.tests.factories import DeliveryFactory, standard
from gonghui.conftest import World
from gonghui.core.workflow.models import State
from gonghui.members.models import EmploymentForm, Member, Occupation
from gonghui.members.people import group_get
from gonghui.members.tests.factories import MemberFactory, WorkerFactory, id_number_for

H1 = (date(2023, 1, 1), date(2023, 6, 30))


def rates(world: World, item_key: str = "health_checkup", group: str = "new_form"):
    total, rows = participation(
        actor=world.city_admin,
        union=world.city,
        item=standard(item_key),
        group=group_get(group),
        start=H1[0],
        end=H1[1],
    )
    return (total.served, total.people), {r.union.code: (r.served, r.people) for r in rows}


def courier_member(world: World, union=None, **over):
    return MemberFactory.create(
        union=union or world.wuxing_grassroots,
        employment_form=EmploymentForm.NEW_FORM,
        occupation=Occupation.COURIER,
        **over,
    )


def test_people_are_members_and_registered_workers_each_once(world: World) -> None:
    served = courier_member(world, id_number=id_number_for(21))
    courier_member(world, union=world.nanxun_grassroots)
    WorkerFactory.create(union=world.yuehe)
    # Registered, then joined: the member, not a second person.
    WorkerFactory.create(union=world.yuehe, id_number=id_number_for(21), member=served)
    DeliveryFactory.create(person=served, union=world.yuehe, on=date(2023, 3, 1))
    DeliveryFactory.create(person=served, union=world.yuehe, on=date(2023, 4, 1))
    total, by_county = rates(world)
    assert total == (1, 3)
    assert by_county == {"330502": (1, 2), "330503": (0, 1)}


def test_a_registered_worker_who_joined_is_counted_as_the_member(world: World) -> None:
    member = courier_member(world, id_number=id_number_for(22))
    WorkerFactory.create(union=world.yuehe, member=member, id_number=id_number_for(22))
    total, _ = rates(world)
    assert total == (0, 1)


def test_a_worker_whose_membership_ended_is_counted_by_the_registration(world: World) -> None:
    member = courier_member(world, status=Member.Status.LEFT, id_number=id_number_for(23))
    WorkerFactory.create(union=world.zhili, member=member, id_number=id_number_for(23))
    total, by_county = rates(world)
    assert total == (0, 1)
    assert by_county["330502"] == (0, 1)


def test_deliveries_outside_the_period_do_not_count(world: World) -> None:
    member = courier_member(world)
    DeliveryFactory.create(person=member, union=world.yuehe, on=date(2023, 7, 1))
    assert rates(world)[0] == (0, 1)


def test_a_paid_mutual_aid_claim_is_a_delivery_of_medical_security(world: World) -> None:
    member = courier_member(world)
    claim = ApprovedClaimFactory.create(member=member, union=world.wuxing_grassroots)
    type(claim).objects.filter(pk=claim.pk).update(state=State.PAID, paid_on=date(2023, 5, 2))
    assert rates(world, "medical_security")[0] == (1, 1)


def test_an_occupation_group_counts_only_that_occupation(world: World) -> None:
    courier_member(world)
    WorkerFactory.create(union=world.yuehe, occupation=Occupation.DELIVERY_RIDER)
    assert rates(world, group="occupation:delivery_rider")[0] == (0, 1)


def test_the_board_shows_both_parts_and_the_light(world: World, client_as) -> None:
    member = courier_member(world)
    DeliveryFactory.create(person=member, union=world.yuehe, on=date(2023, 3, 1))
    page = client_as(world.city_admin).get(
        "/care/participation/?item=health_checkup&group=new_form&start=2023-01-01&end=2023-06-30"
    )
    text = page.content.decode()
    assert "吴兴区总工会" in text and "100.0%" in text and "已达标" in text
