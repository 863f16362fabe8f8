"""Mutual-aid plans: `gonghui aid load-plan FILE`, its validation, and edits."""

from __future__ import annotations

import copy
import json
from datetime import date
from decimal import Decimal
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command

from gonghui.aid.models import MutualAidClaim, MutualAidPlan
from gonghui.aid.services.plans import plan_save, plan_update, plan_validate
from gonghui.aid.tests.factories import PLAN_2023, EnrollmentFactory, PlanFactory
from gonghui.conftest import World
from gonghui.core.actors import SystemActor
from gonghui.core.models import AuditEvent, Role
from gonghui.core.tests.factories import UserFactory
from gonghui.members.tests.factories import MemberFactory
from gonghui.testing.ciphers import cipher_sealed


def plan_file(tmp_path: Path, data: Any, name: str = "plan.json") -> Path:
    path = tmp_path / name
    text = data if isinstance(data, str) else json.dumps(data, ensure_ascii=False)
    path.write_text(text, encoding="utf-8")
    return path


def load(path: Path, *args: str) -> str:
    out = StringIO()
    call_command("aid", "load-plan", str(path), *args, stdout=out)
    return out.getvalue()


def with_changes(**changes: Any) -> dict[str, Any]:
    data = copy.deepcopy(PLAN_2023)
    data.update(changes)
    return data


def messages_of(data: dict[str, Any]) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        plan_validate(data)
    return caught.value.message_dict


def make_claim(plan: MutualAidPlan, world: World) -> MutualAidClaim:
    member = MemberFactory.create(union=world.wuxing_grassroots)
    enrollment = EnrollmentFactory.create(plan=plan, member=member)
    return MutualAidClaim.objects.create(
        union=world.wuxing_grassroots,
        member=member,
        plan=plan,
        enrollment=enrollment,
        category="inpatient",
        hospital="湖州市中心医院",
        start_date=date(2023, 6, 1),
        invoice_no="INV-0001",
        total_cost=Decimal("12000.00"),
        insurance_paid=Decimal("6000.00"),
        self_paid=Decimal("6000.00"),
        payee_bank="湖州银行",
        **cipher_sealed(MutualAidClaim, account_cipher="6222020000000000001"),
        account_masked="6222********0001",
    )


# -- loading ----------------------------------------------------------------------------


def test_load_plan_creates_the_plan(world: World, tmp_path: Path) -> None:
    output = load(plan_file(tmp_path, PLAN_2023))
    plan = MutualAidPlan.objects.get(code="HZ-2023")
    assert (plan.name, plan.year, plan.union) == ("2023年度湖州市职工医疗互助", 2023, world.city)
    assert plan.fee_per_member == Decimal("36.00")
    assert (plan.enroll_from, plan.coverage_to) == (date(2023, 1, 1), date(2023, 12, 31))
    assert (plan.waiting_days, plan.claim_deadline_days) == (90, 730)
    assert plan.city_approval_above == Decimal("20000.00")
    assert plan.categories["inpatient"]["deductible"] == "1000.00"
    assert "已新建互助方案 HZ-2023（2023年度湖州市职工医疗互助），举办工会：湖州市总工会" in output


def test_loading_a_changed_file_updates_the_plan_without_a_duplicate(
    world: World, tmp_path: Path
) -> None:
    load(plan_file(tmp_path, PLAN_2023))
    output = load(plan_file(tmp_path, with_changes(fee_per_member="40.00", name="2023年度互助")))
    plan = MutualAidPlan.objects.get()
    assert (plan.fee_per_member, plan.name) == (Decimal("40.00"), "2023年度互助")
    assert "已更新互助方案 HZ-2023" in output
    assert "修改了：方案名称、参保费" in output


def test_loading_the_same_file_again_changes_nothing(world: World, tmp_path: Path) -> None:
    path = plan_file(tmp_path, PLAN_2023)
    load(path)
    output = load(path, "--json")
    assert json.loads(output)["status"] == "unchanged"
    assert MutualAidPlan.objects.count() == 1
    assert AuditEvent.objects.filter(action__startswith="aid.plan").count() == 1


def test_each_load_that_changes_a_plan_is_audited(world: World, tmp_path: Path) -> None:
    load(plan_file(tmp_path, PLAN_2023))
    load(plan_file(tmp_path, with_changes(waiting_days=60)))
    events = AuditEvent.objects.filter(action__startswith="aid.plan").order_by("id")
    assert [(e.action, e.summary) for e in events] == [
        ("aid.plan.create", "新建互助方案 HZ-2023 2023年度湖州市职工医疗互助"),
        ("aid.plan.update", "修改互助方案 HZ-2023：观察期"),
    ]
    assert {e.union for e in events} == {world.city}


def test_json_output_names_the_plan(world: World, tmp_path: Path) -> None:
    result = json.loads(load(plan_file(tmp_path, PLAN_2023), "--json"))
    plan = MutualAidPlan.objects.get()
    assert result == {"code": "HZ-2023", "plan_id": plan.pk, "status": "created", "changed": []}


def test_a_county_may_run_its_own_plan(world: World, tmp_path: Path) -> None:
    load(plan_file(tmp_path, with_changes(code="WX-2023", union="330502")))
    assert MutualAidPlan.objects.get(code="WX-2023").union == world.wuxing


def test_a_grassroots_union_cannot_run_a_plan(world: World, tmp_path: Path) -> None:
    with pytest.raises(CommandError) as caught:
        load(plan_file(tmp_path, with_changes(union="3305020010001")))
    assert str(caught.value) == (
        "互助方案只能由市总工会或区县总工会举办，德马科技集团股份有限公司工会委员会是基层工会"
    )
    assert not MutualAidPlan.objects.exists()


def test_a_file_that_is_not_json_is_refused(world: World, tmp_path: Path) -> None:
    with pytest.raises(CommandError) as caught:
        load(plan_file(tmp_path, '{"code": "HZ-2023",\n  "name": }'))
    assert str(caught.value) == "方案文件不是有效的 JSON：第 2 行第 11 列附近有错误"


def test_a_json_list_is_refused(world: World, tmp_path: Path) -> None:
    with pytest.raises(CommandError) as caught:
        load(plan_file(tmp_path, [PLAN_2023]))
    assert str(caught.value) == "方案文件应为一个 JSON 对象（以 { 开头）"


def test_errors_as_json_exit_with_status_2(world: World, tmp_path: Path, capsys) -> None:
    path = plan_file(tmp_path, with_changes(fee_per_member="-1"))
    out = StringIO()
    with pytest.raises(SystemExit) as caught:
        call_command("aid", "load-plan", str(path), "--json", stdout=out)
    assert caught.value.code == 2
    assert json.loads(out.getvalue()) == {"error": ["参保费不能为负数"]}


def test_a_missing_file_is_named(world: World, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="文件不存在"):
        load(tmp_path / "nope.json")


# -- one rule, one message ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"name": None}, "name", "缺少方案名称（name）"),
        ({"code": "HZ 2023/1"}, "code", "方案代码只能由字母、数字、“-”和“_”组成，不超过32个字符"),
        ({"year": 1999}, "year", "年度应为2000至2100之间的整数"),
        ({"union": "9999"}, "union", "找不到工会代码 9999"),
        (
            {"union": "330502001"},
            "union",
            "互助方案只能由市总工会或区县总工会举办，月河街道工会是乡镇（街道）工会",
        ),
        ({"fee_per_member": "-0.01"}, "fee_per_member", "参保费不能为负数"),
        ({"fee_per_member": "36.005"}, "fee_per_member", "参保费最多保留两位小数"),
        ({"fee_per_member": "三十六"}, "fee_per_member", "参保费应为金额，例如 36.00"),
        ({"fee_per_member": "1000000"}, "fee_per_member", "参保费不能超过 999999.99 元"),
        ({"enroll_from": "2023/01/01"}, "enroll_from", "参保开始日期应为日期，格式如 2023-01-01"),
        ({"enroll_to": "2022-12-31"}, "enroll_to", "参保截止日期不能早于参保开始日期"),
        (
            {"coverage_to": "2022-12-31", "enroll_to": "2022-12-31", "enroll_from": "2022-01-01"},
            "coverage_to",
            "保障截止日期不能早于保障开始日期",
        ),
        ({"enroll_to": "2024-01-31"}, "enroll_to", "参保截止日期不能晚于保障截止日期"),
        ({"waiting_days": 400}, "waiting_days", "观察期应为0至365之间的整数（天）"),
        ({"claim_deadline_days": 0}, "claim_deadline_days", "申请时限应为1至3650之间的整数（天）"),
        (
            {"city_approval_above": "2万"},
            "city_approval_above",
            "市总审批金额线应为金额，例如 36.00",
        ),
        ({"categories": ["inpatient"]}, "categories", "保障类别应为一个以类别为键的 JSON 对象"),
        ({"fee": "36.00"}, "__all__", "未知字段：fee"),
    ],
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_each_rule_has_its_chinese_message(
    world: World, changes: dict[str, Any], field: str, message: str
) -> None:
    assert messages_of(with_changes(**changes)) == {field: [message]}


def test_broken_category_terms_are_reported_on_categories(world: World) -> None:
    categories = copy.deepcopy(PLAN_2023["categories"])
    categories["inpatient"]["deductible"] = "一千元"
    errors = messages_of(with_changes(categories=categories))
    assert list(errors) == ["categories"]
    assert errors["categories"]


def test_optional_fields_take_the_defaults(world: World) -> None:
    data = with_changes()
    for key in ("waiting_days", "claim_deadline_days", "city_approval_above"):
        del data[key]
    values = plan_validate(data)
    assert (values["waiting_days"], values["claim_deadline_days"]) == (90, 730)
    assert values["city_approval_above"] == Decimal("20000.00")


def test_amounts_given_as_json_numbers_are_read_exactly(world: World) -> None:
    values = plan_validate(with_changes(fee_per_member=36.5))
    assert values["fee_per_member"] == Decimal("36.50")


# -- changes once the plan is in use ---------------------------------------------------------


def test_terms_cannot_change_once_a_claim_uses_the_plan(world: World) -> None:
    plan = plan_save(actor=SystemActor(None), data=PLAN_2023).plan
    make_claim(plan, world)
    categories = copy.deepcopy(PLAN_2023["categories"])
    categories["inpatient"]["deductible"] = "800.00"
    with pytest.raises(ValidationError) as caught:
        plan_save(actor=SystemActor(None), data=with_changes(categories=categories))
    assert caught.value.message_dict == {
        "categories": [
            "已有互助金申请使用此方案，不能再修改保障类别（起付线、分段比例、年度封顶、"
            "一次性给付）；名称、日期和参保费仍可修改。"
        ]
    }
    plan.refresh_from_db()
    assert plan.categories["inpatient"]["deductible"] == "1000.00"


def test_name_dates_and_fee_still_change_once_a_claim_uses_the_plan(world: World) -> None:
    plan = plan_save(actor=SystemActor(None), data=PLAN_2023).plan
    make_claim(plan, world)
    result = plan_save(
        actor=SystemActor(None),
        data=with_changes(name="新名称", fee_per_member="30.00", enroll_to="2023-11-30"),
    )
    plan.refresh_from_db()
    assert result.status == "updated"
    assert (plan.name, plan.fee_per_member, plan.enroll_to) == (
        "新名称",
        Decimal("30.00"),
        date(2023, 11, 30),
    )


def test_terms_written_differently_are_no_change(world: World) -> None:
    plan = plan_save(actor=SystemActor(None), data=PLAN_2023).plan
    make_claim(plan, world)
    categories = copy.deepcopy(PLAN_2023["categories"])
    categories["inpatient"]["bands"][0]["ratio"] = "0.5"
    assert (
        plan_save(actor=SystemActor(None), data=with_changes(categories=categories)).status
        == "unchanged"
    )


def test_the_union_cannot_change_once_members_are_enrolled(world: World) -> None:
    plan = plan_save(actor=SystemActor(None), data=PLAN_2023).plan
    EnrollmentFactory.create(plan=plan, member=MemberFactory.create(union=world.yuehe))
    with pytest.raises(ValidationError) as caught:
        plan_save(actor=SystemActor(None), data=with_changes(union="330502"))
    assert caught.value.message_dict == {"union": ["已有会员参保，不能更改方案的举办工会。"]}


def test_only_the_plan_unions_admin_updates_it(world: World) -> None:
    plan = PlanFactory.create(union=world.city)
    wuxing_admin = UserFactory.create(username="wuxing_admin", union=world.wuxing, role=Role.ADMIN)
    for actor in (world.wuxing_staff, wuxing_admin):
        with pytest.raises(PermissionDenied):
            plan_update(actor=actor, plan=plan, data={"name": "改名"})
    result = plan_update(actor=world.city_admin, plan=plan, data={"name": "改名"})
    assert (result.status, result.plan.name) == ("updated", "改名")


def test_a_user_named_on_the_command_line_must_administer_the_union(
    world: World, tmp_path: Path
) -> None:
    with pytest.raises(CommandError, match="只有举办工会的管理员才能修改互助方案"):
        load(plan_file(tmp_path, PLAN_2023), "--user", "wuxing_staff")
    load(plan_file(tmp_path, PLAN_2023), "--user", "city_admin")
    assert AuditEvent.objects.get(action="aid.plan.create").actor == world.city_admin
