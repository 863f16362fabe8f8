"""The claim services: entering one claim (every refusal), its payout against the member's
earlier claims, and the recomputation on release and at final approval.

The plan is PLAN_2023 (inpatient: deductible 1,000, 50% to 10,000, 60% to 50,000, 70% above,
cap 50,000); the member enrolled on 2023-01-01 and the claims are entered on 2023-12-01."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from gonghui.aid.models import MutualAidClaim, MutualAidEnrollment, MutualAidPlan
from gonghui.aid.services.claims import (
    claim_create,
    claim_payout_preview,
    claims_recompute,
)
from gonghui.aid.tests.factories import (
    CATEGORIES_2023,
    ClaimFactory,
    EnrollmentFactory,
    PlanFactory,
)
from gonghui.aid.workflows import CLAIM
from gonghui.conftest import World
from gonghui.core.fields import cipher_get
from gonghui.core.models import AuditEvent, Role, User
from gonghui.core.tests.factories import UserFactory
from gonghui.core.workflow import Action, State
from gonghui.core.workflow.models import ReviewEntry
from gonghui.core.workflow.services import transition, transition_many
from gonghui.members.models import Member
from gonghui.members.tests.factories import MemberFactory

TODAY = date(2023, 12, 1)
ACCOUNT = "6222021202001234567"
D = Decimal


@pytest.fixture
def plan(world: World) -> MutualAidPlan:
    return PlanFactory.create(year_=2023, union=world.city)


@pytest.fixture
def member(world: World) -> Member:
    return MemberFactory.create(union=world.wuxing_grassroots, name="张三")


@pytest.fixture
def enrollment(plan: MutualAidPlan, member: Member) -> MutualAidEnrollment:
    return EnrollmentFactory.create(plan=plan, member=member, enrolled_on=date(2023, 1, 1))


def create(world: World, member: Member, **changes: Any) -> MutualAidClaim:
    values: dict[str, Any] = {
        "actor": world.grassroots_chair,
        "member": member,
        "category": "inpatient",
        "hospital": "湖州市第一人民医院",
        "start_date": date(2023, 6, 1),
        "discharge_date": date(2023, 6, 10),
        "invoice_no": f"FP{MutualAidClaim.objects.count() + 1:08d}",
        "total_cost": "30000.00",
        "insurance_paid": "15000.00",
        "self_paid": "9000.00",
        "payee_bank": "中国工商银行湖州分行",
        "payee_account": ACCOUNT,
        "today": TODAY,
    }
    values.update(changes)
    return claim_create(**values)


def refusal(world: World, member: Member, **changes: Any) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        create(world, member, **changes)
    return caught.value.message_dict


def reviewer(union: Any, name: str) -> User:
    return UserFactory.create(username=name, union=union, role=Role.REVIEWER)


# --- entering a claim ---------------------------------------------------------------------


def test_a_claim_stores_its_payout(world: World, member: Member, enrollment: Any) -> None:
    # 9,000 − 1,000 = 8,000 at 50% = 4,000.00
    claim = create(world, member)
    assert (claim.amount, claim.deductible_used) == (D("4000.00"), D("1000.00"))


def test_a_claim_stores_its_computation_lines(
    world: World, member: Member, enrollment: Any
) -> None:
    claim = create(world, member)
    assert claim.calculation[-1] == {"label": "互助金（四舍五入到分）", "amount": "4000.00"}


def test_a_claim_is_submitted_to_the_township(
    world: World, member: Member, enrollment: Any
) -> None:
    claim = create(world, member)
    assert (claim.state, claim.step) == (State.IN_REVIEW, "township_review")


def test_a_submitted_claim_has_its_trail_and_audit(
    world: World, member: Member, enrollment: Any
) -> None:
    claim = create(world, member)
    entry = ReviewEntry.objects.get(workflow=CLAIM.key, object_id=claim.pk)
    assert (entry.action, entry.actor) == (Action.SUBMIT, world.grassroots_chair)
    assert AuditEvent.objects.filter(action="mutual_aid_claim.create", object_id=str(claim.pk))


def test_a_claim_entered_unsubmitted_stays_a_draft(
    world: World, member: Member, enrollment: Any
) -> None:
    assert create(world, member, submit=False).state == State.DRAFT


def test_the_claim_belongs_to_the_members_union(
    world: World, member: Member, enrollment: Any
) -> None:
    claim = create(world, member, actor=world.township_staff)
    assert (claim.union, claim.plan, claim.enrollment) == (
        world.wuxing_grassroots,
        enrollment.plan,
        enrollment,
    )


def test_the_bank_account_is_stored_only_encrypted_and_masked(
    world: World, member: Member, enrollment: Any
) -> None:
    claim = create(world, member)
    row = MutualAidClaim.objects.filter(pk=claim.pk).values().get()
    assert not [name for name, value in row.items() if ACCOUNT in str(value)]
    assert claim.account_masked == "622202*********4567"
    assert cipher_get(claim, "account_cipher") == ACCOUNT


def test_the_preview_computes_without_storing(
    world: World, member: Member, enrollment: Any
) -> None:
    payout = claim_payout_preview(
        actor=world.grassroots_chair,
        member=member,
        category="inpatient",
        start_date=date(2023, 6, 1),
        self_paid=D("9000.00"),
    )
    assert (payout.amount, MutualAidClaim.objects.count()) == (D("4000.00"), 0)


# --- the payout against earlier claims --------------------------------------------------------


def test_the_deductible_is_spread_over_two_claims(
    world: World, member: Member, enrollment: Any
) -> None:
    first = create(world, member, self_paid="600.00")
    second = create(world, member, self_paid="700.00")
    # first: 0.00, consumes 600; second: consumes 400, base 300 at 50% = 150.00
    assert [(c.amount, c.deductible_used) for c in (first, second)] == [
        (D("0.00"), D("600.00")),
        (D("150.00"), D("400.00")),
    ]


def test_the_cap_is_reached_in_the_middle_of_a_claim(
    world: World, member: Member, enrollment: MutualAidEnrollment
) -> None:
    ClaimFactory.create(
        enrollment=enrollment,
        state=State.IN_REVIEW,
        step="county_approval",
        amount=D("45000.00"),
        deductible_used=D("1000.00"),
    )
    # base 15,000: 5,000 + 5,000 × 60% = 8,000, capped at 50,000 − 45,000 = 5,000.00
    assert create(world, member, self_paid="15000.00").amount == D("5000.00")


def test_rejected_claims_hold_nothing(
    world: World, member: Member, enrollment: MutualAidEnrollment
) -> None:
    ClaimFactory.create(
        enrollment=enrollment,
        state=State.REJECTED,
        amount=D("45000.00"),
        deductible_used=D("1000.00"),
    )
    assert create(world, member).amount == D("4000.00")


def test_other_categories_do_not_share_the_deductible(
    world: World, member: Member, enrollment: MutualAidEnrollment
) -> None:
    ClaimFactory.create(
        enrollment=enrollment, category="accident", deductible_used=D("100.00"), amount=D("80.00")
    )
    assert create(world, member).amount == D("4000.00")


def test_a_rejection_releases_the_cap_to_the_pending_later_claim(
    world: World, member: Member, enrollment: MutualAidEnrollment
) -> None:
    earlier = ClaimFactory.create(
        enrollment=enrollment,
        state=State.IN_REVIEW,
        step="township_review",
        amount=D("45000.00"),
        deductible_used=D("1000.00"),
    )
    later = create(world, member, self_paid="15000.00")
    transition(
        CLAIM, earlier.pk, Action.REJECT, actor=reviewer(world.yuehe, "r1"), comment="发票不符"
    )
    later.refresh_from_db()
    # nothing before it now: 15,000 − 1,000 = 14,000: 5,000 + 4,000 × 60% = 7,400.00
    assert (later.amount, later.deductible_used) == (D("7400.00"), D("1000.00"))


def test_a_withdrawal_releases_the_deductible(
    world: World, member: Member, enrollment: Any
) -> None:
    first = create(world, member, self_paid="600.00")
    second = create(world, member, self_paid="700.00")
    transition(CLAIM, first.pk, Action.WITHDRAW, actor=world.grassroots_chair)
    second.refresh_from_db()
    # 700 − 700 of the deductible: 0.00
    assert (second.amount, second.deductible_used) == (D("0.00"), D("700.00"))


def test_an_approved_claims_amount_never_changes(
    world: World, member: Member, enrollment: MutualAidEnrollment
) -> None:
    earlier = ClaimFactory.create(
        enrollment=enrollment,
        state=State.IN_REVIEW,
        step="township_review",
        amount=D("45000.00"),
        deductible_used=D("1000.00"),
    )
    approved = create(world, member, self_paid="15000.00")
    MutualAidClaim.objects.filter(pk=approved.pk).update(state=State.APPROVED, step="")
    transition(
        CLAIM, earlier.pk, Action.REJECT, actor=reviewer(world.yuehe, "r1"), comment="发票不符"
    )
    approved.refresh_from_db()
    assert approved.amount == D("5000.00")


def test_recompute_follows_the_earlier_claims_as_they_stand(
    world: World, member: Member, enrollment: MutualAidEnrollment
) -> None:
    earlier = ClaimFactory.create(
        enrollment=enrollment,
        state=State.APPROVED,
        amount=D("45000.00"),
        deductible_used=D("1000.00"),
    )
    later = create(world, member, self_paid="15000.00")
    MutualAidClaim.objects.filter(pk=earlier.pk).update(state=State.REJECTED)
    changed = claims_recompute(member.pk, enrollment.plan_id, "inpatient")
    later.refresh_from_db()
    # 15,000 − 1,000 = 14,000: 5,000 + 4,000 × 60% = 7,400.00
    assert (changed, later.amount) == ([later.pk], D("7400.00"))


# --- final approval ---------------------------------------------------------------------------


def at_final_step(enrollment: MutualAidEnrollment, **values: Any) -> MutualAidClaim:
    return ClaimFactory.create(
        enrollment=enrollment, state=State.IN_REVIEW, step="county_approval", **values
    )


def test_final_approval_keeps_an_unchanged_amount_and_starts_the_notice(
    world: World, enrollment: MutualAidEnrollment
) -> None:
    claim = at_final_step(
        enrollment, self_paid=D("9000.00"), amount=D("4000.00"), deductible_used=D("1000.00")
    )
    claim = transition(CLAIM, claim.pk, Action.APPROVE, actor=reviewer(world.wuxing, "r2"))
    assert (claim.state, claim.amount) == (State.NOTICE, D("4000.00"))


def test_a_claim_below_the_deductible_passes_at_zero_and_keeps_what_it_consumed(
    world: World, enrollment: MutualAidEnrollment
) -> None:
    claim = at_final_step(
        enrollment, self_paid=D("600.00"), amount=D("0.00"), deductible_used=D("600.00")
    )
    claim = transition(CLAIM, claim.pk, Action.APPROVE, actor=reviewer(world.wuxing, "r2"))
    assert (claim.state, claim.amount, claim.deductible_used) == (
        State.NOTICE,
        D("0.00"),
        D("600.00"),
    )


def test_two_claims_approved_at_once_never_exceed_the_cap(
    world: World, enrollment: MutualAidEnrollment
) -> None:
    ClaimFactory.create(
        enrollment=enrollment,
        state=State.APPROVED,
        amount=D("45000.00"),
        deductible_used=D("1000.00"),
    )
    # Both were computed against the 45,000 alone (entered at the same moment): 5,000 each.
    first, second = (
        at_final_step(enrollment, self_paid=D("15000.00"), amount=D("5000.00")) for _ in range(2)
    )
    report = transition_many(
        CLAIM, [first.pk, second.pk], Action.APPROVE, actor=reviewer(world.wuxing, "r2")
    )
    assert (report.done, report.refused) == (
        [first.pk],
        {second.pk: "本类别年度封顶额已用完，互助金为0元"},
    )


def test_a_claim_refused_at_final_approval_stays_in_review_with_its_new_amount(
    world: World, enrollment: MutualAidEnrollment
) -> None:
    ClaimFactory.create(
        enrollment=enrollment, state=State.PAID, amount=D("50000.00"), deductible_used=D("1000.00")
    )
    claim = at_final_step(enrollment, self_paid=D("15000.00"), amount=D("5000.00"))
    transition_many(CLAIM, [claim.pk], Action.APPROVE, actor=reviewer(world.wuxing, "r2"))
    claim.refresh_from_db()
    assert (claim.state, claim.step, claim.amount) == (
        State.IN_REVIEW,
        "county_approval",
        D("0.00"),
    )


def test_a_recomputed_amount_above_the_city_threshold_adds_the_city_step(
    world: World, enrollment: MutualAidEnrollment
) -> None:
    # Entered when 45,000 was taken (5,000), the earlier claim has since been rejected:
    # base 49,000: 5,000 + 39,000 × 60% = 28,400 > 20,000, so the city approves too.
    claim = at_final_step(enrollment, self_paid=D("50000.00"), amount=D("5000.00"))
    claim = transition(CLAIM, claim.pk, Action.APPROVE, actor=reviewer(world.wuxing, "r2"))
    assert (claim.state, claim.step, claim.amount) == (
        State.IN_REVIEW,
        "city_approval",
        D("28400.00"),
    )


# --- continuous enrollment --------------------------------------------------------------------


@pytest.fixture
def late_enrollment(plan: MutualAidPlan, member: Member) -> MutualAidEnrollment:
    return EnrollmentFactory.create(plan=plan, member=member, enrolled_on=date(2023, 3, 1))


def test_a_claim_in_the_waiting_period_is_refused(
    world: World, member: Member, late_enrollment: Any
) -> None:
    errors = refusal(world, member, start_date=date(2023, 3, 10), discharge_date=date(2023, 3, 15))
    assert errors == {
        "start_date": [
            "在观察期内：2023-03-01 参保，观察期 90 天，2023-05-30 起入院（就诊）方可申请"
        ]
    }


def test_the_first_day_after_the_waiting_period_is_accepted(
    world: World, member: Member, late_enrollment: Any
) -> None:
    claim = create(world, member, start_date=date(2023, 5, 30), discharge_date=date(2023, 6, 2))
    assert claim.amount == D("4000.00")


def test_continuous_enrollment_waives_the_waiting_period(
    world: World, member: Member, late_enrollment: Any
) -> None:
    EnrollmentFactory.create(plan=PlanFactory.create(year_=2022, union=world.city), member=member)
    claim = create(world, member, start_date=date(2023, 3, 10), discharge_date=date(2023, 3, 15))
    assert claim.amount == D("4000.00")


def test_last_years_plan_of_another_union_does_not_waive_the_waiting_period(
    world: World, member: Member, late_enrollment: Any
) -> None:
    other = PlanFactory.create(year_=2022, code="WX-2022", union=world.wuxing)
    EnrollmentFactory.create(plan=other, member=member)
    errors = refusal(world, member, start_date=date(2023, 3, 10), discharge_date=date(2023, 3, 15))
    assert list(errors) == ["start_date"]


# --- critical illness ---------------------------------------------------------------------------


def test_critical_illness_pays_its_lump_sum(world: World, member: Member, enrollment: Any) -> None:
    claim = create(world, member, category="critical_illness", discharge_date=None)
    assert claim.amount == D("10000.00")


def test_a_second_critical_illness_claim_in_a_plan_is_refused(
    world: World, member: Member, enrollment: Any
) -> None:
    create(world, member, category="critical_illness", discharge_date=None)
    errors = refusal(world, member, category="critical_illness", discharge_date=None)
    assert errors == {
        "category": ["重大疾病互助金每个方案年度限申领 1 次，已申领 1 次，互助金为0元"]
    }


# --- refusals -----------------------------------------------------------------------------------


def test_a_member_outside_the_actors_scope_is_not_found(world: World, plan: MutualAidPlan) -> None:
    stranger = MemberFactory.create(union=world.nanxun_grassroots)
    EnrollmentFactory.create(plan=plan, member=stranger)
    with pytest.raises(Http404):
        create(world, stranger)


def test_a_member_not_enrolled_is_refused(world: World, member: Member) -> None:
    assert refusal(world, member) == {
        "start_date": ["该会员在 2023-06-01 没有有效的医疗互助保障（未参保或不在保障期内）"]
    }


def test_a_start_date_outside_the_coverage_is_refused(
    world: World, member: Member, enrollment: Any
) -> None:
    errors = refusal(
        world, member, start_date=date(2022, 12, 20), discharge_date=date(2022, 12, 28)
    )
    assert errors == {
        "start_date": ["该会员在 2022-12-20 没有有效的医疗互助保障（未参保或不在保障期内）"]
    }


def test_a_start_date_in_the_future_is_refused(
    world: World, member: Member, enrollment: Any
) -> None:
    errors = refusal(world, member, start_date=date(2023, 12, 2), discharge_date=None)
    assert errors["start_date"] == ["入院（就诊）日期不能晚于今天"]


def test_a_discharge_before_the_admission_is_refused(
    world: World, member: Member, enrollment: Any
) -> None:
    errors = refusal(world, member, discharge_date=date(2023, 5, 31))
    assert errors == {"discharge_date": ["出院日期不能早于入院日期"]}


def test_a_claim_after_the_deadline_is_refused(
    world: World, member: Member, enrollment: Any
) -> None:
    # discharged 2023-06-10; 730 days later is 2025-06-09
    errors = refusal(world, member, today=date(2025, 6, 10))
    assert errors == {
        "discharge_date": ["已超过申请时限：须在出院日期 2023-06-10 后 730 天内提出申请"]
    }


def test_the_last_day_of_the_deadline_is_accepted(
    world: World, member: Member, enrollment: Any
) -> None:
    assert create(world, member, today=date(2025, 6, 9)).amount == D("4000.00")


def test_the_deadline_of_a_visit_counts_from_the_visit(
    world: World, member: Member, enrollment: Any
) -> None:
    errors = refusal(
        world, member, category="accident", discharge_date=None, today=date(2025, 6, 1)
    )
    assert errors == {
        "start_date": ["已超过申请时限：须在入院（就诊）日期 2023-06-01 后 730 天内提出申请"]
    }


def test_an_invoice_used_by_a_live_claim_in_another_union_is_refused(
    world: World, member: Member, enrollment: Any, plan: MutualAidPlan
) -> None:
    other = EnrollmentFactory.create(
        plan=plan, member=MemberFactory.create(union=world.nanxun_grassroots)
    )
    ClaimFactory.create(enrollment=other, invoice_no="FP001", state=State.IN_REVIEW)
    assert refusal(world, member, invoice_no="fp 001") == {
        "invoice_no": ["发票号 FP001 已被其他申请使用"]
    }


def test_the_invoice_of_a_rejected_claim_may_be_used_again(
    world: World, member: Member, enrollment: MutualAidEnrollment
) -> None:
    ClaimFactory.create(enrollment=enrollment, invoice_no="FP001", state=State.REJECTED)
    assert create(world, member, invoice_no="FP001").invoice_no == "FP001"


@pytest.mark.parametrize(
    ("field", "typed", "message"),
    [
        ("self_paid", "-100.00", "不能为负数"),
        ("insurance_paid", "100.001", "最多两位小数"),
        ("total_cost", "约三万", "应为金额（元），如 1234.50"),
    ],
)
def test_a_bad_amount_is_refused(
    world: World, member: Member, enrollment: Any, field: str, typed: str, message: str
) -> None:
    assert refusal(world, member, **{field: typed}) == {field: [message]}


def test_a_total_below_insurance_and_self_paid_is_refused(
    world: World, member: Member, enrollment: Any
) -> None:
    # 15,000 + 9,000 = 24,000 > 20,000
    assert refusal(world, member, total_cost="20000.00") == {
        "total_cost": ["医疗总费用不能少于医保统筹支付与个人自付之和"]
    }


def test_an_unknown_category_is_refused(world: World, member: Member, enrollment: Any) -> None:
    assert refusal(world, member, category="dental") == {
        "category": ["类别应为以下之一：住院、门诊特殊病、意外伤害、重大疾病"]
    }


def test_a_category_the_plan_does_not_cover_is_refused(world: World, member: Member) -> None:
    terms = {k: v for k, v in CATEGORIES_2023.items() if k != "accident"}
    narrow = PlanFactory.create(year_=2023, union=world.city, categories=terms)
    EnrollmentFactory.create(plan=narrow, member=member)
    errors = refusal(world, member, category="accident", discharge_date=None)
    assert errors == {"category": ["该会员参加的“2023年度湖州市职工医疗互助”不保障意外伤害"]}


def test_a_bad_bank_account_is_refused(world: World, member: Member, enrollment: Any) -> None:
    assert refusal(world, member, payee_account="6222-abc") == {
        "payee_account": ["收款账号应为 8 至 30 位数字。"]
    }


def test_a_refused_submission_stores_nothing(world: World, member: Member, enrollment: Any) -> None:
    # a county's staff may enter a claim only as a draft: submitting is the township's
    with pytest.raises(PermissionDenied):
        create(world, member, actor=world.wuxing_staff)
    assert MutualAidClaim.objects.count() == 0
