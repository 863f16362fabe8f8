"""The member roster (会员名册): its column rules, import, export and the membership lifecycle.

Files are written as users write them: a title row, the headers on row 2, data from row 3,
so the first data row is row 3 in every error.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
import xlsxwriter
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone
from python_calamine import CalamineWorkbook

from gonghui.conftest import World
from gonghui.core import pii
from gonghui.core.actors import SystemActor
from gonghui.core.fields import cipher_get
from gonghui.core.models import AuditEvent
from gonghui.core.sheets import ImportReport
from gonghui.members.models import EmploymentForm, JoinChannel, Member, MembershipEvent
from gonghui.members.services import (
    member_import,
    member_join,
    member_leave,
    member_reveal,
    member_transfer,
)
from gonghui.members.sheets import NOT_HERE
from gonghui.members.tests.factories import MemberFactory, id_number_for
from gonghui.orgs.models import Union

ID_A = pii.id_number_compose("330502", date(1985, 3, 12), 123)
ID_B = pii.id_number_compose("330503", date(1990, 11, 2), 456)
ID_A15 = ID_A[:6] + ID_A[8:17]  # the same person's pre-1999 number
ID_X = next(
    n
    for n in (pii.id_number_compose("330502", date(1978, 8, 8), s) for s in range(1000))
    if n.endswith("X")
)
USCC = pii.uscc_compose("91330502MA2B3C4D5")
NAMES = "赵钱孙李周吴郑王冯陈褚卫"
FIRST_ROW = 3  # title row, header row, then data


def write_roster(path: Path, rows: Sequence[dict[str, Any]]) -> Path:
    """A workbook with a merged title row, the headers of ``rows`` on row 2, data below."""
    headers: list[str] = []
    for row in rows:
        headers.extend(h for h in row if h not in headers)
    book = xlsxwriter.Workbook(str(path))
    ws = book.add_worksheet("会员名册")
    dates = book.add_format({"num_format": "yyyy-mm-dd"})
    ws.merge_range(0, 0, 0, max(len(headers) - 1, 1), "会员名册")
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


def person(n: int = 0, **cells: Any) -> dict[str, Any]:
    return {"姓名": NAMES[n % len(NAMES)] + "明", "身份证号": id_number_for(n), **cells}


def do_import(
    world: World,
    tmp_path: Path,
    rows: Sequence[dict[str, Any]],
    *,
    union: Union | None = None,
    actor: Any = None,
    dry_run: bool = False,
    name: str = "roster.xlsx",
) -> ImportReport:
    path = write_roster(tmp_path / name, rows)
    union = union or world.yuehe
    # No actor named: the operator at the command line, scoped to the union.
    return member_import(actor=actor or SystemActor(union), union=union, path=path, dry_run=dry_run)


def errors(report: ImportReport) -> list[tuple[int, str, str]]:
    return [(e.row, e.column, e.message) for e in report.errors]


def digest(value: str) -> str:
    return pii.id_indexer().digest(value)


def the_member(id18: str) -> Member:
    return Member.objects.get(id_hash=digest(id18))


def run_command(*args: str) -> tuple[int, str]:
    out = StringIO()
    try:
        call_command(*args, stdout=out)
    except SystemExit as exc:
        return int(exc.code or 0), out.getvalue()
    return 0, out.getvalue()


def read_rows(path: Path) -> list[list[Any]]:
    return list(CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).iter_rows())


# --- 姓名 -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["买买提·艾力", "阿卜杜拉•买买提", "欧阳 娜娜", "Li Lei"])
def test_name_with_letters_spaces_and_middle_dot_is_accepted(
    world: World, tmp_path: Path, name: str
) -> None:
    report = do_import(world, tmp_path, [{"姓名": name, "身份证号": ID_A}])
    assert report.committed, errors(report)
    assert the_member(ID_A).name == name.replace("•", "·")


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("张", "姓名应为2至30个字符"),
        ("欧" * 31, "姓名应为2至30个字符"),
        ("张3", "姓名只能包含汉字、字母、空格和间隔号（·）"),
        ("张三（临时）", "姓名只能包含汉字、字母、空格和间隔号（·）"),
        ("", "姓名不能为空"),
    ],
)
def test_bad_name_is_an_error_on_its_row_and_column(
    world: World, tmp_path: Path, name: str, message: str
) -> None:
    report = do_import(world, tmp_path, [person(1), {"姓名": name, "身份证号": ID_A}])
    assert errors(report) == [(FIRST_ROW + 1, "姓名", message)]


# --- 身份证号 -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "header", ["身份证号", "公民身份号码", "身份证号码", "证件号码", "身份证号 *"]
)
def test_id_number_header_synonyms(world: World, tmp_path: Path, header: str) -> None:
    report = do_import(world, tmp_path, [{"姓名": "张三", header: ID_A}])
    assert report.created == 1, errors(report)
    assert the_member(ID_A).name == "张三"


FULL_WIDTH_DIGITS = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")


@pytest.mark.parametrize(
    ("cell", "id18"),
    [
        (ID_A.translate(FULL_WIDTH_DIGITS), ID_A),
        ("\u3000" + ID_A + "\u3000", ID_A),
        ("\u00a0" + ID_A + "\u00a0 ", ID_A),
        (ID_X.lower(), ID_X),
        (ID_X.translate(FULL_WIDTH_DIGITS), ID_X),
        (ID_A15, ID_A),
    ],
)
def test_id_number_as_people_type_it_is_normalised(
    world: World, tmp_path: Path, cell: str, id18: str
) -> None:
    report = do_import(world, tmp_path, [{"姓名": "张三", "身份证号": cell}])
    assert report.created == 1, errors(report)
    member = the_member(id18)
    assert cipher_get(member, "id_cipher") == id18
    assert member.id_masked == pii.mask_id_number(id18)


def test_15_digit_number_is_converted_with_its_birth_date_and_sex(
    world: World, tmp_path: Path
) -> None:
    do_import(world, tmp_path, [{"姓名": "张三", "身份证号": ID_A15}])
    member = the_member(ID_A)
    assert (member.birth_date, member.sex, member.home_region_code) == (
        date(1985, 3, 12),
        Member.Sex.MALE,
        "330502",
    )


def test_15_digit_number_typed_as_a_number_is_accepted(world: World, tmp_path: Path) -> None:
    report = do_import(world, tmp_path, [{"姓名": "张三", "身份证号": float(ID_A15)}])
    assert report.created == 1, errors(report)
    assert the_member(ID_A).name == "张三"


def with_check(first17: str) -> str:
    return first17 + pii.id_number_check_char(first17)


WRONG_CHECK = ID_A[:17] + ("1" if ID_A[17] != "1" else "2")


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        (with_check("33050219850230123"), "身份证号出生日期无效"),
        (with_check("33050218991231123"), "身份证号出生日期无效"),
        (
            with_check(
                "330502" + (timezone.localdate() + timedelta(days=1)).strftime("%Y%m%d") + "123"
            ),
            "身份证号出生日期无效",
        ),
        ("330502851332123", "身份证号出生日期无效"),
        (WRONG_CHECK, "身份证号校验码错误"),
        (ID_A[:17], "身份证号应为18位（或15位旧号）"),
        (ID_A[:16] + "A" + ID_A[17], "身份证号应为数字，仅最后一位可为X"),
        ("", "身份证号不能为空"),
    ],
)
def test_invalid_id_number_is_an_error_on_its_row_and_column(
    world: World, tmp_path: Path, cell: str, message: str
) -> None:
    report = do_import(world, tmp_path, [person(1), person(2), {"姓名": "张三", "身份证号": cell}])
    assert errors(report) == [(FIRST_ROW + 2, "身份证号", message)]


def test_every_reason_of_a_bad_row_is_reported_at_once(world: World, tmp_path: Path) -> None:
    row = {"姓名": "张", "身份证号": WRONG_CHECK, "手机号码": "123"}
    row |= {"就业形态": "新就业形态", "所属工会": "330503100"}
    report = do_import(world, tmp_path, [row])
    assert sorted(e.column for e in report.errors) == sorted(
        ["姓名", "身份证号", "手机号码", "职业", "所属工会"]
    )
    assert {e.row for e in report.errors} == {FIRST_ROW}
    assert report.invalid == 1


def test_same_person_twice_in_a_file_is_an_error_on_the_later_row(
    world: World, tmp_path: Path
) -> None:
    report = do_import(
        world,
        tmp_path,
        [{"姓名": "张三", "身份证号": ID_A}, person(1), {"姓名": "张三", "身份证号": ID_A15}],
    )
    assert errors(report) == [(FIRST_ROW + 2, "身份证号", f"与第 {FIRST_ROW} 行重复")]
    assert not Member.objects.exists()


# --- 手机号码 -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "cell",
    [
        "13800138000",
        "+86 138 0013 8000",
        "86-138-0013-8000",
        "+86-13800138000",
        "138 0013 8000",
        "１３８００１３８０００",
        13800138000,
    ],
)
def test_phone_prefixes_spaces_and_dashes_are_removed(
    world: World, tmp_path: Path, cell: Any
) -> None:
    report = do_import(world, tmp_path, [{"姓名": "张三", "身份证号": ID_A, "手机号码": cell}])
    assert report.created == 1, errors(report)
    member = the_member(ID_A)
    assert (member.phone_hash, member.phone_masked) == (digest("13800138000"), "138****8000")
    assert member.phone_cipher is not None
    assert cipher_get(member, "phone_cipher") == "13800138000"


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        ("1380013800", "手机号码应为以1开头的11位数字"),
        ("23800138000", "手机号码应为以1开头的11位数字"),
        ("0571-88888888", "手机号码应为以1开头的11位数字"),
        ("12800138000", "手机号码号段无效"),
    ],
)
def test_invalid_phone_is_an_error(world: World, tmp_path: Path, cell: str, message: str) -> None:
    report = do_import(world, tmp_path, [{"姓名": "张三", "身份证号": ID_A, "手机号码": cell}])
    assert errors(report) == [(FIRST_ROW, "手机号码", message)]


@pytest.mark.parametrize("header", ["手机号", "手机", "联系电话"])
def test_phone_header_synonyms(world: World, tmp_path: Path, header: str) -> None:
    do_import(world, tmp_path, [{"姓名": "张三", "身份证号": ID_A, header: "13800138000"}])
    assert the_member(ID_A).phone_masked == "138****8000"


def test_member_without_phone_has_no_phone_data(world: World, tmp_path: Path) -> None:
    do_import(world, tmp_path, [{"姓名": "张三", "身份证号": ID_A, "手机号码": ""}])
    member = the_member(ID_A)
    assert (member.phone_cipher, member.phone_hash, member.phone_masked) == (None, "", "")


# --- 统一社会信用代码, 工作单位 ---------------------------------------------------------------


def test_valid_credit_code_is_stored_uppercase(world: World, tmp_path: Path) -> None:
    do_import(
        world,
        tmp_path,
        [
            {
                "姓名": "张三",
                "身份证号": ID_A,
                "工作单位": "德马科技",
                "统一社会信用代码": USCC.lower(),
            }
        ],
    )
    member = the_member(ID_A)
    assert (member.employer_name, member.employer_uscc) == ("德马科技", USCC)


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        (USCC[:17] + ("0" if USCC[17] != "0" else "1"), "统一社会信用代码校验码错误"),
        (USCC[:17], "统一社会信用代码应为18位"),
        ("91330502MA2B3C4DSO", "统一社会信用代码含有无效字符（不使用I、O、S、V、Z）"),
    ],
)
def test_invalid_credit_code_is_an_error(
    world: World, tmp_path: Path, cell: str, message: str
) -> None:
    report = do_import(
        world, tmp_path, [{"姓名": "张三", "身份证号": ID_A, "统一社会信用代码": cell}]
    )
    assert errors(report) == [(FIRST_ROW, "统一社会信用代码", message)]


def test_blank_credit_code_is_allowed(world: World, tmp_path: Path) -> None:
    report = do_import(
        world, tmp_path, [{"姓名": "张三", "身份证号": ID_A, "统一社会信用代码": ""}]
    )
    assert report.committed, errors(report)
    assert the_member(ID_A).employer_uscc == ""


# --- 就业形态, 职业 -------------------------------------------------------------------------


def test_employment_form_defaults_to_standard(world: World, tmp_path: Path) -> None:
    do_import(world, tmp_path, [{"姓名": "张三", "身份证号": ID_A, "就业形态": ""}])
    member = the_member(ID_A)
    assert (member.employment_form, member.occupation) == (EmploymentForm.STANDARD, "")


def test_new_form_worker_needs_an_occupation(world: World, tmp_path: Path) -> None:
    report = do_import(
        world, tmp_path, [{"姓名": "张三", "身份证号": ID_A, "就业形态": "新就业形态", "职业": ""}]
    )
    assert errors(report) == [(FIRST_ROW, "职业", "职业：新就业形态劳动者须填写职业")]


def test_occupation_is_given_by_its_chinese_name(world: World, tmp_path: Path) -> None:
    do_import(
        world,
        tmp_path,
        [{"姓名": "张三", "身份证号": ID_A, "就业形态": "新就业形态", "职业": "网约送餐员"}],
    )
    member = the_member(ID_A)
    assert (member.employment_form, member.occupation) == ("new_form", "delivery_rider")


def test_unknown_occupation_lists_the_allowed_names(world: World, tmp_path: Path) -> None:
    report = do_import(
        world,
        tmp_path,
        [{"姓名": "张三", "身份证号": ID_A, "就业形态": "新就业形态", "职业": "外卖小哥"}],
    )
    [(row, column, message)] = errors(report)
    assert (row, column) == (FIRST_ROW, "职业")
    assert message.startswith("职业：应为以下之一：货车司机、快递员、")
    assert "网约车司机" in message


def test_unknown_employment_form_is_an_error(world: World, tmp_path: Path) -> None:
    report = do_import(
        world, tmp_path, [{"姓名": "张三", "身份证号": ID_A, "就业形态": "灵活就业"}]
    )
    assert errors(report) == [
        (FIRST_ROW, "就业形态", "就业形态：应为以下之一：标准劳动关系、新就业形态")
    ]


# --- 技能等级 -----------------------------------------------------------------------------

GRADES = {
    "初级工": 5,
    "中级工": 4,
    "高级工": 3,
    "技师": 2,
    "高级技师": 1,
    "五级": 5,
    "四级": 4,
    "三级": 3,
    "二级": 2,
    "一级": 1,
}


def test_skill_grade_by_title_or_by_level(world: World, tmp_path: Path) -> None:
    rows = [person(n, 技能等级=label) for n, label in enumerate(GRADES)]
    report = do_import(world, tmp_path, rows)
    assert report.created == len(GRADES), errors(report)
    stored = {label: the_member(id_number_for(n)).skill_grade for n, label in enumerate(GRADES)}
    assert stored == GRADES


def test_unknown_skill_grade_is_an_error(world: World, tmp_path: Path) -> None:
    report = do_import(world, tmp_path, [person(0, 技能等级="特级技师")])
    assert errors(report) == [
        (FIRST_ROW, "技能等级", "技能等级：应为以下之一：高级技师、技师、高级工、中级工、初级工")
    ]


# --- 所属工会 -----------------------------------------------------------------------------


def test_union_by_code_inside_the_subtree(world: World, tmp_path: Path) -> None:
    report = do_import(world, tmp_path, [person(0, 所属工会="330502100")], union=world.wuxing)
    assert report.committed, errors(report)
    assert the_member(id_number_for(0)).union == world.zhili


def test_union_by_exact_name_inside_the_subtree(world: World, tmp_path: Path) -> None:
    report = do_import(world, tmp_path, [person(0, 所属工会="织里镇工会")], union=world.wuxing)
    assert report.committed, errors(report)
    assert the_member(id_number_for(0)).union == world.zhili


def test_grassroots_union_below_the_import_union(world: World, tmp_path: Path) -> None:
    do_import(world, tmp_path, [person(0, 所属工会="3305020010001")])
    assert the_member(id_number_for(0)).union == world.wuxing_grassroots


def test_blank_union_means_the_import_union(world: World, tmp_path: Path) -> None:
    do_import(world, tmp_path, [person(0, 所属工会="")])
    assert the_member(id_number_for(0)).union == world.yuehe


@pytest.mark.parametrize(
    "ref", ["330503100", "南浔镇工会", "3305031000001", "织里镇工会", "织里镇"]
)
def test_union_outside_the_subtree_is_refused(world: World, tmp_path: Path, ref: str) -> None:
    report = do_import(world, tmp_path, [person(0, 所属工会=ref)], union=world.yuehe)
    assert errors(report) == [
        (FIRST_ROW, "所属工会", f"所属工会：在月河街道工会的下级中找不到“{ref}”（可填工会代码）")
    ]
    assert not Member.objects.exists()


def test_union_that_cannot_hold_members_is_refused(world: World, tmp_path: Path) -> None:
    report = do_import(world, tmp_path, [person(0, 所属工会="330502")], union=world.wuxing)
    assert [(e.row, e.column) for e in report.errors] == [(FIRST_ROW, "所属工会")]


def test_county_import_needs_a_union_on_each_row(world: World, tmp_path: Path) -> None:
    report = do_import(world, tmp_path, [person(0)], union=world.wuxing)
    assert errors(report) == [
        (FIRST_ROW, "所属工会", "所属工会：会员须归属基层工会或乡镇（街道）工会，请填写")
    ]


# --- 入会日期 -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "cell", ["2023-06-01", "2023/6/1", "2023.6.1", "2023年6月1日", "20230601", date(2023, 6, 1)]
)
def test_join_date_formats(world: World, tmp_path: Path, cell: Any) -> None:
    report = do_import(world, tmp_path, [person(0, 入会日期=cell)])
    assert report.committed, errors(report)
    assert the_member(id_number_for(0)).join_date == date(2023, 6, 1)


def test_join_date_header_synonym(world: World, tmp_path: Path) -> None:
    do_import(world, tmp_path, [person(0, 入会时间="2023-06-01")])
    assert the_member(id_number_for(0)).join_date == date(2023, 6, 1)


def test_join_date_in_the_future_is_refused(world: World, tmp_path: Path) -> None:
    tomorrow = timezone.localdate() + timedelta(days=1)
    report = do_import(world, tmp_path, [person(0, 入会日期=tomorrow.isoformat())])
    assert errors(report) == [(FIRST_ROW, "入会日期", "入会日期：日期不能晚于今天")]


def test_blank_join_date_is_today_and_channel_is_import(world: World, tmp_path: Path) -> None:
    do_import(world, tmp_path, [person(0, 入会日期="")])
    member = the_member(id_number_for(0))
    assert (member.join_date, member.join_channel) == (timezone.localdate(), JoinChannel.IMPORT)


# --- Existing members --------------------------------------------------------------------


def test_active_member_elsewhere_must_transfer_and_the_other_union_stays_hidden(
    world: World, tmp_path: Path
) -> None:
    MemberFactory.create(union=world.nanxun_town, id_number=ID_A)
    report = do_import(world, tmp_path, [person(1), {"姓名": "张三", "身份证号": ID_A}])
    assert errors(report) == [(FIRST_ROW + 1, "身份证号", NOT_HERE)]
    assert all("南浔" not in e.message and "会员" not in e.message for e in report.errors)
    assert Member.objects.count() == 1


def test_active_member_elsewhere_in_the_subtree_is_named(world: World, tmp_path: Path) -> None:
    MemberFactory.create(union=world.zhili, id_number=ID_A)
    report = do_import(
        world,
        tmp_path,
        [{"姓名": "张三", "身份证号": ID_A, "所属工会": "330502001"}],
        union=world.wuxing,
    )
    assert errors(report) == [
        (FIRST_ROW, "身份证号", "身份证号：此人已是“织里镇工会”的会员，请通过转会办理")
    ]
    assert the_member(ID_A).union == world.zhili


def test_factory_member_reimported_unchanged(world: World, tmp_path: Path) -> None:
    member = MemberFactory.create(union=world.yuehe, id_number=ID_A, phone="13800138000")
    report = do_import(
        world, tmp_path, [{"姓名": member.name, "身份证号": ID_A, "手机号码": "138 0013 8000"}]
    )
    assert (report.created, report.updated, report.unchanged) == (0, 0, 1), errors(report)


def test_reimport_of_the_same_file_is_a_no_op(world: World, tmp_path: Path) -> None:
    rows = [person(n, 手机号码=f"1380013800{n}", 入会日期="2023-06-01") for n in range(4)]
    first = do_import(world, tmp_path, rows)
    stamps = list(Member.objects.order_by("pk").values_list("pk", "updated_at"))
    again = do_import(world, tmp_path, rows, name="again.xlsx")
    assert (first.created, again.created, again.updated, again.unchanged) == (4, 0, 0, 4)
    assert list(Member.objects.order_by("pk").values_list("pk", "updated_at")) == stamps


def test_changed_phone_is_an_update(world: World, tmp_path: Path) -> None:
    do_import(world, tmp_path, [person(0, 手机号码="13800138000"), person(1)])
    report = do_import(
        world, tmp_path, [person(0, 手机号码="13900139000"), person(1)], name="again.xlsx"
    )
    assert (report.created, report.updated, report.unchanged) == (0, 1, 1)
    member = the_member(id_number_for(0))
    assert (member.phone_hash, member.phone_masked) == (digest("13900139000"), "139****9000")
    assert member.phone_cipher is not None
    assert cipher_get(member, "phone_cipher") == "13900139000"


def test_blank_optional_cell_keeps_the_stored_value(world: World, tmp_path: Path) -> None:
    do_import(world, tmp_path, [person(0, 手机号码="13800138000", 工作单位="德马科技")])
    report = do_import(world, tmp_path, [person(0, 手机号码="", 工作单位="")], name="b.xlsx")
    member = the_member(id_number_for(0))
    assert report.unchanged == 1
    assert (member.phone_masked, member.employer_name) == ("138****8000", "德马科技")


def test_one_bad_row_writes_no_member(world: World, tmp_path: Path) -> None:
    rows = [person(n) for n in range(5)] + [person(5, 手机号码="123")]
    report = do_import(world, tmp_path, rows)
    assert (report.valid, report.invalid, report.committed) == (5, 1, False)
    assert not Member.objects.exists()
    event = AuditEvent.objects.get(action="member.import")
    assert event.outcome == AuditEvent.Outcome.FAILURE


def test_update_of_many_members_takes_a_constant_number_of_queries(
    world: World, tmp_path: Path, django_assert_max_num_queries: Any
) -> None:
    do_import(world, tmp_path, [person(n) for n in range(8)])
    changed = [person(n, 工作单位="德马科技") for n in range(8)]
    path = write_roster(tmp_path / "changed.xlsx", changed)
    # The import, then the refresh of the cached member counts: a fixed number of queries.
    with django_assert_max_num_queries(10):
        report = member_import(
            actor=SystemActor(world.yuehe), union=world.yuehe, path=path, dry_run=False
        )
    assert report.updated == 8


def test_id_number_is_never_stored_in_clear_text(world: World, tmp_path: Path) -> None:
    do_import(
        world,
        tmp_path,
        [
            {"姓名": "张三", "身份证号": ID_A15, "手机号码": "13800138000"},
            {"姓名": "李四", "身份证号": ID_B, "手机号码": "13900139000"},
        ],
        actor=world.township_staff,
    )
    member = the_member(ID_A)
    member_reveal(actor=_with_pii(world.city_admin), member=member, field="id_number")
    member_leave(actor=world.township_staff, member=member)
    secrets = [ID_A, ID_A15, ID_B, ID_B[:6] + ID_B[8:17], "13800138000", "13900139000"]
    tables = [Member._meta.db_table, MembershipEvent._meta.db_table, AuditEvent._meta.db_table]
    seen_masked = False
    rows = 0
    for table in tables:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            for row in cursor.fetchall():
                rows += 1
                for value in row:
                    if isinstance(value, str):
                        seen_masked |= pii.mask_id_number(ID_A) in value
                        assert not [s for s in secrets if s in value], (table, value)
                    elif isinstance(value, bytes | bytearray | memoryview):
                        data = bytes(value)
                        assert not [s for s in secrets if s.encode() in data], table
    assert rows >= 2 + 1 + 3  # two members, a leave event, import + reveal + leave audits
    assert seen_masked  # the scan does read the text columns


# --- Dry run and command line ------------------------------------------------------------


def test_dry_run_reports_what_a_real_run_would_do(world: World, tmp_path: Path) -> None:
    MemberFactory.create(union=world.yuehe, id_number=id_number_for(0), name="赵明")
    rows = [person(0, 工作单位="新单位"), person(1), person(2)]
    dry = do_import(world, tmp_path, rows, dry_run=True)
    assert (dry.created, dry.updated, dry.unchanged, dry.committed) == (2, 1, 0, False)
    assert Member.objects.count() == 1
    assert the_member(id_number_for(0)).employer_name == ""
    real = do_import(world, tmp_path, rows, name="real.xlsx")
    assert (real.created, real.updated, real.unchanged) == (dry.created, dry.updated, 0)


def test_cli_json_prints_one_object_with_the_report(world: World, tmp_path: Path) -> None:
    path = write_roster(tmp_path / "r.xlsx", [person(0), person(1)])
    code, out = run_command("import", "members", str(path), "--union", "330502001", "--json")
    assert code == 0
    assert len(out.strip().splitlines()) == 1
    assert json.loads(out) == {
        "sheet": "members",
        "rows": 2,
        "valid": 2,
        "invalid": 0,
        "created": 2,
        "updated": 0,
        "unchanged": 0,
        "worksheet": "会员名册",
        "header_row": 2,
        "errors": [],
    }
    assert Member.objects.count() == 2


def test_cli_json_lists_errors_and_exits_non_zero(world: World, tmp_path: Path) -> None:
    path = write_roster(tmp_path / "r.xlsx", [person(0), person(1, 姓名="张")])
    code, out = run_command("import", "members", str(path), "--union", "330502001", "--json")
    report = json.loads(out)
    assert code != 0
    assert (report["valid"], report["invalid"], report["created"]) == (1, 1, 0)
    assert report["errors"] == [
        {"row": FIRST_ROW + 1, "column": "姓名", "message": "姓名应为2至30个字符"}
    ]
    assert not Member.objects.exists()


def test_cli_dry_run_json_reports_and_writes_nothing(world: World, tmp_path: Path) -> None:
    path = write_roster(tmp_path / "r.xlsx", [person(0), person(1), person(2)])
    code, out = run_command(
        "import", "members", str(path), "--union", "330502001", "--dry-run", "--json"
    )
    assert (code, json.loads(out)["created"], json.loads(out)["valid"]) == (0, 3, 3)
    assert not Member.objects.exists()
    assert not AuditEvent.objects.filter(action="member.import").exists()


def test_cli_json_reports_a_file_error_as_json(world: World, tmp_path: Path) -> None:
    path = write_roster(tmp_path / "r.xlsx", [{"姓名": "张三", "手机号码": "13800138000"}])
    code, out = run_command("import", "members", str(path), "--union", "330502001", "--json")
    assert code != 0
    payload = json.loads(out)
    assert payload["sheet"] == "members"
    assert "身份证号" in payload["error"][0]


def test_cli_text_output_names_row_and_column(world: World, tmp_path: Path) -> None:
    path = write_roster(tmp_path / "r.xlsx", [person(0, 手机号码="123")])
    code, out = run_command("import", "members", str(path), "--union", "330502001")
    assert code == 1
    assert f"第 {FIRST_ROW} 行 [手机号码] 手机号码应为以1开头的11位数字" in out


# --- Export ------------------------------------------------------------------------------


def _with_pii(user: Any) -> Any:
    user.pii_access = True
    user.save(update_fields=["pii_access"])
    return user


def export_members(tmp_path: Path, *args: str) -> list[list[Any]]:
    path = tmp_path / "export.xlsx"
    call_command(
        "export", "members", "--union", "330502001", "-o", str(path), *args, stdout=StringIO()
    )
    return read_rows(path)


def test_export_masks_id_numbers_and_phones(world: World, tmp_path: Path) -> None:
    MemberFactory.create(union=world.yuehe, id_number=ID_A, phone="13800138000", name="张三")
    rows = export_members(tmp_path)
    assert rows[0][:4] == ["会员编号", "姓名", "身份证号", "手机号码"]
    assert rows[1][1:4] == ["张三", ID_A[:6] + "*" * 8 + ID_A[-4:], "138****8000"]
    event = AuditEvent.objects.get(action="member.export")
    assert "1 人" in event.summary


def test_export_has_the_members_of_the_subtree_only(world: World, tmp_path: Path) -> None:
    MemberFactory.create(union=world.wuxing_grassroots, name="张三")
    MemberFactory.create(union=world.zhili, name="李四")
    MemberFactory.create(union=world.nanxun_town, name="王五")
    left = MemberFactory.create(union=world.yuehe, name="赵六")
    member_leave(actor=SystemActor(left.union), member=left)
    rows = export_members(tmp_path)
    assert [r[1] for r in rows[1:]] == ["张三"]


def test_export_reveal_without_user_is_refused(world: World, tmp_path: Path) -> None:
    MemberFactory.create(union=world.yuehe, id_number=ID_A)
    with pytest.raises(CommandError, match="--user"):
        export_members(tmp_path, "--reveal")
    assert not (tmp_path / "export.xlsx").exists()


def test_export_reveal_by_user_without_the_right_is_refused(world: World, tmp_path: Path) -> None:
    MemberFactory.create(union=world.yuehe, id_number=ID_A)
    with pytest.raises(CommandError):
        export_members(tmp_path, "--reveal", "--user", "city_admin")
    assert not AuditEvent.objects.filter(action__startswith="member.export").exists()


def test_export_reveal_by_user_with_the_right_shows_full_values_and_is_audited(
    world: World, tmp_path: Path
) -> None:
    _with_pii(world.city_admin)
    MemberFactory.create(union=world.yuehe, id_number=ID_A15, phone="13800138000")
    rows = export_members(tmp_path, "--reveal", "--user", "city_admin")
    assert rows[1][2:4] == [ID_A, "13800138000"]
    event = AuditEvent.objects.get(action="member.export.revealed")
    assert (event.actor, event.union) == (world.city_admin, world.yuehe)
    assert ID_A not in event.summary


def test_export_by_user_outside_the_union_is_refused(world: World, tmp_path: Path) -> None:
    _with_pii(world.nanxun_staff)
    MemberFactory.create(union=world.yuehe, id_number=ID_A)
    with pytest.raises(CommandError):
        export_members(tmp_path, "--reveal", "--user", "nanxun_staff")
    assert not (tmp_path / "export.xlsx").exists()


def test_export_reimports_unchanged(world: World, tmp_path: Path) -> None:
    _with_pii(world.city_admin)
    MemberFactory.create(union=world.yuehe, id_number=ID_A, phone="13800138000", name="张三")
    export_members(tmp_path, "--reveal", "--user", "city_admin")
    report = member_import(
        actor=SystemActor(world.yuehe),
        union=world.yuehe,
        path=tmp_path / "export.xlsx",
        dry_run=True,
    )
    assert (report.rows, report.unchanged, report.invalid) == (1, 1, 0), errors(report)


# --- Lifecycle services ------------------------------------------------------------------


def test_join_stores_the_id_number_encrypted_with_its_derived_fields(world: World) -> None:
    member = member_join(
        actor=world.township_staff,
        union=world.yuehe,
        name="张三",
        id_number=ID_A15,
        phone="+86 139 0013 9000",
    )
    member.refresh_from_db()
    assert cipher_get(member, "id_cipher") == ID_A
    assert (member.id_hash, member.id_masked) == (digest(ID_A), pii.mask_id_number(ID_A))
    assert (member.sex, member.birth_date, member.home_region_code) == (
        "male",
        date(1985, 3, 12),
        "330502",
    )
    assert (member.phone_hash, member.phone_masked) == (digest("13900139000"), "139****9000")
    assert AuditEvent.objects.get(action="member.join").object_id == str(member.pk)


def test_factory_matches_what_join_stores(world: World) -> None:
    made = MemberFactory.build(union=world.yuehe, id_number=ID_B, phone="13900139000")
    joined = member_join(
        actor=SystemActor(world.yuehe),
        union=world.yuehe,
        name="李四",
        id_number=ID_B,
        phone="13900139000",
    )
    fields = [
        "id_hash",
        "id_masked",
        "sex",
        "birth_date",
        "home_region_code",
        "phone_hash",
        "phone_masked",
    ]
    assert [getattr(made, f) for f in fields] == [getattr(joined, f) for f in fields]
    assert cipher_get(made, "id_cipher") == ID_B


def test_join_of_an_active_member_is_refused(world: World) -> None:
    MemberFactory.create(union=world.nanxun_town, id_number=ID_A)
    with pytest.raises(ValidationError) as caught:
        member_join(actor=SystemActor(world.yuehe), union=world.yuehe, name="张三", id_number=ID_A)
    assert caught.value.code == "already_member"


def test_join_into_a_county_union_is_refused(world: World) -> None:
    with pytest.raises(ValidationError) as caught:
        member_join(
            actor=SystemActor(world.wuxing), union=world.wuxing, name="张三", id_number=ID_A
        )
    assert caught.value.code == "union_level"


def test_transfer_moves_the_member_and_keeps_the_history(world: World) -> None:
    member = MemberFactory.create(union=world.yuehe)
    member_transfer(
        actor=world.wuxing_staff, member=member, to_union=world.zhili, on=date(2024, 1, 1)
    )
    member_transfer(
        actor=world.wuxing_staff,
        member=member,
        to_union=world.wuxing_grassroots,
        on=date(2024, 6, 1),
    )
    member.refresh_from_db()
    assert member.union == world.wuxing_grassroots
    history = list(
        MembershipEvent.objects.filter(member=member).values_list(
            "kind", "from_union__code", "union__code", "on", "actor__username"
        )
    )
    assert history == [
        ("transfer", "330502001", "330502100", date(2024, 1, 1), "wuxing_staff"),
        ("transfer", "330502100", "3305020010001", date(2024, 6, 1), "wuxing_staff"),
    ]
    assert AuditEvent.objects.filter(action="member.transfer").count() == 2


def test_transfer_to_the_same_union_is_refused(world: World) -> None:
    member = MemberFactory.create(union=world.yuehe)
    with pytest.raises(ValidationError) as caught:
        member_transfer(actor=SystemActor(world.yuehe), member=member, to_union=world.yuehe)
    assert caught.value.code == "same_union"


def test_transfer_of_a_member_who_left_is_refused(world: World) -> None:
    member = member_leave(
        actor=SystemActor(world.yuehe), member=MemberFactory.create(union=world.yuehe)
    )
    with pytest.raises(ValidationError) as caught:
        member_transfer(actor=SystemActor(world.zhili), member=member, to_union=world.zhili)
    assert caught.value.code == "not_active"


def test_leave_records_the_date_and_an_event(world: World) -> None:
    member = MemberFactory.create(union=world.yuehe)
    member_leave(actor=world.township_staff, member=member, on=date(2024, 3, 1))
    member.refresh_from_db()
    assert (member.status, member.left_on) == (Member.Status.LEFT, date(2024, 3, 1))
    assert list(member.events.values_list("kind", "union__code", "on")) == [
        ("leave", "330502001", date(2024, 3, 1))
    ]


def test_leave_twice_is_refused(world: World) -> None:
    member = member_leave(
        actor=SystemActor(world.yuehe), member=MemberFactory.create(union=world.yuehe)
    )
    with pytest.raises(ValidationError) as caught:
        member_leave(actor=SystemActor(member.union), member=member)
    assert caught.value.code == "not_active"


def test_rejoin_through_import_reactivates_in_the_new_union(world: World, tmp_path: Path) -> None:
    member = MemberFactory.create(union=world.nanxun_town, id_number=ID_A, name="张三")
    member_leave(actor=SystemActor(member.union), member=member, on=date(2024, 3, 1))
    report = do_import(
        world, tmp_path, [{"姓名": "张三", "身份证号": ID_A}], actor=world.township_staff
    )
    assert (report.created, report.updated) == (0, 1), errors(report)
    member.refresh_from_db()
    assert (member.status, member.left_on, member.union) == (
        Member.Status.ACTIVE,
        None,
        world.yuehe,
    )
    assert member.join_date == timezone.localdate()
    assert list(member.events.values_list("kind", "union__code", "actor__username")) == [
        ("leave", "330503100", None),
        ("rejoin", "330502001", "township_staff"),
    ]


def test_reveal_needs_the_right(world: World) -> None:
    member = MemberFactory.create(union=world.yuehe, id_number=ID_A)
    with pytest.raises(PermissionDenied):
        member_reveal(actor=world.township_staff, member=member, field="id_number")
    assert not AuditEvent.objects.filter(action="member.reveal").exists()


def test_reveal_returns_the_number_and_is_audited(world: World) -> None:
    member = MemberFactory.create(union=world.yuehe, id_number=ID_A, phone="13800138000")
    actor = _with_pii(world.township_staff)
    assert member_reveal(actor=actor, member=member, field="id_number") == ID_A
    assert member_reveal(actor=actor, member=member, field="phone") == "13800138000"
    events = AuditEvent.objects.filter(action="member.reveal", actor=actor)
    assert events.count() == 2
    assert all(ID_A not in e.summary and "13800138000" not in e.summary for e in events)


def test_reveal_of_a_missing_phone_is_refused(world: World) -> None:
    member = MemberFactory.create(union=world.yuehe, phone="")
    with pytest.raises(ValidationError) as caught:
        member_reveal(actor=_with_pii(world.township_staff), member=member, field="phone")
    assert caught.value.code == "nothing_to_reveal"


def test_a_member_elsewhere_in_the_target_but_outside_the_importers_scope_is_not_named(
    world: World, tmp_path: Path
) -> None:
    """An import into 月河街道 by its own staff: a 织里镇 member is outside their scope, so the
    dry run says neither where nor whether the person is a member."""
    MemberFactory.create(union=world.zhili, id_number=ID_A)
    report = do_import(
        world, tmp_path, [{"姓名": "张三", "身份证号": ID_A}], actor=world.township_staff
    )
    assert errors(report) == [(FIRST_ROW, "身份证号", NOT_HERE)]
