"""集中入会 events: set up by the office, applied to by scanning its code, approved in bulk,
and counted (the event's page and the indicator 集中入会活动入会)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from gonghui.conftest import World
from gonghui.core.indicators.periods import Period
from gonghui.core.indicators.registry import indicator_get, indicator_values
from gonghui.core.models import Role
from gonghui.core.tests.factories import UserFactory
from gonghui.members.models import JoinChannel, MassEnrollment, Member
from gonghui.portal.services.events import event_create
from gonghui.portal.services.joining import JoinForm, join_apply
from gonghui.portal.tests.factories import account_signed_up


def event_today(world: World) -> MassEnrollment:
    return event_create(
        actor=world.township_staff,
        union=world.yuehe,
        name="月河街道骑手集中入会",
        held_on=timezone.localdate(),
        location="月河驿站",
    )


def scan_and_apply(event: MassEnrollment, n: int) -> None:
    account = account_signed_up(name=f"骑手{n}", n=n, phone=f"1370000{n:04d}")
    join_apply(
        account=account,
        form=JoinForm(event.union, "美团外卖", "", "new_form", "delivery_rider", event),
    )


def test_an_office_sets_up_an_event_for_a_union_it_holds(world: World) -> None:
    event = event_today(world)
    assert (event.union, event.location) == (world.yuehe, "月河驿站")


def test_an_event_of_another_county_s_union_is_refused(world: World) -> None:
    with pytest.raises(PermissionDenied):
        event_create(
            actor=world.nanxun_staff,
            union=world.yuehe,
            name="越权活动",
            held_on=timezone.localdate(),
            location="",
        )
    assert not MassEnrollment.objects.exists()


def test_an_event_is_held_by_a_union_that_holds_members(world: World) -> None:
    with pytest.raises(ValidationError) as refused:
        event_create(
            actor=world.wuxing_staff, union=world.wuxing, name="", held_on=None, location=""
        )
    assert set(refused.value.message_dict) == {"union", "name", "held_on"}


def test_the_office_approves_the_event_s_applications_at_once(world: World, client_as) -> None:
    event = event_today(world)
    for n in (1, 2, 3):
        scan_and_apply(event, n)
    reviewer = UserFactory.create(username="yuehe_reviewer", union=world.yuehe, role=Role.REVIEWER)
    client = client_as(reviewer)
    page = client.get(f"/portal/events/{event.pk}/").content.decode()
    assert page.count('name="ids"') == 3 and "<svg" in page
    ids = [str(pk) for pk in event.applications.values_list("pk", flat=True)[:2]]
    client.post(f"/portal/events/{event.pk}/", {"ids": ids})
    joined = Member.objects.filter(mass_enrollment=event)
    assert joined.count() == 2
    assert set(joined.values_list("join_channel", flat=True)) == {JoinChannel.MASS_ENROLLMENT}
    figures = client.get(f"/portal/events/{event.pk}/").content.decode()
    assert 'data-testid="event-joined">2<' in figures


def test_joins_at_events_are_an_indicator_of_the_union_that_held_them(world: World) -> None:
    from gonghui.core.workflow.models import Action
    from gonghui.core.workflow.services import transition_many
    from gonghui.portal.workflows import JOIN

    event = event_today(world)
    scan_and_apply(event, 1)
    scan_and_apply(event, 2)
    reviewer = UserFactory.create(username="yuehe_reviewer", union=world.yuehe, role=Role.REVIEWER)
    transition_many(
        JOIN, list(event.applications.values_list("pk", flat=True)), Action.APPROVE, actor=reviewer
    )
    today = timezone.localdate()
    (values,) = indicator_values(
        indicator_get("members_joined_at_events"),
        union=world.wuxing,
        periods=[Period.month(today.year, today.month)],
    )
    assert (values.total, values.child(world.yuehe.code)) == (2, 2)


def test_an_event_on_another_day_shows_no_code(world: World, client_as) -> None:
    event = event_create(
        actor=world.township_staff,
        union=world.yuehe,
        name="明天的活动",
        held_on=timezone.localdate() + timedelta(days=1),
        location="",
    )
    page = client_as(world.township_staff).get(f"/portal/events/{event.pk}/").content.decode()
    assert 'data-testid="event-closed"' in page and "<svg" not in page


def test_the_events_page_creates_an_event(world: World, client_as) -> None:
    client = client_as(world.township_staff)
    response = client.post(
        "/portal/events/",
        {
            "name": "织里集中入会",
            "union": world.yuehe.code,
            "held_on": timezone.localdate().isoformat(),
            "location": "",
        },
    )
    event = MassEnrollment.objects.get()
    assert response["Location"] == f"/portal/events/{event.pk}/"
    assert "织里集中入会" in client.get("/portal/events/").content.decode()


def test_a_newcomer_scanning_the_code_signs_up_and_lands_on_the_event_s_form(
    world: World, client
) -> None:
    from gonghui.portal.tests.factories import PASSWORD, person_id

    event = event_today(world)
    scanned = client.get(f"/m/join/?event={event.pk}")
    login_page = scanned["Location"]
    assert login_page.startswith("/m/login/?next=")
    body = client.get(login_page).content.decode()
    signup = body.split('data-testid="to-signup"')[0].rsplit('href="', 1)[1].split('"')[0]
    assert signup.startswith("/m/signup/?next=")
    done = client.post(
        signup.replace("&amp;", "&"),
        {"name": "新骑手", "id_number": person_id(9), "phone": "13700000099", "password": PASSWORD},
    )
    assert done["Location"] == f"/m/join/?event={event.pk}"
    assert "月河街道骑手集中入会" in client.get(done["Location"]).content.decode()


def test_a_next_outside_the_portal_is_ignored(db: None, client) -> None:
    from gonghui.portal.tests.factories import PASSWORD, account_signed_up

    account_signed_up(phone="13700000001")
    response = client.post(
        "/m/login/?next=https://evil.example/", {"phone": "13700000001", "password": PASSWORD}
    )
    assert response["Location"] == "/m/"


def test_the_events_list_has_a_query_ceiling(world: World, client_as) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for n in range(5):
        event = event_create(
            actor=world.township_staff,
            union=world.yuehe,
            name=f"活动{n}",
            held_on=timezone.localdate(),
            location="",
        )
        scan_and_apply(event, n + 1)
    client = client_as(world.township_staff)
    with CaptureQueriesContext(connection) as queries:
        body = client.get("/portal/events/").content.decode()
    assert body.count("/portal/events/") >= 5
    assert len(queries) <= 12
