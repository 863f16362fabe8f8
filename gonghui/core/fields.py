"""Model fields of the kernel."""

from __future__ import annotations

from django.apps import apps
from django.db import models

from gonghui.core import pii
from gonghui.core.bulk import ids_reserve


class CipherField(models.BinaryField):
    """Personal data encrypted at rest: AES-GCM tokens made by ``pii.column_cipher`` and
    sealed to their table, column and row. ``gonghui rotate-keys`` and the key checks find
    every encrypted column by this type, so a new one is covered by declaring it so."""


def cipher_fields() -> list[CipherField]:
    """Every encrypted column of every installed model."""
    return [
        field
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if isinstance(field, CipherField)
    ]


def cipher_set(instance: models.Model, field_name: str, plaintext: str | None) -> None:
    """Set an encrypted field of ``instance`` to ``plaintext`` (None or "" clears a nullable
    one), sealed to the row; a row not yet saved has its primary key drawn first."""
    if not plaintext:
        setattr(instance, field_name, None)
        return
    model = type(instance)
    if instance.pk is None:
        instance.pk = ids_reserve(model, 1)[0]
    column = pii.column_cipher(model._meta.get_field(field_name))
    setattr(instance, field_name, column.encrypt(instance.pk, plaintext))


def cipher_get(instance: models.Model, field_name: str) -> str:
    """The plaintext of an encrypted field of a saved row ("" when empty)."""
    token = getattr(instance, field_name)
    if token is None:
        return ""
    column = pii.column_cipher(type(instance)._meta.get_field(field_name))
    return column.decrypt(instance.pk, token)
