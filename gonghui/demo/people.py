"""Realistic personal data for demo records: names, ID numbers, phones, credit codes.

Every function takes the caller's ``random.Random`` so that a record depends only on the
seed of the stream it belongs to (a township, a union), never on what was drawn before it
elsewhere. Nothing here touches the database.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import random
from datetime import date, timedelta

from faker import Faker

from gonghui.core import pii

# Home regions (户籍地) of workers: the township's own county first, then the rest of the
# city, the rest of Zhejiang, and the provinces most migrant workers come from.
ZHEJIANG_OTHER = (
    "330102", "330105", "330106", "330110", "330183", "330203", "330281", "330302",
    "330381", "330382", "330402", "330411", "330421", "330424", "330481", "330483",
    "330602", "330681", "330702", "330782", "330802", "330881", "331002", "331081",
    "331121", "330921",
)  # fmt: skip
OTHER_PROVINCES = (
    "341221", "341222", "341182", "340421", "341524", "341623", "340822", "341125",  # 安徽
    "411522", "411523", "412725", "411723", "411302",  # 河南
    "360429", "361127", "360424",  # 江西
    "511321", "510722", "511623",  # 四川
    "520324", "522427",  # 贵州
    "421126", "421127",  # 湖北
    "320582", "320581",  # 江苏
    "530381", "500228",  # 云南、重庆
)  # fmt: skip

# The ID number's 3-digit sequence has room for 1000 values per region and birth date.
# Each township's members get a block of its own below 940 (13 values each for Huzhou's
# 72), so two townships can never produce the same number; the sample workbooks use the
# values from 940, so their people are new in a database generated at any scale.
GENERATED_SEQUENCES = 940
SAMPLE_SEQUENCES = range(GENERATED_SEQUENCES, 1000)


def id_sequence_block(townships: int) -> int:
    """How many sequence values each of ``townships`` townships gets."""
    block = GENERATED_SEQUENCES // max(townships, 1)
    if block < 2:  # both sexes need a value
        raise ValueError(f"too many townships ({townships}) for distinct ID numbers")
    return block


# Mobile prefixes in use in China (移动, 联通, 电信, 广电).
PHONE_PREFIXES = (
    "130", "131", "132", "133", "134", "135", "136", "137", "138", "139", "150", "151",
    "152", "153", "155", "156", "157", "158", "159", "166", "173", "175", "176", "177",
    "178", "180", "181", "182", "183", "184", "185", "186", "187", "188", "189", "191",
    "198", "199",
)  # fmt: skip


@functools.cache
def _name_tables() -> tuple[list[str], list[float], tuple[str, ...], tuple[str, ...]]:
    """Faker zh_CN's surnames (with their weights) and given names by sex.

    Members are drawn from these tables with the stream's own Random rather than through
    Faker.name(): a call to Faker costs ~20 µs, which is 20 s at city scale.
    """
    provider = Faker("zh_CN").provider("faker.providers.person")
    assert provider is not None
    surnames: dict[str, float] = provider.last_names
    cumulative = list(itertools.accumulate(surnames.values()))
    male: tuple[str, ...] = tuple(provider.first_names_male)
    female: tuple[str, ...] = tuple(provider.first_names_female)
    return list(surnames), cumulative, male, female


def person_name(rng: random.Random, male: bool) -> str:
    surnames, cumulative, male_names, female_names = _name_tables()
    surname = surnames[bisect.bisect(cumulative, rng.random() * cumulative[-1])]
    given_names = male_names if male else female_names
    given = rng.choice(given_names)
    if len(given) == 1 and rng.random() < 0.45:
        # Faker's list is short; pairing single characters gives names like 张伟强.
        second = rng.choice(given_names)
        if len(second) == 1 and second != given:
            given += second
    return surname + given


def home_region(
    rng: random.Random, county_code: str, city_counties: tuple[str, ...], migrant_share: float
) -> str:
    u = rng.random()
    if u < migrant_share:
        return rng.choice(OTHER_PROVINCES)
    u = (u - migrant_share) / (1 - migrant_share)
    if u < 0.6:
        return county_code
    if u < 0.8:
        return rng.choice(city_counties)
    return rng.choice(ZHEJIANG_OTHER)


def birth_date(rng: random.Random, *, young: bool) -> date:
    """Born 1965–2005; new-form workers are younger on average."""
    start = date(1965, 1, 1)
    span = (date(2005, 12, 31) - start).days
    mode = 0.68 if young else 0.5
    return start + timedelta(days=int(rng.triangular(0, span, span * mode)))


def id_number(rng: random.Random, *, region: str, born: date, male: bool, block: range) -> str:
    """A valid GB 11643 number with a sequence from ``block`` (odd sequence = male)."""
    sequence = rng.choice(block)
    if (sequence % 2 == 1) != male:
        sequence += 1 if sequence + 1 < block.stop else -1
    return pii.id_number_compose(region, born, sequence)


def sample_id_number(rng: random.Random, *, region: str, born: date, male: bool) -> str:
    return id_number(rng, region=region, born=born, male=male, block=SAMPLE_SEQUENCES)


def phone(rng: random.Random) -> str:
    return rng.choice(PHONE_PREFIXES) + f"{rng.randrange(100_000_000):08d}"


# Credit codes: 9 (registered by market regulation) 1 (enterprise), the 6-digit county,
# 9 characters of the organisation code and the check character. The 9 characters are an
# affine bijection of (stream, index) modulo 31**9, so codes are unique by construction
# and look random; the seed moves the whole mapping.
_USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_SPACE = 31**9
_USCC_MULTIPLIER = 6_364_136_223_846_793  # not a multiple of 31, hence invertible
SAMPLE_USCC_STREAM = 1 << 10  # above any township index


@functools.cache
def _uscc_offset(seed: int) -> int:
    return random.Random(f"uscc:{seed}").randrange(_USCC_SPACE)


def uscc(*, county_code: str, stream: int, index: int, seed: int) -> str:
    n = (stream << 20) | index
    value = (n * _USCC_MULTIPLIER + _uscc_offset(seed)) % _USCC_SPACE
    chars = []
    for _ in range(9):
        value, digit = divmod(value, 31)
        chars.append(_USCC_CHARSET[digit])
    return pii.uscc_compose(f"91{county_code}{''.join(chars)}")
