"""For the worker: booking counselling at a station of their county, the nearest stations,
the perks due this month and the services received; and a worker acts for themselves only."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.utils import timezone

from gonghui.aid.models import MutualAidClaim
from gonghui.aid.services.claims import claim_create
from gonghui.aid.tests.test_claim_pages import enrolled_member, form_data
from gonghui.care.models import BookingChannel, CounselingBooking, CounselingSlot, Eligibility, Unit
from gonghui.care.services.catalogue import item_create
from gonghui.care.services.counseling import booking_make
from gonghui.care.services.perks import perk_create, perk_deliver
from gonghui.conftest import World, login
from gonghui.core import pii
from gonghui.core.models import Role, User
from gonghui.members.models import Member
from gonghui.members.tests.factories import MemberFactory
from gonghui.portal.models import WorkerAccount
from gonghui.portal.services.accounts import SignupForm, account_signup
from gonghui.portal.services.joining import applicant
from gonghui.portal.tests.factories import PASSWORD, account_signed_up
from gonghui.sites.tests.factories import SiteFactory

TODAY = timezone.localdate()
# Born in this month, so a birthday perk is due now.
BIRTHDAY_ID = pii.id_number_compose("330502", date(1990, TODAY.month, 10), 31)


def member_with_account(world: World, id_number: str = BIRTHDAY_ID) -> WorkerAccount:
    MemberFactory.create(
        union=world.wuxing_grassroots, name="周骑手", id_number=id_number, phone=""
    )
    return account_signup(form=SignupForm("周骑手", id_number, "13700000031", PASSWORD), ip=None)


def slot_tomorrow(world: World) -> CounselingSlot:
    counselor = User.objects.create(
        username="yuehe_counselor", union=world.yuehe, role=Role.COUNSELOR
    )
    station = SiteFactory.create(union=world.yuehe, name="月河心理站", kind="counseling_station")
    return CounselingSlot.objects.create(
        union=world.yuehe,
        station=station,
        counselor=counselor,
        starts_at=timezone.now() + timedelta(days=1),
    )


def test_a_member_books_a_free_hour_for_themselves(world: World, client: Client) -> None:
    account = member_with_account(world)
    slot = slot_tomorrow(world)
    login(client, account.user)
    assert "月河心理站" in client.get("/m/counseling/").content.decode()
    client.post("/m/counseling/", {"slot": slot.pk, "topic": "work"})
    booking = CounselingBooking.objects.get()
    assert (booking.person_hash, booking.channel, booking.booked_by_id) == (
        account.id_hash,
        BookingChannel.SELF,
        account.user_id,
    )
    page = client.get("/m/counseling/").content.decode()
    assert 'data-testid="bookings"' in page and 'data-testid="no-slots"' in page


def test_a_second_booking_waits_for_the_first(world: World, client: Client) -> None:
    account = member_with_account(world)
    first = slot_tomorrow(world)
    second = CounselingSlot.objects.create(
        union=world.yuehe,
        station=first.station,
        counselor=first.counselor,
        starts_at=first.starts_at + timedelta(hours=2),
    )
    login(client, account.user)
    client.post("/m/counseling/", {"slot": first.pk, "topic": "work"})
    response = client.post("/m/counseling/", {"slot": second.pk, "topic": "work"})
    assert response.status_code == 400
    assert "请先完成或取消该预约" in response.content.decode()
    assert CounselingBooking.objects.count() == 1


def test_a_worker_on_no_record_is_told_to_join_first(world: World, client: Client) -> None:
    login(client, account_signed_up().user)
    assert 'data-testid="counseling-none"' in client.get("/m/counseling/").content.decode()


def test_a_worker_books_for_no_one_else(world: World) -> None:
    account = member_with_account(world)
    other = MemberFactory.create(union=world.wuxing_grassroots, name="别人")
    slot = slot_tomorrow(world)
    actor = applicant(account, world.wuxing_grassroots)
    other_id = pii.column_cipher(Member.id_cipher).decrypt(other.pk, other.id_cipher)
    with pytest.raises(PermissionDenied):
        booking_make(
            actor=actor,
            slot=slot,
            id_number=other_id,
            name="别人",
            topic="work",
            channel=BookingChannel.SELF,
        )
    with pytest.raises(PermissionDenied):
        booking_make(
            actor=actor,
            slot=slot,
            id_number=BIRTHDAY_ID,
            name="周骑手",
            topic="work",
            channel=BookingChannel.STAFF,
        )
    assert not CounselingBooking.objects.exists()


def test_a_worker_claims_for_no_one_else(world: World) -> None:
    account = member_with_account(world)
    other = enrolled_member(world.wuxing_grassroots)
    fields = {k: v for k, v in form_data().items() if not k.startswith(("doc_", "id_number"))}
    with pytest.raises(PermissionDenied):
        claim_create(actor=applicant(account, other.union), member=other, **fields)
    assert not MutualAidClaim.objects.exists()


def test_the_nearest_stations_come_from_the_phone_s_position(world: World, client) -> None:
    SiteFactory.create(union=world.yuehe, code="WX1", name="月河骑手驿站")
    login(client, account_signed_up().user)
    page = client.get("/m/near/", {"lng": "120.0884", "lat": "30.8734", "system": "wgs84"})
    body = page.content.decode()
    assert "月河骑手驿站" in body and "米" in body
    far = client.get("/m/near/", {"lng": "116.39", "lat": "39.9", "system": "wgs84"})
    assert "不在本市范围内" in far.content.decode()


def test_a_birthday_perk_is_due_until_it_is_given(world: World, client: Client) -> None:
    account = member_with_account(world)
    item = item_create(
        actor=world.wuxing_staff,
        union=world.wuxing,
        name="生日蛋糕券",
        eligibility=Eligibility.EVERYONE,
        unit=Unit.YUAN,
    )
    perk = perk_create(
        actor=world.wuxing_staff, union=world.wuxing, item=item, rule="birthday", value=Decimal(100)
    )
    login(client, account.user)
    assert "生日蛋糕券" in client.get("/m/near/").content.decode()
    perk_deliver(actor=world.wuxing_staff, perk=perk, union=world.wuxing, month=TODAY, on=TODAY)
    page = client.get("/m/near/").content.decode()
    assert 'data-testid="no-perks"' in page
    assert "生日蛋糕券" in page  # now among the services received


def test_a_member_applies_for_relief_and_follows_it(world: World, client: Client) -> None:
    from gonghui.aid.models import ReliefApplication
    from gonghui.aid.tests.factories import RELIEF_DISEASES, ReliefPolicyFactory

    ReliefPolicyFactory.create(year_=TODAY.year, union=world.city)
    account = member_with_account(world)
    login(client, account.user)
    bad = client.post(
        "/m/apply/relief/",
        {
            "year": TODAY.year,
            "diagnosis": RELIEF_DISEASES[0],
            "self_paid_year": "1000",
            "payee_bank": "农业银行",
            "payee_account": "6228480000001234",
        },
    )
    assert "未达到救助标准" in bad.content.decode()
    assert not ReliefApplication.objects.exists()
    response = client.post(
        "/m/apply/relief/",
        {
            "year": TODAY.year,
            "diagnosis": RELIEF_DISEASES[0],
            "self_paid_year": "60000",
            "payee_bank": "农业银行",
            "payee_account": "6228480000001234",
        },
    )
    item = ReliefApplication.objects.get()
    assert response["Location"] == f"/m/applications/relief/{item.pk}/"
    assert (item.amount, item.entered_by_id, item.state) == (
        Decimal("5000.00"),
        account.user_id,
        "in_review",
    )
    assert "已提交" in client.get(response["Location"]).content.decode()
    assert "大病救助申请" in client.get("/m/applications/").content.decode()


def future_batch(world: World) -> Any:
    from gonghui.care.services.recuperation import batch_load
    from gonghui.core.actors import SystemActor

    start = TODAY + timedelta(days=30)
    return batch_load(
        actor=SystemActor(world.city),
        data={
            "code": "LXY-NEXT",
            "base": "莫干山职工疗休养基地",
            "start": start.isoformat(),
            "end": (start + timedelta(days=4)).isoformat(),
            "union": world.city.code,
            "places": 5,
            "quota": {world.wuxing.code: 5},
            "cost_per_person": "1000.00",
        },
    ).batch


def test_a_member_applies_for_recuperation_once(world: World, client: Client) -> None:
    from gonghui.care.models import RecuperationApplication

    batch = future_batch(world)
    account = member_with_account(world)
    login(client, account.user)
    assert "莫干山职工疗休养基地" in client.get("/m/apply/recuperation/").content.decode()
    response = client.post("/m/apply/recuperation/", {"batch": batch.pk, "frontline": "on"})
    item = RecuperationApplication.objects.get()
    assert response["Location"] == f"/m/applications/recuperation/{item.pk}/"
    assert (item.state, item.step, item.frontline, item.entered_by_id) == (
        "in_review",
        "city_allocation",
        True,
        account.user_id,
    )
    again = client.post("/m/apply/recuperation/", {"batch": batch.pk})
    assert "不能重复申请" in again.content.decode()
    assert RecuperationApplication.objects.count() == 1
    assert "疗休养申请" in client.get("/m/applications/").content.decode()


def test_a_county_without_places_sees_no_batch(world: World, client: Client) -> None:
    future_batch(world)
    MemberFactory.create(
        union=world.nanxun_grassroots, name="南浔职工", id_number=BIRTHDAY_ID, phone=""
    )
    account = account_signup(
        form=SignupForm("南浔职工", BIRTHDAY_ID, "13700000032", PASSWORD), ip=None
    )
    login(client, account.user)
    assert 'data-testid="no-batches"' in client.get("/m/apply/recuperation/").content.decode()


def test_a_member_asks_for_legal_advice_and_sees_it_open(world: World, client: Client) -> None:
    from gonghui.care.models import LegalCase
    from gonghui.care.services.legal import legal_open

    account = member_with_account(world)
    login(client, account.user)
    empty = client.post("/m/legal/", {"summary": " "})
    assert "请填写案情摘要" in empty.content.decode()
    client.post("/m/legal/", {"summary": "平台拖欠三个月配送费", "employer_name": "某配送站"})
    case = LegalCase.objects.get()
    assert (case.union, case.kind, case.created_by_id) == (
        world.wuxing_grassroots,
        "consultation",
        account.user_id,
    )
    assert "办理中" in client.get("/m/legal/").content.decode()
    with pytest.raises(PermissionDenied):
        legal_open(
            actor=applicant(account, world.wuxing_grassroots),
            union=world.wuxing_grassroots,
            id_number=BIRTHDAY_ID,
            name="周骑手",
            kind="mediation",
            opened_on=TODAY,
            summary="调解",
        )
