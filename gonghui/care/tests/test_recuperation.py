"""Recuperation: batches with each county's places, applications by sheet, the allocation rule
(priority groups, the three-year rule, time, id) and its command, attendance."""

from __future__ import annotations

import io
import json
import threading
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from gonghui.accounts.tests.factories import UserFactory
from gonghui.care.allocation import Applicant, CountyPlaces, allocate
from gonghui.care.models import Delivery, RecuperationApplication, RecuperationBatch
from gonghui.care.services.recuperation import batch_allocate, batch_load
from gonghui.care.sheets.recuperation import application_import
from gonghui.care.workflows import RECUPERATION
from gonghui.conftest import World
from gonghui.core.actors import SystemActor
from gonghui.core.models import Role
from gonghui.core.workflow.models import Action, State
from gonghui.core.workflow.services import transition_many
from gonghui.members.tests.factories import MemberFactory, WorkerFactory, id_number_for
from gonghui.members.tests.test_member_import import write_roster

T0 = datetime(2023, 3, 1, 9, 0)


def who(
    n: int, *, county: int = 1, groups: tuple[str, ...] = (), recent: bool = False, day: int = 1
) -> Applicant:
    return Applicant(
        id=n,
        county=county,
        applied_at=T0.replace(day=day),
        groups=frozenset(groups),
        attended_recently=recent,
        row=n + 2,
    )


COUNTY = {1: CountyPlaces("吴兴区总工会", 2, 0), 2: CountyPlaces("南浔区总工会", 1, 0)}
PRIORITY = ["honour", "new_form", "frontline"]


def allocated(placements: list[Any]) -> list[int]:
    return [p.applicant.id for p in placements if p.allocated]


# -- the rule, as a pure function ----------------------------------------------------------


def test_priority_groups_come_first_in_the_batchs_order() -> None:
    people = [who(1), who(2, groups=("frontline",)), who(3, groups=("new_form", "frontline"))]
    assert allocated(allocate(people, counties=COUNTY, priority=PRIORITY)) == [3, 2]


def test_a_batch_may_declare_another_order() -> None:
    people = [who(1, groups=("frontline",)), who(2, groups=("new_form",))]
    placed = allocate(
        people, counties={1: CountyPlaces("吴兴区总工会", 1, 0)}, priority=["frontline"]
    )
    assert allocated(placed) == [1]


def test_those_who_went_in_the_last_three_years_come_after_the_others() -> None:
    people = [who(1, recent=True, day=1), who(2, day=5), who(3, day=6)]
    assert allocated(allocate(people, counties=COUNTY, priority=PRIORITY)) == [2, 3]


def test_earlier_applications_then_lower_ids_break_ties() -> None:
    people = [who(7, day=2), who(5, day=2), who(4, day=3)]
    assert allocated(allocate(people, counties=COUNTY, priority=PRIORITY)) == [5, 7]


def test_each_county_fills_only_its_own_places() -> None:
    people = [who(1, county=2), who(2, county=2), who(3, county=1)]
    placed = allocate(people, counties=COUNTY, priority=PRIORITY)
    assert allocated(placed) == [3, 1]
    (refused,) = [p for p in placed if not p.allocated]
    assert refused.reason == "南浔区总工会本批次名额1个，本次剩余1个，按规则排名第2位，未获分配"


def test_places_already_taken_are_not_offered_again() -> None:
    counties = {1: CountyPlaces("吴兴区总工会", 2, 1)}
    placed = allocate([who(1), who(2)], counties=counties, priority=PRIORITY)
    assert allocated(placed) == [1]
    assert placed[1].reason == (
        "吴兴区总工会本批次名额2个（已录取1个），本次剩余1个，按规则排名第2位，未获分配"
    )


# -- batches, applications and the command -------------------------------------------------


def batch_data(world: World, **over: Any) -> dict[str, Any]:
    data = {
        "code": "LXY-2023-01",
        "base": "白山市职工疗休养基地",
        "start": "2023-05-08",
        "end": "2023-05-14",
        "union": world.city.code,
        "places": 3,
        "quota": {world.wuxing.code: 2, world.nanxun.code: 1},
        "cost_per_person": "1800.00",
        "priority": ["honour", "new_form", "frontline"],
    }
    data.update(over)
    return data


@pytest.fixture
def batch(world: World) -> RecuperationBatch:
    return batch_load(actor=SystemActor(world.city), data=batch_data(world)).batch


def test_loading_a_batch_twice_changes_nothing(world: World, batch: RecuperationBatch) -> None:
    again = batch_load(actor=SystemActor(world.city), data=batch_data(world))
    assert (again.outcome, again.batch.pk) == ("unchanged", batch.pk)
    assert sorted(batch.quotas.values_list("county__code", "places")) == [
        ("330502", 2),
        ("330503", 1),
    ]


def test_a_batch_with_more_county_places_than_places_is_refused(world: World) -> None:
    with pytest.raises(ValidationError) as caught:
        batch_load(actor=SystemActor(world.city), data=batch_data(world, places=2))
    assert caught.value.message_dict == {"quota": ["各区县名额合计3个，超过批次名额2个"]}


def people(world: World) -> None:
    for n, union in ((1, world.wuxing_grassroots), (2, world.wuxing_grassroots), (3, world.yuehe)):
        MemberFactory.create(
            union=union, id_number=id_number_for(40 + n), name=f"职工{'甲乙丙'[n - 1]}"
        )
    WorkerFactory.create(union=world.zhili, id_number=id_number_for(44), name="骑手丁")
    MemberFactory.create(union=world.nanxun_grassroots, id_number=id_number_for(45), name="职工戊")


def rows(*specs: tuple[int, str, str]) -> list[dict[str, Any]]:
    return [
        {"身份证号": id_number_for(40 + n), "申请日期": date.fromisoformat(day), "一线职工": front}
        for n, day, front in specs
    ]


def apply_file(world: World, tmp_path: Path, specs: list[dict[str, Any]], union=None):
    path = write_roster(tmp_path / "apps.xlsx", specs)
    return application_import(
        actor=SystemActor(union or world.city),
        union=union or world.city,
        path=path,
        dry_run=False,
        batch="LXY-2023-01",
    )


def test_applications_are_submitted_to_the_citys_allocation(
    world: World, tmp_path: Path, batch: RecuperationBatch
) -> None:
    people(world)
    report = apply_file(world, tmp_path, rows((1, "2023-03-01", "否"), (4, "2023-03-02", "否")))
    assert (report.committed, report.created) == (True, 2)
    apps = list(RecuperationApplication.objects.order_by("row"))
    assert [(a.state, a.step, a.row, a.new_form) for a in apps] == [
        (State.IN_REVIEW, "city_allocation", 3, False),
        (State.IN_REVIEW, "city_allocation", 4, True),
    ]


def test_a_second_application_and_a_repeated_row_are_refused(
    world: World, tmp_path: Path, batch: RecuperationBatch
) -> None:
    people(world)
    apply_file(world, tmp_path, rows((1, "2023-03-01", "否")))
    report = apply_file(
        world,
        tmp_path,
        rows((1, "2023-03-02", "否"), (2, "2023-03-02", "否"), (2, "2023-03-03", "否")),
    )
    assert not report.committed
    messages = {(e.row, e.message) for e in report.errors}
    assert (3, "身份证号：此人已申请批次LXY-2023-01，不能重复申请") in messages
    assert any(row == 5 for row, _ in messages)
    assert RecuperationApplication.objects.count() == 1


def test_a_closed_batch_takes_no_application(
    world: World, tmp_path: Path, batch: RecuperationBatch
) -> None:
    people(world)
    RecuperationBatch.objects.filter(pk=batch.pk).update(closed=True)
    report = apply_file(world, tmp_path, rows((1, "2023-03-01", "否")))
    assert [e.message for e in report.errors] == ["身份证号：批次LXY-2023-01已截止报名"]


def test_the_command_allocates_by_the_rule_and_names_every_refusal(
    world: World, tmp_path: Path, batch: RecuperationBatch
) -> None:
    people(world)
    # 吴兴 has 2 places for 4 applicants: the rider (new-form) and the frontline worker go.
    apply_file(
        world,
        tmp_path,
        rows(
            (1, "2023-03-01", "否"),
            (2, "2023-03-05", "是"),
            (3, "2023-03-02", "否"),
            (4, "2023-03-09", "否"),
            (5, "2023-03-03", "否"),
        ),
    )
    out = io.StringIO()
    call_command("care", "allocate", "--batch", "LXY-2023-01", "--dry-run", "--json", stdout=out)
    result = json.loads(out.getvalue())
    assert (result["batch"], result["places"], result["applications"]) == ("LXY-2023-01", 3, 5)
    assert result["allocated"] == [
        {"row": 6, "county": "330502", "rank": 1},
        {"row": 4, "county": "330502", "rank": 2},
        {"row": 7, "county": "330503", "rank": 1},
    ]
    assert result["refused"] == [
        {
            "row": 3,
            "county": "330502",
            "rank": 3,
            "reason": "吴兴区总工会本批次名额2个，本次剩余2个，按规则排名第3位，未获分配",
        },
        {
            "row": 5,
            "county": "330502",
            "rank": 4,
            "reason": "吴兴区总工会本批次名额2个，本次剩余2个，按规则排名第4位，未获分配",
        },
    ]
    assert RecuperationApplication.objects.filter(rank__isnull=False).count() == 0  # a dry run


def test_the_three_year_rule_reads_earlier_attendance(
    world: World, tmp_path: Path, batch: RecuperationBatch
) -> None:
    people(world)
    earlier = batch_load(
        actor=SystemActor(world.city),
        data=batch_data(world, code="LXY-2021-03", start="2021-09-01", end="2021-09-05"),
    ).batch
    RecuperationApplication.objects.create(
        union=world.wuxing_grassroots,
        batch=earlier,
        quota=earlier.quotas.get(county=world.wuxing),
        person_hash=MemberFactory._meta.model.objects.get(name="职工甲").id_hash,
        person_name="职工甲",
        person_masked="x",
        applied_at=timezone.now(),
        state=State.APPROVED,
        attended=True,
    )
    apply_file(
        world,
        tmp_path,
        rows((1, "2023-03-01", "否"), (2, "2023-03-02", "否"), (3, "2023-03-03", "否")),
    )
    plan = batch_allocate(actor=SystemActor(world.city), batch=batch, dry_run=True)
    assert [(p.applicant.row, p.rank) for p in plan.placements] == [(4, 1), (5, 2), (3, 3)]


def test_a_city_reviewer_allocates_and_the_refused_are_told_why(
    world: World, tmp_path: Path, batch: RecuperationBatch
) -> None:
    people(world)
    reviewer = UserFactory.create(username="city_reviewer", union=world.city, role=Role.REVIEWER)
    apply_file(
        world,
        tmp_path,
        rows((1, "2023-03-01", "否"), (2, "2023-03-02", "否"), (3, "2023-03-03", "否")),
    )
    plan = batch_allocate(actor=reviewer, batch=batch, dry_run=False)
    assert (plan.approved, plan.rejected) == (2, 1)
    refused = RecuperationApplication.objects.get(state=State.REJECTED)
    assert (refused.row, refused.rank) == (5, 3)
    assert refused.reason.endswith("按规则排名第3位，未获分配")


def test_attendance_writes_the_recuperation_delivery_once(
    world: World, tmp_path: Path, batch: RecuperationBatch
) -> None:
    people(world)
    reviewer = UserFactory.create(username="city_reviewer", union=world.city, role=Role.REVIEWER)
    apply_file(world, tmp_path, rows((1, "2023-03-01", "是")))
    batch_allocate(actor=reviewer, batch=batch, dry_run=False)
    sheet = write_roster(tmp_path / "attend.xlsx", [{"身份证号": id_number_for(41)}])
    for _ in range(2):
        call_command("care", "attend", "--batch", "LXY-2023-01", str(sheet), stdout=io.StringIO())
    delivery = Delivery.objects.get()
    assert (delivery.item.key, delivery.on, delivery.cost, delivery.frontline) == (
        "recuperation",
        date(2023, 5, 8),
        Decimal("1800.00"),
        True,
    )
    assert RecuperationApplication.objects.get().attended


def test_attendance_of_someone_not_admitted_is_refused(
    world: World, tmp_path: Path, batch: RecuperationBatch
) -> None:
    people(world)
    apply_file(world, tmp_path, rows((1, "2023-03-01", "否")))
    sheet = write_roster(tmp_path / "attend.xlsx", [{"身份证号": id_number_for(41)}])
    out = io.StringIO()
    with pytest.raises(SystemExit):
        call_command("care", "attend", "--batch", "LXY-2023-01", str(sheet), "--json", stdout=out)
    assert json.loads(out.getvalue())["errors"][0]["message"] == (
        "身份证号：此人没有获批次LXY-2023-01录取，不能登记参加"
    )


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_concurrent_approvals_never_exceed_a_countys_places(tmp_path: Path) -> None:
    from gonghui.conftest import build_world

    world = build_world()
    loaded = batch_load(
        actor=SystemActor(world.city), data=batch_data(world, quota={world.wuxing.code: 1})
    ).batch
    people(world)
    apply_file(world, tmp_path, rows((1, "2023-03-01", "否"), (2, "2023-03-02", "否")))
    one = UserFactory.create(username="r1", union=world.city, role=Role.REVIEWER)
    two = UserFactory.create(username="r2", union=world.city, role=Role.REVIEWER)
    apps = list(RecuperationApplication.objects.filter(batch=loaded).order_by("pk"))
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def act(actor: Any, item: RecuperationApplication) -> None:
        try:
            barrier.wait()
            report = transition_many(RECUPERATION, [item.pk], Action.APPROVE, actor=actor)
            outcomes.append("done" if report.done else report.refused[item.pk])
        finally:
            connection.close()

    threads = [
        threading.Thread(target=act, args=(one, apps[0])),
        threading.Thread(target=act, args=(two, apps[1])),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert outcomes.count("done") == 1
    assert RecuperationApplication.objects.filter(state=State.APPROVED).count() == 1


def test_employment_form_is_kept_as_it_was_on_applying(
    world: World, tmp_path: Path, batch: RecuperationBatch
) -> None:
    people(world)
    apply_file(world, tmp_path, rows((4, "2023-03-01", "否")))
    application = RecuperationApplication.objects.get()
    assert application.new_form
    assert application.person_name == "骑手丁"


# -- pages ---------------------------------------------------------------------------------


def test_the_planner_previews_the_allocation_for_the_citys_reviewer(
    world: World, tmp_path: Path, batch: RecuperationBatch, client_as
) -> None:
    people(world)
    reviewer = UserFactory.create(username="city_reviewer", union=world.city, role=Role.REVIEWER)
    apply_file(
        world,
        tmp_path,
        rows((1, "2023-03-01", "否"), (2, "2023-03-02", "否"), (3, "2023-03-03", "否")),
    )
    page = client_as(reviewer).get(f"/care/recuperation/{batch.pk}/").content.decode()
    assert "按规则可录取 2 人，未获分配 1 人" in page
    assert "按规则排名第3位，未获分配" in page
    response = client_as(reviewer).post(f"/care/recuperation/{batch.pk}/")
    assert response.status_code == 302
    assert RecuperationApplication.objects.filter(state=State.APPROVED).count() == 2


def test_a_county_sees_its_own_places_and_may_not_allocate(
    world: World, tmp_path: Path, batch: RecuperationBatch, client_as
) -> None:
    people(world)
    apply_file(world, tmp_path, rows((1, "2023-03-01", "否"), (5, "2023-03-01", "否")))
    client = client_as(world.nanxun_staff)
    page = client.get(f"/care/recuperation/{batch.pk}/").content.decode()
    assert "南浔区总工会" in page and "吴兴区总工会" not in page
    assert "职工甲" not in page and "职工戊" in page
    assert client.post(f"/care/recuperation/{batch.pk}/").status_code == 403


def test_the_batch_list_counts_in_few_queries(
    world: World, batch: RecuperationBatch, client_as, django_assert_max_num_queries
) -> None:
    batch_load(actor=SystemActor(world.city), data=batch_data(world, code="LXY-2023-02"))
    client = client_as(world.wuxing_staff)
    with django_assert_max_num_queries(15):
        page = client.get("/care/recuperation/").content.decode()
    assert page.count('data-label="批次"') == 2


def test_the_figures_count_attendance_admissions_and_places(
    world: World, tmp_path: Path, batch: RecuperationBatch
) -> None:
    from gonghui.core.indicators import Period, indicator_get, indicator_values

    people(world)
    reviewer = UserFactory.create(username="city_reviewer", union=world.city, role=Role.REVIEWER)
    apply_file(world, tmp_path, rows((1, "2023-03-01", "否"), (2, "2023-03-02", "否")))
    batch_allocate(actor=reviewer, batch=batch, dry_run=False)
    sheet = write_roster(tmp_path / "attend.xlsx", [{"身份证号": id_number_for(41)}])
    call_command("care", "attend", "--batch", "LXY-2023-01", str(sheet), stdout=io.StringIO())
    h1 = Period(date(2023, 1, 1), date(2023, 6, 30), "2023年上半年")
    values = {
        key: indicator_values(indicator_get(key), union=world.city, periods=[h1])[0]
        for key in (
            "recuperation_participants",
            "recuperation_admitted",
            "recuperation_places",
            "checkup_recuperation_frontline",
        )
    }
    assert {k: v.total for k, v in values.items()} == {
        "recuperation_participants": 1,
        "recuperation_admitted": 2,
        "recuperation_places": 3,
        "checkup_recuperation_frontline": 0,
    }
    assert values["recuperation_places"].child("330502") == 2
