"""Reads of staff accounts, always scoped to the actor's subtree."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from gonghui.accounts.models import PiiGrant
from gonghui.core.actors import Actor
from gonghui.core.models import User
from gonghui.core.scoping import access


def users_search(*, actor: Actor, text: str = "", role: str = "") -> QuerySet[User]:
    qs = User.objects.visible_to(actor).select_related("union")
    text = text.strip()
    if text:
        qs = qs.filter(
            Q(username__icontains=text)
            | Q(display_name__contains=text)
            | Q(union__name__contains=text)
            | Q(union__code__startswith=text)
        )
    if role:
        qs = qs.filter(role=role)
    return qs.order_by("union__path", "username")


def access_user(*, actor: Actor, user_id: int) -> User:
    return access(User.objects.select_related("union"), actor=actor, pk=user_id)


def pii_holders(*, actor: Actor) -> QuerySet[User]:
    return (
        User.objects.visible_to(actor)
        .filter(pii_access=True)
        .select_related("union")
        .order_by("union__path", "username")
    )


def pii_history(*, actor: Actor, limit: int = 200) -> list[PiiGrant]:
    return list(
        PiiGrant.objects.visible_to(actor).select_related("user", "user__union", "actor")[:limit]
    )


def pii_reasons(users: list[User]) -> dict[int, PiiGrant]:
    """The grant that gave each holder the right (their latest grant)."""
    latest: dict[int, PiiGrant] = {}
    for grant in (
        PiiGrant.objects.filter(user__in=users, granted=True)
        .select_related("actor")
        .order_by("user_id", "-at", "-id")
    ):
        latest.setdefault(grant.user_id, grant)
    return latest
