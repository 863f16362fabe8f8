"""退回修改: a returned claim or relief application is corrected by the entering side,
checked by every rule of entry, resubmitted, and the trail says what changed."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from gonghui.aid.models import MutualAidClaim, ReliefApplication
from gonghui.aid.services.corrections import claim_correct, relief_correct
from gonghui.aid.tests import test_claims as base
from gonghui.aid.tests.factories import ReliefPolicyFactory
from gonghui.aid.tests.test_claims import TODAY, create, reviewer
from gonghui.aid.workflows import CLAIM, RELIEF
from gonghui.conftest import World
from gonghui.core.workflow import Action, State
from gonghui.core.workflow.models import ReviewEntry
from gonghui.core.workflow.services import transition
from gonghui.members.models import Member

# The claim tests' member, enrolled in their 2023 plan.
plan, member, enrollment = base.plan, base.member, base.enrollment

FIELDS: dict[str, Any] = {
    "category": "inpatient",
    "hospital": "湖州市中心医院",
    "discharge_date": None,
    "invoice_no": "FP00000001",
    "total_cost": "30000.00",
    "insurance_paid": "15000.00",
    "self_paid": "12000.00",
    "payee_bank": "中国工商银行湖州分行",
    "today": TODAY,
}


@pytest.fixture
def returned(world: World, member: Member, enrollment: Any) -> MutualAidClaim:
    from datetime import date

    claim = create(world, member)
    transition(
        CLAIM, claim.pk, Action.RETURN, actor=reviewer(world.yuehe, "yuehe_rv"), comment="发票不清"
    )
    FIELDS.update(start_date=date(2023, 6, 1), discharge_date=date(2023, 6, 10))
    return MutualAidClaim.objects.get(pk=claim.pk)


def test_a_returned_claim_is_corrected_recomputed_and_resubmitted(
    world: World, returned: MutualAidClaim
) -> None:
    before = returned.amount
    claim = claim_correct(actor=world.grassroots_chair, claim_id=returned.pk, **FIELDS)
    assert (claim.pk, claim.state, claim.step) == (returned.pk, State.IN_REVIEW, "township_review")
    assert claim.self_paid == Decimal("12000.00") and claim.amount > before
    assert claim.account_masked == returned.account_masked  # blank account: kept
    assert MutualAidClaim.objects.count() == 1


def test_the_trail_says_what_changed(world: World, returned: MutualAidClaim) -> None:
    claim_correct(actor=world.grassroots_chair, claim_id=returned.pk, **FIELDS)
    entry = ReviewEntry.objects.get(workflow="mutual_aid_claim", action=Action.CORRECT)
    assert "就诊医院：湖州市第一人民医院 → 湖州市中心医院" in entry.comment
    assert "个人自付：9,000.00 → 12,000.00" in entry.comment


def test_a_correction_is_checked_like_an_entry(world: World, returned: MutualAidClaim) -> None:
    with pytest.raises(ValidationError) as caught:
        claim_correct(
            actor=world.grassroots_chair,
            claim_id=returned.pk,
            **{**FIELDS, "self_paid": "99999.00"},
        )
    assert "self_paid" in caught.value.message_dict or caught.value.messages
    claim = MutualAidClaim.objects.get(pk=returned.pk)
    assert (claim.state, claim.self_paid) == (State.RETURNED, Decimal("9000.00"))


def test_only_a_returned_or_draft_claim_is_corrected(
    world: World, member: Member, enrollment: Any
) -> None:
    claim = create(world, member)  # submitted: in review
    with pytest.raises(ValidationError, match="不能修改"):
        claim_correct(actor=world.grassroots_chair, claim_id=claim.pk, **FIELDS)


def test_a_reviewer_above_cannot_correct_it(world: World, returned: MutualAidClaim) -> None:
    with pytest.raises(PermissionDenied):
        claim_correct(actor=world.wuxing_staff, claim_id=returned.pk, **FIELDS)


def test_its_own_invoice_number_does_not_block_the_correction(
    world: World, returned: MutualAidClaim
) -> None:
    claim = claim_correct(
        actor=world.grassroots_chair,
        claim_id=returned.pk,
        **{**FIELDS, "invoice_no": returned.invoice_no},
    )
    assert claim.invoice_no == returned.invoice_no


def test_a_returned_relief_is_corrected_and_resubmitted(world: World) -> None:
    from gonghui.aid.services.relief import relief_apply
    from gonghui.members.tests.factories import MemberFactory

    ReliefPolicyFactory.create(union=world.city)
    person = MemberFactory.create(union=world.wuxing_grassroots)
    item = relief_apply(
        actor=world.grassroots_chair,
        member=person,
        year=2023,
        diagnosis="恶性肿瘤",
        self_paid_year="30000.00",
        payee_bank="中国农业银行湖州分行",
        payee_account="6228480000001234567",
    )
    transition(
        RELIEF, item.pk, Action.RETURN, actor=reviewer(world.yuehe, "yuehe_rv2"), comment="金额有误"
    )
    item = relief_correct(
        actor=world.grassroots_chair,
        relief_id=item.pk,
        diagnosis="恶性肿瘤",
        self_paid_year="60000.00",
        payee_bank="中国农业银行湖州分行",
    )
    assert (item.state, item.amount) == (State.IN_REVIEW, Decimal("5000.00"))
    entry = ReviewEntry.objects.get(workflow="relief", action=Action.CORRECT)
    assert "救助金：3,000.00 → 5,000.00" in entry.comment
    assert ReliefApplication.objects.count() == 1


def test_the_claim_page_offers_the_correction_to_the_entering_side_only(
    world: World, returned: MutualAidClaim, client_as
) -> None:
    own = client_as(world.grassroots_chair).get(f"/aid/claims/{returned.pk}/").content.decode()
    above = client_as(world.wuxing_staff).get(f"/aid/claims/{returned.pk}/").content.decode()
    assert 'data-testid="correct"' in own and 'data-testid="correct"' not in above
    assert (
        client_as(world.wuxing_staff).get(f"/aid/claims/{returned.pk}/correct/").status_code == 403
    )
    assert (
        client_as(world.nanxun_staff).get(f"/aid/claims/{returned.pk}/correct/").status_code == 404
    )


def test_a_relief_is_corrected_through_its_page(world: World, client_as) -> None:
    from gonghui.aid.services.relief import relief_apply
    from gonghui.members.tests.factories import MemberFactory

    ReliefPolicyFactory.create(union=world.city)
    item = relief_apply(
        actor=world.grassroots_chair,
        member=MemberFactory.create(union=world.wuxing_grassroots),
        year=2023,
        diagnosis="恶性肿瘤",
        self_paid_year="30000.00",
        payee_bank="中国农业银行湖州分行",
        payee_account="6228480000001234567",
    )
    transition(RELIEF, item.pk, Action.RETURN, actor=reviewer(world.yuehe, "rv3"), comment="补充")
    response = client_as(world.grassroots_chair).post(
        f"/aid/relief/{item.pk}/correct/",
        {"diagnosis": "恶性肿瘤", "self_paid_year": "120000", "payee_bank": "中国农业银行湖州分行"},
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.state, item.amount) == (State.IN_REVIEW, Decimal("10000.00"))
