"""The pages and the API of 技能提升: scope, query ceilings, the new-competition form, the
indicators."""

from __future__ import annotations

import datetime
from decimal import Decimal

from gonghui.conftest import World
from gonghui.core.indicators import Period, indicator_get, indicator_values
from gonghui.members.models import SkillGrade
from gonghui.skills.models import Competition, SkillPromotion
from gonghui.skills.tests.factories import CompetitionFactory, EntryFactory, TalentFactory

JUNE = datetime.date(2023, 6, 15)


def test_the_list_page_shows_the_subtree_in_few_queries(
    world: World, client_as, django_assert_max_num_queries
) -> None:
    for made in CompetitionFactory.create_batch(30, union=world.yuehe):
        EntryFactory.create_batch(2, competition=made)
    CompetitionFactory.create(union=world.nanxun, name="南浔的")
    client = client_as(world.wuxing_staff)
    with django_assert_max_num_queries(15):
        page = client.get("/skills/").content.decode()
    assert page.count('data-label="竞赛"') == 30
    assert page.count('data-label="选手" class="text-end">2<') == 30
    assert "南浔的" not in page


def test_a_sibling_county_gets_not_found_for_a_competition(world: World, client_as) -> None:
    made = CompetitionFactory.create(union=world.yuehe)
    assert client_as(world.nanxun_staff).get(f"/skills/{made.pk}/").status_code == 404


def test_the_detail_page_ranks_the_entries_in_few_queries(
    world: World, client_as, django_assert_max_num_queries
) -> None:
    made = CompetitionFactory.create(union=world.wuxing)
    for n in range(20):
        EntryFactory.create(competition=made, theory=Decimal(60 + n), practical=Decimal(60 + n))
    client = client_as(world.wuxing_staff)
    with django_assert_max_num_queries(15):
        page = client.get(f"/skills/{made.pk}/").content.decode()
    assert page.count(">拟授予<") == 3
    assert page.count('data-label="名次"') == 20


def test_the_new_page_records_a_competition(world: World, client_as) -> None:
    response = client_as(world.wuxing_staff).post(
        "/skills/new/",
        {
            "code": "WX-2023-01",
            "name": "吴兴区焊工技能竞赛",
            "trade": "焊工",
            "chain": "高端装备",
            "date": "2023-05-20",
            "theory": "30",
            "practical": "70",
            "pass_mark": "60",
            "prize1": "2000",
        },
    )
    made = Competition.objects.get()
    assert response.status_code == 302
    assert (made.union, made.level, made.prizes) == (world.wuxing, "county", {"1": "2000.00"})


def test_the_new_page_says_why_weights_are_refused(world: World, client_as) -> None:
    page = client_as(world.wuxing_staff).post(
        "/skills/new/",
        {
            "code": "WX-2023-01",
            "name": "吴兴区焊工技能竞赛",
            "trade": "焊工",
            "date": "2023-05-20",
            "theory": "50",
            "practical": "70",
            "pass_mark": "60",
        },
    )
    assert "weights（权重）之和应为 100，现为 120" in page.content.decode()
    assert not Competition.objects.exists()


def test_the_api_lists_the_callers_scope(world: World, client_as) -> None:
    CompetitionFactory.create(union=world.yuehe, name="吴兴的")
    CompetitionFactory.create(union=world.nanxun, name="南浔的")
    items = client_as(world.nanxun_staff).get("/api/v1/skills/competitions").json()["items"]
    assert [item["name"] for item in items] == ["南浔的"]


def test_the_competition_indicators_count_the_month(world: World) -> None:
    june = CompetitionFactory.create(union=world.yuehe, held_on=JUNE)
    EntryFactory.create_batch(3, competition=june)
    july = CompetitionFactory.create(union=world.yuehe, held_on=datetime.date(2023, 7, 1))
    EntryFactory.create(competition=july)
    period = [Period.month(2023, 6)]
    [held] = indicator_values(indicator_get("competitions_held"), world.wuxing, period)
    [entered] = indicator_values(indicator_get("competition_entries"), world.wuxing, period)
    assert (held.total, held.child(world.yuehe.code), entered.total) == (1, 1, 3)


def test_the_promotion_indicators_count_the_month_and_the_new_form_workers(
    world: World,
) -> None:
    for day, new_form in [(JUNE, True), (JUNE, False), (datetime.date(2023, 7, 1), True)]:
        SkillPromotion.objects.create(
            union=world.yuehe,
            talent=TalentFactory.create(union=world.yuehe),
            to_grade=SkillGrade.JUNIOR,
            promoted_on=day,
            certifier="湖州市职业技能鉴定中心",
            route="training",
            new_form=new_form,
        )
    period = [Period.month(2023, 6)]
    [all_] = indicator_values(indicator_get("skill_promotions"), world.city, period)
    [new] = indicator_values(indicator_get("skill_promotions_new_form"), world.city, period)
    assert (all_.total, new.total, all_.child(world.wuxing.code)) == (2, 1, 2)


def test_the_module_has_its_sidebar_entry_and_its_sheets() -> None:
    from gonghui.core.navigation import area_by_slug
    from gonghui.core.sheets.registry import sheet_entries

    area = area_by_slug("skills")
    assert area is not None
    assert "skills:list" in [item.url_name for item in area.items]
    sheets = sheet_entries()
    assert (sheets["competition-entries"].title, sheets["skill-promotions"].title) == (
        "参赛成绩",
        "技能晋级",
    )
