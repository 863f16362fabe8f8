from __future__ import annotations

import datetime

import factory

from gonghui.activities.models import Activity


class ActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Activity

    kind = "lecture"
    title = factory.Sequence(lambda n: f"宣讲{n}")
    held_on = datetime.date(2023, 6, 15)
    attendance = 40
    extra = factory.LazyFunction(lambda: {"speaker_type": "劳模"})
