"""Honours: rounds with places per county, nominations through review and public notice
into the registry, the places as the engine's quota, the frontline share, and bad input."""

from __future__ import annotations

import datetime
import threading
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from gonghui.conftest import World
from gonghui.core import pii
from gonghui.core.models import Role, User
from gonghui.core.tests.factories import UserFactory
from gonghui.core.workflow import Action, State
from gonghui.core.workflow.notice import notice_board
from gonghui.core.workflow.services import notice_expire, transition, transition_many
from gonghui.skills.models import Honour, Nomination, NominationRound
from gonghui.skills.services.honours import honour_record, nomination_create, round_create
from gonghui.skills.workflows import NOMINATION

TODAY = datetime.date(2023, 3, 1)


def person(n: int) -> str:
    return pii.id_number_compose("330502", datetime.date(1979, 4, 1), 600 + n)


def reviewers(world: World) -> dict[str, User]:
    return {
        "township": UserFactory.create(username="r_yuehe", union=world.yuehe, role=Role.REVIEWER),
        "county": UserFactory.create(username="r_wuxing", union=world.wuxing, role=Role.REVIEWER),
        "city": UserFactory.create(username="r_city", union=world.city, role=Role.REVIEWER),
    }


def medal_round(world: World, places: int = 2, pct: int = 0) -> NominationRound:
    return round_create(
        actor=world.city_admin,
        union=world.city,
        year=2023,
        kind="may_day_medal",
        level="city",
        name="2023年湖州市五一劳动奖章",
        closes_on=datetime.date(2023, 3, 31),
        places={world.wuxing.code: places, world.nanxun.code: 1},
        frontline_min_pct=pct,
    )


def nominate(
    world: World, round_: NominationRound, n: int, *, frontline: bool = True, **kw: Any
) -> Nomination:
    fields: dict[str, Any] = {
        "id_number": person(n),
        "name": f"候选{'〇一二三四五'[n]}",
        "unit_name": "湖州某厂",
        "frontline": frontline,
        "deeds": "岗位练兵成绩突出",
        "today": TODAY,
    }
    fields.update(kw)
    return nomination_create(actor=world.township_staff, union=world.yuehe, round_=round_, **fields)


def approve_all_steps(item: Nomination, people: dict[str, User]) -> Nomination:
    for level in ("township", "county", "city"):
        item = transition(NOMINATION, item.pk, Action.APPROVE, actor=people[level])
    return item


def test_a_round_gives_places_to_the_counties(world: World) -> None:
    made = medal_round(world)
    assert sorted((p.county.code, p.places) for p in made.places.all()) == [
        ("330502", 2),
        ("330503", 1),
    ]


def test_a_township_cannot_organise_a_round(world: World) -> None:
    with pytest.raises(PermissionDenied):
        round_create(
            actor=world.township_staff,
            union=world.yuehe,
            year=2023,
            kind="may_day_medal",
            level="city",
            name="x",
            closes_on=TODAY,
            places={},
        )


def test_a_nomination_goes_through_review_and_notice_into_the_registry(world: World) -> None:
    people = reviewers(world)
    item = nominate(world, medal_round(world), 1)
    assert (item.state, item.step) == (State.IN_REVIEW, "township_review")
    item = approve_all_steps(item, people)
    assert item.state == State.NOTICE
    board = notice_board(world.wuxing)
    [group] = [g for g in board.groups if g.workflow.key == "honour_nomination"]
    assert [(r["name"], r["id_shown"], r["summary"]) for r in group.rows] == [
        ("候选一", "—", "拟推荐市级五一劳动奖章（湖州某厂）")
    ]
    assert notice_expire(NOMINATION, today=item.notice_until) == 1
    honour = Honour.objects.get()
    assert honour.talent is not None
    assert (honour.talent.name, honour.kind, honour.level, honour.year, honour.union) == (
        "候选一",
        "may_day_medal",
        "city",
        2023,
        world.yuehe,
    )
    assert NOMINATION.state_label(Nomination.objects.get().state) == "已授予"


def test_approvals_beyond_the_countys_places_are_refused(world: World) -> None:
    people = reviewers(world)
    round_ = medal_round(world, places=1)
    first, second = nominate(world, round_, 1), nominate(world, round_, 2)
    for item in (first, second):
        for level in ("township", "county"):
            transition(NOMINATION, item.pk, Action.APPROVE, actor=people[level])
    transition(NOMINATION, first.pk, Action.APPROVE, actor=people["city"])
    report = transition_many(NOMINATION, [second.pk], Action.APPROVE, actor=people["city"])
    assert report.refused[second.pk] == (
        "名额已满：“2023年湖州市五一劳动奖章（吴兴区总工会）”共 1 个名额，已全部批准，不能再批准。"
    )


def test_a_nomination_beyond_full_places_is_refused_at_once(world: World) -> None:
    people = reviewers(world)
    round_ = medal_round(world, places=1)
    approve_all_steps(nominate(world, round_, 1), people)
    with pytest.raises(ValidationError) as refused:
        nominate(world, round_, 2)
    assert refused.value.messages == ["吴兴区总工会的 1 个名额已全部批准，不能再推荐"]


def test_the_frontline_share_holds_back_other_nominations(world: World) -> None:
    people = reviewers(world)
    round_ = medal_round(world, places=2, pct=50)
    manager = nominate(world, round_, 1, frontline=False)
    other = nominate(world, round_, 2, frontline=False)
    approve_all_steps(manager, people)
    for level in ("township", "county"):
        transition(NOMINATION, other.pk, Action.APPROVE, actor=people[level])
    report = transition_many(NOMINATION, [other.pk], Action.APPROVE, actor=people["city"])
    assert report.refused[other.pk] == (
        "一线职工比例不得低于 50%：吴兴区总工会的 2 个名额中，非一线职工最多 1 个，已全部批准。"
    )
    frontline = nominate(world, round_, 3, frontline=True)
    assert approve_all_steps(frontline, people).state == State.NOTICE


def test_a_person_holding_the_honour_at_that_level_is_refused(world: World) -> None:
    honour_record(
        actor=world.city_admin,
        union=world.city,
        kind="may_day_medal",
        level="city",
        year=2021,
        granted_on=datetime.date(2021, 4, 28),
        id_number=person(1),
        name="候选一",
    )
    with pytest.raises(ValidationError) as refused:
        nominate(world, medal_round(world), 1)
    assert refused.value.messages == ["候选一已获得市级五一劳动奖章，不能重复推荐"]


def test_a_person_nominated_twice_in_a_round_is_refused(world: World) -> None:
    round_ = medal_round(world)
    nominate(world, round_, 1)
    with pytest.raises(ValidationError) as refused:
        nominate(world, round_, 1)
    assert refused.value.messages == ["候选一已在本次评选中被推荐"]


def test_a_nomination_after_the_closing_day_and_without_deeds_is_refused(world: World) -> None:
    with pytest.raises(ValidationError) as refused:
        nominate(world, medal_round(world), 1, deeds="", today=datetime.date(2023, 4, 1))
    assert refused.value.message_dict == {
        "round": ["“2023年湖州市五一劳动奖章”已于 2023-03-31 截止推荐"],
        "deeds": ["请填写主要事迹"],
    }
    assert not Nomination.objects.exists()


def test_a_team_honour_needs_the_unit_and_the_team(world: World) -> None:
    round_ = round_create(
        actor=world.city_admin,
        union=world.city,
        year=2023,
        kind="pioneer",
        level="city",
        name="2023年湖州市工人先锋号",
        closes_on=datetime.date(2023, 3, 31),
        places={world.wuxing.code: 2},
    )
    with pytest.raises(ValidationError) as refused:
        nomination_create(
            actor=world.township_staff,
            union=world.yuehe,
            round_=round_,
            deeds="班组攻关",
            unit_name="湖州某厂",
            today=TODAY,
        )
    assert refused.value.messages == ["请填写班组（团队）名称"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_concurrent_final_approvals_never_exceed_the_places() -> None:
    from gonghui.conftest import build_world

    world = build_world()
    people = reviewers(world)
    second_city = UserFactory.create(username="r_city2", union=world.city, role=Role.REVIEWER)
    round_ = medal_round(world, places=1)
    items = [nominate(world, round_, n) for n in (1, 2)]
    for item in items:
        for level in ("township", "county"):
            transition(NOMINATION, item.pk, Action.APPROVE, actor=people[level])
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def act(actor: User, item: Nomination) -> None:
        try:
            barrier.wait()
            report = transition_many(NOMINATION, [item.pk], Action.APPROVE, actor=actor)
            outcomes.append("done" if report.done else report.refused[item.pk])
        finally:
            connection.close()

    threads = [
        threading.Thread(target=act, args=(people["city"], items[0])),
        threading.Thread(target=act, args=(second_city, items[1])),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert outcomes.count("done") == 1
    assert Nomination.objects.filter(state=State.NOTICE).count() == 1


# --- pages --------------------------------------------------------------------------------


def test_the_city_sets_up_a_round_and_a_township_nominates_through_the_pages(
    world: World, client_as
) -> None:
    city = client_as(world.city_admin)
    response = city.post(
        "/skills/honours/rounds/new/",
        {
            "year": "2023",
            "kind": "may_day_medal",
            "level": "city",
            "name": "2023年湖州市五一劳动奖章",
            "closes_on": "2099-03-31",
            "frontline_min_pct": "50",
            f"places_{world.wuxing.code}": "2",
            f"places_{world.nanxun.code}": "1",
        },
    )
    assert response.status_code == 302
    round_ = NominationRound.objects.get()
    township = client_as(world.township_staff)
    page = township.get(f"/skills/honours/rounds/{round_.pk}/").content.decode()
    assert "吴兴区总工会" in page and 'data-testid="nominate"' in page
    response = township.post(
        f"/skills/honours/rounds/{round_.pk}/nominate/",
        {"name": "候选一", "id_number": person(1), "frontline": "on", "deeds": "技术攻关"},
    )
    item = Nomination.objects.get()
    assert response.status_code == 302
    assert (item.state, item.frontline, item.union) == (State.IN_REVIEW, True, world.yuehe)
    detail = township.get(f"/skills/honours/nominations/{item.pk}/").content.decode()
    assert "乡镇（街道）初审" in detail and "技术攻关" in detail
    assert (
        client_as(world.nanxun_staff).get(f"/skills/honours/nominations/{item.pk}/").status_code
        == 404
    )


def test_the_nomination_form_says_what_is_wrong(world: World, client_as) -> None:
    round_ = medal_round(world)
    page = (
        client_as(world.township_staff)
        .post(
            f"/skills/honours/rounds/{round_.pk}/nominate/",
            {"name": "候选一", "id_number": "123", "deeds": "技术攻关"},
        )
        .content.decode()
    )
    assert "身份证号：" in page
    assert not Nomination.objects.exists()


def test_the_registry_lists_honours_in_scope_in_few_queries(
    world: World, client_as, django_assert_max_num_queries
) -> None:
    for n in range(15):
        honour_record(
            actor=world.wuxing_staff,
            union=world.wuxing,
            kind="model_worker",
            level="city",
            year=2020,
            granted_on=datetime.date(2020, 4, 28),
            id_number=person(n + 10),
            name="劳模" + "〇一二三四五六七八九"[n % 10] + "号",
        )
    honour_record(
        actor=world.nanxun_staff,
        union=world.nanxun,
        kind="may_day_award",
        level="city",
        year=2020,
        granted_on=datetime.date(2020, 4, 28),
        unit_name="南浔某厂",
    )
    client = client_as(world.wuxing_staff)
    with django_assert_max_num_queries(15):
        page = client.get("/skills/honours/?kind=model_worker").content.decode()
    assert page.count('data-label="获得者"') == 15
    assert "南浔某厂" not in page


# --- care -----------------------------------------------------------------------------------


def model_worker(world: World) -> Honour:
    return honour_record(
        actor=world.wuxing_staff,
        union=world.wuxing,
        kind="model_worker",
        level="city",
        year=2020,
        granted_on=datetime.date(2020, 4, 28),
        id_number=person(7),
        name="劳模七",
    )


def test_a_visit_is_recorded_on_the_honour_page(world: World, client_as) -> None:
    honour = model_worker(world)
    client = client_as(world.wuxing_staff)
    response = client.post(
        f"/skills/honours/{honour.pk}/",
        {"form": "care", "kind": "visit", "on": "2023-01-15", "note": "春节走访慰问"},
    )
    assert response.status_code == 302
    page = client.get(f"/skills/honours/{honour.pk}/").content.decode()
    assert "2023-01-15 走访慰问：春节走访慰问" in page
    assert client_as(world.nanxun_staff).get(f"/skills/honours/{honour.pk}/").status_code == 404


def test_an_allowance_is_reviewed_and_paid_through_a_payout_batch(world: World) -> None:
    from decimal import Decimal

    from gonghui.core.workflow.payouts import payout_batch_create
    from gonghui.skills.services.honours import allowance_create
    from gonghui.skills.workflows import ALLOWANCE

    honour = model_worker(world)
    item = allowance_create(
        actor=world.wuxing_staff,
        honour=honour,
        year=2023,
        amount=Decimal("2000.00"),
        reason="劳模困难补助",
        payee_bank="湖州银行",
        account="6217 0000 1234 5678",
    )
    assert (item.state, item.step) == (State.IN_REVIEW, "county_approval")
    assert item.account_masked.endswith("5678") and "1234" not in item.account_masked
    people = reviewers(world)
    transition(ALLOWANCE, item.pk, Action.APPROVE, actor=people["county"])
    item = transition(ALLOWANCE, item.pk, Action.APPROVE, actor=people["city"])
    assert item.state == State.APPROVED
    finance = UserFactory.create(username="f_city", union=world.city, role=Role.FINANCE)
    batch = payout_batch_create(
        actor=finance, union=world.city, name="劳模补助", workflows=["honour_allowance"]
    )
    [line] = list(batch.items.all())
    assert (line.payee_name, line.amount) == ("劳模七", Decimal("2000.00"))


def test_an_allowance_twice_a_year_and_a_bad_account_are_refused(world: World) -> None:
    from decimal import Decimal

    from gonghui.skills.services.honours import allowance_create

    honour = model_worker(world)
    fields = {
        "actor": world.wuxing_staff,
        "honour": honour,
        "year": 2023,
        "amount": Decimal("2000.00"),
        "reason": "劳模困难补助",
        "payee_bank": "湖州银行",
        "account": "6217000012345678",
    }
    allowance_create(**fields)  # type: ignore[arg-type]
    with pytest.raises(ValidationError) as refused:
        allowance_create(**{**fields, "account": "12"})  # type: ignore[arg-type]
    messages = refused.value.message_dict
    assert messages["year"] == ["2023年的补助已经申请"]
    assert messages["account"][0].startswith("收款账号：")
