"""大调研, 督导 and follow-up items: findings become items, the owner's and the assigner's
steps, reminders, the inbox and board, scope, and the indicators on period boundaries."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from django.utils import timezone
from pytest_django.fixtures import Settings

from gonghui.activities.models import FollowUp, FollowUpFile, FollowUpReminder, ResearchVisit
from gonghui.activities.selectors import (
    access_followup,
    followup_board,
    followup_inbox,
    followup_inbox_count,
)
from gonghui.activities.services.followups import (
    Finding,
    followup_assign,
    followup_complete,
    followup_return,
    followup_start,
    followup_verify,
    followups_remind,
    research_visit_create,
    supervision_create,
)
from gonghui.activities.tests.factories import FollowUpFactory
from gonghui.conftest import World
from gonghui.core.indicators.periods import Period
from gonghui.core.indicators.registry import indicator_get, indicator_values
from gonghui.core.models import AuditEvent, Role
from gonghui.core.tests.factories import UserFactory
from gonghui.orgs.models import Union

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 32
VISIT_DAY = datetime.date(2023, 2, 20)


def today() -> datetime.date:
    return timezone.localdate()


def visit(world: World, findings: list[Finding], **kwargs: Any) -> ResearchVisit:
    values: dict[str, Any] = {
        "actor": world.wuxing_staff,
        "union": world.wuxing,
        "visited_on": VISIT_DAY,
        "leaders": "区总工会主席",
        "place": "埭溪镇企业",
        "people_met": "一线职工代表、基层工会干部",
        "answers": {"enterprise": "招工难", "workers": "希望有技能培训", "other": "忽略"},
        "findings": findings,
    }
    values.update(kwargs)
    return research_visit_create(**values)


def task(world: World, **kwargs: Any) -> FollowUp:
    finding = Finding(
        title=kwargs.pop("title", "推进新就业形态工会建会"),
        owner=kwargs.pop("owner", world.yuehe),
        deadline=kwargs.pop("deadline", today() + datetime.timedelta(days=30)),
        owner_person="张三",
    )
    return followup_assign(
        actor=kwargs.pop("actor", world.wuxing_staff), assigned_by=world.wuxing, finding=finding
    )


def test_a_visits_findings_become_items_of_the_unions_named(world: World) -> None:
    deadline = today() + datetime.timedelta(days=20)
    made = visit(
        world,
        [
            Finding("企业工会规范化建设不足", world.yuehe, deadline, "李四"),
            Finding("能级工资覆盖面窄", world.zhili, deadline),
        ],
    )
    items = FollowUp.objects.filter(research_visit=made).order_by("id")
    assert [(i.owner, i.assigned_by, i.source, i.state) for i in items] == [
        (world.yuehe, world.wuxing, "research", "open"),
        (world.zhili, world.wuxing, "research", "open"),
    ]
    assert made.answers == {"enterprise": "招工难", "workers": "希望有技能培训"}


def test_a_finding_due_before_it_is_assigned_is_refused_and_nothing_kept(world: World) -> None:
    with pytest.raises(ValidationError) as caught:
        visit(world, [Finding("问题", world.yuehe, today() - datetime.timedelta(days=1))])
    assert caught.value.message_dict["findings"] == [
        f"“问题”办结期限（{today() - datetime.timedelta(days=1):%Y-%m-%d}）不能早于交办日期"
        f"（{today():%Y-%m-%d}）"
    ]
    assert not ResearchVisit.objects.exists()


def test_a_finding_for_a_union_outside_the_subtree_is_refused(world: World) -> None:
    with pytest.raises(ValidationError, match="责任工会须为吴兴区总工会或其下级工会"):
        visit(world, [Finding("问题", world.nanxun_town, today())])


def test_a_visit_without_leaders_or_place_gives_both_reasons(world: World) -> None:
    with pytest.raises(ValidationError) as caught:
        visit(world, [], leaders=" ", place="")
    assert caught.value.message_dict == {
        "leaders": ["请填写带队领导"],
        "place": ["请填写调研企业或调研地点"],
    }


def test_supervision_is_of_a_union_below_and_its_findings_belong_there(world: World) -> None:
    made = supervision_create(
        actor=world.wuxing_staff,
        union=world.wuxing,
        target=world.yuehe,
        topic="新就业形态劳动者入会专项督导",
        visited_on=VISIT_DAY,
        leaders="督导组",
        findings=[Finding("入会率偏低", world.yuehe, today())],
    )
    assert FollowUp.objects.get(supervision=made).source == "supervision"


def test_supervision_of_a_union_not_below_is_refused(world: World) -> None:
    with pytest.raises(ValidationError, match="被督导工会须为吴兴区总工会的下级工会"):
        supervision_create(
            actor=world.wuxing_staff,
            union=world.wuxing,
            target=world.wuxing,
            topic="自查",
            visited_on=VISIT_DAY,
            leaders="督导组",
        )


def test_a_task_is_audited_at_the_owner(world: World) -> None:
    item = task(world)
    event = AuditEvent.objects.get(action="activities.followup.create")
    assert (event.union_id, event.object_id) == (world.yuehe.pk, str(item.pk))


def test_a_sibling_township_cannot_see_an_item(world: World) -> None:
    item = task(world)
    zhili_staff = UserFactory.create(username="zhili_staff", union=world.zhili, role=Role.STAFF)
    with pytest.raises(Http404):
        access_followup(actor=zhili_staff, followup_id=item.pk)


def test_the_owner_finishes_with_evidence_and_the_assigner_verifies(world: World) -> None:
    item = followup_start(actor=world.township_staff, item=task(world))
    item = followup_complete(
        actor=world.township_staff,
        item=item,
        evidence="已召开推进会",
        files=[SimpleUploadedFile("现场.png", PNG)],
    )
    assert (item.state, item.done_on, FollowUpFile.objects.get().original_name) == (
        "done",
        today(),
        "现场.png",
    )
    item = followup_verify(actor=world.wuxing_staff, item=item)
    assert (item.state, item.verified_on) == ("verified", today())


def test_the_owner_may_not_verify_its_own_item(world: World) -> None:
    item = followup_complete(actor=world.township_staff, item=task(world), evidence="已办")
    with pytest.raises(PermissionDenied):
        followup_verify(actor=world.township_staff, item=item)


def test_finishing_without_evidence_or_with_a_bad_file_gives_both_reasons(
    world: World,
) -> None:
    item = task(world)
    with pytest.raises(ValidationError) as caught:
        followup_complete(
            actor=world.township_staff,
            item=item,
            evidence=" ",
            files=[SimpleUploadedFile("说明.pdf", b"MZ not a pdf")],
        )
    assert caught.value.message_dict == {
        "evidence": ["请填写办理情况"],
        "files": ["文件“说明.pdf”不是 PDF、JPEG 或 PNG 文件（按文件内容判断，与文件名无关）。"],
    }
    item.refresh_from_db()
    assert item.state == "open"


def test_a_returned_item_is_in_progress_again_with_the_reason(world: World) -> None:
    item = followup_complete(actor=world.township_staff, item=task(world), evidence="已办")
    item = followup_return(actor=world.wuxing_staff, item=item, reason="缺少佐证材料")
    assert (item.state, item.done_on, item.returned_reason) == ("in_progress", None, "缺少佐证材料")


def test_reminders_are_written_once_a_day_soon_before_and_after_the_deadline(
    world: World, settings: Settings
) -> None:
    settings.GONGHUI_FOLLOWUP_REMIND_DAYS = 3
    day = datetime.date(2023, 6, 10)
    soon = FollowUpFactory.create(owner=world.yuehe, deadline=datetime.date(2023, 6, 13))
    late = FollowUpFactory.create(owner=world.yuehe, deadline=datetime.date(2023, 6, 9))
    FollowUpFactory.create(owner=world.yuehe, deadline=datetime.date(2023, 6, 14))
    FollowUpFactory.create(
        owner=world.yuehe, deadline=datetime.date(2023, 6, 1), state="done", done_on=day
    )
    assert followups_remind(today=day) == {"due_soon": 1, "overdue": 1}
    assert followups_remind(today=day) == {"due_soon": 0, "overdue": 0}
    assert {(r.follow_up_id, r.kind) for r in FollowUpReminder.objects.all()} == {
        (soon.pk, "due_soon"),
        (late.pk, "overdue"),
    }


def test_the_inbox_holds_the_own_unions_items_and_those_to_verify(world: World) -> None:
    mine = task(world, title="月河的事项")
    task(world, title="织里的事项", owner=world.zhili)
    done = followup_complete(
        actor=world.township_staff, item=task(world, title="待验收"), evidence="已办"
    )
    township = followup_inbox(actor=world.township_staff)
    county = followup_inbox(actor=world.wuxing_staff)
    assert [i.pk for i in township.to_do] == [mine.pk]
    assert [i.pk for i in county.to_verify] == [done.pk]
    assert followup_inbox_count(actor=world.wuxing_staff) == 1


def test_the_board_counts_each_child_and_lights_it(world: World) -> None:
    day = datetime.date(2023, 6, 10)
    FollowUpFactory.create(owner=world.yuehe, deadline=datetime.date(2023, 6, 9))
    FollowUpFactory.create(owner=world.wuxing_grassroots, deadline=datetime.date(2023, 6, 30))
    FollowUpFactory.create(owner=world.zhili, deadline=datetime.date(2023, 6, 12))
    FollowUpFactory.create(owner=world.wuxing, deadline=datetime.date(2023, 6, 30))
    rows = {
        r.union.code: r
        for r in followup_board(actor=world.wuxing_staff, union=world.wuxing, today=day)
    }
    yuehe, zhili, own = rows[world.yuehe.code], rows[world.zhili.code], rows[world.wuxing.code]
    assert (yuehe.open, yuehe.overdue, yuehe.light) == (2, 1, "red")
    assert (zhili.due_soon, zhili.light) == (1, "yellow")
    assert (own.open, own.light) == (1, "green")


# --- indicators -----------------------------------------------------------------------------


@pytest.fixture
def items(world: World) -> World:
    """Findings and tasks with their dates (created, deadline, done):
    - finding 月河 2023-01-10 → 2023-03-31, done 2023-03-31 (on time, in Q1);
    - finding 织里 2023-05-05 → 2023-06-15, done 2023-07-01 (late, open at June's end);
    - finding 南浔镇 2022-12-20 → 2023-01-31, never done (open, overdue since February);
    - task 月河 2023-06-01 → 2023-06-30, never done (not overdue on June 30);
    - research visits: 吴兴 2023-06-30, 南浔 2023-07-01."""
    finding = FollowUp.Source.RESEARCH
    for owner, created, deadline, done, source in (
        (world.yuehe, (2023, 1, 10), (2023, 3, 31), (2023, 3, 31), finding),
        (world.zhili, (2023, 5, 5), (2023, 6, 15), (2023, 7, 1), finding),
        (world.nanxun_town, (2022, 12, 20), (2023, 1, 31), None, finding),
        (world.yuehe, (2023, 6, 1), (2023, 6, 30), None, FollowUp.Source.TASK),
    ):
        FollowUpFactory.create(
            owner=owner,
            source=source,
            created_on=datetime.date(*created),
            deadline=datetime.date(*deadline),
            done_on=datetime.date(*done) if done else None,
            state="verified" if done else "open",
        )
    for union, day in ((world.wuxing, (2023, 6, 30)), (world.nanxun, (2023, 7, 1))):
        ResearchVisit.objects.create(
            union=union, visited_on=datetime.date(*day), leaders="主席", place="企业"
        )
    return world


def values(key: str, union: Union, *periods: Period) -> list[Any]:
    return indicator_values(indicator_get(key), union, list(periods))


def test_findings_open_at_the_end_of_june_and_of_march(items: World) -> None:
    june, march = values("findings_open", items.city, Period.month(2023, 6), Period.month(2023, 3))
    assert (june.total, march.total) == (2, 1)  # 织里 and 南浔镇; in March only 南浔镇
    assert june.by_child == {"330502": 1, "330503": 1}


def test_findings_closed_count_in_the_month_they_were_done(items: World) -> None:
    march, june, july = values(
        "findings_closed",
        items.city,
        Period.month(2023, 3),
        Period.month(2023, 6),
        Period.month(2023, 7),
    )
    assert (march.total, june.total, july.total) == (1, 0, 1)


def test_overdue_at_the_end_of_june_leaves_out_the_task_due_that_day(items: World) -> None:
    june, january = values(
        "followups_overdue", items.city, Period.month(2023, 6), Period.month(2023, 1)
    )
    assert (june.total, january.total) == (2, 0)  # 织里 (due 06-15), 南浔镇 (due 01-31)


def test_closed_on_time_counts_the_deadline_day(items: World) -> None:
    h1, july = values(
        "followups_closed_on_time", items.city, Period.half(2023, 1), Period.month(2023, 7)
    )
    assert (h1.total, july.total) == (1, 0)  # 织里 finished late in July


def test_research_visits_count_by_their_day(items: World) -> None:
    h1, year = values("research_visits", items.city, Period.half(2023, 1), Period.year(2023))
    assert (h1.total, year.total) == (1, 2)
