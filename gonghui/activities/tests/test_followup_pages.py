"""The pages of 大调研, 督导 and follow-up items, through the test client."""

from __future__ import annotations

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from gonghui.activities.models import FollowUp, ResearchVisit, SupervisionVisit
from gonghui.activities.tests.factories import FollowUpFactory
from gonghui.conftest import World

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 32


def later(days: int) -> str:
    return f"{timezone.localdate() + datetime.timedelta(days=days):%Y-%m-%d}"


def test_a_research_visit_is_recorded_with_its_findings(world: World, client_as) -> None:
    response = client_as(world.wuxing_staff).post(
        "/activities/research/new/",
        {
            "visited_on": "2023-02-20",
            "leaders": "区总工会主席",
            "place": "埭溪镇",
            "answer_enterprise": "招工难",
            "finding_1_title": "企业工会换届不及时",
            "finding_1_owner": world.yuehe.code,
            "finding_1_deadline": later(30),
            "finding_2_title": "",
        },
    )
    visit = ResearchVisit.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/activities/research/{visit.pk}/"
    assert [(f.title, f.owner) for f in FollowUp.objects.all()] == [
        ("企业工会换届不及时", world.yuehe)
    ]


def test_a_finding_without_its_union_is_refused_beside_it_and_nothing_kept(
    world: World, client_as
) -> None:
    page = client_as(world.wuxing_staff).post(
        "/activities/research/new/",
        {
            "visited_on": "2023-02-20",
            "leaders": "主席",
            "place": "埭溪镇",
            "finding_1_title": "问题",
            "finding_1_deadline": later(10),
        },
    )
    assert page.status_code == 200
    assert "请选择责任工会" in page.content.decode()
    assert not ResearchVisit.objects.exists()


def test_a_finding_due_before_today_is_refused_on_the_page(world: World, client_as) -> None:
    page = client_as(world.wuxing_staff).post(
        "/activities/research/new/",
        {
            "visited_on": "2023-02-20",
            "leaders": "主席",
            "place": "埭溪镇",
            "finding_1_title": "问题",
            "finding_1_owner": world.yuehe.code,
            "finding_1_deadline": "2023-01-01",
        },
    )
    text = page.content.decode()
    row = text[text.index('id="id_finding_1_deadline"') :]
    assert row.index("办结期限（2023-01-01）不能早于交办日期") < row.index(
        'id="id_finding_2_title"'
    )


def test_a_supervision_is_recorded_for_a_township(world: World, client_as) -> None:
    response = client_as(world.wuxing_staff).post(
        "/activities/supervision/new/",
        {
            "target": world.yuehe.code,
            "topic": "入会专项督导",
            "visited_on": "2023-05-10",
            "leaders": "督导组",
            "finding_1_title": "入会率低",
            "finding_1_owner": world.yuehe.code,
            "finding_1_deadline": later(20),
        },
    )
    assert response.status_code == 302
    assert SupervisionVisit.objects.get().target == world.yuehe
    assert FollowUp.objects.get().source == "supervision"


def test_the_inbox_lists_the_townships_items_and_marks_the_overdue(world: World, client_as) -> None:
    FollowUpFactory.create(owner=world.yuehe, assigned_by=world.wuxing, title="逾期的事项")
    page = client_as(world.township_staff).get("/activities/followups/").content.decode()
    assert "逾期的事项" in page
    assert "table-danger" in page


def test_the_sidebar_counts_the_inbox(world: World, client_as) -> None:
    FollowUpFactory.create(owner=world.yuehe, assigned_by=world.wuxing)
    page = client_as(world.township_staff).get("/activities/followups/").content.decode()
    assert 'data-testid="badge-followups">1</span>' in page


def test_the_board_lights_a_child_with_an_overdue_item_red(world: World, client_as) -> None:
    FollowUpFactory.create(owner=world.yuehe, assigned_by=world.wuxing)
    page = client_as(world.wuxing_staff).get("/activities/followups/board/").content.decode()
    row = page[page.index(world.yuehe.name) :]
    assert row.index("红灯") < row.index("</tr>")


def test_the_owner_finishes_on_the_page_with_a_photo(world: World, client_as) -> None:
    item = FollowUpFactory.create(
        owner=world.yuehe, assigned_by=world.wuxing, deadline=timezone.localdate()
    )
    response = client_as(world.township_staff).post(
        f"/activities/followups/{item.pk}/",
        {
            "action": "complete",
            "evidence": "已整改",
            "files": [SimpleUploadedFile("现场.png", PNG)],
        },
    )
    item.refresh_from_db()
    assert (response.status_code, item.state, item.files.count()) == (302, "done", 1)


def test_finishing_without_evidence_says_so_and_keeps_the_item_open(
    world: World, client_as
) -> None:
    item = FollowUpFactory.create(owner=world.yuehe, assigned_by=world.wuxing)
    page = client_as(world.township_staff).post(
        f"/activities/followups/{item.pk}/", {"action": "complete", "evidence": ""}
    )
    item.refresh_from_db()
    assert (page.status_code, item.state) == (400, "open")
    assert "请填写办理情况" in page.content.decode()


def test_the_county_verifies_on_the_page(world: World, client_as) -> None:
    item = FollowUpFactory.create(
        owner=world.yuehe, assigned_by=world.wuxing, state="done", done_on=timezone.localdate()
    )
    client_as(world.wuxing_staff).post(f"/activities/followups/{item.pk}/", {"action": "verify"})
    item.refresh_from_db()
    assert item.state == "verified"


def test_returning_needs_a_reason(world: World, client_as) -> None:
    item = FollowUpFactory.create(
        owner=world.yuehe, assigned_by=world.wuxing, state="done", done_on=timezone.localdate()
    )
    page = client_as(world.wuxing_staff).post(
        f"/activities/followups/{item.pk}/", {"action": "return", "reason": ""}
    )
    item.refresh_from_db()
    assert (page.status_code, item.state) == (400, "done")
    assert "请填写退回理由" in page.content.decode()


def test_a_task_is_assigned_from_the_page(world: World, client_as) -> None:
    response = client_as(world.wuxing_staff).post(
        "/activities/followups/new/",
        {"title": "上报台账", "owner": world.zhili.code, "deadline": later(7)},
    )
    item = FollowUp.objects.get()
    assert response.status_code == 302
    assert (item.owner, item.assigned_by, item.source) == (world.zhili, world.wuxing, "task")


def test_the_research_list_stays_within_a_few_queries(
    world: World, client_as, django_assert_max_num_queries
) -> None:
    for n in range(25):
        ResearchVisit.objects.create(
            union=world.wuxing,
            visited_on=datetime.date(2023, 2, 1),
            leaders=f"领导{n}",
            place="某地",
        )
    client = client_as(world.wuxing_staff)
    with django_assert_max_num_queries(15):
        page = client.get("/activities/research/").content.decode()
    assert page.count('data-label="调研日期"') == 25


def test_every_list_page_of_the_ledgers_is_in_the_menu(world: World, client_as) -> None:
    page = client_as(world.wuxing_staff).get("/activities/").content.decode()
    for href in (
        "/activities/",
        "/activities/fairs/",
        "/activities/research/",
        "/activities/showcase/",
        "/activities/partnerships/",
        "/activities/followups/",
        "/activities/followups/board/",
        "/activities/supervision/",
    ):
        assert f'href="{href}"' in page, href
