"""Fixtures every test may use: a small real slice of the Huzhou tree and the named users.

The names are those of DESIGN.md: city_admin, wuxing_staff (吴兴区), nanxun_staff (南浔区,
the sibling who must see nothing of 吴兴), township_staff (月河街道, inside 吴兴),
grassroots_chair (a grassroots union under 月河街道), worker (no staff scope).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import pytest
from django.test import Client
from django.utils import timezone

from gonghui.core.models import Role, User
from gonghui.core.security import SESSION_ABSOLUTE_KEY
from gonghui.core.tests.factories import UserFactory
from gonghui.orgs.models import Region, Union
from gonghui.orgs.tests.factories import UnionFactory
from gonghui.testing.browser import _chromium, browser  # noqa: F401  (fixtures for page tests)


@dataclass
class World:
    city: Union
    wuxing: Union
    nanxun: Union
    yuehe: Union  # 月河街道, a township of 吴兴区
    zhili: Union  # 织里镇, another township of 吴兴区
    nanxun_town: Union  # 南浔镇, a township of 南浔区
    wuxing_grassroots: Union
    nanxun_grassroots: Union
    city_admin: User
    wuxing_staff: User
    nanxun_staff: User
    township_staff: User
    grassroots_chair: User
    worker: User

    @property
    def wuxing_only_names(self) -> list[str]:
        """Names that must never appear on a page served to 南浔区 staff."""
        return [self.wuxing.name, self.yuehe.name, self.zhili.name, self.wuxing_grassroots.name]


def build_world() -> World:
    province = Region.objects.create(code="33", name="浙江省", level=Region.Level.PROVINCE)
    city_r = Region.objects.create(
        code="3305", name="湖州市", level=Region.Level.CITY, parent=province
    )
    wuxing_r = Region.objects.create(
        code="330502", name="吴兴区", level=Region.Level.COUNTY, parent=city_r
    )
    nanxun_r = Region.objects.create(
        code="330503", name="南浔区", level=Region.Level.COUNTY, parent=city_r
    )
    city = UnionFactory.create(
        code="3305", name="湖州市总工会", level=Union.Level.CITY, region=city_r
    )
    wuxing = UnionFactory.create(
        parent=city, code="330502", name="吴兴区总工会", level=Union.Level.COUNTY, region=wuxing_r
    )
    nanxun = UnionFactory.create(
        parent=city, code="330503", name="南浔区总工会", level=Union.Level.COUNTY, region=nanxun_r
    )
    yuehe = UnionFactory.create(
        parent=wuxing, code="330502001", name="月河街道工会", level=Union.Level.TOWNSHIP
    )
    zhili = UnionFactory.create(
        parent=wuxing, code="330502100", name="织里镇工会", level=Union.Level.TOWNSHIP
    )
    nanxun_town = UnionFactory.create(
        parent=nanxun, code="330503100", name="南浔镇工会", level=Union.Level.TOWNSHIP
    )
    wuxing_grassroots = UnionFactory.create(
        parent=yuehe, code="3305020010001", name="德马科技集团股份有限公司工会委员会"
    )
    nanxun_grassroots = UnionFactory.create(
        parent=nanxun_town, code="3305031000001", name="南浔练市电梯有限公司工会委员会"
    )
    return World(
        city=city,
        wuxing=wuxing,
        nanxun=nanxun,
        yuehe=yuehe,
        zhili=zhili,
        nanxun_town=nanxun_town,
        wuxing_grassroots=wuxing_grassroots,
        nanxun_grassroots=nanxun_grassroots,
        city_admin=UserFactory.create(username="city_admin", union=city, role=Role.ADMIN),
        wuxing_staff=UserFactory.create(username="wuxing_staff", union=wuxing, role=Role.STAFF),
        nanxun_staff=UserFactory.create(username="nanxun_staff", union=nanxun, role=Role.STAFF),
        township_staff=UserFactory.create(username="township_staff", union=yuehe, role=Role.STAFF),
        grassroots_chair=UserFactory.create(
            username="grassroots_chair", union=wuxing_grassroots, role=Role.ADMIN
        ),
        worker=UserFactory.create(username="worker", union=None, role=Role.VIEWER),
    )


@pytest.fixture(autouse=True, scope="session")
def _flush_may_empty_the_audit_log() -> Iterator[None]:
    """Between transactional tests (the browser's live server) the test runner empties
    every table; the audit log's append-only trigger lets it, and nothing else does."""
    from django.db import transaction
    from django.db.backends.base.operations import BaseDatabaseOperations

    from gonghui.core.audit import audit_unlocked

    original = BaseDatabaseOperations.execute_sql_flush

    def execute_sql_flush(self: BaseDatabaseOperations, sql_list: Iterable[str]) -> None:
        alias = self.connection.alias
        with transaction.atomic(using=alias), audit_unlocked(alias):
            original(self, sql_list)

    BaseDatabaseOperations.execute_sql_flush = execute_sql_flush  # type: ignore[method-assign]
    yield
    BaseDatabaseOperations.execute_sql_flush = original  # type: ignore[method-assign]


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path) -> None:
    """Files written by a test (job results, uploads) go to its own temporary folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.GONGHUI_PRIVATE_ROOT = tmp_path / "private"
    settings.GONGHUI_JOB_PROGRESS_DIR = tmp_path / "jobs"


@pytest.fixture
def world(db: None) -> World:
    return build_world()


def login(client: Client, user: User) -> Client:
    """Log a test client in as a user, as the login page would (with the login time)."""
    client.force_login(user)
    session = client.session
    session[SESSION_ABSOLUTE_KEY] = timezone.now().isoformat()
    session.save()
    return client


@pytest.fixture
def client_as(client: Client):
    """``client_as(user)``: a fresh client logged in as that user."""

    def make(user: User) -> Client:
        return login(Client(), user)

    return make
