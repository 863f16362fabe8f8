"""Competitions: loading the file, importing entries (the command line and its bad input),
ranking from the command line, publishing and granting titles."""

from __future__ import annotations

import contextlib
import datetime
import json
from decimal import Decimal
from io import StringIO
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command

from gonghui.conftest import World
from gonghui.core import pii
from gonghui.core.fields import cipher_get
from gonghui.core.models import AuditEvent
from gonghui.members.tests.factories import MemberFactory
from gonghui.skills.models import Competition, CompetitionEntry, SkillTitle, Talent
from gonghui.skills.services import competition_load, competition_publish
from gonghui.skills.services.competitions import competition_titles_grant
from gonghui.skills.sheets.entries import entry_import

HEADERS = ["身份证号", "姓名", "工作单位", "理论成绩", "实操成绩", "实操用时（分钟）"]


def person(n: int) -> str:
    return pii.id_number_compose("330502", datetime.date(1988, 3, 1), 200 + n)


def spec(world: World, **changes: Any) -> dict[str, Any]:
    data = {
        "code": "BYQJ-2023-001",
        "name": "新能源汽车行业机动车检测工职业技能竞赛",
        "series": "2023年湖州市“百业千匠”职工职业技能大赛",
        "trade": "机动车检测工",
        "chain": "新能源汽车及关键零部件",
        "date": "2023-04-16",
        "union": world.city.code,
        "weights": {"theory": 30, "practical": 70},
        "pass_mark": 60,
        "prizes": {"1": "3000.00", "2": "2000.00", "3": "1000.00"},
    }
    data.update(changes)
    return data


def load(world: World, **changes: Any) -> Competition:
    return competition_load(actor=world.city_admin, data=spec(world, **changes)).competition


def workbook(tmp_path: Path, rows: list[list[Any]], name: str = "entries.xlsx") -> Path:
    book = openpyxl.Workbook()
    book.active.append(HEADERS)
    for row in rows:
        book.active.append(row)
    path = tmp_path / name
    book.save(path)
    return path


def run(*args: str) -> dict[str, Any]:
    out = StringIO()
    with contextlib.suppress(SystemExit):  # a refused import exits 1 after its JSON
        call_command(*args, stdout=out)
    return json.loads(out.getvalue())


# --- loading the competition file ---------------------------------------------------------


def test_loading_a_file_creates_the_competition_in_its_series(world: World) -> None:
    c = load(world)
    assert c.series is not None
    assert (c.code, c.union, c.series.name, c.series.year, c.held_on, c.level) == (
        "BYQJ-2023-001",
        world.city,
        "2023年湖州市“百业千匠”职工职业技能大赛",
        2023,
        datetime.date(2023, 4, 16),
        "city",
    )
    assert (c.theory_weight, c.practical_weight, c.pass_mark) == (30, 70, Decimal(60))


def test_loading_the_same_file_again_changes_nothing(world: World, tmp_path: Path) -> None:
    path = tmp_path / "c.json"
    path.write_text(json.dumps(spec(world), ensure_ascii=False), encoding="utf-8")
    first = run("skills", "load-competition", str(path), "--json")
    again = run("skills", "load-competition", str(path), "--json")
    assert (first["outcome"], again["outcome"]) == ("created", "unchanged")
    assert Competition.objects.count() == 1
    assert AuditEvent.objects.filter(action="skills.competition.load").count() == 1


def test_loading_a_changed_file_updates_the_competition(world: World) -> None:
    load(world)
    loaded = competition_load(actor=world.city_admin, data=spec(world, pass_mark=70))
    assert (loaded.outcome, loaded.competition.pass_mark) == ("updated", Decimal(70))


def test_a_file_with_bad_values_names_every_problem_in_chinese(world: World) -> None:
    with pytest.raises(ValidationError) as refused:
        competition_load(
            actor=world.city_admin,
            data=spec(
                world,
                date="2023-13-01",
                weights={"theory": 40, "practical": 70},
                chain="造船",
                prizes={"1": "-5"},
            ),
        )
    text = "；".join(refused.value.messages)
    assert "date（举办日期）应为 YYYY-MM-DD" in text
    assert "weights（权重）之和应为 100，现为 110" in text
    assert "chain（产业链）“造船”不在产业链目录中" in text
    assert "prizes（奖金）第 1 名：不能为负数" in text
    assert not Competition.objects.exists()


def test_a_county_may_not_load_a_competition_of_a_sibling(world: World) -> None:
    with pytest.raises(PermissionDenied):
        competition_load(actor=world.nanxun_staff, data=spec(world, union=world.wuxing.code))


# --- importing entries --------------------------------------------------------------------


def test_entries_are_imported_from_the_command_line_without_naming_the_union(
    world: World, tmp_path: Path
) -> None:
    load(world)
    path = workbook(
        tmp_path,
        [[person(1), "张三", "湖州某厂", 80, 90, 30], [person(2), "李四", "", "70.5", "85", ""]],
    )
    report = run(
        "import", "competition-entries", str(path), "--competition", "BYQJ-2023-001", "--json"
    )
    assert (report["created"], report["errors"]) == (2, [])
    first = CompetitionEntry.objects.get(row=2)
    assert (first.talent.name, first.final, first.minutes, first.employer_name) == (
        "张三",
        Decimal("87.00"),
        Decimal(30),
        "湖州某厂",
    )
    assert cipher_get(first.talent, "id_cipher") == person(1)
    assert CompetitionEntry.objects.get(row=3).minutes is None


def test_a_dry_run_writes_nothing(world: World, tmp_path: Path) -> None:
    load(world)
    path = workbook(tmp_path, [[person(1), "张三", "", 80, 90, 30]])
    report = run(
        "import",
        "competition-entries",
        str(path),
        "--competition",
        "BYQJ-2023-001",
        "--dry-run",
        "--json",
    )
    assert report["created"] == 1
    assert not CompetitionEntry.objects.exists() and not Talent.objects.exists()


def test_importing_the_same_file_again_creates_nothing(world: World, tmp_path: Path) -> None:
    c = load(world)
    path = workbook(tmp_path, [[person(1), "张三", "", 80, 90, 30]])
    entry_import(
        actor=world.city_admin, union=world.city, path=path, dry_run=False, competition=c.code
    )
    again = entry_import(
        actor=world.city_admin, union=world.city, path=path, dry_run=False, competition=c.code
    )
    assert (again.created, again.unchanged) == (0, 1)
    assert (CompetitionEntry.objects.count(), Talent.objects.count()) == (1, 1)


def test_a_corrected_score_updates_the_entry(world: World, tmp_path: Path) -> None:
    c = load(world)
    entry_import(
        actor=world.city_admin,
        union=world.city,
        path=workbook(tmp_path, [[person(1), "张三", "", 80, 90, 30]]),
        dry_run=False,
        competition=c.code,
    )
    again = entry_import(
        actor=world.city_admin,
        union=world.city,
        path=workbook(tmp_path, [[person(1), "张三", "", 80, 95, 30]], "fixed.xlsx"),
        dry_run=False,
        competition=c.code,
    )
    assert (again.updated, CompetitionEntry.objects.get().final) == (1, Decimal("90.50"))


def test_bad_rows_are_each_reported_and_nothing_is_written(world: World, tmp_path: Path) -> None:
    c = load(world)
    path = workbook(
        tmp_path,
        [
            [person(1), "张三", "", 101, 90, 30],
            [person(2), "李四", "", 80, "90.123", 30],
            [person(3), "王五", "", 80, 90, 0],
            [person(4), "赵六", "", 80, 90, "半小时"],
            [person(5), "孙七", "", 80, 90, 30],
            [person(5), "孙七", "", 81, 90, 30],
            [person(6), "周八", "", 80, 90, 30],
        ],
    )
    report = entry_import(
        actor=world.city_admin, union=world.city, path=path, dry_run=False, competition=c.code
    )
    assert [(e.row, e.message) for e in report.errors] == [
        (2, "理论成绩：应为 0 到 100 之间的数"),
        (3, "实操成绩：最多两位小数"),
        (4, "实操用时（分钟）：应为大于 0 的分钟数"),
        (5, "实操用时（分钟）：应为大于 0 的分钟数"),
        (7, "与第 6 行重复"),
    ]
    assert report.committed is False
    assert not CompetitionEntry.objects.exists() and not Talent.objects.exists()


def test_a_name_that_differs_from_the_roster_is_refused(world: World, tmp_path: Path) -> None:
    c = load(world)
    MemberFactory.create(union=world.wuxing_grassroots, name="张三", id_number=person(1))
    path = workbook(tmp_path, [[person(1), "张叁", "", 80, 90, 30]])
    report = entry_import(
        actor=world.city_admin, union=world.city, path=path, dry_run=True, competition=c.code
    )
    assert [e.message for e in report.errors] == ["姓名：与该身份证号已登记的姓名“张*”不一致"]


def test_a_member_entered_gets_a_talent_file_linked_to_the_member(
    world: World, tmp_path: Path
) -> None:
    c = load(world)
    member = MemberFactory.create(union=world.wuxing_grassroots, name="张三", id_number=person(1))
    path = workbook(tmp_path, [[person(1), "张三", "", 80, 90, 30]])
    entry_import(
        actor=world.city_admin, union=world.city, path=path, dry_run=False, competition=c.code
    )
    talent = Talent.objects.get()
    assert (talent.member, talent.union) == (member, world.wuxing_grassroots)


def test_a_published_competition_takes_no_more_entries(world: World, tmp_path: Path) -> None:
    c = load(world)
    path = workbook(tmp_path, [[person(1), "张三", "", 80, 90, 30]])
    entry_import(
        actor=world.city_admin, union=world.city, path=path, dry_run=False, competition=c.code
    )
    competition_publish(actor=world.city_admin, competition=c)
    report = entry_import(
        actor=world.city_admin,
        union=world.city,
        path=workbook(tmp_path, [[person(2), "李四", "", 80, 90, 30]], "late.xlsx"),
        dry_run=False,
        competition=c.code,
    )
    assert [e.message for e in report.errors] == [
        "身份证号：竞赛“新能源汽车行业机动车检测工职业技能竞赛”的名次已公布，不能再导入成绩"
    ]


def test_a_county_cannot_import_into_a_city_competition(world: World, tmp_path: Path) -> None:
    c = load(world)
    path = workbook(tmp_path, [[person(1), "张三", "", 80, 90, 30]])
    with pytest.raises(ValidationError):
        entry_import(
            actor=world.wuxing_staff,
            union=world.wuxing,
            path=path,
            dry_run=True,
            competition=c.code,
        )


# --- ranking, publishing, titles ----------------------------------------------------------


@pytest.fixture
def ranked(world: World, tmp_path: Path) -> Competition:
    """Five entries: rows 2–6 with finals 87.00, 87.00 (tie broken by time), 72.00, 72.00
    (a full tie) and 50.00 (below the pass mark)."""
    c = load(world)
    path = workbook(
        tmp_path,
        [
            [person(1), "张三", "", 80, 90, 40],
            [person(2), "李四", "", 80, 90, 35],
            [person(3), "王五", "", 72, 72, 30],
            [person(4), "赵六", "", 72, 72, 30],
            [person(5), "孙七", "", 50, 50, 30],
        ],
    )
    entry_import(
        actor=world.city_admin, union=world.city, path=path, dry_run=False, competition=c.code
    )
    return c


def test_the_rank_command_prints_the_ranking_as_json(ranked: Competition) -> None:
    out = run("skills", "rank", "--competition", ranked.code, "--json")
    assert out == {
        "competition": "BYQJ-2023-001",
        "entries": 5,
        "ranked": [
            {"row": 3, "final": "87.00", "rank": 1, "title": True, "prize": "3000.00"},
            {"row": 2, "final": "87.00", "rank": 2, "title": True, "prize": "2000.00"},
            {"row": 4, "final": "72.00", "rank": 3, "title": True, "prize": "1000.00"},
            {"row": 5, "final": "72.00", "rank": 3, "title": True, "prize": "1000.00"},
            {"row": 6, "final": "50.00", "rank": 5, "title": False, "prize": None},
        ],
    }


def test_publishing_writes_the_ranks_and_is_audited(world: World, ranked: Competition) -> None:
    competition_publish(actor=world.city_admin, competition=ranked)
    rows = list(
        CompetitionEntry.objects.order_by("row").values_list("row", "rank", "titled", "prize")
    )
    assert rows == [
        (2, 2, True, Decimal("2000.00")),
        (3, 1, True, Decimal("3000.00")),
        (4, 3, True, Decimal("1000.00")),
        (5, 3, True, Decimal("1000.00")),
        (6, 5, False, None),
    ]
    assert AuditEvent.objects.filter(action="skills.competition.publish").count() == 1


def test_publishing_twice_is_refused(world: World, ranked: Competition) -> None:
    competition_publish(actor=world.city_admin, competition=ranked)
    with pytest.raises(ValidationError) as refused:
        competition_publish(actor=world.city_admin, competition=ranked)
    assert "名次已于" in refused.value.messages[0]


def test_a_published_competitions_rules_cannot_change(world: World, ranked: Competition) -> None:
    competition_publish(actor=world.city_admin, competition=ranked)
    with pytest.raises(ValidationError) as refused:
        competition_load(actor=world.city_admin, data=spec(world, pass_mark=80))
    assert refused.value.messages == [
        "竞赛“新能源汽车行业机动车检测工职业技能竞赛”的名次已公布，不能再修改权重、合格线或奖金。"
    ]


def test_granting_gives_the_proposed_entries_numbered_certificates(
    world: World, ranked: Competition
) -> None:
    competition_publish(actor=world.city_admin, competition=ranked)
    titles = competition_titles_grant(
        actor=world.city_admin, competition=ranked, granted_on=datetime.date(2023, 5, 1)
    )
    assert [(t.entry.row if t.entry else 0, t.certificate_no) for t in titles] == [
        (3, "JSNS-2023-0001"),
        (2, "JSNS-2023-0002"),
        (4, "JSNS-2023-0003"),
        (5, "JSNS-2023-0004"),
    ]
    assert {t.kind for t in titles} == {"technical_expert"}
    again = competition_titles_grant(actor=world.city_admin, competition=ranked)
    assert (again, SkillTitle.objects.count()) == ([], 4)


def test_certificate_numbers_continue_across_competitions_of_a_year(
    world: World, ranked: Competition, tmp_path: Path
) -> None:
    competition_publish(actor=world.city_admin, competition=ranked)
    competition_titles_grant(
        actor=world.city_admin, competition=ranked, granted_on=datetime.date(2023, 5, 1)
    )
    other = load(world, code="BYQJ-2023-002", name="电梯维修技能竞赛")
    entry_import(
        actor=world.city_admin,
        union=world.city,
        path=workbook(tmp_path, [[person(9), "钱九", "", 90, 90, 20]], "other.xlsx"),
        dry_run=False,
        competition=other.code,
    )
    competition_publish(actor=world.city_admin, competition=other)
    [title] = competition_titles_grant(
        actor=world.city_admin, competition=other, granted_on=datetime.date(2023, 6, 1)
    )
    assert title.certificate_no == "JSNS-2023-0005"


def test_titles_are_granted_only_after_publication(world: World, ranked: Competition) -> None:
    with pytest.raises(ValidationError) as refused:
        competition_titles_grant(actor=world.city_admin, competition=ranked)
    assert refused.value.messages == ["请先公布名次，再授予技术能手称号。"]
