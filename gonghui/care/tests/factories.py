from __future__ import annotations

from datetime import date

import factory

from gonghui.care.models import Delivery, ServiceItem
from gonghui.orgs.tests.factories import UnionFactory


def standard(key: str) -> ServiceItem:
    """One of the nine standard items (the migration wrote them)."""
    return ServiceItem.objects.get(key=key)


class DeliveryFactory(factory.django.DjangoModelFactory[Delivery]):
    """A delivery of a standard item to a person named by ``person`` (a member or a
    registered worker, whose hash, name and masked number it copies)."""

    class Meta:
        model = Delivery

    class Params:
        person = None

    item = factory.LazyFunction(lambda: standard("health_checkup"))
    union = factory.SubFactory(UnionFactory)
    person_hash = factory.LazyAttributeSequence(
        lambda o, n: o.person.id_hash if o.person else f"h{n:063d}"
    )
    person_name = factory.LazyAttribute(lambda o: o.person.name if o.person else "张三")
    person_masked = factory.LazyAttribute(
        lambda o: o.person.id_masked if o.person else "330502********0000"
    )
    on = date(2023, 3, 15)
