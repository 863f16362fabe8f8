"""The electronic member card: its token carries no personal data, and staff verifying it
see the member masked; an expired, forged or left member's card is refused."""

from __future__ import annotations

import time
from unittest import mock

import pytest
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError

from gonghui.conftest import World
from gonghui.core.models import AuditEvent
from gonghui.members.models import Member
from gonghui.members.tests.factories import MemberFactory
from gonghui.portal.services.card import EXPIRED, FORGED, NOT_ACTIVE, card_token, card_verify
from gonghui.portal.tests.factories import account_signed_up, person_id


def member(world: World) -> Member:
    return MemberFactory.create(
        union=world.wuxing_grassroots, name="王骑手", id_number=person_id(1)
    )


def test_the_token_names_the_member_row_only(world: World) -> None:
    found = member(world)
    payload = signing.loads(card_token(found), salt="gonghui.portal.card")
    assert payload == {"m": found.pk}


def test_staff_see_the_member_masked(world: World) -> None:
    found = member(world)
    check = card_verify(actor=world.nanxun_staff, token=card_token(found))
    assert (check.name_masked, check.id_masked, check.union_name) == (
        "王**",
        found.id_masked,
        world.wuxing_grassroots.name,
    )
    assert AuditEvent.objects.filter(action="portal.card.verify", outcome="success").count() == 1


def test_an_expired_card_is_refused(world: World, settings) -> None:
    settings.GONGHUI_PORTAL_CARD_MINUTES = 10
    found = member(world)
    with mock.patch("time.time", return_value=time.time() - 11 * 60):
        token = card_token(found)
    with pytest.raises(ValidationError) as refused:
        card_verify(actor=world.wuxing_staff, token=token)
    assert refused.value.messages == [EXPIRED]


def test_a_forged_card_is_refused(world: World) -> None:
    token = card_token(member(world))
    forged = token[:-3] + ("abc" if not token.endswith("abc") else "xyz")
    with pytest.raises(ValidationError) as refused:
        card_verify(actor=world.wuxing_staff, token=forged)
    assert refused.value.messages == [FORGED]
    assert AuditEvent.objects.filter(action="portal.card.verify", outcome="denied").count() == 1


def test_the_card_of_a_member_who_left_is_refused(world: World) -> None:
    found = member(world)
    token = card_token(found)
    Member.objects.filter(pk=found.pk).update(status=Member.Status.LEFT)
    with pytest.raises(ValidationError) as refused:
        card_verify(actor=world.wuxing_staff, token=token)
    assert refused.value.messages == [NOT_ACTIVE]


def test_a_worker_cannot_verify_cards(world: World) -> None:
    account = account_signed_up()
    with pytest.raises(PermissionDenied):
        card_verify(actor=account.user, token=card_token(member(world)))


def test_the_api_checks_a_card_for_another_system(world: World, client_as) -> None:
    found = member(world)
    client = client_as(world.nanxun_staff)
    ok = client.get("/api/v1/members/card/verify", {"t": card_token(found)})
    assert ok.status_code == 200
    assert ok.json()["name_masked"] == "王**" and ok.json()["id_masked"] == found.id_masked
    forged = client.get("/api/v1/members/card/verify", {"t": "abc"})
    assert (forged.status_code, forged.json()["detail"]) == (400, FORGED)
