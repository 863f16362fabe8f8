"""Appending many children to unions with a handful of queries.

``Union.objects.add_child`` locks the parent, finds its last child, saves one row and bumps
``numchild``: several queries per union, 10^4 unions at city scale. Here the paths are
computed as treebeard computes them (``_get_path`` with the model's ``steplen`` and
``alphabet``), the rows go in with bulk_create, and each parent's ``numchild`` is raised
in one UPDATE, so the tree is exactly what add_child would have built.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from django.db import transaction
from django.db.models import Case, F, Max, Value, When
from django.db.models.functions import Substr
from treebeard.exceptions import PathOverflow

from gonghui.orgs.models import Union


@transaction.atomic(savepoint=False)
def unions_bulk_append(
    children_by_parent: Mapping[Union, Sequence[Union]], *, batch_size: int = 2000
) -> list[Union]:
    """Save the children (unsaved, without tree fields) as the last children of their
    parents. Returns them with their primary keys (SQLite and PostgreSQL return them)."""
    wanted = {parent.pk: list(children) for parent, children in children_by_parent.items()}
    wanted = {pk: children for pk, children in wanted.items() if children}
    if not wanted:
        return []
    # Lock the parents as add_child does (in key order, so two writers cannot deadlock),
    # and read their tree fields fresh.
    parents = list(
        Union.objects.select_for_update().filter(pk__in=wanted).order_by("pk").only("path", "depth")
    )
    last_step: dict[str, int] = {}
    for depth in {p.depth for p in parents}:
        paths = [p.path for p in parents if p.depth == depth]
        width = len(paths[0])
        last_paths = (
            Union.objects.filter(depth=depth + 1)
            .annotate(parent_path=Substr("path", 1, width))
            .filter(parent_path__in=paths)
            .values("parent_path")
            .annotate(last=Max("path"))
            .order_by()
        )
        for row in last_paths:
            last_step[row["parent_path"]] = Union._str2int(row["last"][-Union.steplen :])
    created: list[Union] = []
    for parent in parents:
        children = wanted[parent.pk]
        start = last_step.get(parent.path, 0)
        if len(Union._int2str(start + len(children))) > Union.steplen:
            raise PathOverflow(f"工会 {parent.pk} 下的下级数量超过了路径容量")
        for position, child in enumerate(children, start=start + 1):
            child.path = Union._get_path(parent.path, parent.depth + 1, position)
            child.depth = parent.depth + 1
            child.numchild = 0
        created.extend(children)
    Union.objects.bulk_create(created, batch_size=batch_size)
    Union.objects.filter(pk__in=wanted).update(
        numchild=F("numchild")
        + Case(*(When(pk=pk, then=Value(len(c))) for pk, c in wanted.items()), default=Value(0))
    )
    return created


def union_children_bulk_create(parent: Union, children: Sequence[Union]) -> list[Union]:
    """``unions_bulk_append`` for one parent."""
    return unions_bulk_append({parent: children})
