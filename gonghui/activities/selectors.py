"""Every read of 活动台账, inside the actor's scope."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet

from gonghui.activities.models import Activity
from gonghui.core import pii
from gonghui.core.actors import Actor
from gonghui.core.scoping import access
from gonghui.orgs.models import Enterprise

PAGE = 50


def activity_list(*, actor: Actor) -> QuerySet[Activity]:
    return Activity.objects.visible_to(actor).select_related("union").order_by("-id")


def activity_page(
    *, actor: Actor, before: int | None = None, size: int = PAGE
) -> tuple[list[Activity], int | None]:
    """One page, newest first, by keyset on the id (no COUNT over the table); the id to
    continue before, or None on the last page."""
    rows = activity_list(actor=actor)
    if before:
        rows = rows.filter(id__lt=before)
    found = list(rows[: size + 1])
    return found[:size], (found[size - 1].pk if len(found) > size else None)


def access_activity(*, actor: Actor, activity_id: int) -> Activity:
    """One activity in the actor's scope, or 404."""
    return access(Activity.objects.select_related("union"), actor=actor, pk=activity_id)


def enterprises_in_area(*, actor: Actor, union: Any) -> QuerySet[Enterprise]:
    """The enterprises of ``union``'s register an activity of it may be held in."""
    return Enterprise.objects.visible_to(actor).filter(owner_union__path__startswith=union.path)


def enterprise_of_activity(*, actor: Actor, union: Any, uscc: str) -> Enterprise | None:
    """The enterprise a typed 统一社会信用代码 names in ``union``'s register (None when blank);
    a code that is invalid or not in the register is refused in Chinese."""
    if not uscc.strip():
        return None
    try:
        code = pii.normalize_uscc(uscc)
    except ValidationError as exc:
        raise ValidationError({"enterprise": exc.messages}) from exc
    enterprise = enterprises_in_area(actor=actor, union=union).filter(uscc=code).first()
    if enterprise is None:
        raise ValidationError({"enterprise": [f"{union.name}的企业名录中没有 {code}"]})
    return enterprise
