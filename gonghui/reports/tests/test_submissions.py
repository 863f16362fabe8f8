"""上报: a submitted month keeps its figures, targets and lights, and its workbook; a later
back-dated import shows as an adjustment beside them, with who changed what."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from gonghui.conftest import World
from gonghui.core.models import Role
from gonghui.core.tests.factories import UserFactory
from gonghui.members.tests.factories import MemberFactory
from gonghui.members.tests.test_member_import import do_import, person
from gonghui.reports.models import DispatchSubmission
from gonghui.reports.submissions import dispatch_submit, table_from_snapshot
from gonghui.reports.targets import target_set
from gonghui.reports.tests.test_dispatch_pages import cells_of

PAGE = "/reports/dispatch/?union=330502&month=2023-06"


@pytest.fixture
def june(world: World) -> World:
    """吴兴: three members joined in June 2023, and a target of 10 new members for 2023."""
    for day in (5, 12, 20):
        MemberFactory.create(union=world.wuxing_grassroots, join_date=date(2023, 6, day))
    target_set(
        actor=world.city_admin, union=world.wuxing, indicator="members_new", year=2023, value=10
    )
    return world


def submit(world: World) -> DispatchSubmission:
    return dispatch_submit(actor=world.wuxing_staff, union=world.wuxing, year=2023, month=6)


def backdated_import(world: World, tmp_path: Path) -> None:
    """A roster keyed in July with June join dates: two more new members for June."""
    do_import(
        world,
        tmp_path,
        [person(n, 入会日期="2023-06-25") for n in (41, 42)],
        union=world.yuehe,
        actor=world.township_staff,
    )


def test_the_submitted_figures_stay_after_a_backdated_import(
    june: World, tmp_path: Path, client_as
) -> None:
    submit(june)
    backdated_import(june, tmp_path)
    cells = cells_of(client_as(june.wuxing_staff).get(PAGE).content.decode())
    assert cells[("dispatch-table", "members_new", None, "adjust_month")] == "调整 +2"
    assert cells[("dispatch-table", "members_new", None, "month")] == "3调整 +2"
    assert cells[("dispatch-table", "members_new", None, "completion")] == "30.0%"


def test_the_page_names_who_changed_what_since(june: World, tmp_path: Path, client_as) -> None:
    submit(june)
    backdated_import(june, tmp_path)
    page = client_as(june.wuxing_staff).get(PAGE).content.decode()
    changes = page.split('data-testid="dispatch-changes"')[1].split("</ul>")[0]
    assert "导入" in changes


def test_a_new_target_does_not_move_a_submitted_month(june: World, client_as) -> None:
    submit(june)
    target_set(
        actor=june.city_admin, union=june.wuxing, indicator="members_new", year=2023, value=5
    )
    cells = cells_of(client_as(june.wuxing_staff).get(PAGE).content.decode())
    assert (
        cells[("dispatch-table", "members_new", None, "target")],
        cells[("dispatch-table", "members_new", None, "completion")],
    ) == ("10", "30.0%")


def test_the_workbook_of_a_submitted_month_is_the_one_submitted(
    june: World, tmp_path: Path, client_as
) -> None:
    submission = submit(june)
    backdated_import(june, tmp_path)
    response = client_as(june.wuxing_staff).get(
        "/reports/dispatch/export/?union=330502&month=2023-06"
    )
    assert b"".join(response.streaming_content) == bytes(submission.workbook)


def test_the_snapshot_gives_back_the_table(june: World) -> None:
    table = table_from_snapshot(submit(june))
    row = table.row("members_new")
    assert (row.month, row.target, row.completion) == (Decimal(3), Decimal(10), Decimal("30.0"))


def test_a_month_not_yet_over_cannot_be_submitted(world: World) -> None:
    with pytest.raises(ValidationError) as caught:
        dispatch_submit(actor=world.wuxing_staff, union=world.wuxing, year=2099, month=1)
    assert caught.value.messages == ["2099年1月尚未结束，不能上报。"]


def test_a_month_is_submitted_once(june: World) -> None:
    submit(june)
    with pytest.raises(ValidationError) as caught:
        submit(june)
    assert caught.value.messages == ["吴兴区总工会2023年6月的调度表已经上报。"]


def test_a_viewer_cannot_submit(world: World) -> None:
    viewer = UserFactory.create(union=world.wuxing, role=Role.VIEWER)
    with pytest.raises(PermissionDenied):
        dispatch_submit(actor=viewer, union=world.wuxing, year=2023, month=6)


def test_a_sibling_county_cannot_submit_for_wuxing(world: World) -> None:
    with pytest.raises(PermissionDenied):
        dispatch_submit(actor=world.nanxun_staff, union=world.wuxing, year=2023, month=6)


def test_the_page_submits(june: World, client_as) -> None:
    client = client_as(june.wuxing_staff)
    assert 'data-testid="dispatch-submit"' in client.get(PAGE).content.decode()
    response = client.post("/reports/dispatch/submit/?union=330502&month=2023-06")
    assert response.status_code == 302
    page = client.get(PAGE).content.decode()
    assert (
        'data-testid="dispatch-submitted"' in page,
        'data-testid="dispatch-submit"' in page,
    ) == (
        True,
        False,
    )


def test_an_unsubmitted_month_stays_live(june: World, tmp_path: Path, client_as) -> None:
    backdated_import(june, tmp_path)
    cells = cells_of(client_as(june.wuxing_staff).get(PAGE).content.decode())
    assert cells[("dispatch-table", "members_new", None, "month")] == "5"
