"""People, however they are known: a member or a registered worker (登记职工), by the keyed
hash of the ID number. The one place that asks both tables, for the services that reach
people whether or not they have joined, and for the target groups those services count."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.db.models import Q, QuerySet

from gonghui.members.models import EmploymentForm, Member, Occupation, Worker
from gonghui.orgs.models import Enterprise, Union


@dataclass(frozen=True)
class Person:
    """A person as the services see them: an active member's details, else the
    registration's, else a former member's (left and never registered)."""

    id_hash: str
    name: str
    id_masked: str
    union: Union
    kind: str  # "member", "worker" or "former"
    employment_form: str
    occupation: str
    employer_uscc: str
    birth_date: date
    member_id: int | None
    worker_id: int | None

    @property
    def is_member(self) -> bool:
        return self.kind == "member"

    @property
    def kind_label(self) -> str:
        return {"member": "会员", "worker": "登记职工", "former": "已退会"}[self.kind]


_UNION_FIELDS = ("union__id", "union__path", "union__name", "union__code", "union__level")


def people_find(hashes: Iterable[str]) -> dict[str, Person]:
    """The people with these keyed hashes (two or three queries, whatever their number)."""
    wanted = list(set(hashes))
    found: dict[str, Person] = {}
    if not wanted:
        return found
    formers: dict[str, Member] = {}
    for m in (
        Member.objects.filter(id_hash__in=wanted)
        .select_related("union")
        .only(
            "id",
            "id_hash",
            "name",
            "id_masked",
            "status",
            "employment_form",
            "occupation",
            "employer_uscc",
            "birth_date",
            *_UNION_FIELDS,
        )
    ):
        if m.status != Member.Status.ACTIVE:
            formers[m.id_hash] = m
            continue
        found[m.id_hash] = _person(m, "member", member_id=m.pk, worker_id=None)
    rest = [h for h in wanted if h not in found]
    if rest:
        for w in (
            Worker.objects.filter(id_hash__in=rest)
            .select_related("union")
            .only(
                "id",
                "id_hash",
                "name",
                "id_masked",
                "member_id",
                "employment_form",
                "occupation",
                "employer_uscc",
                "birth_date",
                *_UNION_FIELDS,
            )
        ):
            found[w.id_hash] = _person(w, "worker", member_id=w.member_id, worker_id=w.pk)
    for id_hash, m in formers.items():
        found.setdefault(id_hash, _person(m, "former", member_id=m.pk, worker_id=None))
    return found


def _person(
    row: Member | Worker, kind: str, *, member_id: int | None, worker_id: int | None
) -> Person:
    return Person(
        id_hash=row.id_hash,
        name=row.name,
        id_masked=row.id_masked,
        union=row.union,
        kind=kind,
        employment_form=row.employment_form,
        occupation=row.occupation,
        employer_uscc=row.employer_uscc,
        birth_date=row.birth_date,
        member_id=member_id,
        worker_id=worker_id,
    )


# -- target groups ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Group:
    """A target group of people: the same condition on members and on registered workers."""

    key: str
    label: str
    condition: Q

    def members(self) -> QuerySet[Member]:
        """The active members in the group."""
        return Member.objects.filter(self.condition, status=Member.Status.ACTIVE)

    def workers(self) -> QuerySet[Worker]:
        """The registered workers in the group who are not active members (never joined, or
        left): with ``members()`` each person once."""
        return Worker.objects.filter(self.condition).filter(
            Q(member__isnull=True) | ~Q(member__status=Member.Status.ACTIVE)
        )


def _new_form_enterprises() -> Q:
    return Q(employer_uscc__in=Enterprise.objects.filter(is_platform_lead=True).values("uscc"))


GROUPS: dict[str, Group] = {
    "new_form": Group("new_form", "新就业形态劳动者", Q(employment_form=EmploymentForm.NEW_FORM)),
    "new_form_enterprise": Group("new_form_enterprise", "新业态企业职工", Q()),
    **{
        f"occupation:{key}": Group(f"occupation:{key}", label, Q(occupation=key))
        for key, label in Occupation.choices
    },
}


def group_get(key: str) -> Group:
    """A group by key; the new-form enterprises' workers are read from the register when
    asked (the register changes)."""
    if key == "new_form_enterprise":
        return Group(key, GROUPS[key].label, _new_form_enterprises())
    return GROUPS[key]
