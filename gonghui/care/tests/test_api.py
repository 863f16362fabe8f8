"""The care module's API routes: the ledgers in the caller's scope, and the free
counselling slots without anyone's name."""

from __future__ import annotations

from datetime import date
from typing import Any

from gonghui.care.models import CounselingSlot, LegalCase
from gonghui.care.services.counseling import booking_make
from gonghui.care.tests.test_counseling import open_slot
from gonghui.care.tests.test_visits import visit
from gonghui.conftest import World
from gonghui.core.models import Role
from gonghui.core.tests.factories import UserFactory
from gonghui.members.tests.factories import WorkerFactory, id_number_for
from gonghui.sites.models import SiteKind
from gonghui.sites.tests.factories import SiteFactory


def test_visits_come_with_masked_numbers(world: World, client_as) -> None:
    WorkerFactory.create(union=world.yuehe, id_number=id_number_for(31), name="周骑手")
    visit(world)
    body = client_as(world.wuxing_staff).get("/api/v1/care/visits").json()
    (row,) = body["items"]
    assert (row["person_name"], row["person_masked"][:6], row["cash"], row["union_code"]) == (
        "周骑手",
        "330502",
        "500.00",
        world.yuehe.code,
    )


def test_a_sibling_county_gets_no_legal_cases(world: World, client_as) -> None:
    LegalCase.objects.create(
        union=world.yuehe,
        person_hash="l" * 64,
        person_name="欠薪骑手",
        person_masked="330502********0000",
        kind="consultation",
        opened_on=date(2023, 4, 3),
        summary="咨询",
    )
    assert client_as(world.wuxing_staff).get("/api/v1/care/legal/cases").json()["count"] == 1
    assert client_as(world.nanxun_staff).get("/api/v1/care/legal/cases").json()["count"] == 0


def test_free_slots_leave_out_the_booked_and_name_no_one(world: World, client_as) -> None:
    station = SiteFactory.create(union=world.yuehe, kind=SiteKind.COUNSELING_STATION)
    counselor = UserFactory.create(union=world.yuehe, role=Role.COUNSELOR)
    first = open_slot(world, station, counselor, weeks=2)
    WorkerFactory.create(union=world.yuehe, id_number=id_number_for(81), name="夜班骑手")
    booking_make(
        actor=world.township_staff,
        slot=first,
        id_number=id_number_for(81),
        name="夜班骑手",
        topic="stress",
    )
    response = client_as(world.township_staff).get("/api/v1/care/counseling/slots?days=30")
    rows: list[dict[str, Any]] = response.json()["items"]
    assert [r["id"] for r in rows] == [CounselingSlot.objects.exclude(pk=first.pk).get().pk]
    assert "夜班骑手" not in response.content.decode()
