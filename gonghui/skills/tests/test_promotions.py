"""Skill promotions (技能晋级): the sheet's rules, the grade on file and on the roster, and
the talent tier derived from grades and titles."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gonghui.conftest import World
from gonghui.core import pii
from gonghui.members.models import Member, SkillGrade
from gonghui.members.tests.factories import MemberFactory
from gonghui.skills.models import SkillPromotion, SkillTitle, Talent, TitleKind
from gonghui.skills.selectors import talent_tier
from gonghui.skills.sheets.promotions import grade_step_problem, promotion_import
from gonghui.skills.tests.factories import TalentFactory

HEADERS = [
    "身份证号",
    "姓名",
    "工作单位",
    "原等级",
    "晋升等级",
    "晋级日期",
    "认定机构",
    "晋级途径",
    "新就业形态劳动者",
]
BODY = "湖州市职业技能鉴定中心"


def person(n: int) -> str:
    return pii.id_number_compose("330502", datetime.date(1992, 5, 1), 300 + n)


def workbook(tmp_path: Path, rows: list[list[Any]], name: str = "p.xlsx") -> Path:
    book = openpyxl.Workbook()
    book.active.append(HEADERS)
    for row in rows:
        book.active.append(row)
    path = tmp_path / name
    book.save(path)
    return path


def row(
    n: int, name: str, low: str, high: str, route: str = "导师帮带", new_form: str = ""
) -> list[Any]:
    return [person(n), name, "湖州某厂", low, high, "2023-05-10", BODY, route, new_form]


def imported(world: World, path: Path, *, dry_run: bool = False):
    return promotion_import(
        actor=world.township_staff, union=world.yuehe, path=path, dry_run=dry_run
    )


def test_one_grade_up_is_recorded_and_moves_the_file(world: World, tmp_path: Path) -> None:
    report = imported(
        world, workbook(tmp_path, [row(1, "张三", "初级工", "中级工", new_form="是")])
    )
    promotion = SkillPromotion.objects.get()
    assert report.created == 1
    assert (promotion.from_grade, promotion.to_grade, promotion.route, promotion.new_form) == (
        SkillGrade.JUNIOR,
        SkillGrade.INTERMEDIATE,
        "mentorship",
        True,
    )
    assert (promotion.talent.grade, promotion.talent.union, promotion.union) == (
        SkillGrade.INTERMEDIATE,
        world.yuehe,
        world.yuehe,
    )


def test_a_first_certification_is_junior_without_a_grade_before(
    world: World, tmp_path: Path
) -> None:
    imported(world, workbook(tmp_path, [row(1, "张三", "", "初级工", route="技能培训")]))
    assert Talent.objects.get().grade == SkillGrade.JUNIOR


def test_a_members_roster_grade_follows_the_promotion(world: World, tmp_path: Path) -> None:
    member = MemberFactory.create(
        union=world.wuxing_grassroots,
        name="张三",
        id_number=person(1),
        skill_grade=SkillGrade.SENIOR,
        employment_form="new_form",
    )
    imported(world, workbook(tmp_path, [row(1, "张三", "高级工", "技师")]))
    member.refresh_from_db()
    promotion = SkillPromotion.objects.get()
    assert (member.skill_grade, promotion.new_form) == (SkillGrade.TECHNICIAN, True)


def test_one_file_may_carry_two_steps_of_one_person(world: World, tmp_path: Path) -> None:
    report = imported(
        world,
        workbook(
            tmp_path, [row(1, "张三", "初级工", "中级工"), row(1, "张三", "中级工", "高级工")]
        ),
    )
    assert (report.created, Talent.objects.get().grade) == (2, SkillGrade.SENIOR)


def test_importing_the_same_file_again_creates_nothing(world: World, tmp_path: Path) -> None:
    path = workbook(tmp_path, [row(1, "张三", "初级工", "中级工")])
    imported(world, path)
    again = imported(world, path)
    assert (again.created, again.unchanged, SkillPromotion.objects.count()) == (0, 1, 1)


def test_a_skipped_grade_and_a_step_down_are_refused_in_chinese(
    world: World, tmp_path: Path
) -> None:
    report = imported(
        world,
        workbook(
            tmp_path,
            [
                row(1, "张三", "初级工", "高级工"),
                row(2, "李四", "技师", "高级工"),
                row(3, "王五", "", "中级工"),
                row(4, "赵六", "初级工", "中级工"),
            ],
        ),
    )
    assert [(e.row, e.message) for e in report.errors] == [
        (2, "晋升等级：从初级工只能晋升为中级工，不能跳级到高级工"),
        (3, "晋升等级：高级工不高于原等级技师，晋级只能向上"),
        (4, "晋升等级：无原等级的首次认定只能是初级工，不能直接认定为中级工"),
    ]
    assert not SkillPromotion.objects.exists() and not Talent.objects.exists()


def test_a_grade_before_that_differs_from_the_file_is_refused(world: World, tmp_path: Path) -> None:
    TalentFactory.create(
        union=world.yuehe, name="张三", id_number=person(1), grade=SkillGrade.SENIOR
    )
    report = imported(world, workbook(tmp_path, [row(1, "张三", "初级工", "中级工")]))
    assert [e.message for e in report.errors] == ["原等级：与档案中的当前等级“高级工”不一致"]


def test_a_township_cannot_import_for_a_sibling(world: World, tmp_path: Path) -> None:
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        promotion_import(
            actor=world.township_staff,
            union=world.zhili,
            path=workbook(tmp_path, [row(1, "张三", "", "初级工")]),
            dry_run=True,
        )


def test_grade_steps_count_down_from_junior() -> None:
    assert grade_step_problem(SkillGrade.TECHNICIAN, SkillGrade.SENIOR_TECHNICIAN) is None
    assert grade_step_problem(None, SkillGrade.JUNIOR) is None


@pytest.mark.parametrize(
    ("grade", "titles", "tier"),
    [
        (None, set(), None),
        (SkillGrade.JUNIOR, set(), "skilled"),
        (SkillGrade.INTERMEDIATE, set(), "skilled"),
        (SkillGrade.SENIOR, set(), "highly_skilled"),
        (SkillGrade.SENIOR_TECHNICIAN, set(), "highly_skilled"),
        (SkillGrade.SENIOR, {TitleKind.TECHNICAL_EXPERT}, "highly_skilled"),
        (SkillGrade.SENIOR, {TitleKind.HUZHOU_CRAFTSMAN}, "craftsman"),
        (None, {TitleKind.ZHEJIANG_YOUNG_CRAFTSMAN}, "craftsman"),
    ],
)
def test_the_tier_is_derived_from_grade_and_titles(grade: Any, titles: set[str], tier: Any) -> None:
    assert talent_tier(Talent(grade=grade), titles) == tier


def test_the_tier_reads_the_titles_on_file(world: World) -> None:
    talent = TalentFactory.create(union=world.yuehe, grade=SkillGrade.JUNIOR)
    SkillTitle.objects.create(
        union=world.city,
        talent=talent,
        kind=TitleKind.HUZHOU_CRAFTSMAN,
        granted_on=datetime.date(2023, 5, 1),
        issuers="湖州市总工会",
        certificate_no="HZGJ-2023-0001",
    )
    assert talent_tier(talent) == "craftsman"
    assert Member.objects.count() == 0


def test_the_tier_stocks_read_each_persons_grade_at_the_periods_end(world: World) -> None:
    from gonghui.core.indicators import Period, indicator_get, indicator_values

    def promote(talent: Talent, low: int | None, high: int, day: datetime.date) -> None:
        SkillPromotion.objects.create(
            union=world.yuehe,
            talent=talent,
            from_grade=low,
            to_grade=high,
            promoted_on=day,
            certifier=BODY,
            route="training",
        )

    climbing = TalentFactory.create(union=world.yuehe, grade=SkillGrade.SENIOR)
    promote(climbing, SkillGrade.JUNIOR, SkillGrade.INTERMEDIATE, datetime.date(2023, 1, 5))
    promote(climbing, SkillGrade.INTERMEDIATE, SkillGrade.SENIOR, datetime.date(2023, 5, 5))
    TalentFactory.create(union=world.yuehe, grade=SkillGrade.SENIOR)  # no promotion on file
    later = TalentFactory.create(union=world.yuehe, grade=SkillGrade.TECHNICIAN)
    promote(later, SkillGrade.SENIOR, SkillGrade.TECHNICIAN, datetime.date(2023, 7, 5))
    TalentFactory.create(union=world.yuehe, grade=None)
    fresh = TalentFactory.create(union=world.yuehe, grade=SkillGrade.JUNIOR)
    promote(fresh, None, SkillGrade.JUNIOR, datetime.date(2023, 4, 1))

    def value(key: str, month: int) -> object:
        [v] = indicator_values(indicator_get(key), world.wuxing, [Period.month(2023, month)])
        return v.total

    assert (value("highly_skilled_talents", 3), value("highly_skilled_talents", 6)) == (2, 3)
    assert (value("skilled_talents", 3), value("skilled_talents", 6)) == (3, 4)


PROMOTIONS = st.lists(
    st.tuples(
        st.sampled_from([None, *range(1, 6)]),  # the grade on file
        st.lists(  # promotions: days after 2022-01-01, grade before (None: first), grade after
            st.tuples(st.integers(0, 700), st.sampled_from([None, 2, 3, 4, 5]), st.integers(1, 5)),
            max_size=3,
            unique_by=lambda step: step[2],  # one promotion per grade reached
        ),
    ),
    min_size=1,
    max_size=6,
)


@settings(max_examples=20, deadline=None, suppress_health_check=list(HealthCheck))
@given(talents=PROMOTIONS, level=st.sampled_from([3, 5]))
def test_the_tier_stock_follows_the_sql_rule_for_any_history(
    world: World, talents: list[tuple[Any, list[tuple[int, Any, int]]]], level: int
) -> None:
    from django.db import transaction

    from gonghui.core.indicators import Period, per_period
    from gonghui.skills.indicators import _grade_at_most, _tier

    with transaction.atomic():
        for grade, steps in talents:
            talent = TalentFactory.create(union=world.yuehe, grade=grade)
            for days, low, high in steps:
                SkillPromotion.objects.create(
                    union=world.yuehe,
                    talent=talent,
                    from_grade=low,
                    to_grade=high,
                    promoted_on=datetime.date(2022, 1, 1) + datetime.timedelta(days=days),
                    certifier=BODY,
                    route="training",
                )
        months = [Period.month(y, m) for y in (2021, 2022, 2023) for m in range(1, 13)]
        by_sql = per_period(
            Talent.objects.all(),
            owner="union_id",
            path_field="union__path",
            path=world.city.path,
            periods=months,
            condition=lambda p: _grade_at_most(level, p.end),
        )
        assert _tier(level)(world.city.path, months) == by_sql
        transaction.set_rollback(True)
