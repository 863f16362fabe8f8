"""Reads of the union tree, always through the actor's scope."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from gonghui.core.scoping import access, scope_path_of
from gonghui.orgs.models import Union


def access_union(*, actor: Any, code: str) -> Union:
    return access(Union.objects.select_related("region"), actor=actor, code=code)


def unions_visible(*, actor: Any) -> QuerySet[Union]:
    return Union.objects.visible_to(actor)


def union_children(*, actor: Any, union: Union) -> QuerySet[Union]:
    """The children of a union the actor can see, with their cached counts (one query)."""
    return (
        Union.objects.visible_to(actor)
        .filter(path__startswith=union.path, depth=union.depth + 1)
        .order_by("code")
    )


def union_breadcrumbs(*, actor: Any, union: Union) -> list[Union]:
    """The chain from the actor's own union down to ``union`` (never above the scope)."""
    scope = scope_path_of(actor) or union.path
    steplen = Union.steplen
    paths = [union.path[:end] for end in range(len(scope), len(union.path) + 1, steplen)]
    return list(Union.objects.filter(path__in=paths).order_by("depth"))


def union_search(*, actor: Any, text: str, limit: int = 50) -> QuerySet[Union]:
    text = text.strip()
    qs = Union.objects.visible_to(actor)
    if text:
        qs = qs.filter(name__contains=text) | qs.filter(code__startswith=text)
    return qs.order_by("path")[:limit]
