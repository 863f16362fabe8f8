"""A member's identity fields, all derived from the ID number and the phone: the ciphertexts
(sealed to the member's row), the keyed hashes, the masked forms, and sex, birth date and home
region read from the ID number. One function computes them for joining, the roster import,
the demo data and the benchmarks, in bulk (one random draw and one hashing pass per batch)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import models

from gonghui.core import pii
from gonghui.members.models import Member

# The identity columns of Member, in the order member_identities gives them.
IDENTITY_FIELDS = (
    "id_cipher",
    "id_hash",
    "id_masked",
    "sex",
    "birth_date",
    "home_region_code",
    "phone_cipher",
    "phone_hash",
    "phone_masked",
)


def member_identities(
    pks: Sequence[int],
    id_numbers: Sequence[str],
    phones: Sequence[str],
    *,
    id_hashes: Sequence[str] | None = None,
    phone_hashes: Sequence[str] | None = None,
    model: type[models.Model] = Member,
) -> list[tuple[Any, ...]]:
    """The IDENTITY_FIELDS of members ``pks`` (their keys, drawn before: the ciphertexts are
    sealed to them) from normalised ID numbers and phones ("" for none). Hashes the caller
    already computed (to look people up) are passed rather than computed again. ``model``
    is the table the rows go to (a registered ``Worker`` has the same fields)."""
    indexer = pii.id_indexer()
    if id_hashes is None:
        id_hashes = indexer.digest_many(list(id_numbers))
    with_phone = [n for n, phone in enumerate(phones) if phone]
    if phone_hashes is None:
        digests = iter(indexer.digest_many([phones[n] for n in with_phone]))
        phone_hashes = [next(digests) if phone else "" for phone in phones]
    id_ciphers = pii.column_cipher(model._meta.get_field("id_cipher")).encrypt_many(pks, id_numbers)
    sealed = pii.column_cipher(model._meta.get_field("phone_cipher")).encrypt_many(
        [pks[n] for n in with_phone], [phones[n] for n in with_phone]
    )
    phone_ciphers: list[bytes | None] = [None] * len(pks)
    for n, token in zip(with_phone, sealed, strict=True):
        phone_ciphers[n] = token
    mask_id, mask_phone = pii.mask_id_number, pii.mask_phone
    sex_of, birth_of, region_of = pii.id_sex, pii.id_birth_date, pii.id_region_code
    return [
        (
            id_ciphers[n],
            id_hashes[n],
            mask_id(id18),
            sex_of(id18),
            birth_of(id18),
            region_of(id18),
            phone_ciphers[n],
            phone_hashes[n] if phones[n] else "",
            mask_phone(phones[n]) if phones[n] else "",
        )
        for n, id18 in enumerate(id_numbers)
    ]
