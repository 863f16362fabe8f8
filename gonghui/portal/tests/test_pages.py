"""The portal's pages through the test client: the worker's own, the office's, the
installable shell, and who is kept out of which."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from gonghui.conftest import World, login
from gonghui.core.workflow.models import State
from gonghui.members.models import Member
from gonghui.members.tests.factories import MemberFactory
from gonghui.portal.models import ActivationCode, JoinApplication
from gonghui.portal.services.joining import JoinForm, join_apply
from gonghui.portal.tests.factories import PASSWORD, account_signed_up, person_id


def apply(account, union) -> JoinApplication:
    return join_apply(
        account=account,
        form=JoinForm(union, "美团外卖湖州站", "", "new_form", "delivery_rider"),
    )


@pytest.mark.django_db
def test_a_visitor_is_sent_to_the_portal_s_own_login(client: Client) -> None:
    response = client.get("/m/card/")
    assert response.status_code == 302
    assert response["Location"].startswith("/m/login/?next=/m/card/")


@pytest.mark.django_db
def test_signing_up_on_the_page_signs_the_worker_in(client: Client) -> None:
    response = client.post(
        "/m/signup/",
        {"name": "王骑手", "id_number": person_id(1), "phone": "13700000001", "password": PASSWORD},
    )
    assert response.status_code == 302
    home = client.get("/m/")
    assert "王骑手，您好" in home.content.decode()


@pytest.mark.django_db
def test_a_bad_sign_up_keeps_what_was_typed_and_says_why(client: Client) -> None:
    response = client.post(
        "/m/signup/",
        {"name": "王骑手", "id_number": person_id(1), "phone": "1370000", "password": PASSWORD},
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "手机号码应为以1开头的11位数字" in body
    assert 'value="王骑手"' in body


@pytest.mark.django_db
def test_a_worker_logs_in_with_the_phone(client: Client) -> None:
    account_signed_up(phone="13700000001")
    response = client.post("/m/login/", {"phone": "137-0000-0001", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/m/"
    wrong = client.post("/m/login/", {"phone": "13700000001", "password": "nope"})
    assert wrong.status_code == 400 and "用户名或密码错误" in wrong.content.decode()


@pytest.mark.django_db
def test_a_worker_is_kept_out_of_every_staff_page(world: World, client: Client) -> None:
    login(client, account_signed_up().user)
    for url in ("/members/", "/orgs/unions/3305/", "/portal/joins/", "/audit/"):
        assert client.get(url).status_code == 403, url
    assert client.get("/api/v1/unions").status_code == 403
    assert client.get("/")["Location"] == "/m/"


@pytest.mark.django_db
def test_staff_who_open_the_portal_are_told_where_their_pages_are(world: World, client) -> None:
    login(client, world.wuxing_staff)
    response = client.get("/m/")
    assert response.status_code == 403
    assert "需要职工本人的账号" in response.content.decode()


@pytest.mark.django_db
def test_the_join_page_finds_a_union_by_name_and_submits(world: World, client: Client) -> None:
    account = account_signed_up()
    login(client, account.user)
    found = client.get("/m/join/", {"q": "德马"}).content.decode()
    assert world.wuxing_grassroots.name in found
    response = client.post(
        "/m/join/",
        {
            "union": world.wuxing_grassroots.pk,
            "employer_name": "德马科技",
            "employment_form": "standard",
            "occupation": "",
        },
    )
    item = JoinApplication.objects.get()
    assert response["Location"] == f"/m/applications/join/{item.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert "审核中" in page and "等待基层工会审核" in page


@pytest.mark.django_db
def test_the_office_approves_on_its_page_and_the_worker_gets_a_message(
    world: World, client
) -> None:
    account = account_signed_up()
    item = apply(account, world.wuxing_grassroots)
    office = Client()
    login(office, world.grassroots_chair)
    assert "王骑手" in office.get("/portal/joins/").content.decode()
    office.post(f"/workflow/member_application/{item.pk}/transition/", {"action": "approve"})
    item.refresh_from_db()
    assert item.state == State.APPROVED
    login(client, account.user)
    assert 'data-testid="unread">1<' in client.get("/m/").content.decode()
    inbox = client.get("/m/messages/").content.decode()
    assert "审核通过，您已成为工会会员" in inbox
    assert 'data-testid="unread"' not in client.get("/m/").content.decode()
    card = client.get("/m/card/").content.decode()
    assert "<svg" in card and world.wuxing_grassroots.name in card


@pytest.mark.django_db
def test_the_card_page_of_a_worker_who_is_no_member_says_so(client: Client) -> None:
    login(client, account_signed_up().user)
    response = client.get("/m/card/")
    assert response.status_code == 404
    assert "入会后即可使用电子会员卡" in response.content.decode()


@pytest.mark.django_db
def test_scanning_a_card_opens_the_verification_for_staff(world: World, client) -> None:
    account = account_signed_up()
    MemberFactory.create(union=world.wuxing_grassroots, name="王骑手", id_number=person_id(1))
    login(client, account.user)
    body = client.get("/m/card/").content.decode()
    from gonghui.portal.services.card import card_token

    token = card_token(Member.objects.get())
    office = Client()
    login(office, world.nanxun_staff)
    check = office.get("/portal/card/verify/", {"t": token}).content.decode()
    assert "有效会员" in check and "王**" in check and "王骑手" not in check
    assert "svg" in body


@pytest.mark.django_db
def test_the_office_issues_an_activation_code_from_the_member_page(world: World, client) -> None:
    member = MemberFactory.create(
        union=world.wuxing_grassroots, name="钱保洁", id_number=person_id(5)
    )
    login(client, world.township_staff)
    panel = client.get(f"/members/{member.pk}/").content.decode()
    assert "签发激活码" in panel
    page = client.post(f"/portal/codes/new/?member={member.pk}").content.decode()
    assert ActivationCode.objects.count() == 1
    assert "/m/activate/?code=" in page and "<svg" in page


@pytest.mark.django_db
def test_the_office_s_list_of_applications_has_a_query_ceiling(world: World, client) -> None:
    for n in range(6):
        apply(account_signed_up(name=f"骑手{n}", n=n + 1, phone=f"137000000{n + 10}"), world.yuehe)
    login(client, world.wuxing_staff)
    with CaptureQueriesContext(connection) as queries:
        body = client.get("/portal/joins/").content.decode()
    assert body.count("/portal/joins/") >= 6
    assert len(queries) <= 12


@pytest.mark.django_db
def test_the_shell_is_installable_and_public(client: Client) -> None:
    manifest = json.loads(client.get("/m/manifest.webmanifest").content)
    assert (manifest["start_url"], manifest["scope"], manifest["display"]) == (
        "/m/",
        "/m/",
        "standalone",
    )
    assert {i["sizes"] for i in manifest["icons"]} == {"192x192", "512x512"}
    worker = client.get("/m/sw.js")
    assert worker["Content-Type"].startswith("text/javascript")
    assert worker["Service-Worker-Allowed"] == "/m/"
    assert "/m/offline/" in worker.content.decode()
    assert "网络已断开" in client.get("/m/offline/").content.decode()


@pytest.mark.django_db
def test_the_office_s_sidebar_leads_to_the_portal_s_pages(world: World, client: Client) -> None:
    login(client, world.township_staff)
    body = client.get("/members/").content.decode()
    for href in ("/portal/joins/", "/portal/events/", "/portal/card/verify/"):
        assert f'href="{href}"' in body, href
        assert client.get(href).status_code == 200, href


@pytest.mark.django_db
def test_the_review_trail_names_the_state_as_the_type_does(world: World, client: Client) -> None:
    item = apply(account_signed_up(), world.wuxing_grassroots)
    login(client, world.grassroots_chair)
    client.post(f"/workflow/member_application/{item.pk}/transition/", {"action": "approve"})
    trail = client.get(f"/portal/joins/{item.pk}/").content.decode()
    assert "通过 → 已入会" in trail and "待发放" not in trail
