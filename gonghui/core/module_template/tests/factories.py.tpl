from __future__ import annotations

import datetime

import factory

from %%package%%.models import %%Entity%%


class %%Entity%%Factory(factory.django.DjangoModelFactory):
    class Meta:
        model = %%Entity%%

    name = factory.Sequence(lambda n: f"%%title%%{n}")
    held_on = datetime.date(2023, 6, 15)
