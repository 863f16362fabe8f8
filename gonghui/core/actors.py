"""Who acts: the one type every service of the kernel takes as ``actor``.

An actor is a staff user (``core.models.User``), an API client's identity
(``core.api_clients.ApiActor``), or the server operator at the command line
(``SystemActor``, scoped to the union the command names). Each has a primary key (None but
for a user row), a union whose subtree is its scope, a role, and a name for the audit log.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from gonghui.core.models import User
    from gonghui.orgs.models import Union


class Actor(Protocol):
    @property
    def pk(self) -> int | None: ...

    @property
    def union(self) -> Union | None: ...

    @property
    def role(self) -> str: ...

    @property
    def is_authenticated(self) -> bool: ...

    def get_username(self) -> str: ...


@dataclass(frozen=True)
class SystemActor:
    """The server operator running a command (an import with no --user): scoped to the
    union the command names, may submit there, never reviews."""

    union: Union | None
    role: str = "operator"
    is_active: bool = True
    is_authenticated: bool = False
    pk: None = None
    pii_access: bool = False
    # The audit log names it as the review trail does (a command has no user row).
    audit_name: str = "服务器操作员"

    def get_username(self) -> str:
        return self.audit_name


@dataclass(frozen=True)
class ServerActor:
    """The server's own scheduled work: the end of public notices, pruning the audit log,
    rotating keys. It belongs to no union and holds no role a person has; the review trail
    names it 系统 and the audit log ``system``."""

    union: None = None
    role: str = "system"
    is_active: bool = True
    is_authenticated: bool = False
    pk: None = None
    pii_access: bool = False
    audit_name: str = "system"

    def get_username(self) -> str:
        return "系统"


SERVER = ServerActor()


@dataclass(frozen=True)
class ApplicantActor:
    """A worker applying for themselves from the workers' portal: scoped to the one union
    their application goes to, for submitting or withdrawing that application only, and for
    the one person ``person_hash`` names. The review trail and the audit log name them as
    ``audit_name`` (their name and 本人)."""

    union: Union
    user_id: int
    # The keyed hash of the worker's ID number: a service acting for a person checks it is
    # this one (a worker applies for themselves only).
    person_hash: str
    audit_name: str
    role: str = "applicant"
    is_active: bool = True
    is_authenticated: bool = False
    pk: None = None
    pii_access: bool = False

    def get_username(self) -> str:
        return self.audit_name


def is_operator(actor: Actor) -> bool:
    """The server acting on its own or for its operator: a command with no --user, or the
    server's scheduled work. Services let it do what the command was run for, and record it
    under its own name; a person's rules (roles, levels) are not asked of it."""
    return isinstance(actor, (SystemActor, ServerActor))


def user_of(actor: Actor) -> User | None:
    """The user row an actor is, for the columns that name who entered or decided something
    (None for the server, an API client, the operator)."""
    # The configured user model, named without importing core.models (which imports this).
    from django.contrib.auth import get_user_model

    if isinstance(actor, ApplicantActor):  # the worker entered their own application
        found: User | None = get_user_model().objects.filter(pk=actor.user_id).first()
        return found
    return actor if isinstance(actor, get_user_model()) else None


def require_self(actor: Actor, person_hash: str) -> None:
    """A worker acting from the portal acts for themselves only (staff act for anyone in
    their scope, checked by the service's own rules)."""
    from django.core.exceptions import PermissionDenied

    if isinstance(actor, ApplicantActor) and actor.person_hash != person_hash:
        raise PermissionDenied("只能为本人申请。")
