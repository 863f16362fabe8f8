"""The member pages gain mutual aid: a panel with yearly totals, and a roster filter."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from gonghui.aid.models import MutualAidClaim, ReliefApplication
from gonghui.aid.tests.factories import EnrollmentFactory, PlanFactory, ReliefPolicyFactory
from gonghui.conftest import World
from gonghui.core import pii
from gonghui.core.workflow.models import State
from gonghui.members.tests.factories import MemberFactory
from gonghui.testing.ciphers import cipher_sealed

ACCOUNT = "6228480000001234567"


def claim(enrollment, amount: str, state: str, invoice: str) -> MutualAidClaim:
    return MutualAidClaim.objects.create(
        union=enrollment.member.union,
        member=enrollment.member,
        plan=enrollment.plan,
        enrollment=enrollment,
        category="inpatient",
        hospital="湖州市中心医院",
        start_date=date(2023, 5, 1),
        discharge_date=date(2023, 5, 9),
        invoice_no=invoice,
        total_cost=Decimal("20000.00"),
        insurance_paid=Decimal("12000.00"),
        self_paid=Decimal("8000.00"),
        payee_bank="中国农业银行湖州分行",
        **cipher_sealed(MutualAidClaim, account_cipher=ACCOUNT),
        account_masked=pii.mask_bank_account(ACCOUNT),
        amount=Decimal(amount),
        state=state,
    )


def test_member_page_shows_enrollments_and_yearly_totals(world: World, client_as) -> None:
    member = MemberFactory.create(union=world.wuxing_grassroots, name="沈佳怡")
    enrollment = EnrollmentFactory.create(plan=PlanFactory.create(union=world.city), member=member)
    claim(enrollment, "1500.00", State.PAID, "FP-1")
    claim(enrollment, "250.50", State.APPROVED, "FP-2")
    claim(enrollment, "999.00", State.REJECTED, "FP-3")  # released: not in the total
    ReliefApplication.objects.create(
        union=member.union,
        member=member,
        policy=ReliefPolicyFactory.create(union=world.city),
        diagnosis="恶性肿瘤",
        self_paid_year=Decimal("30000.00"),
        payee_bank="中国农业银行湖州分行",
        **cipher_sealed(ReliefApplication, account_cipher=ACCOUNT),
        account_masked=pii.mask_bank_account(ACCOUNT),
        amount=Decimal("3000.00"),
        state=State.NOTICE,
    )
    page = client_as(world.wuxing_staff).get(f"/members/{member.pk}/").content.decode()
    assert "2023年度湖州市职工医疗互助" in page
    totals = page.split('data-testid="aid-totals"')[1].split("</table>")[0]
    assert "1,750.50" in totals  # 1500.00 + 250.50, in thousands
    assert "4,750.50" in totals  # with the relief grant of 3000.00
    assert ">2<" in totals  # two claims counted, the rejected one not
    assert ACCOUNT not in page


def test_roster_filters_by_enrollment(world: World, client_as) -> None:
    plan = PlanFactory.create(union=world.city)
    enrolled = MemberFactory.create(union=world.wuxing_grassroots, name="钱振宇")
    MemberFactory.create(union=world.wuxing_grassroots, name="孙雨桐")
    EnrollmentFactory.create(plan=plan, member=enrolled)
    client = client_as(world.wuxing_staff)
    inside = client.get(f"/members/?union=330502&aid=in:{plan.pk}").content.decode()
    outside = client.get(f"/members/?union=330502&aid=out:{plan.pk}").content.decode()
    assert "钱振宇" in inside and "孙雨桐" not in inside
    assert "孙雨桐" in outside and "钱振宇" not in outside


def test_roster_filter_ignores_a_plan_out_of_scope(world: World, client_as) -> None:
    wuxing_plan = PlanFactory.create(union=world.wuxing, code="WX-2023")
    MemberFactory.create(union=world.nanxun_grassroots, name="周子涵")
    page = client_as(world.nanxun_staff).get(f"/members/?aid=in:{wuxing_plan.pk}")
    assert "周子涵" not in page.content.decode()
    assert "WX-2023" not in page.content.decode()
