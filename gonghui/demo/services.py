"""`make demo`: the demo data (generate.py) and the named demo users of DESIGN.md."""

from __future__ import annotations

import json
import secrets
import string
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings

from gonghui.core.models import Role, User
from gonghui.demo.generate import demo_data_generate
from gonghui.orgs.models import Union
from gonghui.orgs.services import regions_load, union_tree_build


@dataclass(frozen=True)
class DemoAccount:
    username: str
    display_name: str
    union_code: str
    role: str
    note: str


def demo_accounts(city_code: str) -> list[DemoAccount]:
    """The named users of DESIGN.md, placed in the real tree of the configured city."""
    city = Union.objects.get(code=city_code)
    counties = list(Union.objects.filter(path__startswith=city.path, depth=2).order_by("code"))
    first, second = counties[0], counties[1]
    township = Union.objects.filter(path__startswith=first.path, depth=3).order_by("code").first()
    assert township is not None
    grassroots = (
        Union.objects.filter(path__startswith=township.path, depth=4).order_by("code").first()
    )
    accounts = [
        DemoAccount("city_admin", "市总管理员", city.code, Role.ADMIN, f"{city.name}，管理员"),
        DemoAccount(
            "wuxing_staff",
            f"{first.region.name}工作人员" if first.region else "区县工作人员",
            first.code,
            Role.STAFF,
            f"{first.name}，工作人员",
        ),
        DemoAccount(
            "nanxun_staff",
            f"{second.region.name}工作人员" if second.region else "区县工作人员",
            second.code,
            Role.STAFF,
            f"{second.name}，工作人员",
        ),
        DemoAccount(
            "township_staff",
            f"{township.name}工作人员",
            township.code,
            Role.STAFF,
            f"{township.name}，工作人员",
        ),
    ]
    accounts += [
        DemoAccount(
            "township_reviewer",
            f"{township.name}审核员",
            township.code,
            Role.REVIEWER,
            f"{township.name}，审核员（互助金初审）",
        ),
        DemoAccount(
            "county_reviewer",
            "区县审核员",
            first.code,
            Role.REVIEWER,
            f"{first.name}，审核员（互助金审批）",
        ),
        DemoAccount(
            "city_reviewer",
            "市总审核员",
            city.code,
            Role.REVIEWER,
            f"{city.name}，审核员（2万元以上）",
        ),
        DemoAccount(
            "county_finance",
            "区县财务",
            first.code,
            Role.FINANCE,
            f"{first.name}，财务（发放批次）",
        ),
    ]
    accounts.append(
        DemoAccount(
            "counselor",
            "志愿咨询师",
            first.code,
            Role.COUNSELOR,
            f"{first.name}，“湖工心安”志愿心理咨询师（只能使用心理咨询预约）",
        )
    )
    if grassroots is not None:
        accounts.append(
            DemoAccount(
                "grassroots_chair",
                "基层工会主席",
                grassroots.code,
                Role.ADMIN,
                f"{grassroots.name}，工会主席",
            )
        )
    return accounts


def _demo_password() -> str:
    alphabet = string.ascii_letters + string.digits
    core = "".join(secrets.choice(alphabet) for _ in range(12))
    return f"Gh-{core}-9a"


def demo_users_ensure(*, city_code: str, logins_file: Path) -> list[dict[str, str]]:
    """Create the demo users once; later runs keep their passwords (stored in var/)."""
    stored: dict[str, str] = json.loads(logins_file.read_text()) if logins_file.exists() else {}
    rows = []
    for account in demo_accounts(city_code):
        password = stored.get(account.username) or _demo_password()
        stored[account.username] = password
        user, created = User.objects.get_or_create(username=account.username)
        user.display_name = account.display_name
        user.union = Union.objects.get(code=account.union_code)
        user.role = account.role
        user.is_active = True
        if created or not user.check_password(password):
            user.set_password(password)
        user.save()
        rows.append({"username": account.username, "password": password, "note": account.note})
    logins_file.parent.mkdir(parents=True, exist_ok=True)
    logins_file.write_text(json.dumps(stored, indent=2, ensure_ascii=False))
    logins_file.chmod(0o600)
    return rows


def demo_workers_ensure(*, logins_file: Path) -> list[dict[str, str]]:
    """The portal's demo workers, in 月河街道 beside the demo staff; their passwords are kept
    with the staff's."""
    from gonghui.demo.portal import portal_demo_accounts

    stored: dict[str, str] = json.loads(logins_file.read_text()) if logins_file.exists() else {}
    rows = portal_demo_accounts(township_code="330502001", stored=stored, password=_demo_password)
    logins_file.write_text(json.dumps(stored, indent=2, ensure_ascii=False))
    logins_file.chmod(0o600)
    return rows


def demo_setup(*, city_code: str, scale: str, seed: int = 2023) -> dict[str, Any]:
    """Everything `make demo` needs in the database; safe to run again."""
    regions = regions_load(city_code=city_code)
    unions = union_tree_build(city_code=city_code)
    data = demo_data_generate(city_code=city_code, scale=scale, seed=seed)
    logins = demo_users_ensure(
        city_code=city_code, logins_file=Path(settings.VAR_DIR) / "demo-logins.json"
    )
    # The counsellor's sessions are theirs: written once the demo counsellor exists.
    from gonghui.demo.counseling import counseling_demo_write

    sessions = counseling_demo_write(counselor_username="counselor", seed=seed, log=lambda _: None)
    logins += demo_workers_ensure(logins_file=Path(settings.VAR_DIR) / "demo-logins.json")
    return {
        "regions": regions,
        "unions": unions,
        "grassroots": data.unions,
        "data": data,
        "logins": logins,
        "counseling_sessions": sessions,
    }
