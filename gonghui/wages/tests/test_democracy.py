"""职代会 and 厂务公开 from records: the windows, the enterprise's status on a day, the forms'
refusals, the two sheets, the coverage indicators, the enterprise page and the migration that
keeps the register's former yes/no fields as dated records."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from gonghui.conftest import World
from gonghui.core.indicators import Period, indicator_get, indicator_values
from gonghui.orgs.models import Enterprise
from gonghui.wages.models import CongressSession, Disclosure
from gonghui.wages.services.democracy import (
    congress_record,
    democratic_status,
    disclosure_record,
    months_before,
)
from gonghui.wages.sheets.democracy import congress_import, disclosure_import
from gonghui.wages.tests.test_wages import enterprise

D = datetime.date
H1 = Period.month(2023, 6)


@pytest.mark.parametrize(
    ("day", "months", "first"),
    [
        (D(2023, 6, 30), 12, D(2022, 7, 1)),
        (D(2023, 6, 30), 6, D(2022, 12, 31)),
        (D(2023, 8, 31), 6, D(2023, 3, 1)),
        (D(2024, 2, 29), 12, D(2023, 3, 1)),
        (D(2023, 1, 15), 1, D(2022, 12, 16)),
    ],
)
def test_a_window_of_months_ends_on_the_day(day: D, months: int, first: D) -> None:
    assert months_before(day, months) == first


def session(world: World, firm: Enterprise, day: D, **kw: Any) -> CongressSession:
    return CongressSession.objects.create(
        union=world.yuehe, enterprise=firm, held_on=day, delegates=30, attended=28, **kw
    )


def disclosure(world: World, firm: Enterprise, day: D, subject: str = "福利费") -> Disclosure:
    return Disclosure.objects.create(
        union=world.yuehe, enterprise=firm, disclosed_on=day, subject=subject
    )


def test_a_session_eleven_months_back_keeps_the_congress_established(world: World) -> None:
    firm = enterprise(world, 1)
    session(world, firm, D(2022, 7, 1))
    assert democratic_status(firm, on=D(2023, 6, 30)).has_congress is True


def test_a_session_over_twelve_months_back_does_not(world: World) -> None:
    firm = enterprise(world, 1)
    session(world, firm, D(2022, 6, 30))
    status = democratic_status(firm, on=D(2023, 6, 30))
    assert status.last_session is not None
    assert (status.has_congress, status.last_session.held_on) == (False, D(2022, 6, 30))


def test_disclosure_lapses_after_six_months(world: World) -> None:
    firm = enterprise(world, 1)
    disclosure(world, firm, D(2023, 1, 10))
    assert democratic_status(firm, on=D(2023, 7, 9)).has_disclosure is True
    assert democratic_status(firm, on=D(2023, 7, 10)).has_disclosure is False


def test_a_session_after_the_day_does_not_count_on_it(world: World) -> None:
    firm = enterprise(world, 1)
    session(world, firm, D(2023, 7, 1))
    assert democratic_status(firm, on=D(2023, 6, 30)).last_session is None


# --- the services ---------------------------------------------------------------------------


def test_recording_a_session_is_for_the_enterprises_union(world: World) -> None:
    firm = enterprise(world, 1)
    made = congress_record(
        actor=world.township_staff,
        enterprise=firm,
        held_on=D(2023, 3, 1),
        delegates=40,
        attended=38,
        resolutions=" 审议通过集体合同 ",
    )
    assert (made.union, made.resolutions, made.created_by) == (
        world.yuehe,
        "审议通过集体合同",
        world.township_staff,
    )


def test_more_attending_than_delegated_is_refused(world: World) -> None:
    with pytest.raises(ValidationError) as caught:
        congress_record(
            actor=world.township_staff,
            enterprise=enterprise(world, 1),
            held_on=D(2023, 3, 1),
            delegates=10,
            attended=11,
        )
    assert caught.value.message_dict == {"attended": ["实到代表不能多于应到代表"]}


def test_an_enterprise_without_a_union_records_no_session(world: World) -> None:
    with pytest.raises(ValidationError) as caught:
        congress_record(
            actor=world.township_staff,
            enterprise=enterprise(world, 1, with_union=False),
            held_on=D(2023, 3, 1),
            delegates=10,
            attended=9,
        )
    assert caught.value.message_dict == {
        "enterprise": ["“月河机械1有限公司”尚未建立工会，不能登记"]
    }


def test_a_second_session_on_the_same_day_is_refused(world: World) -> None:
    firm = enterprise(world, 1)
    session(world, firm, D(2023, 3, 1))
    with pytest.raises(ValidationError) as caught:
        congress_record(
            actor=world.township_staff,
            enterprise=firm,
            held_on=D(2023, 3, 1),
            delegates=10,
            attended=9,
        )
    assert caught.value.message_dict == {"held_on": ["该企业 2023-03-01 的职代会已登记"]}


def test_a_disclosure_needs_a_subject(world: World) -> None:
    with pytest.raises(ValidationError) as caught:
        disclosure_record(
            actor=world.township_staff,
            enterprise=enterprise(world, 1),
            disclosed_on=D(2023, 3, 1),
            channel="board",
            subject="  ",
        )
    assert caught.value.message_dict == {"subject": ["请填写公开事项"]}


def test_a_sibling_county_records_nothing_for_the_enterprise(world: World) -> None:
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        disclosure_record(
            actor=world.nanxun_staff,
            enterprise=enterprise(world, 1),
            disclosed_on=D(2023, 3, 1),
            channel="board",
            subject="福利费",
        )


# --- the sheets -----------------------------------------------------------------------------


def book(tmp_path: Path, headers: list[str], rows: list[list[Any]]) -> Path:
    workbook = openpyxl.Workbook()
    workbook.active.append(headers)
    for row in rows:
        workbook.active.append(row)
    path = tmp_path / "d.xlsx"
    workbook.save(path)
    return path


CONGRESS = ["统一社会信用代码", "召开日期", "应到代表", "实到代表", "决议事项"]
DISCLOSURE = ["统一社会信用代码", "公开日期", "公开形式", "公开事项"]


def test_congress_sheet_reports_each_bad_row_and_writes_nothing(
    world: World, tmp_path: Path
) -> None:
    firm, bare = enterprise(world, 1), enterprise(world, 2, with_union=False)
    path = book(
        tmp_path,
        CONGRESS,
        [
            [firm.uscc, "2023-03-01", 30, 28, "集体合同"],
            [firm.uscc, "2023-03-01", 30, 28, ""],
            [firm.uscc, "2023-04-01", 30, 31, ""],
            [bare.uscc, "2023-03-01", 30, 28, ""],
            [firm.uscc, "2099-03-01", 30, 28, ""],
        ],
    )
    report = congress_import(
        actor=world.township_staff, union=world.yuehe, path=path, dry_run=False
    )
    assert sorted((e.row, e.message) for e in report.errors) == [
        (3, "与第 2 行重复"),
        (4, "实到代表：不能多于应到代表"),
        (5, "统一社会信用代码：“月河机械2有限公司”尚未建立工会"),
        (6, "召开日期：日期不能晚于今天"),
    ]
    assert not CongressSession.objects.exists()


def test_importing_the_disclosures_again_creates_nothing(world: World, tmp_path: Path) -> None:
    firm = enterprise(world, 1)
    path = book(
        tmp_path,
        DISCLOSURE,
        [[firm.uscc, "2023-03-01", "公开栏", "福利费"], [firm.uscc, "2023-03-01", "", "评优"]],
    )
    first = disclosure_import(
        actor=world.township_staff, union=world.yuehe, path=path, dry_run=False
    )
    again = disclosure_import(
        actor=world.township_staff, union=world.yuehe, path=path, dry_run=False
    )
    assert (first.created, again.created, again.unchanged) == (2, 0, 2)
    assert sorted(Disclosure.objects.values_list("subject", "channel")) == [
        ("福利费", "board"),
        ("评优", "board"),
    ]


# --- the indicators -------------------------------------------------------------------------


def test_coverage_counts_enterprises_with_a_union_and_a_recent_session(world: World) -> None:
    held, lapsed, never = enterprise(world, 1), enterprise(world, 2), enterprise(world, 3)
    enterprise(world, 4, with_union=False)
    session(world, held, D(2023, 3, 1))
    session(world, held, D(2022, 3, 1))
    session(world, lapsed, D(2022, 5, 1))
    disclosure(world, never, D(2023, 2, 1))
    values = {
        key: indicator_values(indicator_get(key), world.wuxing, [H1])[0].total
        for key in (
            "union_enterprises",
            "congress_enterprises",
            "congress_rate",
            "disclosure_enterprises",
        )
    }
    assert values["union_enterprises"] == 3
    assert values["congress_enterprises"] == 1
    assert str(values["congress_rate"]) == "33.3"
    assert values["disclosure_enterprises"] == 1


# --- pages ----------------------------------------------------------------------------------


def test_the_enterprise_page_shows_the_status_and_is_scoped(world: World, client_as) -> None:
    firm = enterprise(world, 1)
    session(world, firm, datetime.date.today() - datetime.timedelta(days=30))
    page = client_as(world.wuxing_staff).get(f"/orgs/enterprises/{firm.uscc}/").content.decode()
    assert "已建立" in page and "未实行" in page
    assert client_as(world.nanxun_staff).get(f"/orgs/enterprises/{firm.uscc}/").status_code == 404


def test_the_session_form_shows_the_services_refusal_beside_the_field(
    world: World, client_as
) -> None:
    firm = enterprise(world, 1)
    page = client_as(world.township_staff).post(
        f"/wages/enterprises/{firm.uscc}/congress/new/",
        {"held_on": "2023-03-01", "delegates": "10", "attended": "12"},
    )
    assert "实到代表不能多于应到代表" in page.content.decode()
    assert not CongressSession.objects.exists()


def test_the_ledger_lists_sessions_in_scope_only(world: World, client_as) -> None:
    session(world, enterprise(world, 1), D(2023, 3, 1))
    other = enterprise(world, 2)
    Enterprise.objects.filter(pk=other.pk).update(
        owner_union=world.nanxun_town, union=world.nanxun_town, name="南浔的企业"
    )
    other.refresh_from_db()
    CongressSession.objects.create(
        union=world.nanxun_town, enterprise=other, held_on=D(2023, 3, 1), delegates=5
    )
    page = client_as(world.wuxing_staff).get("/wages/democracy/").content.decode()
    assert "月河机械1有限公司" in page and other.name not in page


# --- the migration --------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_registers_flags_become_dated_records(world: World) -> None:
    before = [("orgs", "0002_enterprise_formationtask_and_more"), ("wages", "0001_initial")]
    after = [("orgs", "0003_enterprise_democracy_from_records"), ("wages", "0002_democracy")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    try:
        old = executor.loader.project_state(before).apps
        Old = old.get_model("orgs", "Enterprise")
        region = old.get_model("orgs", "Region").objects.create(
            code="330502009", name="测试街道", level="township"
        )
        firm = Old.objects.create(
            uscc="91330502MA2E00019",
            name="有职代会的企业",
            region=region,
            owner_union_id=world.yuehe.pk,
            union_id=world.yuehe.pk,
            has_workers_congress=True,
            has_affairs_disclosure=False,
        )
        executor = MigrationExecutor(connection)
        executor.migrate(after)
    finally:
        MigrationExecutor(connection).migrate(executor.loader.graph.leaf_nodes())
    kept = CongressSession.objects.get(enterprise_id=firm.pk)
    assert (kept.source, kept.union_id, kept.delegates) == ("register", world.yuehe.pk, 0)
    assert not Disclosure.objects.filter(enterprise_id=firm.pk).exists()
