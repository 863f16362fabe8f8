from __future__ import annotations

import os
import re
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.test import Client, override_settings
from django.utils import timezone

from gonghui.conftest import World, login
from gonghui.core.models import AuditEvent, LoginFailure
from gonghui.core.security import LOGIN_FAILED, SESSION_ABSOLUTE_KEY, user_set_active
from gonghui.core.tests.factories import TEST_PASSWORD

LOGIN = "/accounts/login/"


def post_login(client: Client, username: str, password: str, ip: str = "10.0.0.1"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_production_hasher_is_argon2() -> None:
    production = [h for h in settings.PASSWORD_HASHERS if "MD5" not in h]
    assert production[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    with override_settings(PASSWORD_HASHERS=production):
        assert make_password("Gonghui-Test-2026!").startswith("argon2$")


@pytest.mark.parametrize(
    "password", ["Short-1a", "password1234", "123456789012345", "abcdefghijklmn"]
)
def test_weak_passwords_are_refused(password: str) -> None:
    with pytest.raises(ValidationError):
        validate_password(password)


@pytest.mark.parametrize("password", ["Taihu-Lotus-Bridge-26", "Yuehe-Li-Gonghui-1!"])
def test_strong_password_is_accepted(password: str) -> None:
    validate_password(password)


@pytest.mark.parametrize(
    ("password", "code"),
    [
        ("Aa1!aaaaaaaa", "password_repeat"),  # passes length and classes only by padding
        ("Ab1!Ab1!Ab1!", "password_variety"),
        ("Qwert!7Lm#Pz", "password_sequence"),
        ("Zk9#54321!Lm", "password_sequence"),
        ("Admin@135790", "password_denied"),
        ("Huzhou-Gonghui-2026", "password_denied"),  # the city and the product, with a year
        ("P@ssw0rd-2026", "password_denied"),
    ],
)
def test_patterned_passwords_are_refused(password: str, code: str) -> None:
    with pytest.raises(ValidationError) as exc:
        validate_password(password)
    assert code in [e.code for e in exc.value.error_list]


def test_login_succeeds_and_records_audit(world: World, client: Client) -> None:
    response = post_login(client, "wuxing_staff", TEST_PASSWORD)
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="login.success")
    assert event.actor == world.wuxing_staff
    assert event.ip == "10.0.0.1"


def test_unknown_user_and_wrong_password_get_the_same_message(world: World, client: Client) -> None:
    unknown = post_login(client, "nobody", "whatever-Password-1")
    wrong = post_login(client, "wuxing_staff", "wrong-Password-1", ip="10.0.0.2")
    assert LOGIN_FAILED in unknown.content.decode()
    assert LOGIN_FAILED in wrong.content.decode()
    assert unknown.status_code == wrong.status_code == 400


def test_account_locks_after_five_failures(world: World, client: Client) -> None:
    for n in range(5):
        post_login(client, "wuxing_staff", "wrong-Password-1", ip=f"10.0.1.{n}")
    response = post_login(client, "wuxing_staff", TEST_PASSWORD, ip="10.0.2.1")
    assert response.status_code == 400
    assert "锁定" in response.content.decode()
    assert AuditEvent.objects.filter(action="login.locked").count() == 1


def test_address_locks_after_five_failures_on_any_accounts(world: World, client: Client) -> None:
    for n in range(5):
        post_login(client, f"guess{n}", "wrong-Password-1", ip="10.9.9.9")
    assert (
        "锁定" in post_login(client, "nanxun_staff", TEST_PASSWORD, ip="10.9.9.9").content.decode()
    )
    assert post_login(client, "nanxun_staff", TEST_PASSWORD, ip="10.9.9.10").status_code == 302


def test_lockout_ends_after_fifteen_minutes(world: World, client: Client) -> None:
    for n in range(5):
        post_login(client, "wuxing_staff", "wrong-Password-1", ip=f"10.0.1.{n}")
    LoginFailure.objects.update(at=timezone.now() - timedelta(minutes=16))
    assert post_login(client, "wuxing_staff", TEST_PASSWORD, ip="10.0.3.1").status_code == 302


def test_session_idle_limit_is_thirty_minutes() -> None:
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST is True


def test_session_ends_twelve_hours_after_login(world: World, client: Client) -> None:
    login(client, world.wuxing_staff)
    session = client.session
    session[SESSION_ABSOLUTE_KEY] = (timezone.now() - timedelta(hours=12, minutes=1)).isoformat()
    session.save()
    response = client.get("/orgs/unions/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/"
    assert client.get("/orgs/unions/").status_code == 302


def test_disabling_a_user_ends_their_sessions(world: World) -> None:
    client = Client()
    assert post_login(client, "wuxing_staff", TEST_PASSWORD).status_code == 302
    assert Session.objects.count() == 1
    user_set_active(actor=world.city_admin, user=world.wuxing_staff, active=False)
    assert Session.objects.count() == 0
    assert client.get("/orgs/unions/").status_code == 302
    assert AuditEvent.objects.filter(
        action="user.disable", object_id=str(world.wuxing_staff.pk)
    ).exists()


def test_county_admin_cannot_disable_a_sibling_county_user(world: World, client_as) -> None:
    world.nanxun_staff.role = "admin"
    world.nanxun_staff.save()
    response = client_as(world.nanxun_staff).post(
        f"/users/{world.wuxing_staff.pk}/active/", {"active": "0"}
    )
    assert response.status_code == 404
    world.wuxing_staff.refresh_from_db()
    assert world.wuxing_staff.is_active


def test_staff_role_cannot_disable_users(world: World, client_as) -> None:
    response = client_as(world.wuxing_staff).post(
        f"/users/{world.township_staff.pk}/active/", {"active": "0"}
    )
    assert response.status_code == 403


def test_security_headers_are_sent(world: World, client_as) -> None:
    response = client_as(world.wuxing_staff).get("/orgs/unions/330502/")
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_deploy_check_is_clean_with_production_settings(tmp_path) -> None:
    env = {
        **os.environ,
        "DEBUG": "0",
        "GONGHUI_TESTING": "0",
        "GONGHUI_VAR_DIR": str(tmp_path),
        "SECRET_KEY": "k" * 20 + "-production-secret-key-with-enough-entropy-0123456789",
        "GONGHUI_DATA_KEY": "d" * 43,
        "GONGHUI_INDEX_KEY": "i" * 43,
        "ALLOWED_HOSTS": "gonghui.example.gov.cn",
    }
    env.pop("GONGHUI_HTTPS", None)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set for the browser tests only
    result = subprocess.run(
        [sys.executable, "-m", "django", "check", "--deploy", "--fail-level", "WARNING"],
        env={**env, "DJANGO_SETTINGS_MODULE": "config.settings"},
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    "url", ["/api/v1/docs", "/orgs/unions/3305/", "/members/", "/accounts/login/"]
)
def test_pages_load_nothing_from_outside(world: World, client_as, url: str) -> None:
    """The intranet has no CDN: scripts, styles and fonts come from our own static files."""
    body = client_as(world.city_admin).get(url).content.decode()
    assert re.findall(r'(?:src|href)="(https?:)?//', body) == []


def _forwarded(remote: str, forwarded: str, proxies: int, settings) -> str | None:
    from django.test import RequestFactory

    from gonghui.core.middleware import client_ip

    settings.GONGHUI_TRUSTED_PROXIES = proxies
    request = RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    return client_ip(request)


@pytest.mark.parametrize(
    ("forwarded", "proxies", "expected"),
    [
        ("6.6.6.6, 10.1.2.3", 1, "10.1.2.3"),  # the client forged the left value
        ("6.6.6.6, 10.1.2.3, 192.168.0.5", 2, "10.1.2.3"),  # two proxies
        ("10.1.2.3", 2, "192.168.0.9"),  # fewer hops than proxies: the connection's address
        ("6.6.6.6, not-an-address", 1, "192.168.0.9"),
        ("6.6.6.6", 0, "192.168.0.9"),  # no proxy: the header is ignored
    ],
)
def test_the_client_address_is_counted_from_the_right(
    forwarded: str, proxies: int, expected: str, settings
) -> None:
    assert _forwarded("192.168.0.9", forwarded, proxies, settings) == expected


def test_a_forged_forwarded_address_does_not_escape_the_lockout(
    world: World, client: Client, settings
) -> None:
    settings.GONGHUI_TRUSTED_PROXIES = 1
    for n in range(5):
        client.post(
            "/accounts/login/",
            {"username": f"guess{n}", "password": "wrong-Password-1"},
            REMOTE_ADDR="192.168.0.1",
            HTTP_X_FORWARDED_FOR=f"6.6.6.{n}, 10.7.7.7",
        )
    locked = client.post(
        "/accounts/login/",
        {"username": "nanxun_staff", "password": TEST_PASSWORD},
        REMOTE_ADDR="192.168.0.1",
        HTTP_X_FORWARDED_FOR="6.6.6.99, 10.7.7.7",
    )
    assert "锁定" in locked.content.decode()
    assert set(AuditEvent.objects.filter(action="login.failed").values_list("ip", flat=True)) == {
        "10.7.7.7"
    }


def test_pages_send_a_script_policy_without_inline_scripts(world: World, client_as) -> None:
    response = client_as(world.wuxing_staff).get("/members/")
    policy = dict(
        part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";")
    )
    assert policy["script-src"] == "'self'"
    assert policy["frame-ancestors"] == "'none'"
    assert "unsafe" not in policy["default-src"]


def test_signed_in_pages_are_not_cached(world: World, client_as, client: Client) -> None:
    assert client_as(world.wuxing_staff).get("/members/")["Cache-Control"] == "no-store"
    assert "no-store" not in client.get("/accounts/login/").get("Cache-Control", "")


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.I)
INLINE_HANDLER = re.compile(r"\son[a-z]+\s*=\s*[\"']", re.I)


def test_no_template_has_an_inline_script_or_handler() -> None:
    """The policy would block them: behaviour lives in static files (core/app.js)."""
    found = []
    for path in sorted(Path(settings.BASE_DIR, "gonghui").rglob("templates/**/*.html")):
        text = path.read_text(encoding="utf-8")
        if INLINE_SCRIPT.search(text) or INLINE_HANDLER.search(text):
            found.append(str(path.relative_to(settings.BASE_DIR)))
    assert found == []
