"""Workers' accounts: sign-up, activation codes, logging in, and what a refusal says."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from gonghui.conftest import World
from gonghui.core.models import LoginFailure, Role, User
from gonghui.members.tests.factories import MemberFactory, WorkerFactory
from gonghui.portal.models import ActivationCode, WorkerAccount
from gonghui.portal.services.accounts import (
    CODE_REFUSED,
    SIGNUP_REFUSED,
    SignupForm,
    account_activate,
    account_signup,
    activation_code_issue,
)
from gonghui.portal.tests.factories import PASSWORD, account_signed_up, person_id


def signup(name: str, id_number: str, phone: str, password: str = PASSWORD) -> WorkerAccount:
    return account_signup(
        form=SignupForm(name=name, id_number=id_number, phone=phone, password=password),
        ip="10.0.0.9",
    )


@pytest.mark.django_db
def test_a_person_on_no_roster_signs_up_as_a_worker_without_scope() -> None:
    account = signup("王骑手", person_id(1), "137 0000 0001")
    user = account.user
    assert (user.role, user.union_id, user.username) == (Role.WORKER, None, "13700000001@m")
    assert account.id_masked == person_id(1)[:6] + "********" + person_id(1)[-4:]
    assert account.phone_masked == "137****0001"
    assert user.check_password(PASSWORD)


@pytest.mark.django_db
def test_a_member_signs_up_with_the_name_on_the_roster(world: World) -> None:
    member = MemberFactory.create(
        union=world.wuxing_grassroots, name="李快递", id_number=person_id(2), phone="13700000002"
    )
    account = signup("李快递", person_id(2), "13700000002")
    assert account.id_hash == member.id_hash


@pytest.mark.django_db
def test_a_name_that_does_not_match_the_roster_is_refused_and_nothing_saved(world: World) -> None:
    MemberFactory.create(union=world.wuxing_grassroots, name="李快递", id_number=person_id(2))
    with pytest.raises(ValidationError) as refused:
        signup("李快送", person_id(2), "13700000002")
    assert refused.value.messages == [SIGNUP_REFUSED]
    assert not WorkerAccount.objects.exists()
    assert not User.objects.filter(role=Role.WORKER).exists()


@pytest.mark.django_db
def test_a_phone_other_than_the_one_on_file_is_refused(world: World) -> None:
    WorkerFactory.create(
        union=world.yuehe, name="赵外卖", id_number=person_id(3), phone="13700000003"
    )
    with pytest.raises(ValidationError) as refused:
        signup("赵外卖", person_id(3), "13900000003")
    assert refused.value.messages == [SIGNUP_REFUSED]


@pytest.mark.django_db
def test_an_id_number_with_an_account_cannot_be_taken_with_the_same_words() -> None:
    account_signed_up(n=4)
    with pytest.raises(ValidationError) as refused:
        signup("王骑手", person_id(4), "13800000044")
    # The same sentence as a name that does not match: nothing says the person exists.
    assert refused.value.messages == [SIGNUP_REFUSED]
    assert WorkerAccount.objects.count() == 1


@pytest.mark.django_db
def test_every_problem_of_a_bad_sign_up_is_given_at_once_in_chinese() -> None:
    with pytest.raises(ValidationError) as refused:
        signup("", "330502199001011234", "2380000", password="abc")
    errors = refused.value.message_dict
    assert set(errors) == {"name", "id_number", "phone", "password"}
    assert errors["phone"] == ["手机号码应为以1开头的11位数字"]
    assert "校验" in errors["id_number"][0] or "身份证" in errors["id_number"][0]


@pytest.mark.django_db
def test_repeated_refused_sign_ups_for_one_person_are_locked_out(world: World) -> None:
    MemberFactory.create(union=world.wuxing_grassroots, name="李快递", id_number=person_id(2))
    for n in range(5):
        with pytest.raises(ValidationError):
            account_signup(
                form=SignupForm("李某", person_id(2), f"1370000100{n}", PASSWORD), ip=f"10.1.0.{n}"
            )
    with pytest.raises(ValidationError) as locked:
        account_signup(
            form=SignupForm("李快递", person_id(2), "13700000002", PASSWORD), ip="10.2.0.1"
        )
    assert "尝试次数过多" in locked.value.messages[0]
    assert LoginFailure.objects.count() == 5


@pytest.mark.django_db
def test_an_activation_code_binds_an_account_to_the_member_it_names(world: World) -> None:
    member = MemberFactory.create(
        union=world.wuxing_grassroots, name="钱保洁", id_number=person_id(5)
    )
    code = activation_code_issue(actor=world.township_staff, person=member)
    account = account_activate(code=code.lower(), phone="13700000005", password=PASSWORD, ip=None)
    assert (account.id_hash, account.name) == (member.id_hash, "钱保洁")
    assert account.activated_by is not None and account.activated_by.used_at is not None


@pytest.mark.django_db
def test_a_code_works_once(world: World) -> None:
    member = MemberFactory.create(union=world.wuxing_grassroots, id_number=person_id(6))
    code = activation_code_issue(actor=world.township_staff, person=member)
    account_activate(code=code, phone="13700000006", password=PASSWORD, ip=None)
    with pytest.raises(ValidationError) as refused:
        account_activate(code=code, phone="13700000006", password=PASSWORD, ip=None)
    assert refused.value.message_dict == {"code": [CODE_REFUSED]}


@pytest.mark.django_db
def test_an_expired_code_is_refused(world: World) -> None:
    member = MemberFactory.create(union=world.wuxing_grassroots, id_number=person_id(7))
    code = activation_code_issue(actor=world.township_staff, person=member)
    ActivationCode.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    with pytest.raises(ValidationError) as refused:
        account_activate(code=code, phone="13700000007", password=PASSWORD, ip=None)
    assert refused.value.message_dict == {"code": [CODE_REFUSED]}
    assert not WorkerAccount.objects.exists()


@pytest.mark.django_db
def test_a_new_code_voids_the_earlier_one(world: World) -> None:
    member = MemberFactory.create(union=world.wuxing_grassroots, id_number=person_id(8))
    first = activation_code_issue(actor=world.township_staff, person=member)
    activation_code_issue(actor=world.township_staff, person=member)
    with pytest.raises(ValidationError):
        account_activate(code=first, phone="13700000008", password=PASSWORD, ip=None)


@pytest.mark.django_db
def test_a_code_gives_an_existing_account_a_new_phone_and_password(world: World) -> None:
    account = account_signed_up(name="孙司机", n=9)
    member = MemberFactory.create(
        union=world.wuxing_grassroots, name="孙司机", id_number=person_id(9)
    )
    code = activation_code_issue(actor=world.township_staff, person=member)
    again = account_activate(code=code, phone="13900000009", password="Xin-Mima-2468-ab", ip=None)
    assert again.pk == account.pk
    user = User.objects.get(pk=account.user_id)
    assert user.username == "13900000009@m"
    assert user.check_password("Xin-Mima-2468-ab") and not user.check_password(PASSWORD)


@pytest.mark.django_db
def test_a_code_for_another_county_s_member_is_refused(world: World) -> None:
    member = MemberFactory.create(union=world.wuxing_grassroots, id_number=person_id(10))
    with pytest.raises(PermissionDenied):
        activation_code_issue(actor=world.nanxun_staff, person=member)
    assert not ActivationCode.objects.exists()


@pytest.mark.django_db
def test_a_phone_bound_to_another_account_cannot_be_activated_onto_a_second(world: World) -> None:
    account_signed_up(n=11, phone="13700000011")
    member = MemberFactory.create(union=world.wuxing_grassroots, id_number=person_id(12))
    code = activation_code_issue(actor=world.township_staff, person=member)
    with pytest.raises(ValidationError) as refused:
        account_activate(code=code, phone="13700000011", password=PASSWORD, ip=None)
    assert "已绑定其他账号" in refused.value.message_dict["phone"][0]
    # Nothing half-saved: the code is still good for another phone.
    assert account_activate(code=code, phone="13700000012", password=PASSWORD, ip=None)
