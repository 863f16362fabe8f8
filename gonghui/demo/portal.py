"""Two demo accounts of the workers' portal, bound as a union office binds them (an
activation code issued by the county's staff): a registered worker who has not joined (to
try joining online) and a member of 月河街道 (to show the card and apply). Their logins are
phones."""

from __future__ import annotations

from typing import Any

from gonghui.core.models import User
from gonghui.members.models import Member, Worker
from gonghui.portal.models import WorkerAccount
from gonghui.portal.services.accounts import account_activate, activation_code_issue

# (login phone, who, note)
DEMO_WORKERS = (
    ("13700000001", "worker", "职工（手机登录 /m/）：吴兴区的登记职工，尚未入会，可试网上入会"),
    ("13700000002", "member", "职工（手机登录 /m/）：月河街道的会员，可出示会员卡、申请互助金"),
)


def portal_demo_accounts(
    *, township_code: str, stored: dict[str, str], password: Any
) -> list[dict[str, str]]:
    """Bind the two demo workers (once; later runs keep the password in ``stored``)."""
    office = User.objects.get(username="wuxing_staff")  # the county: either person is in scope
    rows = []
    for phone, who, note in DEMO_WORKERS:
        person: Member | Worker | None
        if who == "worker":
            # A new-form worker of the township if it registered one, else of its county.
            unjoined = Worker.objects.filter(member__isnull=True).order_by("-employment_form", "pk")
            person = (
                unjoined.filter(union__code__startswith=township_code).first()
                or unjoined.filter(union__code__startswith=township_code[:6]).first()
            )
        else:
            person = (
                Member.objects.filter(
                    union__code__startswith=township_code, status=Member.Status.ACTIVE
                )
                .order_by("pk")
                .first()
            )
        if person is None:
            continue
        secret = stored.get(phone) or password()
        stored[phone] = secret
        account = (
            WorkerAccount.objects.select_related("user").filter(id_hash=person.id_hash).first()
        )
        if account is None or not account.user.check_password(secret):
            code = activation_code_issue(actor=office, person=person)
            account_activate(code=code, phone=phone, password=secret, ip=None)
        rows.append({"username": phone, "password": secret, "note": f"{note}（{person.name}）"})
    return rows
