"""Workers' accounts: signing up, a union office's activation codes, and logging in.

A worker's password follows the staff's rules (argon2, the same validators, lockout, idle
timeout: it is a ``core.User``). Failures count in ``core.LoginFailure`` per person (the
keyed hash of the ID number for sign-up and activation, the phone for login) and per
address, so the staff's lockout slows guessing here too. A refusal never says whether a
person is on a roster or already has an account: one message covers them all."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.crypto import salted_hmac

from gonghui.core import pii
from gonghui.core.actors import Actor
from gonghui.core.audit import audit_record
from gonghui.core.bulk import ids_reserve
from gonghui.core.models import AuditEvent, LoginFailure, Role, User
from gonghui.core.problems import problems_raise
from gonghui.core.scoping import require_in_scope
from gonghui.core.security import LoginError, login_is_locked, staff_login, user_sessions_end
from gonghui.members.identity import IDENTITY_FIELDS, member_identities
from gonghui.members.models import Member, Worker
from gonghui.members.permissions import require_member_editor
from gonghui.portal.models import ActivationCode, WorkerAccount

SIGNUP_REFUSED = (
    "无法用这些信息注册：请核对姓名、身份证号和手机号码。已注册过的请直接登录；"
    "信息无误仍不能注册的，请到所在工会领取激活码。"
)
CODE_REFUSED = "激活码不正确或已失效，请核对，或请工会重新签发。"
PHONE_TAKEN = "这个手机号码已绑定其他账号，请换一个号码，或联系工会。"
LOCKED = "尝试次数过多，请{minutes}分钟后再试。"
# No 0/O, 1/I/L: a code read out or copied from paper is typed right.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 10


def worker_username(phone: str) -> str:
    """A worker logs in with the phone; the user name carries an ``@``, which no staff
    user name may (``accounts.services.USERNAME``), so the two never collide."""
    return f"{phone}@m"


def _locked(key: str, ip: str | None) -> None:
    if login_is_locked(username=key, ip=ip):
        minutes = int(settings.GONGHUI_LOGIN_LOCKOUT.total_seconds() // 60)
        raise ValidationError(LOCKED.format(minutes=minutes), code="locked")


def _failed(key: str, ip: str | None, what: str, summary: str = "") -> None:
    with transaction.atomic():
        LoginFailure.objects.create(username=key[:150], ip=ip)
        audit_record(
            actor=None,
            actor_name=f"职工{what}",
            action="portal.account.refused",
            summary=summary,
            outcome=AuditEvent.Outcome.FAILURE,
            ip=ip,
        )


def _person(id_hash: str) -> Member | Worker | None:
    """The one record of a person: the member row, else the registration."""
    return (
        Member.objects.filter(id_hash=id_hash).first()
        or Worker.objects.filter(id_hash=id_hash).first()
    )


def _account_create(
    *, name: str, id18: str, id_hash: str, phone: str, password: str, code: ActivationCode | None
) -> WorkerAccount:
    user = User(
        username=worker_username(phone), role=Role.WORKER, union=None, display_name=name[:64]
    )
    user.set_password(password)
    user.save()
    pk = ids_reserve(WorkerAccount, 1)[0]
    (identity,) = member_identities([pk], [id18], [phone], id_hashes=[id_hash], model=WorkerAccount)
    return WorkerAccount.objects.create(
        pk=pk,
        user=user,
        name=name,
        activated_by=code,
        **dict(zip(IDENTITY_FIELDS, identity, strict=True)),
    )


@dataclass
class SignupForm:
    name: str
    id_number: str
    phone: str
    password: str


def account_signup(*, form: SignupForm, ip: str | None) -> WorkerAccount:
    """A worker's own sign-up. The name and ID number must match the person's record when
    there is one (and the phone too, when the record has one); a person on no record signs
    up all the same and becomes a registered worker or member when a union approves their
    application. Every problem of what was typed is raised at once."""
    problems: list[tuple[str, str]] = []
    name = re.sub(r"\s+", "", form.name)
    if not name:
        problems.append(("name", "请填写姓名。"))
    id18 = phone = ""
    try:
        id18 = pii.normalize_id_number(form.id_number)
    except ValidationError as exc:
        problems.append(("id_number", exc.messages[0]))
    try:
        phone = pii.normalize_phone(form.phone)
    except ValidationError as exc:
        problems.append(("phone", exc.messages[0]))
    try:
        validate_password(form.password)
    except ValidationError as exc:
        problems.extend(("password", message) for message in exc.messages)
    problems_raise(problems)
    indexer = pii.id_indexer()
    id_hash, phone_hash = indexer.digest(id18), indexer.digest(phone)
    key = f"signup:{id_hash[:40]}"
    _locked(key, ip)
    person = _person(id_hash)
    refused = (
        (person is not None and person.name != name)
        or (person is not None and bool(person.phone_hash) and person.phone_hash != phone_hash)
        or WorkerAccount.objects.filter(id_hash=id_hash).exists()
        or WorkerAccount.objects.filter(phone_hash=phone_hash).exists()
        or User.objects.filter(username=worker_username(phone)).exists()
    )
    if refused:
        _failed(key, ip, "注册", f"注册被拒绝：{pii.mask_id_number(id18)}")
        raise ValidationError(SIGNUP_REFUSED, code="signup_refused")
    try:
        with transaction.atomic():
            account = _account_create(
                name=name,
                id18=id18,
                id_hash=id_hash,
                phone=phone,
                password=form.password,
                code=None,
            )
            audit_record(
                actor=account.user,
                action="portal.account.signup",
                obj=account,
                summary=f"职工{account.name}（{account.id_masked}）注册账号",
                ip=ip,
            )
    except IntegrityError as exc:  # the same person or phone signed up a moment ago
        raise ValidationError(SIGNUP_REFUSED, code="signup_refused") from exc
    return account


def _code_hash(code: str) -> str:
    normalised = re.sub(r"[\s\-]", "", code).upper()
    return salted_hmac("gonghui-portal-activation", normalised).hexdigest()


@transaction.atomic
def activation_code_issue(*, actor: Actor, person: Member | Worker) -> str:
    """A one-time activation code for a member or registered worker of the actor's subtree;
    earlier unused codes of the person stop working. Returned once, to be printed or shown
    as a QR code and handed over in person."""
    require_member_editor(actor)
    require_in_scope(actor, person.union, "只能为本工会及下级工会的会员或登记职工签发激活码。")
    now = timezone.now()
    ActivationCode.objects.filter(person_hash=person.id_hash, used_at__isnull=True).update(
        expires_at=now
    )
    code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    issued = ActivationCode.objects.create(
        union=person.union,
        person_hash=person.id_hash,
        person_name=person.name,
        person_masked=person.id_masked,
        code_hash=_code_hash(code),
        issued_by=actor if isinstance(actor, User) else None,
        expires_at=now + timedelta(days=settings.GONGHUI_PORTAL_CODE_DAYS),
    )
    audit_record(
        actor=actor,
        action="portal.code.issue",
        obj=issued,
        union=person.union,
        summary=f"为{person.name}（{person.id_masked}）签发职工激活码",
    )
    return code


def code_format(code: str) -> str:
    """The code as printed: two groups of five."""
    return f"{code[:5]}-{code[5:]}"


def account_activate(*, code: str, phone: str, password: str, ip: str | None) -> WorkerAccount:
    """Redeem an activation code: the person it names gets an account with this phone and
    password, or their account gets them (a forgotten password, a new phone); every other
    session of the account ends. Wrong codes count as failures of the address."""
    problems: list[tuple[str, str]] = []
    if not code.strip():
        problems.append(("code", "请填写激活码。"))
    try:
        phone = pii.normalize_phone(phone)
    except ValidationError as exc:
        problems.append(("phone", exc.messages[0]))
    try:
        validate_password(password)
    except ValidationError as exc:
        problems.extend(("password", message) for message in exc.messages)
    problems_raise(problems)
    key = f"activate:{_code_hash(code)[:40]}"
    _locked(key, ip)
    now = timezone.now()
    issued = ActivationCode.objects.filter(
        code_hash=_code_hash(code), used_at__isnull=True, expires_at__gt=now
    ).first()
    person = _person(issued.person_hash) if issued is not None else None
    if issued is None or person is None:
        _failed(key, ip, "激活")
        raise ValidationError({"code": [CODE_REFUSED]})
    phone_hash = pii.id_indexer().digest(phone)
    with transaction.atomic():
        if not ActivationCode.objects.filter(pk=issued.pk, used_at__isnull=True).update(
            used_at=now
        ):
            raise ValidationError({"code": [CODE_REFUSED]})  # redeemed twice at once
        issued.used_at = now
        account = (
            WorkerAccount.objects.select_related("user").filter(id_hash=person.id_hash).first()
        )
        taken = WorkerAccount.objects.filter(phone_hash=phone_hash)
        if account is not None:
            taken = taken.exclude(pk=account.pk)
        if taken.exists() or (
            User.objects.filter(username=worker_username(phone))
            .exclude(worker_account=account)
            .exists()
        ):
            raise ValidationError({"phone": [PHONE_TAKEN]})
        model = type(person)
        id18 = pii.column_cipher(model._meta.get_field("id_cipher")).decrypt(
            person.pk, person.id_cipher
        )
        if account is None:
            account = _account_create(
                name=person.name,
                id18=id18,
                id_hash=person.id_hash,
                phone=phone,
                password=password,
                code=issued,
            )
        else:
            (identity,) = member_identities(
                [account.pk], [id18], [phone], id_hashes=[person.id_hash], model=WorkerAccount
            )
            for field, value in zip(IDENTITY_FIELDS, identity, strict=True):
                setattr(account, field, value)
            account.name = person.name
            account.activated_by = issued
            account.save()
            user = account.user
            user.username = worker_username(phone)
            user.display_name = person.name[:64]
            user.is_active = True
            user.set_password(password)
            user.save(update_fields=["username", "display_name", "is_active", "password"])
            user_sessions_end(user)
        audit_record(
            actor=account.user,
            action="portal.account.activate",
            obj=account,
            union=issued.union,
            summary=f"职工{account.name}（{account.id_masked}）用激活码激活账号",
            ip=ip,
        )
    return account


def worker_login(*, request: HttpRequest, phone: str, password: str, ip: str | None) -> User:
    """Log a worker in with phone and password; LoginError with the message to show."""
    try:
        phone = pii.normalize_phone(phone)
    except ValidationError as exc:
        raise LoginError(exc.messages[0]) from exc
    return staff_login(request=request, username=worker_username(phone), password=password, ip=ip)


def account_id_number(account: WorkerAccount) -> str:
    """The worker's ID number, unsealed to hand to a service acting for them (never shown)."""
    return pii.column_cipher(WorkerAccount.id_cipher).decrypt(account.pk, account.id_cipher)
