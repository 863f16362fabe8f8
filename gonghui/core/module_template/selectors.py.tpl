"""Every read of %%title%%, inside the actor's scope."""

from __future__ import annotations

from django.db.models import QuerySet

from %%package%%.models import %%Entity%%
from gonghui.core.actors import Actor
from gonghui.core.scoping import access

PAGE = 50


def %%entity%%_list(*, actor: Actor) -> QuerySet[%%Entity%%]:
    return %%Entity%%.objects.visible_to(actor).select_related("union").order_by("-id")


def %%entity%%_page(
    *, actor: Actor, before: int | None = None, size: int = PAGE
) -> tuple[list[%%Entity%%], int | None]:
    """One page, newest first, by keyset on the id (no COUNT over the table); the id to
    continue before, or None on the last page."""
    rows = %%entity%%_list(actor=actor)
    if before:
        rows = rows.filter(id__lt=before)
    found = list(rows[: size + 1])
    return found[:size], (found[size - 1].pk if len(found) > size else None)


def access_%%entity%%(*, actor: Actor, %%entity%%_id: int) -> %%Entity%%:
    """One %%entity%% in the actor's scope, or 404."""
    return access(%%Entity%%.objects.select_related("union"), actor=actor, pk=%%entity%%_id)
