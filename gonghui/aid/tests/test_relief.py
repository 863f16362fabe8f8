"""会员大病救助: grants by tiers, the applicable policy, once a year, the review path, the
policies, and the pages (member found by full ID number; the account never shown in full)."""

from __future__ import annotations

import threading
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from gonghui.aid.models import ReliefApplication, ReliefPolicy
from gonghui.aid.selectors import relief_member_find
from gonghui.aid.services import relief as relief_service
from gonghui.aid.services.relief import (
    relief_apply,
    relief_grant,
    relief_policy_for,
    relief_policy_save,
)
from gonghui.aid.tests.factories import (
    RELIEF_DISEASES,
    RELIEF_TIERS_2023,
    ReliefApplicationFactory,
    ReliefPolicyFactory,
)
from gonghui.aid.workflows import RELIEF
from gonghui.conftest import World, build_world
from gonghui.core.fields import cipher_get
from gonghui.core.models import AuditEvent, Role, User
from gonghui.core.tests.factories import UserFactory
from gonghui.core.tests.test_browser import log_in
from gonghui.core.workflow import Action, State
from gonghui.core.workflow.models import ReviewEntry
from gonghui.core.workflow.services import notice_expire, transition
from gonghui.members.models import Member
from gonghui.members.tests.factories import MemberFactory, id_number_for
from gonghui.orgs.models import Union
from gonghui.testing.browser import SCREENSHOTS, WIDTHS

ACCOUNT = "6222 0200 0000 1234 567"
ACCOUNT_DIGITS = "6222020000001234567"
ACCOUNT_MASKED = "622202*********4567"


@pytest.fixture
def policy(world: World) -> ReliefPolicy:
    return ReliefPolicyFactory.create(union=world.city)


@pytest.fixture
def member(world: World) -> Member:
    return MemberFactory.create(
        union=world.wuxing_grassroots, name="沈建国", id_number=id_number_for(101)
    )


def apply(world: World, member: Member, cost: str = "30000.00", **kwargs: Any) -> Any:
    values: dict[str, Any] = {
        "actor": world.grassroots_chair,
        "member": member,
        "year": 2023,
        "diagnosis": "恶性肿瘤",
        "self_paid_year": Decimal(cost),
        "payee_bank": "中国工商银行湖州分行",
        "payee_account": ACCOUNT,
    }
    values.update(kwargs)
    return relief_apply(**values)


def factory_member_per_item(world: World) -> Any:
    """A factory argument giving each application its own member (once per year each)."""
    import factory

    return factory.LazyFunction(lambda: MemberFactory.create(union=world.wuxing_grassroots))


def reviewer(union: Union, name: str) -> User:
    return UserFactory.create(username=name, union=union, role=Role.REVIEWER)


# --- Grants by tiers ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cost", "grant"),
    [
        ("19999.99", "0.00"),
        ("20000.00", "3000.00"),
        ("49999.99", "3000.00"),
        ("50000.00", "5000.00"),
        ("99999.99", "5000.00"),
        ("100000.00", "10000.00"),
        ("350000.00", "10000.00"),
    ],
)
def test_grant_by_tier_includes_the_lower_bound_and_excludes_the_upper(
    policy: ReliefPolicy, cost: str, grant: str
) -> None:
    assert relief_grant(policy, Decimal(cost)) == Decimal(grant)


def test_a_cost_below_the_first_tier_is_refused(world: World, policy, member) -> None:
    with pytest.raises(ValidationError) as exc:
        apply(world, member, cost="19999.99")
    assert exc.value.messages == ["年度个人自付医疗费用未达到救助标准（2万元）"]
    assert not ReliefApplication.objects.exists()


@pytest.mark.parametrize(
    ("cost", "grant"), [("20000.00", "3000.00"), ("50000.00", "5000.00"), ("100000.00", "10000.00")]
)
def test_the_application_carries_the_grant_of_its_tier(
    world: World, policy, member, cost: str, grant: str
) -> None:
    application = apply(world, member, cost=cost)
    assert (application.self_paid_year, application.amount) == (Decimal(cost), Decimal(grant))


# --- Applying ----------------------------------------------------------------------------------


def test_an_application_is_submitted_to_the_township_review(world: World, policy, member) -> None:
    application = apply(world, member)
    assert (application.state, application.step) == (State.IN_REVIEW, "township_review")
    assert application.union == world.wuxing_grassroots
    assert application.policy == policy
    assert application.submitted_by == world.grassroots_chair


def test_the_account_is_stored_encrypted_and_masked(world: World, policy, member) -> None:
    application = apply(world, member)
    assert application.account_masked == ACCOUNT_MASKED
    assert ACCOUNT_DIGITS.encode() not in bytes(application.account_cipher)
    assert cipher_get(application, "account_cipher") == ACCOUNT_DIGITS


def test_the_audit_event_names_no_full_account(world: World, policy, member) -> None:
    application = apply(world, member)
    event = AuditEvent.objects.get(action="relief.create")
    assert event.object_id == str(application.pk)
    assert ACCOUNT_MASKED in event.summary
    assert ACCOUNT_DIGITS not in event.summary


def test_a_draft_is_kept_when_not_submitted(world: World, policy, member) -> None:
    application = apply(world, member, submit=False)
    assert (application.state, application.step) == (State.DRAFT, "")


def test_a_second_live_application_in_the_year_is_refused(world: World, policy, member) -> None:
    apply(world, member)
    with pytest.raises(ValidationError) as exc:
        apply(world, member, cost="60000.00")
    assert exc.value.messages == ["该会员2023年度已有大病救助申请，每人每年限申请一次。"]
    assert ReliefApplication.objects.count() == 1


def test_after_a_rejection_a_new_application_is_allowed(world: World, policy, member) -> None:
    first = apply(world, member)
    transition(
        RELIEF, first.pk, Action.REJECT, actor=reviewer(world.yuehe, "yh"), comment="材料不实"
    )
    second = apply(world, member, cost="60000.00")
    assert (second.state, second.amount) == (State.IN_REVIEW, Decimal("5000.00"))


def test_another_year_is_another_application(world: World, policy, member) -> None:
    ReliefPolicyFactory.create(union=world.city, year_=2024)
    apply(world, member)
    later = apply(world, member, year=2024)
    assert later.policy.year == 2024


def test_the_database_constraint_refuses_in_chinese_what_the_check_missed(
    world: World, policy, member, monkeypatch
) -> None:
    """Two clerks racing both pass the check; the partial unique index stops the second."""
    apply(world, member)
    # Make the check blind, as it is for a clerk whose rival has not committed yet.
    monkeypatch.setattr(relief_service, "RELEASED_STATES", tuple(State.values))
    with pytest.raises(ValidationError) as exc:
        apply(world, member)
    assert exc.value.messages == ["该会员2023年度已有大病救助申请，每人每年限申请一次。"]
    assert ReliefApplication.objects.count() == 1


def test_a_diagnosis_not_in_the_list_is_refused(world: World, policy, member) -> None:
    with pytest.raises(ValidationError) as exc:
        apply(world, member, diagnosis="阑尾炎")
    assert exc.value.messages == ["“阑尾炎”不在2023年度重大疾病目录内，不能申请大病救助。"]


def test_no_policy_for_the_year_is_refused(world: World, policy, member) -> None:
    with pytest.raises(ValidationError) as exc:
        apply(world, member, year=2022)
    assert exc.value.messages == ["2022年度没有适用于该会员的大病救助政策。"]


def test_a_bad_account_number_is_refused(world: World, policy, member) -> None:
    with pytest.raises(ValidationError) as exc:
        apply(world, member, payee_account="6222-abc")
    assert exc.value.messages == ["收款账号应为 8 至 30 位数字。"]


def test_every_error_of_an_application_is_given_at_once(world: World, policy, member) -> None:
    with pytest.raises(ValidationError) as exc:
        apply(
            world,
            member,
            cost="100.00",
            diagnosis="感冒",
            payee_bank=" ",
            payee_account="6222-abc",
        )
    assert exc.value.messages == [
        "“感冒”不在2023年度重大疾病目录内，不能申请大病救助。",
        "年度个人自付医疗费用未达到救助标准（2万元）",
        "请填写收款银行。",
        "收款账号应为 8 至 30 位数字。",
    ]
    assert not ReliefApplication.objects.exists()


def test_a_member_of_a_sibling_county_is_not_found(world: World, policy) -> None:
    nanxun_member = MemberFactory.create(union=world.nanxun_grassroots)
    with pytest.raises(Http404):
        apply(world, nanxun_member)


def test_county_staff_cannot_apply(world: World, policy, member) -> None:
    with pytest.raises(PermissionDenied):
        apply(world, member, actor=world.wuxing_staff)


# --- The applicable policy ------------------------------------------------------------------


def test_a_county_policy_overrides_the_citys(world: World, policy) -> None:
    county = ReliefPolicyFactory.create(
        union=world.wuxing,
        code="DB-330502-2023",
        tiers=[{"from": "10000.00", "to": None, "grant": "2000.00"}],
    )
    assert relief_policy_for(world.wuxing_grassroots, 2023) == county
    assert relief_policy_for(world.nanxun_grassroots, 2023) == policy


def test_a_wuxing_member_gets_the_county_grant(world: World, policy, member) -> None:
    ReliefPolicyFactory.create(
        union=world.wuxing,
        code="DB-330502-2023",
        tiers=[{"from": "10000.00", "to": None, "grant": "2000.00"}],
        diseases=["恶性肿瘤"],
    )
    application = apply(world, member, cost="15000.00")
    assert (application.amount, application.policy.union) == (Decimal("2000.00"), world.wuxing)


# --- The review path -------------------------------------------------------------------------


def test_review_approval_and_notice_with_a_trail(world: World, policy, member) -> None:
    application = apply(world, member)
    item = transition(RELIEF, application.pk, Action.APPROVE, actor=reviewer(world.yuehe, "yh"))
    assert (item.state, item.step) == (State.IN_REVIEW, "county_approval")
    item = transition(RELIEF, item.pk, Action.APPROVE, actor=reviewer(world.wuxing, "wx"))
    today = timezone.localdate()
    assert (item.state, item.notice_until) == (State.NOTICE, today + timedelta(days=5))
    notice_expire(RELIEF, today=today + timedelta(days=5))
    item.refresh_from_db()
    assert item.state == State.APPROVED
    trail = ReviewEntry.objects.filter(workflow="relief", object_id=item.pk).order_by("at", "pk")
    assert [(e.action, e.step, e.to_state) for e in trail] == [
        ("submit", "", "in_review"),
        ("approve", "township_review", "in_review"),
        ("approve", "county_approval", "notice"),
        ("notice_pass", "", "approved"),
    ]


# --- Policies --------------------------------------------------------------------------------


def save_policy(world: World, **kwargs: Any) -> ReliefPolicy:
    values: dict[str, Any] = {
        "actor": world.city_admin,
        "union": world.city,
        "year": 2023,
        "tiers": RELIEF_TIERS_2023,
        "diseases": RELIEF_DISEASES,
    }
    values.update(kwargs)
    return relief_policy_save(**values)


def test_a_policy_is_saved_with_its_tiers_normalised(world: World) -> None:
    saved = save_policy(
        world,
        tiers=[
            {"from": "50000", "to": "100000", "grant": "5000"},
            {"from": "20000", "to": "50000", "grant": "3000"},
            {"from": "100000", "to": "", "grant": "10000"},
        ],
        diseases=[" 恶性肿瘤 ", "恶性肿瘤", "严重烧伤", ""],
    )
    assert saved.tiers == RELIEF_TIERS_2023
    assert saved.diseases == ["恶性肿瘤", "严重烧伤"]
    assert (saved.code, saved.name) == ("DB-3305-2023", "湖州市总工会2023年度会员大病救助")


def test_saving_again_replaces_the_unions_policy_for_the_year(world: World) -> None:
    first = save_policy(world)
    second = save_policy(world, tiers=[{"from": "30000", "to": None, "grant": "4000"}])
    assert second.pk == first.pk
    assert ReliefPolicy.objects.count() == 1
    assert relief_grant(second, Decimal("29999.99")) == Decimal("0.00")


def test_tiers_with_a_gap_are_refused(world: World) -> None:
    with pytest.raises(ValidationError) as exc:
        save_policy(
            world,
            tiers=[
                {"from": "20000", "to": "50000", "grant": "3000"},
                {"from": "60000", "to": None, "grant": "5000"},
            ],
        )
    assert exc.value.messages == [
        "救助档次应首尾相接：每一档的终点应等于下一档的起点，仅最后一档可不设终点。"
    ]


def test_a_county_admin_sets_the_county_policy(world: World) -> None:
    admin = UserFactory.create(username="wuxing_admin", union=world.wuxing, role=Role.ADMIN)
    saved = save_policy(world, actor=admin, union=world.wuxing)
    assert saved.union == world.wuxing


def test_staff_cannot_set_a_policy(world: World) -> None:
    with pytest.raises(PermissionDenied):
        save_policy(world, actor=world.wuxing_staff, union=world.wuxing)


def test_a_county_admin_cannot_set_the_citys_policy(world: World) -> None:
    admin = UserFactory.create(username="wuxing_admin", union=world.wuxing, role=Role.ADMIN)
    with pytest.raises(Http404):
        save_policy(world, actor=admin, union=world.city)


# --- Finding the member ------------------------------------------------------------------------


def test_a_member_is_found_by_the_full_id_number(world: World, member) -> None:
    spaced = id_number_for(101)[:6] + " " + id_number_for(101)[6:]
    assert relief_member_find(actor=world.grassroots_chair, id_number=spaced) == member


def test_a_member_out_of_scope_is_not_found(world: World, member) -> None:
    nanxun_chair = UserFactory.create(
        username="nanxun_chair", union=world.nanxun_grassroots, role=Role.ADMIN
    )
    with pytest.raises(ValidationError) as exc:
        relief_member_find(actor=nanxun_chair, id_number=id_number_for(101))
    assert exc.value.messages == ["在您的管辖范围内没有找到该身份证号的会员。"]


# --- Pages -------------------------------------------------------------------------------------


def test_the_new_form_finds_the_member_and_submits(world: World, policy, member, client_as) -> None:
    client = client_as(world.grassroots_chair)
    page = client.post(
        "/aid/relief/new/", {"step": "find", "id_number": id_number_for(101), "year": "2023"}
    ).content.decode()
    assert member.id_masked in page
    assert id_number_for(101) not in page
    assert '<option value="恶性肿瘤"' in page
    response = client.post(
        "/aid/relief/new/",
        {
            "step": "apply",
            "member_id": member.pk,
            "year": "2023",
            "diagnosis": "恶性肿瘤",
            "self_paid_year": "52000.00",
            "payee_bank": "中国工商银行湖州分行",
            "payee_account": ACCOUNT,
        },
    )
    application = ReliefApplication.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/aid/relief/{application.pk}/"
    assert application.amount == Decimal("5000.00")


def test_a_refused_form_shows_why_and_not_the_account(
    world: World, policy, member, client_as
) -> None:
    page = (
        client_as(world.grassroots_chair)
        .post(
            "/aid/relief/new/",
            {
                "step": "apply",
                "member_id": member.pk,
                "year": "2023",
                "diagnosis": "恶性肿瘤",
                "self_paid_year": "12000.00",
                "payee_bank": "中国工商银行湖州分行",
                "payee_account": ACCOUNT_DIGITS,
            },
        )
        .content.decode()
    )
    assert "年度个人自付医疗费用未达到救助标准（2万元）" in page
    assert ACCOUNT_DIGITS not in page
    assert not ReliefApplication.objects.exists()


def test_an_unknown_id_number_is_reported_on_the_form(world: World, policy, client_as) -> None:
    page = (
        client_as(world.grassroots_chair)
        .post("/aid/relief/new/", {"step": "find", "id_number": id_number_for(999), "year": "2023"})
        .content.decode()
    )
    assert "在您的管辖范围内没有找到该身份证号的会员。" in page


def test_the_detail_page_shows_the_grant_masked_account_and_panel(
    world: World, policy, member, client_as
) -> None:
    application = apply(world, member, cost="65000.00")
    page = client_as(world.wuxing_staff).get(f"/aid/relief/{application.pk}/").content.decode()
    assert "属“5万元（含）至10万元（不含）”档，救助金 <strong>5,000.00</strong> 元" in page
    assert ACCOUNT_MASKED in page
    assert ACCOUNT_DIGITS not in page
    assert 'data-testid="workflow-panel"' in page
    assert member.id_masked in page


def test_the_detail_page_of_a_sibling_county_is_not_found(
    world: World, policy, member, client_as
) -> None:
    application = apply(world, member)
    response = client_as(world.nanxun_staff).get(f"/aid/relief/{application.pk}/")
    assert response.status_code == 404


def test_the_list_holds_the_scope_and_filters_by_state(
    world: World, policy, member, client_as
) -> None:
    in_review = apply(world, member)
    draft = ReliefApplicationFactory.create(member=MemberFactory.create(union=world.yuehe))
    nanxun = ReliefApplicationFactory.create(
        member=MemberFactory.create(union=world.nanxun_grassroots)
    )
    client = client_as(world.wuxing_staff)
    page = client.get("/aid/relief/").content.decode()
    assert f'href="/aid/relief/{in_review.pk}/"' in page
    assert f'href="/aid/relief/{draft.pk}/"' in page
    assert f'href="/aid/relief/{nanxun.pk}/"' not in page
    filtered = client.get("/aid/relief/?state=draft").content.decode()
    assert f'href="/aid/relief/{draft.pk}/"' in filtered
    assert f'href="/aid/relief/{in_review.pk}/"' not in filtered


def test_the_list_pages_by_keyset_newest_first(world: World, policy, client_as) -> None:
    items = ReliefApplicationFactory.create_batch(
        51, member=factory_member_per_item(world), state="in_review"
    )
    client = client_as(world.wuxing_staff)
    first = client.get("/aid/relief/?state=in_review").content.decode()
    newest, oldest = max(i.pk for i in items), min(i.pk for i in items)
    assert f'href="/aid/relief/{newest}/"' in first
    assert f'href="/aid/relief/{oldest}/"' not in first
    second_pk = sorted(i.pk for i in items)[1]
    assert f'href="?state=in_review&amp;before={second_pk}"' in first
    second = client.get(f"/aid/relief/?state=in_review&before={second_pk}").content.decode()
    assert f'href="/aid/relief/{oldest}/"' in second
    assert 'data-testid="next-page"' not in second


def test_the_list_query_count_does_not_grow_with_rows(world: World, policy, client_as) -> None:
    client = client_as(world.wuxing_staff)

    def count_queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/aid/relief/").status_code == 200
        return len(ctx.captured_queries)

    ReliefApplicationFactory.create(member=MemberFactory.create(union=world.yuehe))
    few = count_queries()
    for _ in range(4):
        ReliefApplicationFactory.create(member=MemberFactory.create(union=world.yuehe))
    assert count_queries() == few


def test_an_admin_saves_a_policy_on_its_page(world: World, client_as) -> None:
    response = client_as(world.city_admin).post(
        "/aid/relief/policies/3305/",
        {
            "year": "2023",
            "fund_name": "会员大病救助金",
            "tier_from_0": "20000",
            "tier_to_0": "50000",
            "tier_grant_0": "3000",
            "tier_from_1": "50000",
            "tier_to_1": "100000",
            "tier_grant_1": "5000",
            "tier_from_2": "100000",
            "tier_to_2": "",
            "tier_grant_2": "10000",
            "diseases": "恶性肿瘤\r\n严重烧伤\r\n",
        },
    )
    assert response.status_code == 302
    saved = ReliefPolicy.objects.get()
    assert (saved.tiers, saved.diseases) == (RELIEF_TIERS_2023, ["恶性肿瘤", "严重烧伤"])


def test_the_policy_page_is_for_admins(world: World, client_as) -> None:
    assert client_as(world.wuxing_staff).get("/aid/relief/policies/330502/").status_code == 403


# --- Races (PostgreSQL) -----------------------------------------------------------------------


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_clerks_applying_at_once_make_one_application() -> None:
    from gonghui.conftest import build_world

    world = build_world()
    ReliefPolicyFactory.create(union=world.city)
    member = MemberFactory.create(union=world.wuxing_grassroots)
    other = UserFactory.create(username="yuehe_clerk", union=world.yuehe, role=Role.STAFF)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def act(actor: User) -> None:
        try:
            barrier.wait()
            apply(world, member, actor=actor)
            outcomes.append("done")
        except ValidationError as exc:
            outcomes.extend(exc.messages)
        finally:
            connection.close()

    threads = [threading.Thread(target=act, args=(a,)) for a in (world.grassroots_chair, other)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["done", "该会员2023年度已有大病救助申请，每人每年限申请一次。"]
    assert ReliefApplication.objects.count() == 1


@pytest.mark.browser
@pytest.mark.parametrize("device", sorted(WIDTHS))
def test_the_relief_pages_fit_a_phone_and_a_desktop(
    transactional_db: None, live_server, browser, device: str
) -> None:
    world = build_world()
    ReliefPolicyFactory.create(union=world.city)
    member = MemberFactory.create(union=world.wuxing_grassroots, id_number=id_number_for(101))
    application = apply(world, member, cost="65000.00")
    context = browser.new_context(viewport={"width": WIDTHS[device], "height": 900}, locale="zh-CN")
    page = context.new_page()
    try:
        log_in(page, live_server.url, "grassroots_chair")
        page.goto(live_server.url + "/aid/relief/new/")
        page.fill("#id_id_number", id_number_for(101))
        page.fill("#id_year", "2023")
        page.click("main form button[type=submit]")
        page.wait_for_load_state("networkidle")
        assert member.id_masked in page.inner_text("main")
        for name, path in (
            ("new", None),
            ("list", "/aid/relief/"),
            ("detail", f"/aid/relief/{application.pk}/"),
            ("policies", "/aid/relief/policies/"),
        ):
            if path:
                page.goto(live_server.url + path)
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 0, (name, overflow)
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SCREENSHOTS / f"relief-{name}-{device}.png"), full_page=True)
    finally:
        context.close()
