"""Encrypted values for rows a test writes directly."""

from __future__ import annotations

from django.db import models

from gonghui.core import pii
from gonghui.core.bulk import ids_reserve


def cipher_sealed(model: type[models.Model], **plaintexts: str) -> dict[str, object]:
    """Keyword arguments for ``model.objects.create``: a drawn primary key and each named
    encrypted field sealed to it (``cipher_sealed(PayoutItem, account_cipher="6228…")``)."""
    pk = ids_reserve(model, 1)[0]
    values: dict[str, object] = {"id": pk}
    for name, plaintext in plaintexts.items():
        values[name] = pii.column_cipher(model._meta.get_field(name)).encrypt(pk, plaintext)
    return values
