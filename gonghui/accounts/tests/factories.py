"""Account-administration factories: the named users come from gonghui.conftest's world."""

from __future__ import annotations

from gonghui.core.models import Role, User
from gonghui.core.tests.factories import UserFactory
from gonghui.orgs.models import Union


def admin_of(union: Union, username: str) -> User:
    return UserFactory.create(username=username, union=union, role=Role.ADMIN)
