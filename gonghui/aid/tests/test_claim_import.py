"""The claims sheet (互助金申请): payouts of a file's rows, every refusal named by row and
column, all-or-nothing commit with submission, re-imports, the command line and the export.

Files are written as users write them: a title row, the headers on row 2, data from row 3.
The plan is PLAN_2023 (inpatient: deductible 1,000, 50% to 10,000 …), members enrolled on
2023-01-01, and the imports run on 2023-12-01 unless a test says otherwise."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
import xlsxwriter
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.utils import timezone
from python_calamine import CalamineWorkbook

from gonghui.aid.models import MutualAidClaim, MutualAidPlan
from gonghui.aid.services.claims import claim_export, claim_import
from gonghui.aid.tests.factories import (
    CATEGORIES_2023,
    ClaimFactory,
    EnrollmentFactory,
    PlanFactory,
)
from gonghui.aid.workflows import CLAIM
from gonghui.conftest import World
from gonghui.core.actors import SystemActor
from gonghui.core.models import AuditEvent
from gonghui.core.sheets import ImportReport
from gonghui.core.workflow import Action, State
from gonghui.core.workflow.models import ReviewEntry
from gonghui.members.models import Member
from gonghui.members.tests.factories import MemberFactory, id_number_for
from gonghui.orgs.models import Union

TODAY = date(2023, 12, 1)
ACCOUNT = "6222021202001234567"
D = Decimal


def write_claims(path: Path, rows: Sequence[dict[str, Any]]) -> Path:
    """A workbook with a merged title row, the headers of ``rows`` on row 2, data below."""
    headers: list[str] = []
    for row in rows:
        headers.extend(h for h in row if h not in headers)
    book = xlsxwriter.Workbook(str(path))
    ws = book.add_worksheet("互助金申请")
    dates = book.add_format({"num_format": "yyyy-mm-dd"})
    ws.merge_range(0, 0, 0, max(len(headers) - 1, 1), "2023年医疗互助金申请汇总表")
    ws.write_row(1, 0, headers)
    for r, row in enumerate(rows, start=2):
        for c, header in enumerate(headers):
            value = row.get(header)
            if isinstance(value, date):
                ws.write_datetime(r, c, datetime(value.year, value.month, value.day), dates)
            elif isinstance(value, str):
                ws.write_string(r, c, value)
            elif value is not None:
                ws.write_number(r, c, value)
    book.close()
    return path


def claim_row(member: Member, number: int, **cells: Any) -> dict[str, Any]:
    """One inpatient claim of ``member`` with invoice FP<number>; ``cells`` change columns
    (None blanks one)."""
    row: dict[str, Any] = {
        "姓名": member.name,
        "身份证号": MEMBER_IDS[member.pk],
        "类别": "住院",
        "医院": "湖州市第一人民医院",
        "入院日期": date(2023, 6, 1),
        "出院日期": date(2023, 6, 10),
        "发票号": f"FP{number:06d}",
        "医疗总费用": "30000.00",
        "医保统筹支付": "15000.00",
        "个人自付": "9000.00",
        "收款银行": "中国工商银行湖州分行",
        "收款账号": ACCOUNT,
    }
    row.update(cells)
    return row


MEMBER_IDS: dict[int, str] = {}


def make_member(union: Union, n: int, name: str) -> Member:
    member = MemberFactory.create(union=union, name=name, id_number=id_number_for(n))
    MEMBER_IDS[member.pk] = id_number_for(n)
    return member


@pytest.fixture
def plan(world: World) -> MutualAidPlan:
    return PlanFactory.create(year_=2023, union=world.city)


@pytest.fixture
def zhang(world: World, plan: MutualAidPlan) -> Member:
    member = make_member(world.wuxing_grassroots, 1, "张三")
    EnrollmentFactory.create(plan=plan, member=member, enrolled_on=date(2023, 1, 1))
    return member


@pytest.fixture
def li(world: World, plan: MutualAidPlan) -> Member:
    member = make_member(world.wuxing_grassroots, 2, "李四")
    EnrollmentFactory.create(plan=plan, member=member, enrolled_on=date(2023, 1, 1))
    return member


def do_import(
    world: World,
    tmp_path: Path,
    rows: Sequence[dict[str, Any]],
    *,
    dry_run: bool = False,
    actor: Any = None,
    union: Union | None = None,
    name: str = "claims.xlsx",
) -> ImportReport:
    path = write_claims(tmp_path / name, rows)
    union = union or world.yuehe
    # No actor named: the operator at the command line, scoped to the union.
    return claim_import(
        actor=actor or SystemActor(union), union=union, path=path, dry_run=dry_run, today=TODAY
    )


def errors(report: ImportReport) -> list[tuple[int, str, str]]:
    return [(e.row, e.column, e.message) for e in report.errors]


def three_rows(zhang: Member, li: Member) -> list[dict[str, Any]]:
    # 张三 600 → 0.00 (consumes 600); 张三 700 → 400 left, 300 × 50% = 150.00;
    # 李四 门诊特殊病 1,500 → (1,500 − 500) × 40% = 400.00
    return [
        claim_row(zhang, 1, 个人自付="600.00"),
        claim_row(zhang, 2, 个人自付="700.00"),
        claim_row(li, 3, 类别="门诊特殊病", 出院日期=None, 个人自付="1500.00"),
    ]


PAYOUTS = [
    {"row": 3, "amount": "0.00"},
    {"row": 4, "amount": "150.00"},
    {"row": 5, "amount": "400.00"},
]


# --- dry run and commit ------------------------------------------------------------------


def test_a_dry_run_reports_the_payout_of_every_valid_row(
    world: World, tmp_path: Path, zhang: Member, li: Member
) -> None:
    report = do_import(world, tmp_path, three_rows(zhang, li), dry_run=True)
    assert report.as_dict()["payouts"] == PAYOUTS


def test_a_dry_run_writes_nothing(world: World, tmp_path: Path, zhang: Member, li: Member) -> None:
    report = do_import(world, tmp_path, three_rows(zhang, li), dry_run=True)
    assert (report.valid, report.created, MutualAidClaim.objects.count()) == (3, 3, 0)


def test_a_committed_import_stores_the_computed_amounts(
    world: World, tmp_path: Path, zhang: Member, li: Member
) -> None:
    report = do_import(world, tmp_path, three_rows(zhang, li))
    stored = list(
        MutualAidClaim.objects.order_by("source_row").values_list(
            "source_row", "amount", "deductible_used"
        )
    )
    assert (report.committed, stored) == (
        True,
        [(3, D("0.00"), D("600.00")), (4, D("150.00"), D("400.00")), (5, D("400.00"), D("500.00"))],
    )


def test_imported_claims_are_submitted_with_a_trail(
    world: World, tmp_path: Path, zhang: Member, li: Member
) -> None:
    do_import(world, tmp_path, three_rows(zhang, li))
    claims = MutualAidClaim.objects.all()
    assert {(c.state, c.step) for c in claims} == {(State.IN_REVIEW, "township_review")}
    entries = ReviewEntry.objects.filter(workflow=CLAIM.key, action=Action.SUBMIT)
    assert sorted(e.object_id for e in entries) == sorted(c.pk for c in claims)


def test_claims_imported_on_the_server_are_submitted_by_the_operator(
    world: World, tmp_path: Path, zhang: Member
) -> None:
    do_import(world, tmp_path, [claim_row(zhang, 1)])
    entry = ReviewEntry.objects.get(workflow=CLAIM.key)
    assert (entry.actor, entry.actor_name) == (None, "服务器操作员")


def test_claims_imported_by_a_user_are_submitted_by_them(
    world: World, tmp_path: Path, zhang: Member
) -> None:
    do_import(world, tmp_path, [claim_row(zhang, 1)], actor=world.township_staff)
    claim = MutualAidClaim.objects.get()
    assert claim.submitted_by == world.township_staff


def test_imported_claims_have_paper_documents_and_the_members_union(
    world: World, tmp_path: Path, zhang: Member
) -> None:
    do_import(world, tmp_path, [claim_row(zhang, 1)])
    claim = MutualAidClaim.objects.get()
    assert (claim.paper_documents, claim.union, claim.member) == (
        True,
        world.wuxing_grassroots,
        zhang,
    )


def test_imported_claims_keep_their_computation(
    world: World, tmp_path: Path, zhang: Member
) -> None:
    do_import(world, tmp_path, [claim_row(zhang, 1)])
    claim = MutualAidClaim.objects.get()
    assert claim.calculation[3] == {
        "label": "0–10,000.00 部分",
        "amount": "8,000.00 × 50% = 4,000.00",
    }


def test_the_bank_account_is_stored_only_encrypted_and_masked(
    world: World, tmp_path: Path, zhang: Member
) -> None:
    do_import(world, tmp_path, [claim_row(zhang, 1)])
    row = MutualAidClaim.objects.values().get()
    assert not [name for name, value in row.items() if ACCOUNT in str(value)]
    assert row["account_masked"] == "622202*********4567"


def test_one_bad_row_writes_nothing(
    world: World, tmp_path: Path, zhang: Member, li: Member
) -> None:
    rows = [*three_rows(zhang, li), claim_row(li, 4, 个人自付="-5.00")]
    report = do_import(world, tmp_path, rows)
    assert (report.committed, report.created, MutualAidClaim.objects.count()) == (False, 0, 0)


def test_a_committed_import_is_audited(world: World, tmp_path: Path, zhang: Member) -> None:
    do_import(world, tmp_path, [claim_row(zhang, 1)])
    event = AuditEvent.objects.get(action="mutual_aid_claim.import")
    assert "新增 1" in event.summary


def test_reimporting_a_file_creates_nothing(
    world: World, tmp_path: Path, zhang: Member, li: Member
) -> None:
    do_import(world, tmp_path, three_rows(zhang, li))
    report = do_import(world, tmp_path, three_rows(zhang, li), name="again.xlsx")
    assert (report.committed, MutualAidClaim.objects.count()) == (False, 3)


def test_reimporting_a_file_names_every_used_invoice(
    world: World, tmp_path: Path, zhang: Member, li: Member
) -> None:
    do_import(world, tmp_path, three_rows(zhang, li))
    report = do_import(world, tmp_path, three_rows(zhang, li), name="again.xlsx")
    assert errors(report) == [
        (n, "发票号", f"发票号：发票号 FP00000{n - 2} 已被其他申请使用") for n in (3, 4, 5)
    ]


def test_a_second_file_counts_the_claims_of_the_first(
    world: World, tmp_path: Path, zhang: Member
) -> None:
    do_import(world, tmp_path, [claim_row(zhang, 1, 个人自付="600.00")])
    report = do_import(world, tmp_path, [claim_row(zhang, 2, 个人自付="700.00")], name="b.xlsx")
    assert report.extra["payouts"] == [{"row": 3, "amount": "150.00"}]


def test_a_county_user_may_not_import_claims(world: World, tmp_path: Path, zhang: Member) -> None:
    with pytest.raises(ValidationError, match="只有基层或乡镇"):
        do_import(
            world, tmp_path, [claim_row(zhang, 1)], actor=world.wuxing_staff, union=world.wuxing
        )


def test_a_file_of_many_claims_is_computed_in_row_order_across_batches(
    world: World, tmp_path: Path, zhang: Member, monkeypatch: pytest.MonkeyPatch
) -> None:
    from gonghui.aid.sheets.claims import ClaimSheet

    monkeypatch.setattr(ClaimSheet, "batch_size", 2)
    # five claims of 600: the deductible is used up by the 2nd (600 + 400), then 300 each
    rows = [claim_row(zhang, n, 个人自付="600.00") for n in range(1, 6)]
    report = do_import(world, tmp_path, rows)
    assert [p["amount"] for p in report.extra["payouts"]] == [
        "0.00",
        "100.00",
        "300.00",
        "300.00",
        "300.00",
    ]
    assert MutualAidClaim.objects.filter(state=State.IN_REVIEW).count() == 5


# --- refusals, each named by row and column ------------------------------------------------


def only_error(report: ImportReport) -> tuple[int, str, str]:
    assert len(report.errors) == 1, errors(report)
    return errors(report)[0]


def test_a_person_who_is_not_a_member_is_refused(
    world: World, tmp_path: Path, zhang: Member
) -> None:
    row = claim_row(zhang, 1, 身份证号=id_number_for(99))
    report = do_import(world, tmp_path, [row])
    assert only_error(report) == (3, "身份证号", "身份证号：在本工会及下级工会的会员中找不到此人")


def test_a_member_outside_the_import_union_is_refused(
    world: World, tmp_path: Path, plan: MutualAidPlan
) -> None:
    stranger = make_member(world.nanxun_grassroots, 5, "王五")
    EnrollmentFactory.create(plan=plan, member=stranger)
    report = do_import(world, tmp_path, [claim_row(stranger, 1)])
    assert only_error(report)[:2] == (3, "身份证号")


def test_a_name_that_does_not_match_is_refused(world: World, tmp_path: Path, zhang: Member) -> None:
    report = do_import(world, tmp_path, [claim_row(zhang, 1, 姓名="张山")])
    assert only_error(report) == (3, "姓名", "姓名：姓名与会员名册不一致")


def test_a_member_not_enrolled_is_refused(world: World, tmp_path: Path) -> None:
    member = make_member(world.wuxing_grassroots, 7, "赵六")
    report = do_import(world, tmp_path, [claim_row(member, 1)])
    assert only_error(report) == (
        3,
        "入院日期",
        "入院日期：该会员在 2023-06-01 没有有效的医疗互助保障（未参保或不在保障期内）",
    )


def test_a_claim_in_the_waiting_period_is_refused(
    world: World, tmp_path: Path, plan: MutualAidPlan
) -> None:
    member = make_member(world.wuxing_grassroots, 8, "钱七")
    EnrollmentFactory.create(plan=plan, member=member, enrolled_on=date(2023, 3, 1))
    row = claim_row(member, 1, 入院日期=date(2023, 3, 10), 出院日期=date(2023, 3, 15))
    assert only_error(do_import(world, tmp_path, [row])) == (
        3,
        "入院日期",
        "入院日期：在观察期内：2023-03-01 参保，观察期 90 天，2023-05-30 起入院（就诊）方可申请",
    )


def test_continuous_enrollment_waives_the_waiting_period_in_a_file(
    world: World, tmp_path: Path, plan: MutualAidPlan
) -> None:
    member = make_member(world.wuxing_grassroots, 8, "钱七")
    EnrollmentFactory.create(plan=plan, member=member, enrolled_on=date(2023, 3, 1))
    EnrollmentFactory.create(plan=PlanFactory.create(year_=2022, union=world.city), member=member)
    row = claim_row(member, 1, 入院日期=date(2023, 3, 10), 出院日期=date(2023, 3, 15))
    assert do_import(world, tmp_path, [row]).extra["payouts"] == [{"row": 3, "amount": "4000.00"}]


@pytest.mark.parametrize(
    ("cells", "column", "message"),
    [
        (
            {"入院日期": date(2023, 12, 2), "类别": "意外伤害", "出院日期": None},
            "入院日期",
            "入院日期：入院（就诊）日期不能晚于今天",
        ),
        ({"出院日期": date(2023, 5, 31)}, "出院日期", "出院日期：出院日期不能早于入院日期"),
        ({"出院日期": None}, "出院日期", "出院日期：住院申请须填写出院日期"),
        (
            {"医疗总费用": "20000.00"},
            "医疗总费用",
            "医疗总费用：医疗总费用不能少于医保统筹支付与个人自付之和",
        ),
        ({"个人自付": "-9000.00"}, "个人自付", "个人自付：不能为负数"),
        ({"医保统筹支付": "15000.005"}, "医保统筹支付", "医保统筹支付：最多两位小数"),
        (
            {"类别": "牙科"},
            "类别",
            "类别：应为以下之一：住院、门诊特殊病、意外伤害、重大疾病",
        ),
        ({"收款账号": "12345"}, "收款账号", "收款账号应为 8 至 30 位数字。"),
        ({"发票号": None}, "发票号", "发票号不能为空"),
    ],
)
def test_a_bad_row_is_refused_naming_its_column(
    world: World,
    tmp_path: Path,
    zhang: Member,
    cells: dict[str, Any],
    column: str,
    message: str,
) -> None:
    report = do_import(world, tmp_path, [claim_row(zhang, 1, **cells)])
    assert only_error(report) == (3, column, message)


def test_a_claim_after_the_deadline_is_refused(world: World, tmp_path: Path, zhang: Member) -> None:
    path = write_claims(tmp_path / "late.xlsx", [claim_row(zhang, 1)])
    report = claim_import(
        actor=SystemActor(world.yuehe),
        union=world.yuehe,
        path=path,
        dry_run=True,
        today=date(2025, 6, 10),
    )
    assert only_error(report) == (
        3,
        "出院日期",
        "出院日期：已超过申请时限：须在出院日期 2023-06-10 后 730 天内提出申请",
    )


def test_an_invoice_used_by_another_unions_claim_is_refused(
    world: World, tmp_path: Path, zhang: Member, plan: MutualAidPlan
) -> None:
    other = EnrollmentFactory.create(
        plan=plan, member=MemberFactory.create(union=world.nanxun_grassroots)
    )
    ClaimFactory.create(enrollment=other, invoice_no="FP000001", state=State.IN_REVIEW)
    report = do_import(world, tmp_path, [claim_row(zhang, 1)])
    assert only_error(report) == (3, "发票号", "发票号：发票号 FP000001 已被其他申请使用")


def test_an_invoice_repeated_in_the_file_is_refused_on_the_later_row(
    world: World, tmp_path: Path, zhang: Member, li: Member
) -> None:
    report = do_import(world, tmp_path, [claim_row(zhang, 1), claim_row(li, 1)])
    assert only_error(report) == (4, "发票号", "与第 3 行重复")


def test_a_second_critical_illness_claim_in_the_file_is_refused(
    world: World, tmp_path: Path, zhang: Member
) -> None:
    rows = [claim_row(zhang, n, 类别="重大疾病", 出院日期=None) for n in (1, 2)]
    report = do_import(world, tmp_path, rows, dry_run=True)
    assert only_error(report) == (
        4,
        "类别",
        "类别：重大疾病互助金每个方案年度限申领 1 次，已申领 1 次，互助金为0元",
    )


def test_a_category_the_plan_does_not_cover_is_refused(world: World, tmp_path: Path) -> None:
    terms = {k: v for k, v in CATEGORIES_2023.items() if k != "accident"}
    narrow = PlanFactory.create(year_=2023, union=world.city, categories=terms)
    member = make_member(world.wuxing_grassroots, 9, "孙八")
    EnrollmentFactory.create(plan=narrow, member=member)
    row = claim_row(member, 1, 类别="意外伤害", 出院日期=None)
    assert only_error(do_import(world, tmp_path, [row])) == (
        3,
        "类别",
        "类别：该会员参加的“2023年度湖州市职工医疗互助”不保障意外伤害",
    )


def test_synonym_headers_are_read(world: World, tmp_path: Path, zhang: Member) -> None:
    row = claim_row(zhang, 1, 类别="门诊特殊病")
    row["公民身份号码"] = row.pop("身份证号")
    row["就诊日期"] = row.pop("入院日期")
    row.pop("出院日期")
    # (9,000 − 500) × 40% = 3,400.00
    assert do_import(world, tmp_path, [row]).extra["payouts"] == [{"row": 3, "amount": "3400.00"}]


# --- the command line and the export -------------------------------------------------------


def test_the_commands_json_lists_the_payouts(world: World, tmp_path: Path) -> None:
    # The command runs today: a plan of last year, claims from its summer.
    year = timezone.localdate().year - 1
    plan = PlanFactory.create(year_=year, union=world.city)
    member = make_member(world.wuxing_grassroots, 1, "张三")
    EnrollmentFactory.create(plan=plan, member=member)
    row = claim_row(member, 1, 入院日期=date(year, 7, 1), 出院日期=date(year, 7, 9))
    path = write_claims(tmp_path / "claims.xlsx", [row])
    out = StringIO()
    call_command(
        "import",
        "mutual-aid-claims",
        str(path),
        "--union",
        "330502001",
        "--json",
        "--dry-run",
        stdout=out,
    )
    result = json.loads(out.getvalue())
    assert (result["valid"], result["payouts"]) == (1, [{"row": 3, "amount": "4000.00"}])


def test_the_export_masks_id_numbers_and_accounts(
    world: World, tmp_path: Path, zhang: Member
) -> None:
    do_import(world, tmp_path, [claim_row(zhang, 1)])
    path = tmp_path / "export.xlsx"
    claim_export(actor=world.township_staff, union=world.yuehe, path=path)
    rows = list(CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).iter_rows())
    id18 = MEMBER_IDS[zhang.pk]
    assert (rows[1][0], rows[1][1], rows[1][11], rows[1][13]) == (
        "张三",
        id18[:6] + "*" * 8 + id18[-4:],
        "622202*********4567",
        "4000.00",
    )


def test_the_export_shows_nothing_of_a_sibling_county(
    world: World, tmp_path: Path, zhang: Member
) -> None:
    do_import(world, tmp_path, [claim_row(zhang, 1)])
    path = tmp_path / "export.xlsx"
    assert claim_export(actor=world.nanxun_staff, union=world.nanxun, path=path) == 0


def test_a_revealed_export_needs_the_personal_data_permission(world: World, tmp_path: Path) -> None:
    with pytest.raises(PermissionDenied):
        claim_export(
            actor=world.township_staff, union=world.yuehe, path=tmp_path / "x.xlsx", reveal=True
        )
