from __future__ import annotations

import datetime
from decimal import Decimal

import factory

from gonghui.core import pii
from gonghui.core.fields import cipher_set
from gonghui.skills.models import Competition, CompetitionEntry, Talent
from gonghui.skills.ranking import final_score


class CompetitionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Competition

    code = factory.Sequence(lambda n: f"T-{n:04d}")
    name = factory.Sequence(lambda n: f"技能竞赛{n}")
    trade = "电工"
    held_on = datetime.date(2023, 6, 15)
    prizes = factory.LazyFunction(lambda: {"1": "3000.00", "2": "2000.00", "3": "1000.00"})


def id_number(n: int) -> str:
    # A sequence number holds three digits: the birth date moves on every 900 people.
    birth = datetime.date(1990, 1, 1) + datetime.timedelta(days=n // 900)
    return pii.id_number_compose("330502", birth, 100 + n % 900)


class TalentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Talent
        skip_postgeneration_save = True

    class Params:
        id_number = factory.Sequence(id_number)

    name = factory.Sequence(lambda n: f"选手{chr(0x4E00 + n)}")
    id_hash = factory.LazyAttribute(lambda t: pii.id_indexer().digest(t.id_number))
    id_masked = factory.LazyAttribute(lambda t: pii.mask_id_number(t.id_number))
    id_cipher = b""

    @factory.post_generation
    def sealed(obj: Talent, create: bool, extracted: object, **kwargs: object) -> None:
        # The ciphertext is sealed to the row, so it is written once the row has its key.
        if create:
            cipher_set(obj, "id_cipher", obj.id_masked)
            obj.save(update_fields=["id_cipher"])


class EntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CompetitionEntry

    competition = factory.SubFactory(CompetitionFactory)
    talent = factory.SubFactory(TalentFactory, union=factory.SelfAttribute("..competition.union"))
    row = factory.Sequence(lambda n: n + 2)
    theory = Decimal("80")
    practical = Decimal("80")
    final = factory.LazyAttribute(lambda e: final_score(e.theory, e.practical, 30, 70))
