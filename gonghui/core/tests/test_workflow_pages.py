"""The engine's pages and API: the panel's endpoint, the inbox, bulk approval as a job,
the public notice, and the sidebar count."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from gonghui.aid.models import ReliefApplication
from gonghui.aid.workflows import RELIEF
from gonghui.conftest import World
from gonghui.core.models import Job, Role
from gonghui.core.tests.factories import UserFactory
from gonghui.core.tests.test_workflow import make_item
from gonghui.core.workflow import Action, State
from gonghui.core.workflow.services import transition_many


def in_review(world: World, count: int = 1) -> list[ReliefApplication]:
    items = [make_item(world.wuxing_grassroots) for _ in range(count)]
    transition_many(RELIEF, [i.pk for i in items], Action.SUBMIT, actor=world.grassroots_chair)
    return list(ReliefApplication.objects.filter(pk__in=[i.pk for i in items]).order_by("pk"))


def test_transition_endpoint_approves_and_returns_to_the_item(world: World, client_as) -> None:
    (item,) = in_review(world)
    yuehe = UserFactory.create(username="yuehe_rev", union=world.yuehe, role=Role.REVIEWER)
    response = client_as(yuehe).post(
        f"/workflow/relief/{item.pk}/transition/", {"action": "approve", "comment": "材料齐全"}
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.step == "county_approval"


def test_transition_endpoint_shows_the_refusal(world: World, client_as) -> None:
    (item,) = in_review(world)
    yuehe = UserFactory.create(username="yuehe_rev", union=world.yuehe, role=Role.REVIEWER)
    client = client_as(yuehe)
    response = client.post(
        f"/workflow/relief/{item.pk}/transition/", {"action": "reject"}, follow=False
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.state == State.IN_REVIEW
    messages = [str(m) for m in response.wsgi_request._messages]
    assert messages == ["不通过须填写意见或原因。"]


def test_inbox_lists_waiting_items_with_the_count_in_the_sidebar(world: World, client_as) -> None:
    in_review(world, 2)
    yuehe = UserFactory.create(username="yuehe_rev", union=world.yuehe, role=Role.REVIEWER)
    page = client_as(yuehe).get("/workflow/inbox/").content.decode()
    assert 'data-testid="inbox-count-relief">2<' in page
    assert 'data-testid="badge-inbox">2<' in page


def test_inbox_of_a_sibling_county_is_empty(world: World, client_as) -> None:
    in_review(world, 2)
    nanxun = UserFactory.create(username="nanxun_rev", union=world.nanxun, role=Role.REVIEWER)
    page = client_as(nanxun).get("/workflow/inbox/").content.decode()
    assert 'data-testid="inbox-count-relief">0<' in page
    assert "badge-inbox" not in page


def test_bulk_approval_of_selected_items(world: World, client_as) -> None:
    items = in_review(world, 3)
    yuehe = UserFactory.create(username="yuehe_rev", union=world.yuehe, role=Role.REVIEWER)
    client_as(yuehe).post(
        "/workflow/inbox/bulk/",
        {"workflow": "relief", "scope": "selected", "ids": [items[0].pk, items[2].pk]},
    )
    steps = list(ReliefApplication.objects.order_by("pk").values_list("step", flat=True))
    assert steps == ["county_approval", "township_review", "county_approval"]


def test_bulk_approval_of_many_runs_as_a_job(
    world: World, client_as, settings, django_capture_on_commit_callbacks
) -> None:
    from gonghui.core.workflow import views

    settings.DEBUG = False
    views.INLINE_BULK_LIMIT, limit = 1, views.INLINE_BULK_LIMIT
    try:
        in_review(world, 3)
        yuehe = UserFactory.create(username="yuehe_rev", union=world.yuehe, role=Role.REVIEWER)
        with django_capture_on_commit_callbacks(execute=True):
            response = client_as(yuehe).post(
                "/workflow/inbox/bulk/", {"workflow": "relief", "scope": "all"}
            )
    finally:
        views.INLINE_BULK_LIMIT = limit
    job = Job.objects.get(kind="workflow_bulk")
    assert response["Location"] == f"/jobs/{job.pk}/"
    assert (job.state, job.total, job.done, job.result["完成"]) == (Job.State.DONE, 3, 3, 3)
    assert set(ReliefApplication.objects.values_list("step", flat=True)) == {"county_approval"}


def test_public_notice_lists_items_with_masked_names(world: World, client) -> None:
    (item,) = in_review(world)
    ReliefApplication.objects.filter(pk=item.pk).update(
        state=State.NOTICE, step="", notice_until=timezone.localdate() + timedelta(days=5)
    )
    page = client.get("/notice/330502/").content.decode()
    assert item.member.name not in page
    assert f"{item.member.name[0]}*" in page
    # By default the last four digits only: the first six and the birth date are not shown.
    assert item.member.id_masked not in page
    assert item.member.id_masked[:6] + "*" not in page
    assert "*" * 14 + item.member.id_masked[-4:] in page
    assert "3,000.00" in page


def _noticed(world: World) -> Any:
    (item,) = in_review(world)
    ReliefApplication.objects.filter(pk=item.pk).update(
        state=State.NOTICE, step="", notice_until=date(2023, 7, 6)
    )
    return item


def test_a_union_may_show_neither_name_nor_id(world: World, client, client_as) -> None:
    item = _noticed(world)
    admin = UserFactory.create(username="wuxing_admin", union=world.wuxing, role=Role.ADMIN)
    client_as(admin).post(
        "/workflow/notice-settings/",
        {
            "contact": "吴兴区总工会权益保障部 0572-2222222",
            "name_shown": "none",
            "id_shown": "none",
        },
    )
    page = client.get("/notice/330502001/").content.decode()  # a township takes its county's
    assert f"{item.member.name[0]}*" not in page and item.member.id_masked[-4:] not in page
    assert "异议受理：吴兴区总工会权益保障部 0572-2222222" in page


def test_only_the_unions_admin_changes_its_notice_setting(world: World, client_as) -> None:
    from gonghui.core.workflow.models import NoticeSetting

    response = client_as(world.wuxing_staff).post(
        "/workflow/notice-settings/", {"contact": "x", "name_shown": "none", "id_shown": "none"}
    )
    assert response.status_code == 403
    assert not NoticeSetting.objects.exists()


def test_the_print_view_has_the_period_the_contact_and_a_qr_code(world: World, client) -> None:
    _noticed(world)
    page = client.get("/notice/330502/print/").content.decode()
    assert '公示期至 <strong data-testid="print-until">2023年7月6日</strong>' in page
    assert "如有异议，请在公示期内联系：所在基层工会或乡镇（街道）工会" in page
    assert "<svg" in page and "http://testserver/notice/330502/" in page


def test_claim_relief_and_batch_pages_link_to_the_notice(world: World, client_as) -> None:
    item = _noticed(world)
    page = client_as(world.wuxing_staff).get(f"/aid/relief/{item.pk}/").content.decode()
    assert f'href="/notice/{item.union.code}/"' in page


def test_public_notice_of_a_sibling_lists_nothing_of_wuxing(world: World, client) -> None:
    (item,) = in_review(world)
    ReliefApplication.objects.filter(pk=item.pk).update(state=State.NOTICE, step="")
    page = client.get("/notice/330503/").content.decode()
    assert 'data-testid="notice-empty"' in page


def test_api_lists_in_scope_and_transitions(world: World, client_as) -> None:
    (item,) = in_review(world)
    yuehe = UserFactory.create(username="yuehe_rev", union=world.yuehe, role=Role.REVIEWER)
    client = client_as(yuehe)
    listed = client.get("/api/v1/workflow/relief/items").json()
    assert [i["id"] for i in listed["items"]] == [item.pk]
    response = client.post(
        f"/api/v1/workflow/relief/items/{item.pk}/transition",
        json.dumps({"action": "approve"}),
        content_type="application/json",
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["state"], body["step"], body["step_label"]) == (
        "in_review",
        "county_approval",
        "审批",
    )
    assert [e["action"] for e in body["trail"]] == ["submit", "approve"]


def test_api_refusal_is_a_400_with_the_reason(world: World, client_as) -> None:
    (item,) = in_review(world)
    yuehe = UserFactory.create(username="yuehe_rev", union=world.yuehe, role=Role.REVIEWER)
    response = client_as(yuehe).post(
        f"/api/v1/workflow/relief/items/{item.pk}/transition",
        json.dumps({"action": "return"}),
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["detail"] == "退回修改须填写意见或原因。"


def test_api_schema_lists_the_workflow_routes(world: World, client_as) -> None:
    schema = client_as(world.city_admin).get("/api/v1/openapi.json").json()
    assert "/api/v1/workflow/{workflow_key}/items/{item_id}/transition" in schema["paths"]


def test_panel_shows_the_trail_with_step_names_and_the_actions(world: World, client_as) -> None:
    (item,) = in_review(world)
    yuehe = UserFactory.create(username="yuehe_rev", union=world.yuehe, role=Role.REVIEWER)
    transition_many(RELIEF, [item.pk], Action.APPROVE, actor=yuehe, comment="材料齐全")
    wuxing = UserFactory.create(username="wuxing_rev", union=world.wuxing, role=Role.REVIEWER)
    page = client_as(wuxing).get(f"/aid/relief/{item.pk}/").content.decode()
    trail = page.split('data-testid="workflow-trail"')[1].split("</table>")[0]
    assert "初审" in trail and "材料齐全" in trail and "township_review" not in trail
    assert 'data-testid="action-approve"' in page
    assert 'data-testid="action-withdraw"' not in page
