"""Reads of the union tree, always through the actor's scope."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Substr
from django.http import Http404

from gonghui.core.actors import Actor
from gonghui.core.scoping import access, scope_path_of
from gonghui.orgs.models import Enterprise, FormationTask, Union


def access_union(*, actor: Actor, code: str) -> Union:
    return access(Union.objects.select_related("region"), actor=actor, code=code)


def union_asked(*, actor: Actor, code: str | None) -> Union | None:
    """The union a request is about: the one ``code`` names (``?union=``; 404 outside the
    actor's subtree), else the actor's own (None for an identity without a union)."""
    code = (code or "").strip()
    if code:
        return access_union(actor=actor, code=code)
    own: Union | None = getattr(actor, "union", None)
    return own


def union_of_page(*, actor: Actor, code: str | None) -> Union:
    """``union_asked`` for a page, which has nothing to show without a union: 404."""
    union = union_asked(actor=actor, code=code)
    if union is None:
        raise Http404("没有可查看的工会。")
    return union


def unions_visible(*, actor: Actor) -> QuerySet[Union]:
    return Union.objects.visible_to(actor)


def union_children(*, actor: Actor, union: Union) -> QuerySet[Union]:
    """The children of a union the actor can see, with their cached counts (one query)."""
    return (
        Union.objects.visible_to(actor)
        .filter(path__startswith=union.path, depth=union.depth + 1)
        .order_by("code")
    )


def union_breadcrumbs(*, actor: Actor, union: Union) -> list[Union]:
    """The chain from the actor's own union down to ``union`` (never above the scope)."""
    scope = scope_path_of(actor) or union.path
    steplen = Union.steplen
    paths = [union.path[:end] for end in range(len(scope), len(union.path) + 1, steplen)]
    return list(Union.objects.filter(path__in=paths).order_by("depth"))


def union_search(*, actor: Actor, text: str, limit: int = 50) -> QuerySet[Union]:
    text = text.strip()
    qs = Union.objects.visible_to(actor)
    if text:
        qs = qs.filter(name__contains=text) | qs.filter(code__startswith=text)
    return qs.order_by("path")[:limit]


def union_from_ref(*, actor: Actor, ref: str) -> Union:
    """The union a person picked or typed: its code, "code 名称" as the picker fills it in,
    or its exact full name, inside the actor's scope; otherwise a Chinese ValidationError."""
    from django.core.exceptions import ValidationError

    ref = ref.strip()
    if not ref:
        raise ValidationError("请选择所属工会。", code="union_required")
    qs = Union.objects.visible_to(actor)
    code = ref.split()[0]
    found = qs.filter(code=code).first()
    if found is None:
        named = list(qs.filter(name=ref)[:2])
        if len(named) > 1:
            raise ValidationError(
                f"名称为“{ref}”的工会不止一个，请填写工会代码。", code="union_ambiguous"
            )
        found = named[0] if named else None
    if found is None:
        raise ValidationError(f"在您的管辖范围内找不到工会“{ref}”。", code="union_not_found")
    return found


def union_destinations(*, text: str, limit: int = 20) -> list[Union]:
    """Unions a member may be transferred to, anywhere in the city, found by name or code.

    Deliberately outside the actor's scope: a transfer to another county names its
    receiving union, which then accepts it. Only unions that hold members, and only their
    code and name, which the public notices show too."""
    text = text.strip()
    if len(text) < 2:
        return []
    qs = Union.objects.filter(level__in=[Union.Level.GRASSROOTS, Union.Level.TOWNSHIP])
    return list(
        (qs.filter(name__contains=text) | qs.filter(code__startswith=text))
        .only("code", "name", "level")
        .order_by("path")[:limit]
    )


def union_destination(*, ref: str) -> Union:
    """The receiving union a transfer names ("code 名称" or a code), city-wide."""
    from django.core.exceptions import ValidationError

    code = ref.strip().split()[0] if ref.strip() else ""
    found = Union.objects.filter(
        code=code, level__in=[Union.Level.GRASSROOTS, Union.Level.TOWNSHIP]
    ).first()
    if found is None:
        raise ValidationError(
            f"找不到基层或乡镇（街道）工会“{ref.strip()}”，请从列表中选择。", code="union_not_found"
        )
    return found


def union_choices(*, actor: Actor) -> list[Union]:
    """The unions an actor may pick as an import or export target: their own and the
    county and township levels below it (not every grassroots union of a city)."""
    own = getattr(actor, "union", None)
    if own is None:
        return []
    qs = Union.objects.visible_to(actor).filter(
        level__in=[Union.Level.CITY, Union.Level.COUNTY, Union.Level.TOWNSHIP]
    )
    return [own, *[u for u in qs.order_by("path") if u.pk != own.pk]]


@dataclass
class FormationProgress:
    union: Union
    open: int
    closed: int  # closed within the year

    @property
    def total(self) -> int:
        return self.open + self.closed

    @property
    def percent(self) -> int:
        return round(100 * self.closed / self.total) if self.total else 0


def formation_progress(
    *, actor: Actor, union: Union, year: int
) -> tuple[FormationProgress, list[FormationProgress]]:
    """Progress of the worklist (closed this year / (open + closed this year)) for a union and
    for each of its children, from one grouped query whatever the number of children."""
    child_len = (union.depth + 1) * Union.steplen
    rows = (
        FormationTask.objects.visible_to(actor)
        .filter(township_union__path__startswith=union.path)
        .filter(Q(status=FormationTask.Status.OPEN) | Q(closed_on__year=year))
        .annotate(child_path=Substr("township_union__path", 1, child_len))
        .values("child_path", "status")
        .annotate(n=Count("id"))
        .order_by()
    )
    counts: dict[str, dict[str, int]] = {}
    for row in rows:
        counts.setdefault(row["child_path"], {})[row["status"]] = row["n"]
    children = list(union_children(actor=actor, union=union))
    per_child = [
        FormationProgress(
            child,
            counts.get(child.path, {}).get("open", 0),
            counts.get(child.path, {}).get("closed", 0),
        )
        for child in children
    ]
    total = FormationProgress(
        union,
        sum(c.get("open", 0) for c in counts.values()),
        sum(c.get("closed", 0) for c in counts.values()),
    )
    return total, per_child


def enterprises_of(*, actor: Actor, union: Union | None, text: str = "") -> QuerySet[Enterprise]:
    """Enterprises owned within ``union``'s subtree and the actor's scope, by name or USCC."""
    if union is None:
        return Enterprise.objects.none()
    qs = (
        Enterprise.objects.visible_to(actor)
        .filter(owner_union__path__startswith=union.path)
        .select_related("region", "union", "owner_union")
        .order_by("id")
    )
    text = text.strip()
    if text:
        qs = qs.filter(Q(name__contains=text) | Q(uscc=text.upper()))
    return qs


def access_enterprise(*, actor: Actor, uscc: str) -> Enterprise:
    """One enterprise in the actor's scope (by 统一社会信用代码), or 404."""
    return access(
        Enterprise.objects.select_related("region", "union", "owner_union"),
        actor=actor,
        uscc=uscc.upper(),
    )


def formation_tasks(
    *,
    actor: Actor,
    union: Union,
    status: str = FormationTask.Status.OPEN,
    text: str = "",
    above_scale: bool = False,
) -> QuerySet[FormationTask]:
    qs = (
        FormationTask.objects.visible_to(actor)
        .filter(township_union__path__startswith=union.path, status=status)
        .select_related("enterprise", "township_union", "formed_union")
    )
    if text.strip():
        qs = qs.filter(enterprise__name__contains=text.strip())
    if above_scale:
        qs = qs.filter(enterprise__is_above_scale=True)
    return qs.order_by("township_union__path", "-enterprise__employee_count", "id")


def access_formation_task(*, actor: Actor, task_id: int) -> FormationTask:
    return access(
        FormationTask.objects.select_related("enterprise", "township_union"),
        actor=actor,
        pk=task_id,
    )


def joint_unions_of(*, township: Union) -> QuerySet[Union]:
    return Union.objects.filter(path__startswith=township.path, kind=Union.Kind.JOINT).order_by(
        "code"
    )


# Cities whose district map we serve (ECharts map name, registered by the vendored file).
MAPS = {"3305": "湖州"}


def map_names(children: list[Union]) -> dict[str, str]:
    """The map's district names of a city's children: their region's name (吴兴区), which is
    how the map file names its features; one query."""
    from gonghui.orgs.models import Region

    regions = dict(
        Region.objects.filter(pk__in=[c.region_id for c in children if c.region_id]).values_list(
            "pk", "name"
        )
    )
    return {c.code: regions.get(c.region_id) or c.name.removesuffix("总工会") for c in children}
