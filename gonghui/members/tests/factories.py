from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import factory

from gonghui.core import pii
from gonghui.core.bulk import ids_reserve
from gonghui.members.models import (
    EmploymentForm,
    JoinChannel,
    Member,
    MembershipPeriod,
    Occupation,
    PeriodEnd,
    Worker,
)
from gonghui.members.periods import began_by
from gonghui.orgs.tests.factories import UnionFactory


def id_number_for(n: int, region_code: str = "330502") -> str:
    """A valid 18-digit ID number, different for every n (birth dates 1960 to 2014)."""
    birth = date(1960, 1, 1) + timedelta(days=n % 20000)
    return pii.id_number_compose(region_code, birth, n // 20000 % 1000)


class MemberFactory(factory.django.DjangoModelFactory[Member]):
    """A member stored as ``member_join`` stores one: the ID number and phone encrypted, a
    keyed hash beside each, masked forms, and birth date, sex and region derived from the ID.

    Pass ``id_number=`` (18 or 15 digits, any spelling the validator takes) and ``phone=``
    (or ``phone=""`` for none); the stored fields follow from them.
    """

    class Meta:
        model = Member
        skip_postgeneration_save = True

    class Params:
        id_number = factory.Sequence(id_number_for)
        phone = factory.Sequence(lambda n: f"139{n:08d}")
        id18 = factory.LazyAttribute(lambda o: pii.normalize_id_number(o.id_number))
        phone11 = factory.LazyAttribute(lambda o: pii.normalize_phone(o.phone) if o.phone else "")

    # The ciphertexts are sealed to the row, so its key is drawn first (as member_join does).
    id = factory.LazyFunction(lambda: ids_reserve(Member, 1)[0])
    union = factory.SubFactory(UnionFactory)
    name = factory.Faker("name", locale="zh_CN")
    id_cipher = factory.LazyAttribute(
        lambda o: pii.column_cipher(Member.id_cipher).encrypt(o.id, o.id18)
    )
    id_hash = factory.LazyAttribute(lambda o: pii.id_indexer().digest(o.id18))
    id_masked = factory.LazyAttribute(lambda o: pii.mask_id_number(o.id18))
    sex = factory.LazyAttribute(lambda o: pii.id_sex(o.id18))
    birth_date = factory.LazyAttribute(lambda o: pii.id_birth_date(o.id18))
    home_region_code = factory.LazyAttribute(lambda o: pii.id_region_code(o.id18))
    phone_cipher = factory.LazyAttribute(
        lambda o: (
            pii.column_cipher(Member.phone_cipher).encrypt(o.id, o.phone11) if o.phone11 else None
        )
    )
    phone_hash = factory.LazyAttribute(
        lambda o: pii.id_indexer().digest(o.phone11) if o.phone11 else ""
    )
    phone_masked = factory.LazyAttribute(lambda o: pii.mask_phone(o.phone11) if o.phone11 else "")
    employment_form = EmploymentForm.STANDARD
    join_date = date(2020, 5, 1)
    join_channel = JoinChannel.INDIVIDUAL
    status = Member.Status.ACTIVE

    @factory.post_generation
    def period(member: Member, create: bool, extracted: Any, **kwargs: Any) -> None:
        """The membership's period, as member_join writes it (ended when the member left):
        the member figures count from periods. ``period=False`` makes none."""
        if not create or extracted is False:
            return
        left = member.status == Member.Status.LEFT and member.left_on is not None
        MembershipPeriod.objects.create(
            member=member,
            union_id=member.union_id,
            started_on=member.join_date,
            began=began_by(member.join_channel),
            ended_on=member.left_on if left else None,
            ended=PeriodEnd.LEFT if left else "",
        )


class WorkerFactory(factory.django.DjangoModelFactory[Worker]):
    """A registered worker (登记职工) stored as ``worker_register`` stores one: a courier of a
    platform, not a member. Pass ``id_number=`` and ``phone=`` as for MemberFactory."""

    class Meta:
        model = Worker

    class Params:
        id_number = factory.Sequence(lambda n: id_number_for(n + 500_000))
        phone = factory.Sequence(lambda n: f"138{n:08d}")
        id18 = factory.LazyAttribute(lambda o: pii.normalize_id_number(o.id_number))
        phone11 = factory.LazyAttribute(lambda o: pii.normalize_phone(o.phone) if o.phone else "")

    id = factory.LazyFunction(lambda: ids_reserve(Worker, 1)[0])
    union = factory.SubFactory(UnionFactory)
    name = factory.Faker("name", locale="zh_CN")
    id_cipher = factory.LazyAttribute(
        lambda o: pii.column_cipher(Worker.id_cipher).encrypt(o.id, o.id18)
    )
    id_hash = factory.LazyAttribute(lambda o: pii.id_indexer().digest(o.id18))
    id_masked = factory.LazyAttribute(lambda o: pii.mask_id_number(o.id18))
    sex = factory.LazyAttribute(lambda o: pii.id_sex(o.id18))
    birth_date = factory.LazyAttribute(lambda o: pii.id_birth_date(o.id18))
    home_region_code = factory.LazyAttribute(lambda o: pii.id_region_code(o.id18))
    phone_cipher = factory.LazyAttribute(
        lambda o: (
            pii.column_cipher(Worker.phone_cipher).encrypt(o.id, o.phone11) if o.phone11 else None
        )
    )
    phone_hash = factory.LazyAttribute(
        lambda o: pii.id_indexer().digest(o.phone11) if o.phone11 else ""
    )
    phone_masked = factory.LazyAttribute(lambda o: pii.mask_phone(o.phone11) if o.phone11 else "")
    employment_form = EmploymentForm.NEW_FORM
    occupation = Occupation.COURIER
    platform = "顺丰"
    registered_on = date(2023, 3, 1)
