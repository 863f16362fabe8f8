"""The plan pages: list, detail with the terms in Chinese, and the edit form."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gonghui.aid.forms import categories_initial
from gonghui.aid.models import MutualAidPlan
from gonghui.aid.tests.factories import EnrollmentFactory, PlanFactory
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
        **{
            k: ("" if v is None else str(v)) for k, v in categories_initial(plan.categories).items()
        },
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
    body = response.content.decode()
    assert response.status_code == 200
    assert 'name="inpatient__deductible" value="1000.00"' in body
    assert 'name="inpatient__band1_ratio" value="50"' in body  # 0.50 shown as a percent
    assert "JSON" not in body


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


def test_the_form_refuses_bands_that_do_not_rise_in_chinese(
    world: World, plan: MutualAidPlan, client_as
) -> None:
    response = client_as(world.city_admin).post(
        f"/aid/plans/{plan.pk}/edit/", form_data(plan, inpatient__band2_up_to="5000.00")
    )
    assert response.status_code == 400
    assert "住院：第 2 段上限应大于上一段的上限" in response.content.decode()


def test_the_form_saves_bands_typed_as_percents(
    world: World, plan: MutualAidPlan, client_as
) -> None:
    client_as(world.city_admin).post(
        f"/aid/plans/{plan.pk}/edit/", form_data(plan, inpatient__band1_ratio="55")
    )
    plan.refresh_from_db()
    assert plan.categories["inpatient"]["bands"][0]["ratio"] == "0.55"


def test_a_category_can_be_left_uncovered(world: World, plan: MutualAidPlan, client_as) -> None:
    client_as(world.city_admin).post(
        f"/aid/plans/{plan.pk}/edit/", form_data(plan, accident__mode="none")
    )
    plan.refresh_from_db()
    assert "accident" not in plan.categories


def test_the_form_refuses_new_terms_once_a_claim_exists(
    world: World, plan: MutualAidPlan, client_as
) -> None:
    make_claim(plan, world)
    response = client_as(world.city_admin).post(
        f"/aid/plans/{plan.pk}/edit/", form_data(plan, accident__yearly_cap="30000.00")
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


def test_next_years_plan_is_copied_from_this_years(
    world: World, plan: MutualAidPlan, client_as
) -> None:
    response = client_as(world.city_admin).post(f"/aid/plans/{plan.pk}/copy/")
    copy = MutualAidPlan.objects.get(year=plan.year + 1)
    assert response["Location"] == f"/aid/plans/{copy.pk}/edit/"
    assert copy.code == plan.code.replace(str(plan.year), str(plan.year + 1))
    assert copy.categories == plan.categories
    assert copy.enroll_from.year == plan.enroll_from.year + 1
    again = client_as(world.city_admin).post(f"/aid/plans/{plan.pk}/copy/", follow=True)
    assert "已存在" in again.content.decode()


def test_only_the_plan_admin_copies_it(world: World, plan: MutualAidPlan, client_as) -> None:
    assert client_as(world.wuxing_staff).post(f"/aid/plans/{plan.pk}/copy/").status_code == 403


def test_the_preview_computes_as_a_claim_does(world: World, plan: MutualAidPlan, client_as) -> None:
    # Inpatient: 9,000.00 self-paid less the 1,000.00 deductible, 50% of 8,000.00.
    body = (
        client_as(world.wuxing_staff)
        .get(f"/aid/plans/{plan.pk}/preview/", {"category": "inpatient", "self_paid": "9000"})
        .content.decode()
    )
    assert 'data-testid="preview-amount">4,000.00<' in body


def test_the_preview_says_what_is_wrong(world: World, plan: MutualAidPlan, client_as) -> None:
    body = (
        client_as(world.wuxing_staff)
        .get(f"/aid/plans/{plan.pk}/preview/", {"category": "inpatient", "self_paid": "abc"})
        .content.decode()
    )
    assert 'data-testid="preview-error"' in body
