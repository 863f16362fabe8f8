"""Every write of %%title%%: validated, in one transaction, audited."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from %%package%%.models import %%Entity%%
from %%package%%.permissions import require_edit
from gonghui.core.actors import Actor, user_of
from gonghui.core.audit import audit_record


def %%entity%%_create(*, actor: Actor, union: Any, name: str, held_on: date) -> %%Entity%%:
    require_edit(actor, union)
    name = name.strip()
    if not name:
        raise ValidationError("请填写名称。", code="name")
    if %%Entity%%.objects.filter(union=union, name=name, held_on=held_on).exists():
        raise ValidationError(f"{held_on:%Y-%m-%d}的“{name}”已经录入。", code="duplicate")
    with transaction.atomic():
        record = %%Entity%%.objects.create(
            union=union,
            name=name[:128],
            held_on=held_on,
            created_by=user_of(actor),
        )
        audit_record(
            actor=actor,
            action="%%app%%.%%entity%%.create",
            obj=record,
            union=union,
            summary=f"新建%%title%%“{record.name}”（{held_on:%Y-%m-%d}）",
        )
    return record
