"""缓减工会经费: the rules (dues, overlap, deferral dates), applying and the county's review, the
policy sheet with bulk approval, settling a deferral, the indicators and the pages."""

from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from gonghui.conftest import World
from gonghui.core.indicators import Period, indicator_get, indicator_values
from gonghui.core.models import Role, User
from gonghui.core.tests.factories import UserFactory
from gonghui.core.workflow import selectors as wf
from gonghui.core.workflow.models import Action, State
from gonghui.core.workflow.services import transition, transition_many
from gonghui.wages.models import DuesRelief
from gonghui.wages.services.relief import (
    ReliefTerms,
    deferrals_overdue,
    relief_apply,
    relief_settle,
)
from gonghui.wages.sheets.relief import relief_import
from gonghui.wages.tests.test_wages import enterprise
from gonghui.wages.workflows import RELIEF

D = datetime.date
H1 = Period.half(2023, 1)


def terms(**kw: Any) -> ReliefTerms:
    values: dict[str, Any] = {
        "kind": "reduce",
        "period_from": D(2023, 1, 1),
        "period_to": D(2023, 6, 30),
        "payroll": Decimal("600000"),
        "amount": None,
    }
    values.update(kw)
    return ReliefTerms(**values)


def apply(world: World, firm: Any, **kw: Any) -> DuesRelief:
    return relief_apply(
        actor=world.township_staff, enterprise=firm, terms=terms(**kw), reason="small"
    )


def reviewer(union: Any) -> User:
    found = User.objects.filter(username=f"r_{union.code}").first()
    return found or UserFactory.create(username=f"r_{union.code}", union=union, role=Role.REVIEWER)


def granted(world: World, relief: DuesRelief) -> DuesRelief:
    return transition(RELIEF, relief.pk, Action.APPROVE, actor=reviewer(world.wuxing))


def refusal(world: World, firm: Any, **kw: Any) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        apply(world, firm, **kw)
    return caught.value.message_dict


# --- the rules ------------------------------------------------------------------------------


def test_a_blank_amount_relieves_the_whole_periods_dues(world: World) -> None:
    relief = apply(world, enterprise(world, 1))
    assert (relief.amount, relief.dues, relief.state, relief.step) == (
        Decimal("12000.00"),
        Decimal("12000.00"),
        State.IN_REVIEW,
        "county_review",
    )


def test_a_relief_above_the_periods_dues_is_refused(world: World) -> None:
    assert refusal(world, enterprise(world, 1), amount=Decimal("12000.01")) == {
        "amount": ["缓减金额 12000.01 元超过该期间应缴经费 12000.00 元（工资总额的 2%）"]
    }


def test_a_period_overlapping_a_granted_relief_is_refused(world: World) -> None:
    firm = enterprise(world, 1)
    first = granted(world, apply(world, firm))
    assert refusal(world, firm, period_from=D(2023, 6, 1), period_to=D(2023, 9, 30)) == {
        "period_from": [f"与已批准的缓减（编号 {first.pk}，2023-01至2023-06）期间重叠"]
    }


def test_a_rejected_relief_frees_its_period(world: World) -> None:
    firm = enterprise(world, 1)
    first = apply(world, firm)
    transition(RELIEF, first.pk, Action.REJECT, actor=reviewer(world.wuxing), comment="材料不全")
    assert apply(world, firm).state == State.IN_REVIEW


def test_a_deferral_needs_a_due_day_after_its_period(world: World) -> None:
    firm = enterprise(world, 1)
    assert refusal(world, firm, kind="defer") == {"due_on": ["缓缴须填写缓缴到期日"]}
    assert refusal(world, firm, kind="defer", due_on=D(2023, 6, 30)) == {
        "due_on": ["缓缴到期日须在截止月份之后"]
    }


def test_an_enterprise_without_a_union_may_be_relieved_of_its_preparatory_dues(
    world: World,
) -> None:
    relief = apply(world, enterprise(world, 1, with_union=False))
    assert relief.union == world.yuehe


def test_a_sibling_county_cannot_apply_for_the_enterprise(world: World) -> None:
    with pytest.raises(ValidationError) as caught:
        relief_apply(
            actor=world.nanxun_staff,
            enterprise=enterprise(world, 1),
            terms=terms(),
            reason="small",
        )
    assert caught.value.message_dict == {"enterprise": ["只能为本工会及下级工会的企业申请"]}


# --- review, settling -----------------------------------------------------------------------


def test_the_county_inbox_holds_only_its_subtree(world: World) -> None:
    relief = apply(world, enterprise(world, 1))
    mine = [s for s in wf.inbox(reviewer(world.wuxing)) if s.workflow.key == "dues_relief"]
    theirs = [s for s in wf.inbox(reviewer(world.nanxun)) if s.workflow.key == "dues_relief"]
    assert [i.pk for s in mine for i in s.items] == [relief.pk]
    assert [i.pk for s in theirs for i in s.items] == []


def test_a_granted_deferral_past_due_is_overdue_until_settled(world: World) -> None:
    relief = granted(
        world, apply(world, enterprise(world, 1), kind="defer", due_on=D(2023, 12, 31))
    )
    overdue = DuesRelief.objects.filter(deferrals_overdue(on=D(2024, 1, 2)))
    assert list(overdue) == [relief]
    relief_settle(actor=world.township_staff, relief=relief, settled_on=D(2024, 1, 5))
    assert not DuesRelief.objects.filter(deferrals_overdue(on=D(2024, 1, 10))).exists()


def test_a_reduction_cannot_be_settled(world: World) -> None:
    relief = granted(world, apply(world, enterprise(world, 1)))
    with pytest.raises(ValidationError) as caught:
        relief_settle(actor=world.township_staff, relief=relief, settled_on=D(2023, 7, 1))
    assert caught.value.messages == ["只有已批准的缓缴可以登记补缴"]


# --- the indicators -------------------------------------------------------------------------


def test_relief_counts_the_granted_amount_and_each_enterprise_once(world: World) -> None:
    firm, other = enterprise(world, 1), enterprise(world, 2)
    granted(world, apply(world, firm, period_to=D(2023, 3, 31), amount=Decimal("100.50")))
    granted(world, apply(world, firm, period_from=D(2023, 4, 1), amount=Decimal("200")))
    granted(world, apply(world, other, amount=Decimal("300")))
    apply(world, enterprise(world, 3), amount=Decimal("999"))  # under review: not yet
    DuesRelief.objects.update(approved_at=timezone.make_aware(datetime.datetime(2023, 5, 2)))
    values = {
        key: indicator_values(indicator_get(key), world.wuxing, [H1])[0].total
        for key in ("dues_relief_amount", "dues_relief_enterprises")
    }
    assert values == {"dues_relief_amount": Decimal("600.50"), "dues_relief_enterprises": 2}


# --- the policy sheet -----------------------------------------------------------------------

HEADERS = [
    "统一社会信用代码",
    "缓减方式",
    "起始月份",
    "截止月份",
    "工资总额",
    "缓减金额",
    "原因",
    "原因说明",
    "政策依据",
    "缓缴到期日",
]


def book(tmp_path: Path, rows: list[list[Any]]) -> Path:
    workbook = openpyxl.Workbook()
    workbook.active.append(HEADERS)
    for row in rows:
        workbook.active.append(row)
    path = tmp_path / "r.xlsx"
    workbook.save(path)
    return path


def row(firm: Any, **kw: Any) -> list[Any]:
    v = {
        "kind": "减免",
        "start": "2023-01",
        "end": "2023-06",
        "payroll": 600000,
        "amount": "",
        "due": "",
    }
    v.update(kw)
    return [
        firm.uscc,
        v["kind"],
        v["start"],
        v["end"],
        v["payroll"],
        v["amount"],
        "小微企业",
        "",
        "湖工〔2023〕12号",
        v["due"],
    ]


def test_policy_relief_is_submitted_and_approved_in_bulk(world: World, tmp_path: Path) -> None:
    firms = [enterprise(world, n) for n in range(1, 4)]
    report = relief_import(
        actor=world.township_staff,
        union=world.yuehe,
        path=book(tmp_path, [row(f) for f in firms]),
        dry_run=False,
    )
    ids = list(DuesRelief.objects.values_list("pk", flat=True))
    assert (report.created, DuesRelief.objects.filter(state=State.IN_REVIEW).count()) == (3, 3)
    done = transition_many(RELIEF, ids, Action.APPROVE, actor=reviewer(world.wuxing))
    assert (len(done.done), DuesRelief.objects.filter(state=State.APPROVED).count()) == (3, 3)


def test_importing_the_policy_file_again_creates_nothing(world: World, tmp_path: Path) -> None:
    path = book(tmp_path, [row(enterprise(world, 1))])
    relief_import(actor=world.township_staff, union=world.yuehe, path=path, dry_run=False)
    again = relief_import(actor=world.township_staff, union=world.yuehe, path=path, dry_run=False)
    assert (again.created, again.unchanged, DuesRelief.objects.count()) == (0, 1, 1)


def test_policy_rows_report_each_problem_and_write_nothing(world: World, tmp_path: Path) -> None:
    firm, other, third = enterprise(world, 1), enterprise(world, 2), enterprise(world, 3)
    granted(world, apply(world, third))
    report = relief_import(
        actor=world.township_staff,
        union=world.yuehe,
        path=book(
            tmp_path,
            [
                row(firm),
                row(firm, start="2023-03", end="2023-08"),
                row(other, amount=20000),
                row(other, kind="缓缴", start="2023-07", end="2023-09"),
                row(third, start="2023-05", end="2023-07"),
                row(other, start="2023-10", end="2023-08"),
            ],
        ),
        dry_run=False,
    )
    assert sorted((e.row, e.message) for e in report.errors) == [
        (3, "起始月份：与第 2 行的期间重叠"),
        (4, "缓减金额：缓减金额 20000.00 元超过该期间应缴经费 12000.00 元（工资总额的 2%）"),
        (5, "缓缴到期日：缓缴须填写缓缴到期日"),
        (
            6,
            f"起始月份：与已批准的缓减（编号 {DuesRelief.objects.get().pk}，2023-01至2023-06）期间重叠",
        ),
        (7, "截止月份：不能早于起始月份"),
    ]
    assert DuesRelief.objects.count() == 1


# --- pages ----------------------------------------------------------------------------------


def test_the_ledger_shows_the_granted_totals_in_few_queries(
    world: World, client_as, django_assert_max_num_queries
) -> None:
    for n in range(1, 11):
        granted(world, apply(world, enterprise(world, n), amount=Decimal("100")))
    client = client_as(world.wuxing_staff)
    with django_assert_max_num_queries(15):
        page = client.get("/wages/relief/").content.decode()
    assert 'data-testid="relief-amount">1,000.00' in page
    assert page.count("已批准") >= 10
    assert (
        client_as(world.nanxun_staff).get("/wages/relief/").content.decode().count("月河机械") == 0
    )


def test_the_relief_page_is_scoped(world: World, client_as) -> None:
    relief = apply(world, enterprise(world, 1))
    assert client_as(world.wuxing_staff).get(f"/wages/relief/{relief.pk}/").status_code == 200
    assert client_as(world.nanxun_staff).get(f"/wages/relief/{relief.pk}/").status_code == 404


def test_the_form_shows_the_rules_refusal_beside_the_amount(world: World, client_as) -> None:
    firm = enterprise(world, 1)
    page = client_as(world.township_staff).post(
        "/wages/relief/new/",
        {
            "uscc": firm.uscc,
            "kind": "reduce",
            "period_from": "2023-01",
            "period_to": "2023-06",
            "payroll": "600000",
            "amount": "12000.01",
            "reason": "small",
        },
    )
    assert "超过该期间应缴经费 12000.00 元" in page.content.decode()
    assert not DuesRelief.objects.exists()


def test_the_inbox_names_the_enterprise_as_the_applicant(world: World, client_as) -> None:
    apply(world, enterprise(world, 1))
    page = client_as(reviewer(world.wuxing)).get("/workflow/inbox/").content.decode()
    assert '<td class="text-nowrap">月河机械1有限公司</td>' in page
