"""Worker accounts made as a worker makes one (through sign-up), with a known password."""

from __future__ import annotations

from datetime import date

from gonghui.core import pii
from gonghui.portal.models import WorkerAccount
from gonghui.portal.services.accounts import SignupForm, account_signup

PASSWORD = "Qiche-7359-Lanbo"


def person_id(n: int, region: str = "330502") -> str:
    """A valid ID number of a person born in the 1990s, different for every n."""
    return pii.id_number_compose(region, date(1990, 1, 1 + n % 28), 400 + n)


def account_signed_up(
    *, name: str = "王骑手", n: int = 1, phone: str | None = None, password: str = PASSWORD
) -> WorkerAccount:
    return account_signup(
        form=SignupForm(
            name=name,
            id_number=person_id(n),
            phone=phone or f"1370000{n:04d}",
            password=password,
        ),
        ip="10.0.0.9",
    )
