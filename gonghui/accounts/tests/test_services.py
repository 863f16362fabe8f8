"""Account administration as services: create, edit, enable, reset codes, the data right."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from gonghui.accounts import services
from gonghui.accounts.models import PasswordResetCode, PiiGrant
from gonghui.accounts.tests.factories import admin_of
from gonghui.conftest import World
from gonghui.core.models import AuditEvent, LoginFailure, Role, User
from gonghui.core.tests.factories import TEST_PASSWORD

NEW_PASSWORD = "Yuehe-Gonghui-2027!"


def test_created_account_gets_a_valid_initial_password_it_must_change(world: World) -> None:
    user, password = services.user_create(
        actor=world.city_admin,
        union=world.yuehe,
        username="yuehe_li",
        display_name="李芳",
        role=Role.STAFF,
        phone="139 5720 1234",
    )
    assert user.check_password(password)
    assert (user.union, user.role, user.phone) == (world.yuehe, Role.STAFF, "13957201234")
    assert user.must_change_password
    event = AuditEvent.objects.get(action="user.create")
    assert password not in event.summary and "yuehe_li" in event.summary


def test_password_generate_passes_every_password_rule(world: World) -> None:
    from django.contrib.auth.password_validation import validate_password

    for _ in range(50):
        validate_password(services.password_generate())


def test_county_admin_cannot_create_an_account_in_a_sibling_county(world: World) -> None:
    nanxun_admin = admin_of(world.nanxun, "nanxun_admin")
    with pytest.raises(PermissionDenied):
        services.user_create(
            actor=nanxun_admin,
            union=world.yuehe,
            username="sneaky",
            display_name="某某",
            role=Role.ADMIN,
        )
    assert not User.objects.filter(username="sneaky").exists()


def test_staff_cannot_create_accounts(world: World) -> None:
    with pytest.raises(PermissionDenied):
        services.user_create(
            actor=world.wuxing_staff,
            union=world.yuehe,
            username="yuehe_li",
            display_name="李芳",
            role=Role.STAFF,
        )


def test_usernames_differing_in_case_are_one_account(world: World) -> None:
    with pytest.raises(ValidationError, match="已存在"):
        services.user_create(
            actor=world.city_admin,
            union=world.yuehe,
            username="Township_Staff",
            display_name="重复",
            role=Role.STAFF,
        )


def test_update_changes_role_and_union_and_audits_what_changed(world: World) -> None:
    services.user_update(
        actor=world.city_admin,
        user=world.township_staff,
        display_name="王强",
        role=Role.REVIEWER,
        union=world.zhili,
        phone="",
    )
    world.township_staff.refresh_from_db()
    assert (world.township_staff.role, world.township_staff.union) == (Role.REVIEWER, world.zhili)
    summary = AuditEvent.objects.get(action="user.update").summary
    assert "角色：工作人员 → 审核员" in summary and "所属工会：月河街道工会 → 织里镇工会" in summary


def test_an_admin_cannot_change_their_own_role(world: World) -> None:
    with pytest.raises(PermissionDenied):
        services.user_update(
            actor=world.city_admin,
            user=world.city_admin,
            display_name="管理员",
            role=Role.VIEWER,
            union=world.city,
        )


def test_reset_code_sets_a_new_password_once(world: World) -> None:
    code = services.user_reset_code_issue(actor=world.city_admin, user=world.township_staff)
    services.user_reset_code_redeem(
        username="township_staff", code=code.lower(), new_password=NEW_PASSWORD, ip="10.0.0.8"
    )
    world.township_staff.refresh_from_db()
    assert world.township_staff.check_password(NEW_PASSWORD)
    with pytest.raises(ValidationError, match="重置码"):
        services.user_reset_code_redeem(
            username="township_staff", code=code, new_password="Another-Pass-2027!", ip="10.0.0.8"
        )


def test_a_new_code_voids_the_earlier_one(world: World) -> None:
    first = services.user_reset_code_issue(actor=world.city_admin, user=world.township_staff)
    services.user_reset_code_issue(actor=world.city_admin, user=world.township_staff)
    with pytest.raises(ValidationError):
        services.user_reset_code_redeem(
            username="township_staff", code=first, new_password=NEW_PASSWORD, ip=None
        )
    assert world.township_staff.check_password(TEST_PASSWORD)


def test_expired_code_is_refused(world: World) -> None:
    from datetime import timedelta

    from django.utils import timezone

    code = services.user_reset_code_issue(actor=world.city_admin, user=world.township_staff)
    PasswordResetCode.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    with pytest.raises(ValidationError):
        services.user_reset_code_redeem(
            username="township_staff", code=code, new_password=NEW_PASSWORD, ip=None
        )


def test_wrong_codes_count_towards_the_lockout(world: World) -> None:
    services.user_reset_code_issue(actor=world.city_admin, user=world.township_staff)
    for _ in range(5):
        with pytest.raises(ValidationError):
            services.user_reset_code_redeem(
                username="township_staff",
                code="AAAAAAAAAA",
                new_password=NEW_PASSWORD,
                ip="1.2.3.4",
            )
    assert LoginFailure.objects.filter(username="township_staff").count() == 5
    with pytest.raises(ValidationError, match="锁定"):
        services.user_reset_code_redeem(
            username="township_staff", code="AAAAAAAAAA", new_password=NEW_PASSWORD, ip="1.2.3.4"
        )


def test_county_admin_cannot_issue_a_code_for_a_sibling_county(world: World) -> None:
    nanxun_admin = admin_of(world.nanxun, "nanxun_admin")
    with pytest.raises(PermissionDenied):
        services.user_reset_code_issue(actor=nanxun_admin, user=world.township_staff)
    assert not PasswordResetCode.objects.exists()


def test_password_change_needs_the_old_password(world: World) -> None:
    with pytest.raises(ValidationError, match="原密码不正确"):
        services.user_password_change(
            actor=world.township_staff, old_password="wrong", new_password=NEW_PASSWORD
        )


def test_password_change_refuses_a_weak_password(world: World) -> None:
    with pytest.raises(ValidationError):
        services.user_password_change(
            actor=world.township_staff, old_password=TEST_PASSWORD, new_password="short"
        )


def test_password_change_clears_the_initial_password_flag(world: World) -> None:
    world.township_staff.must_change_password = True
    world.township_staff.save()
    services.user_password_change(
        actor=world.township_staff, old_password=TEST_PASSWORD, new_password=NEW_PASSWORD
    )
    world.township_staff.refresh_from_db()
    assert not world.township_staff.must_change_password


def test_city_admin_grants_the_data_right_with_a_reason(world: World) -> None:
    services.user_pii_set(
        actor=world.city_admin, user=world.wuxing_staff, granted=True, reason="负责大病救助复核"
    )
    world.wuxing_staff.refresh_from_db()
    assert world.wuxing_staff.pii_access
    grant = PiiGrant.objects.get()
    assert (grant.granted, grant.reason, grant.actor) == (
        True,
        "负责大病救助复核",
        world.city_admin,
    )
    assert "负责大病救助复核" in AuditEvent.objects.get(action="user.pii_grant").summary


def test_a_county_admin_cannot_grant_the_data_right(world: World) -> None:
    county_admin = admin_of(world.wuxing, "wuxing_admin")
    with pytest.raises(PermissionDenied):
        services.user_pii_set(
            actor=county_admin, user=world.township_staff, granted=True, reason="负责审核工作"
        )
    world.township_staff.refresh_from_db()
    assert not world.township_staff.pii_access


def test_the_data_right_needs_a_reason(world: World) -> None:
    with pytest.raises(ValidationError, match="理由"):
        services.user_pii_set(
            actor=world.city_admin, user=world.wuxing_staff, granted=True, reason=" "
        )


def test_withdrawing_the_data_right_is_recorded(world: World) -> None:
    services.user_pii_set(
        actor=world.city_admin, user=world.wuxing_staff, granted=True, reason="负责大病救助复核"
    )
    services.user_pii_set(
        actor=world.city_admin, user=world.wuxing_staff, granted=False, reason="岗位调整不再需要"
    )
    world.wuxing_staff.refresh_from_db()
    assert not world.wuxing_staff.pii_access
    assert list(PiiGrant.objects.values_list("granted", flat=True)) == [False, True]
