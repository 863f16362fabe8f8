"""The plan pages: list, detail with the terms in Chinese, and the edit form."""

from __future__ import annotations

import copy
import json
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gonghui.aid.models import MutualAidPlan
from gonghui.aid.tests.factories import CATEGORIES_2023, EnrollmentFactory, PlanFactory
from gonghui.aid.tests.test_plans import make_claim
from gonghui.conftest import World
from gonghui.core.models import AuditEvent, Role
from gonghui.core.tests.factories import UserFactory
from gonghui.members.tests.factories import MemberFactory


@pytest.fixture
def plan(world: World) -> MutualAidPlan:
    return PlanFactory.create(union=world.city)


def form_data(plan: MutualAidPlan, **changes: Any) -> dict[str, Any]:
    data = {
        "name": plan.name,
        "year": str(plan.year),
        "fee_per_member": str(plan.fee_per_member),
        "enroll_from": plan.enroll_from.isoformat(),
        "enroll_to": plan.enroll_to.isoformat(),
        "coverage_from": plan.coverage_from.isoformat(),
        "coverage_to": plan.coverage_to.isoformat(),
        "waiting_days": str(plan.waiting_days),
        "claim_deadline_days": str(plan.claim_deadline_days),
        "city_approval_above": str(plan.city_approval_above),
        "categories": json.dumps(plan.categories, ensure_ascii=False),
    }
    data.update(changes)
    return data


def test_plan_list_shows_plans_with_enrolled_members_in_scope(
    world: World, plan: MutualAidPlan, client_as
) -> None:
    EnrollmentFactory.create(plan=plan, member=MemberFactory.create(union=world.yuehe))
    EnrollmentFactory.create(plan=plan, member=MemberFactory.create(union=world.nanxun_town))
    response = client_as(world.wuxing_staff).get("/aid/plans/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "2023年度湖州市职工医疗互助" in body
    assert 'data-testid="plan-enrolled">1<' in body


def test_plan_list_hides_a_sibling_county_plan(world: World, client_as) -> None:
    PlanFactory.create(code="WX-2023", name="吴兴区互助方案", union=world.wuxing)
    body = client_as(world.nanxun_staff).get("/aid/plans/").content.decode()
    assert "吴兴区互助方案" not in body


def test_plan_detail_shows_the_terms_in_chinese(
    world: World, plan: MutualAidPlan, client_as
) -> None:
    response = client_as(world.wuxing_staff).get(f"/aid/plans/{plan.pk}/")
    body = response.content.decode()
    assert response.status_code == 200
    for text in (
        "起付线",
        "分段比例",
        "年度封顶",
        "一次性给付",
        "住院",
        "1,000.00 元",
        "10,000.00 元及以下部分 50%",
        "10,000.00 至 50,000.00 元部分 60%",
        "50,000.00 元以上部分 70%",
        "50,000.00 元",
        "重大疾病",
        "10,000.00 元（每年限 1 次）",
    ):
        assert text in body, text
    assert "修改方案" not in body  # staff, not the city's admin


def test_plan_detail_offers_the_edit_to_the_plan_union_admin(
    world: World, plan: MutualAidPlan, client_as
) -> None:
    body = client_as(world.city_admin).get(f"/aid/plans/{plan.pk}/").content.decode()
    assert f'href="/aid/plans/{plan.pk}/edit/"' in body


def test_edit_form_renders_for_the_plan_union_admin(
    world: World, plan: MutualAidPlan, client_as
) -> None:
    response = client_as(world.city_admin).get(f"/aid/plans/{plan.pk}/edit/")
    assert response.status_code == 200
    assert "&quot;deductible&quot;: &quot;1000.00&quot;" in response.content.decode()


@pytest.mark.parametrize("username", ["wuxing_staff", "grassroots_chair", "county_admin"])
def test_edit_is_refused_to_anyone_but_the_plan_union_admin(
    world: World, plan: MutualAidPlan, client_as, username: str
) -> None:
    UserFactory.create(username="county_admin", union=world.wuxing, role=Role.ADMIN)
    client = client_as(UserFactory.create(username=username))
    assert client.get(f"/aid/plans/{plan.pk}/edit/").status_code == 403
    assert client.post(f"/aid/plans/{plan.pk}/edit/", form_data(plan)).status_code == 403


def test_a_sibling_county_plan_is_not_found(world: World, client_as) -> None:
    county_plan = PlanFactory.create(code="WX-2023", union=world.wuxing)
    client = client_as(world.nanxun_staff)
    assert client.get(f"/aid/plans/{county_plan.pk}/").status_code == 404
    assert client.get(f"/aid/plans/{county_plan.pk}/edit/").status_code == 404


def test_saving_the_form_updates_and_audits(world: World, plan: MutualAidPlan, client_as) -> None:
    response = client_as(world.city_admin).post(
        f"/aid/plans/{plan.pk}/edit/",
        form_data(plan, name="2023年度互助（修订）", fee_per_member="40"),
    )
    assert response.status_code == 302
    assert response["Location"] == f"/aid/plans/{plan.pk}/"
    plan.refresh_from_db()
    assert (plan.name, plan.fee_per_member) == ("2023年度互助（修订）", Decimal("40.00"))
    event = AuditEvent.objects.get(action="aid.plan.update")
    assert (event.actor, event.summary) == (
        world.city_admin,
        "修改互助方案 HZ-2023：方案名称、参保费",
    )


def test_the_form_shows_each_broken_rule_on_its_field(
    world: World, plan: MutualAidPlan, client_as
) -> None:
    response = client_as(world.city_admin).post(
        f"/aid/plans/{plan.pk}/edit/",
        form_data(plan, fee_per_member="-5", enroll_to="2022-06-30"),
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert 'data-testid="error-fee_per_member">参保费不能为负数<' in body
    assert 'data-testid="error-enroll_to">参保截止日期不能早于参保开始日期<' in body
    plan.refresh_from_db()
    assert plan.fee_per_member == Decimal("36.00")


def test_the_form_refuses_categories_that_are_not_json(
    world: World, plan: MutualAidPlan, client_as
) -> None:
    response = client_as(world.city_admin).post(
        f"/aid/plans/{plan.pk}/edit/", form_data(plan, categories='{"inpatient": ')
    )
    assert response.status_code == 400
    assert "保障类别不是有效的 JSON：第 1 行第 14 列附近有错误" in response.content.decode()


def test_the_form_refuses_new_terms_once_a_claim_exists(
    world: World, plan: MutualAidPlan, client_as
) -> None:
    make_claim(plan, world)
    categories = copy.deepcopy(CATEGORIES_2023)
    categories["accident"]["yearly_cap"] = "30000.00"
    response = client_as(world.city_admin).post(
        f"/aid/plans/{plan.pk}/edit/",
        form_data(plan, categories=json.dumps(categories)),
    )
    assert response.status_code == 400
    assert "已有互助金申请使用此方案，不能再修改保障类别" in response.content.decode()
    plan.refresh_from_db()
    assert plan.categories["accident"]["yearly_cap"] == "20000.00"


def test_plan_list_queries_do_not_grow_with_plans(world: World, client_as) -> None:
    client = client_as(world.wuxing_staff)
    PlanFactory.create(union=world.city, year_=2023)
    with CaptureQueriesContext(connection) as one:
        client.get("/aid/plans/")
    for year in (2024, 2025, 2026):
        PlanFactory.create(union=world.city, year_=year)
    with CaptureQueriesContext(connection) as four:
        body = client.get("/aid/plans/").content.decode()
    assert "2026年度湖州市职工医疗互助" in body
    assert len(four) == len(one)
