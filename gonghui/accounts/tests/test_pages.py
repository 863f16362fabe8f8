"""Account pages through the test client: what an administrator and a user do."""

from __future__ import annotations

import re
from pathlib import Path

import xlsxwriter
from django.core.files.uploadedfile import SimpleUploadedFile
from python_calamine import CalamineWorkbook

from gonghui.accounts.models import CredentialDelivery
from gonghui.accounts.tests.factories import admin_of
from gonghui.conftest import World
from gonghui.core.models import AuditEvent, Job, Role, User
from gonghui.core.tests.factories import TEST_PASSWORD

NEW_PASSWORD = "Yuehe-Gonghui-2027!"


def _testid(html: str, testid: str) -> str:
    found = re.search(rf'data-testid="{testid}">([^<]+)<', html)
    assert found, testid
    return found.group(1)


def test_admin_creates_an_account_and_sees_its_password_once(world: World, client_as) -> None:
    response = client_as(world.city_admin).post(
        "/users/new/",
        {
            "username": "yuehe_li",
            "display_name": "李芳",
            "union": "330502001 月河街道工会",
            "role": "staff",
            "phone": "",
        },
    )
    html = response.content.decode()
    password = _testid(html, "initial-password")
    user = User.objects.get(username="yuehe_li")
    assert user.check_password(password)
    assert response["Cache-Control"] == "no-store"
    assert password not in "".join(AuditEvent.objects.values_list("summary", flat=True))


def test_create_form_says_what_is_wrong_in_chinese(world: World, client_as) -> None:
    client = client_as(world.city_admin)
    bad_name = client.post(
        "/users/new/",
        {"username": "李", "display_name": "李芳", "union": "330502001", "role": "staff"},
    )
    assert bad_name.status_code == 400
    assert "账号须为 3～30 位英文字母、数字或 _ . -" in bad_name.content.decode()
    bad_union = client.post(
        "/users/new/",
        {"username": "yuehe_li", "display_name": "李芳", "union": "不存在的工会", "role": "staff"},
    )
    assert "在您的管辖范围内找不到工会“不存在的工会”" in bad_union.content.decode()
    assert not User.objects.filter(username="yuehe_li").exists()


def test_new_user_must_change_the_initial_password_first(world: World, client_as) -> None:
    world.township_staff.must_change_password = True
    world.township_staff.save()
    client = client_as(world.township_staff)
    assert client.get("/members/")["Location"] == "/accounts/password/"
    assert client.get("/api/v1/jobs/1").status_code == 403
    response = client.post(
        "/accounts/password/",
        {
            "old_password": TEST_PASSWORD,
            "new_password": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )
    assert "新密码已生效" in response.content.decode()
    assert client.get("/members/").status_code == 200


def test_reset_code_from_the_account_page_works_on_the_public_page(
    world: World, client_as, client
) -> None:
    admin = client_as(world.city_admin)
    html = admin.post(f"/users/{world.township_staff.pk}/reset-code/").content.decode()
    code = _testid(html, "reset-code")
    response = client.post(
        "/accounts/reset/",
        {
            "username": "township_staff",
            "code": code,
            "new_password": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )
    assert "新密码已设置" in response.content.decode()
    assert client.login(username="township_staff", password=NEW_PASSWORD)


def test_wrong_reset_code_gives_one_message_for_every_case(world: World, client) -> None:
    for username in ("township_staff", "nobody_here"):
        response = client.post(
            "/accounts/reset/",
            {
                "username": username,
                "code": "ABCDEFGHJK",
                "new_password": NEW_PASSWORD,
                "new_password2": NEW_PASSWORD,
            },
        )
        assert response.status_code == 400
        assert "账号或重置码不正确，或重置码已失效。" in response.content.decode()


def test_county_admin_edits_an_account_of_its_township(world: World, client_as) -> None:
    county_admin = admin_of(world.wuxing, "wuxing_admin")
    response = client_as(county_admin).post(
        f"/users/{world.township_staff.pk}/",
        {"display_name": "王强", "union": "330502100", "role": "reviewer", "phone": ""},
    )
    assert response.status_code == 302
    world.township_staff.refresh_from_db()
    assert (world.township_staff.union, world.township_staff.role) == (world.zhili, "reviewer")


def test_county_admin_cannot_move_an_account_out_of_its_county(world: World, client_as) -> None:
    county_admin = admin_of(world.wuxing, "wuxing_admin")
    response = client_as(county_admin).post(
        f"/users/{world.township_staff.pk}/",
        {"display_name": "王强", "union": "330503100", "role": "staff", "phone": ""},
    )
    assert response.status_code == 400
    assert "在您的管辖范围内找不到工会" in response.content.decode()
    world.township_staff.refresh_from_db()
    assert world.township_staff.union == world.yuehe


def test_sibling_county_admin_reaches_no_account_page(world: World, client_as) -> None:
    nanxun_admin = client_as(admin_of(world.nanxun, "nanxun_admin"))
    target = world.township_staff.pk
    for url in (
        f"/users/{target}/",
        f"/users/{target}/active/",
        f"/users/{target}/reset-code/",
        f"/users/{target}/pii/",
    ):
        assert nanxun_admin.post(url, {"active": "0", "reason": "理由理由"}).status_code == 404, url
    world.township_staff.refresh_from_db()
    assert world.township_staff.is_active


def test_pii_page_lists_holders_with_their_reason(world: World, client_as) -> None:
    client = client_as(world.city_admin)
    client.post(
        f"/users/{world.wuxing_staff.pk}/pii/", {"granted": "1", "reason": "负责大病救助复核"}
    )
    html = client.get("/users/pii/").content.decode()
    holders = html.split('data-testid="pii-holders"')[1].split("</table>")[0]
    assert "wuxing_staff" in holders and "负责大病救助复核" in holders


def test_pii_grant_without_reason_is_refused_on_the_page(world: World, client_as) -> None:
    response = client_as(world.city_admin).post(
        f"/users/{world.wuxing_staff.pk}/pii/", {"granted": "1", "reason": ""}
    )
    assert response.status_code == 400
    world.wuxing_staff.refresh_from_db()
    assert not world.wuxing_staff.pii_access


def test_user_list_has_a_bounded_number_of_queries(
    world: World, client_as, django_assert_max_num_queries
) -> None:
    for n in range(30):
        User.objects.create_user(f"staff{n:02d}", None, union=world.yuehe, role=Role.STAFF)
    client = client_as(world.city_admin)
    with django_assert_max_num_queries(12):
        response = client.get("/users/")
    assert response.content.decode().count("staff2") >= 10


def accounts_workbook(tmp_path: Path, rows: list[list[str]]) -> bytes:
    path = tmp_path / "accounts.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, ["账号", "姓名", "所属工会", "角色", "手机号码"])
    for n, row in enumerate(rows, start=1):
        sheet.write_row(n, 0, row)
    book.close()
    return path.read_bytes()


ROWS = [
    ["yuehe_a", "张三", "330502001", "工作人员", ""],
    ["yuehe_b", "李四", "月河街道工会", "审核员", "13957201234"],
    ["zhili_a", "王五", "330502100", "管理员", ""],
]


def bulk_import(client, tmp_path: Path, rows: list[list[str]], capture) -> Job:
    upload = SimpleUploadedFile("账号.xlsx", accounts_workbook(tmp_path, rows))
    with capture(execute=True):
        client.post("/sheets/staff-accounts/", {"union": "330502", "file": upload})
    check = Job.objects.latest("pk")
    assert check.result["invalid"] == 0, check.result
    with capture(execute=True):
        client.post(f"/jobs/{check.pk}/commit/")
    return Job.objects.latest("pk")


def test_bulk_accounts_deliver_their_passwords_once(
    world: World, client_as, tmp_path: Path, django_capture_on_commit_callbacks
) -> None:
    county_admin = admin_of(world.wuxing, "wuxing_admin")
    client = client_as(county_admin)
    job = bulk_import(client, tmp_path, ROWS, django_capture_on_commit_callbacks)
    assert job.result["created"] == 3
    url = job.result["deliver"]["url"]
    assert url in client.get(f"/jobs/{job.pk}/").content.decode()
    response = client.get(url)
    assert response["Cache-Control"] == "no-store"
    (tmp_path / "got.xlsx").write_bytes(response.content)
    sheet = CalamineWorkbook.from_path(str(tmp_path / "got.xlsx")).get_sheet_by_index(0)
    rows = sheet.to_python()
    assert rows[0] == ["账号", "姓名", "所属工会", "角色", "初始密码"]
    passwords = {r[0]: r[4] for r in rows[1:]}
    assert User.objects.get(username="zhili_a").check_password(passwords["zhili_a"])
    assert User.objects.get(username="zhili_a").must_change_password
    assert client.get(url).status_code == 403  # once only
    delivery = CredentialDelivery.objects.get()
    assert delivery.downloaded_at is not None
    assert AuditEvent.objects.filter(action="user.credentials_download").count() == 1


def test_credentials_are_for_their_importer_only(
    world: World, client_as, tmp_path: Path, django_capture_on_commit_callbacks
) -> None:
    county_admin = admin_of(world.wuxing, "wuxing_admin")
    job = bulk_import(client_as(county_admin), tmp_path, ROWS, django_capture_on_commit_callbacks)
    url = job.result["deliver"]["url"]
    assert client_as(world.city_admin).get(url).status_code == 404
    assert client_as(admin_of(world.nanxun, "nanxun_admin")).get(url).status_code == 404
    assert CredentialDelivery.objects.get().downloaded_at is None


def test_reimporting_accounts_creates_nothing_and_keeps_passwords(
    world: World, client_as, tmp_path: Path, django_capture_on_commit_callbacks
) -> None:
    client = client_as(admin_of(world.wuxing, "wuxing_admin"))
    bulk_import(client, tmp_path, ROWS, django_capture_on_commit_callbacks)
    hashes = dict(User.objects.values_list("username", "password"))
    again = bulk_import(client, tmp_path, ROWS, django_capture_on_commit_callbacks)
    assert (again.result["created"], again.result["unchanged"]) == (0, 3)
    assert "deliver" not in again.result
    assert dict(User.objects.values_list("username", "password")) == hashes


def test_bulk_import_refuses_an_account_of_another_county(
    world: World, client_as, tmp_path: Path, django_capture_on_commit_callbacks
) -> None:
    client = client_as(admin_of(world.nanxun, "nanxun_admin"))
    upload = SimpleUploadedFile(
        "账号.xlsx",
        accounts_workbook(tmp_path, [["township_staff", "冒名", "330503100", "管理员", ""]]),
    )
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/sheets/staff-accounts/", {"union": "330503", "file": upload})
    check = Job.objects.get()
    assert check.result["errors"][0]["message"] == "账号：“township_staff”已被其他单位使用"


def test_staff_cannot_import_accounts(world: World, client_as, tmp_path: Path) -> None:
    upload = SimpleUploadedFile("账号.xlsx", accounts_workbook(tmp_path, ROWS))
    response = client_as(world.wuxing_staff).post(
        "/sheets/staff-accounts/", {"union": "330502", "file": upload}
    )
    assert response.status_code == 403
    assert not Job.objects.exists()


def test_menus_follow_the_role(world: World, client_as) -> None:
    from gonghui.core.tests.factories import UserFactory

    reviewer = UserFactory.create(username="yuehe_reviewer", union=world.yuehe, role="reviewer")
    reviewer_menu = client_as(reviewer).get("/jobs/").content.decode()
    chair_menu = client_as(world.grassroots_chair).get("/jobs/").content.decode()
    admin_menu = client_as(world.city_admin).get("/jobs/").content.decode()
    assert "/sheets/members/" not in reviewer_menu and "待办审核" in reviewer_menu
    assert "发放批次" not in chair_menu and "待办审核" not in chair_menu
    assert 'href="/users/"' in admin_menu and 'href="/users/"' not in reviewer_menu
    assert "建设中" not in admin_menu


def test_an_admin_issues_an_api_client_and_sees_its_token_once(world: World, client_as) -> None:
    from gonghui.core.models import ApiClient

    client = client_as(world.city_admin)
    response = client.post(
        "/users/api-clients/",
        {"name": "吴兴区人社局系统", "union": "330502", "area_members": "read", "area_orgs": ""},
    )
    body = response.content.decode()
    issued = ApiClient.objects.get()
    assert (issued.union, issued.permissions) == (world.wuxing, {"members": "read"})
    token = body.split('data-testid="api-token-value">')[1].split("<")[0]
    assert token.startswith("ghk_")
    assert token not in client.get("/users/api-clients/").content.decode()
    api = client_as(world.city_admin).get("/users/api-clients/")
    assert "吴兴区人社局系统" in api.content.decode()


def test_issuing_without_an_area_says_why(world: World, client_as) -> None:
    response = client_as(world.city_admin).post("/users/api-clients/", {"name": "某系统"})
    assert response.status_code == 400
    assert "请至少开放一个接口范围" in response.content.decode()


def test_rotating_from_the_page_shows_the_new_token(world: World, client_as) -> None:
    from gonghui.core.api_clients import api_client_create

    issued, old = api_client_create(
        actor=world.city_admin, name="市大数据局", union=world.city, permissions={"orgs": "read"}
    )
    body = (
        client_as(world.city_admin).post(f"/users/api-clients/{issued.pk}/rotate/").content.decode()
    )
    assert "旧令牌已失效" in body and old not in body
