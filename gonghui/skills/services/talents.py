"""Talent files (人才档案): one per person, found by the keyed hash of the ID number; a
member's file is linked to the member and kept by the member's union."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from gonghui.core import pii
from gonghui.core.bulk import ids_reserve
from gonghui.members.models import Member
from gonghui.orgs.models import Union
from gonghui.skills.models import Talent


@dataclass(frozen=True)
class Person:
    id_number: str  # normalised, 18 characters
    name: str
    employer: str = ""


@dataclass
class Resolved:
    """The talent of each ID number (a new, unsaved one when ``write`` was false) and the
    reason a person could not be matched, by ID number."""

    talents: dict[str, Talent] = field(default_factory=dict)
    refused: dict[str, str] = field(default_factory=dict)


def _mismatch(found: str) -> str:
    return f"姓名：与该身份证号已登记的姓名“{pii.mask_name(found)}”不一致"


def talents_resolve(people: Sequence[Person], *, union: Union, write: bool) -> Resolved:
    """The talent files of ``people``: existing ones by ID number; for the others, a new
    file (linked to the member with that ID number, if any), saved when ``write``. A name
    that differs from the one on file (or on the roster) is refused."""
    result = Resolved()
    if not people:
        return result
    by_id = {p.id_number: p for p in people}
    ids = list(by_id)
    hashes = dict(zip(ids, pii.id_indexer().digest_many(ids), strict=True))
    known = {t.id_hash: t for t in Talent.objects.filter(id_hash__in=hashes.values())}
    missing = [i for i in ids if hashes[i] not in known]
    members = {
        m.id_hash: m
        for m in Member.objects.filter(id_hash__in=[hashes[i] for i in missing]).only(
            "id", "id_hash", "name", "union_id", "skill_grade", "employer_name"
        )
    }
    new: list[tuple[str, Talent]] = []
    for id18 in ids:
        person = by_id[id18]
        talent = known.get(hashes[id18])
        if talent is not None:
            if talent.name != person.name:
                result.refused[id18] = _mismatch(talent.name)
            else:
                result.talents[id18] = talent
            continue
        member = members.get(hashes[id18])
        if member is not None and member.name != person.name:
            result.refused[id18] = _mismatch(member.name)
            continue
        talent = Talent(
            union_id=member.union_id if member else union.pk,
            member=member,
            name=person.name,
            id_hash=hashes[id18],
            id_masked=pii.mask_id_number(id18),
            employer_name=person.employer or (member.employer_name if member else ""),
            grade=member.skill_grade if member else None,
        )
        new.append((id18, talent))
        result.talents[id18] = talent
    if write and new:
        pks = ids_reserve(Talent, len(new))
        tokens = pii.column_cipher(Talent.id_cipher).encrypt_many(pks, [i for i, _ in new])
        for pk, token, (_, talent) in zip(pks, tokens, new, strict=True):
            talent.pk, talent.id_cipher = pk, token
        Talent.objects.bulk_create([t for _, t in new], batch_size=1000)
    return result
