"""Benchmark data: deterministic people, a small union tree, the roster workbook, and a member
table pre-filled in bulk (COPY on PostgreSQL, one-transaction executemany on SQLite).

Person ``i`` has a valid, distinct ID number for every i below 168 million. Existing members
are people 0..K-1 and import files hold people from NEW_PEOPLE_FROM on, so every row of an
import file is a new member while the de-duplication runs against a full table. Names,
phones, employment forms, join dates and unions follow from (i's file, seed).

Functions that touch the database or Django models expect django.setup() to have run.
"""

from __future__ import annotations

import itertools
import os
import random
from collections.abc import Iterable, Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, NamedTuple

NEW_PEOPLE_FROM = 10_000_000
HEADERS = ("姓名", "身份证号", "手机号码", "就业形态", "职业", "入会日期", "所属工会")
WORKBOOK_VERSION = 1  # part of the cache key: bump when the generated content changes

REGIONS = (
    "330502",
    "330503",
    "330521",
    "330522",
    "330523",
    "330102",
    "330106",
    "330212",
    "340102",
    "320106",
)
BIRTH_DAYS = 16_800  # 1960-01-01 to 2005-12-31
BIRTHS = [date(1960, 1, 1) + timedelta(days=d) for d in range(BIRTH_DAYS)]
JOIN_DAYS = [date(2000, 1, 1) + timedelta(days=d) for d in range(9131)]  # to 2024-12-31
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余于杜叶程魏苏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方邹熊白孟秦邱侯江尹薛闫段雷龙黎史陶贺毛郝顾龚邵万覃武钱戴严莫孔向常汤康易乔赖文"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红建文辉力波宁凯鹏飞俊峰斌晨浩宇欣怡佳琪子涵梓萱诗雨晓东海燕春兰志国永林荣琳婷倩雪梅慧颖健鑫亮"
FORM_STANDARD, FORM_NEW = "标准劳动关系", "新就业形态"
OCCUPATION_LABELS = (
    "货车司机",
    "快递员",
    "护理员",
    "家政服务员",
    "商场信息员",
    "网约送餐员",
    "房产中介员",
    "保安员",
    "网约车司机",
)

# The union tree: a city, 5 counties, 2 townships each, 3 grassroots unions per township.
CITY = ("3305", "湖州市总工会")
COUNTIES = (
    ("330502", "吴兴区"),
    ("330503", "南浔区"),
    ("330521", "德清县"),
    ("330522", "长兴县"),
    ("330523", "安吉县"),
)
IMPORT_UNION = "330502001"  # the township the benchmark imports into
IMPORT_TARGETS = tuple(f"{IMPORT_UNION}{g:02d}" for g in (1, 2, 3))  # its grassroots unions


class Person(NamedTuple):
    name: str
    id18: str
    phone: str  # "" for none
    form: str  # the label, as a user writes it
    occupation: str  # label or ""
    join_date: date | None
    union: str  # a union code, or "" (the import's own union)


def id_number(i: int) -> str:
    from gonghui.core import pii

    region = REGIONS[i % len(REGIONS)]
    rest = i // len(REGIONS)
    sequence = rest // BIRTH_DAYS
    if sequence > 999:
        raise ValueError(f"person {i} is beyond the ID numbers this generator can make")
    return pii.id_number_compose(region, BIRTHS[rest % BIRTH_DAYS], sequence)


def people(start: int, count: int, seed: int) -> Iterator[Person]:
    """People start..start+count-1; the same arguments give the same people."""
    rng = random.Random(f"{seed}:{start}:{count}")
    rand, choice = rng.random, rng.choice
    for i in range(start, start + count):
        name = choice(SURNAMES) + choice(GIVEN) + (choice(GIVEN) if rand() < 0.7 else "")
        phone = "" if rand() < 0.05 else f"1{choice('3456789')}{rng.randrange(10**9):09d}"
        if rand() < 0.2:
            form, occupation = FORM_NEW, choice(OCCUPATION_LABELS)
        else:
            form, occupation = FORM_STANDARD, ""
        joined = None if rand() < 0.05 else choice(JOIN_DAYS)
        union = "" if rand() < 0.3 else choice(IMPORT_TARGETS)
        yield Person(name, id_number(i), phone, form, occupation, joined, union)


# -- the workbook ---------------------------------------------------------------------------


def workbook_path(cache_dir: Path, start: int, count: int, seed: int) -> Path:
    return cache_dir / f"members-v{WORKBOOK_VERSION}-from{start}-n{count}-seed{seed}.xlsx"


def write_workbook(path: Path, start: int, count: int, seed: int) -> Path:
    """The roster as users send it: headers on row 1, ID numbers and phones as text cells,
    join dates as date cells, blanks left empty. Streams (xlsxwriter constant_memory)."""
    import xlsxwriter

    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(f".{os.getpid()}.partial")
    book = xlsxwriter.Workbook(
        str(partial),
        {"constant_memory": True, "strings_to_numbers": False, "strings_to_urls": False},
    )
    ws = book.add_worksheet("会员名册")
    day = book.add_format({"num_format": "yyyy-mm-dd"})
    for col, header in enumerate(HEADERS):
        ws.write_string(0, col, header)
    text = ws.write_string
    for row, p in enumerate(people(start, count, seed), start=1):
        text(row, 0, p.name)
        text(row, 1, p.id18)
        if p.phone:
            text(row, 2, p.phone)
        text(row, 3, p.form)
        if p.occupation:
            text(row, 4, p.occupation)
        if p.join_date:
            ws.write_datetime(row, 5, p.join_date, day)
        if p.union:
            text(row, 6, p.union)
    book.close()
    os.replace(partial, path)
    return path


# -- the database ---------------------------------------------------------------------------


def build_tree() -> dict[str, int]:
    """The union tree; returns union id by code."""
    from gonghui.orgs.models import Union

    city = Union.objects.add_root({"code": CITY[0], "name": CITY[1], "level": Union.Level.CITY})
    for code, place in COUNTIES:
        county = Union.objects.add_child(
            city, {"code": code, "name": f"{place}总工会", "level": Union.Level.COUNTY}
        )
        for t in (1, 2):
            township = Union.objects.add_child(
                county,
                {
                    "code": f"{code}{t:03d}",
                    "name": f"{place}第{t}街道工会",
                    "level": Union.Level.TOWNSHIP,
                },
            )
            for g in (1, 2, 3):
                Union.objects.add_child(
                    township,
                    {
                        "code": f"{code}{t:03d}{g:02d}",
                        "name": f"{place}第{t}街道第{g}基层工会",
                        "level": Union.Level.GRASSROOTS,
                    },
                )
    return dict(Union.objects.values_list("code", "id"))


def member_columns() -> list[str]:
    """The member table's columns except the primary key, in table order."""
    from gonghui.members.models import Member

    return [str(f.column) for f in Member._meta.concrete_fields if not f.primary_key]


def column_defaults(columns: list[str], provided: Iterable[str]) -> dict[str, Any]:
    """The value of each column the caller does not provide: its default, else NULL. Fails
    clearly on a NOT NULL column without a default, so a new model field is noticed."""
    from gonghui.members.models import Member

    fields = {f.column: f for f in Member._meta.concrete_fields}
    given = set(provided)
    defaults: dict[str, Any] = {}
    for column in columns:
        if column in given:
            continue
        field = fields[column]
        if field.null and not field.has_default():
            defaults[column] = None
        elif field.has_default() or field.empty_strings_allowed:
            defaults[column] = field.get_default()  # the default, or "" for text
        else:
            raise RuntimeError(f"the benchmark does not fill the NOT NULL column {column}")
    return defaults


def existing_member_rows(
    count: int, seed: int, union_ids: list[int], columns: list[str], chunk: int = 20_000
) -> Iterator[tuple[Any, ...]]:
    """Stored rows of people 0..count-1, computed as MemberSheet computes them (AES-GCM
    ciphers sealed to their rows, keyed hashes, masks and derived fields), in ``columns``
    order (which starts with the primary key, drawn here as the import draws it).

    The keys are drawn now, before the rows are written: on PostgreSQL the rows go in by
    COPY, and the connection can run no other statement until it ends."""
    from gonghui.core.bulk import ids_reserve
    from gonghui.members.models import Member

    return _member_rows(ids_reserve(Member, count), seed, union_ids, columns, chunk)


def _member_rows(
    all_pks: list[int], seed: int, union_ids: list[int], columns: list[str], chunk: int
) -> Iterator[tuple[Any, ...]]:
    from django.utils import timezone

    from gonghui.members.identity import IDENTITY_FIELDS, member_identities
    from gonghui.members.models import EmploymentForm, JoinChannel, Member, Occupation

    now = timezone.now()
    occupation_of = {label: code for code, label in Occupation.choices}
    base = {
        "employer_name": "",
        "employer_uscc": "",
        "skill_grade": None,
        "join_channel": JoinChannel.IMPORT.value,
        "mass_enrollment_id": None,
        "status": Member.Status.ACTIVE.value,
        "left_on": None,
        "created_at": now,
        "updated_at": now,
    }
    provided = [
        *base,
        "id",
        "union_id",
        "name",
        "id_cipher",
        "id_hash",
        "id_masked",
        "sex",
        "birth_date",
        "home_region_code",
        "phone_cipher",
        "phone_hash",
        "phone_masked",
        "employment_form",
        "occupation",
        "join_date",
    ]
    base.update(column_defaults(columns, provided))
    count = len(all_pks)
    source = people(0, count, seed)
    done = 0
    while done < count:
        batch = list(itertools.islice(source, chunk))
        pks = all_pks[done : done + len(batch)]
        done += len(batch)
        identities = member_identities(pks, [p.id18 for p in batch], [p.phone for p in batch])
        for n, (pk, p, identity) in enumerate(zip(pks, batch, identities, strict=True)):
            values = {
                **base,
                "id": pk,
                "union_id": union_ids[(done + n) % len(union_ids)],
                "name": p.name,
                **dict(zip(IDENTITY_FIELDS, identity, strict=True)),
                "employment_form": (
                    EmploymentForm.NEW_FORM.value
                    if p.form == FORM_NEW
                    else EmploymentForm.STANDARD.value
                ),
                "occupation": occupation_of.get(p.occupation, ""),
                "join_date": p.join_date or date(2020, 1, 1),
            }
            yield tuple(values[c] for c in columns)


def bulk_insert(
    table: str, columns: list[str], rows: Iterable[tuple[Any, ...]], *, convert: bool = True
) -> None:
    """The fastest way each database takes rows, in the caller's transaction: COPY on
    PostgreSQL; on SQLite, executemany on the raw connection (no per-row Django work).

    On SQLite, dates and datetimes must arrive as the text Django stores (ISO dates, naive UTC
    datetimes): with ``convert`` this rewrites each row's date and datetime values; without,
    the caller hands them over that way (sqlite3's own adapter turns a date into ISO text).
    """
    from django.db import connection

    quote = connection.ops.quote_name
    names = ", ".join(quote(c) for c in columns)
    if connection.vendor == "postgresql":
        copy_sql = f"COPY {quote(table)} ({names}) FROM STDIN"
        with connection.cursor() as cursor, cursor.cursor.copy(copy_sql) as copy:
            for row in rows:
                copy.write_row(row)
        return
    if connection.vendor != "sqlite":
        raise RuntimeError(f"no bulk writer for {connection.vendor}")
    connection.ensure_connection()
    marks = ", ".join("?" * len(columns))
    connection.connection.executemany(
        f"INSERT INTO {quote(table)} ({names}) VALUES ({marks})",
        _sqlite_values(rows) if convert else rows,
    )


def _sqlite_values(rows: Iterable[tuple[Any, ...]]) -> Iterator[tuple[Any, ...]]:
    from datetime import UTC

    for row in rows:
        if any(isinstance(v, date) for v in row):
            row = tuple(
                (
                    v.astimezone(UTC).replace(tzinfo=None).isoformat(" ")
                    if isinstance(v, datetime) and v.tzinfo
                    else v.isoformat(" ")
                    if isinstance(v, datetime)
                    else v.isoformat()
                    if isinstance(v, date)
                    else v
                )
                for v in row
            )
        yield row


def prefill(count: int, seed: int) -> dict[str, Any]:
    """Migrate, build the tree and store ``count`` existing members; returns what it did."""
    import time

    from django.core.management import call_command
    from django.db import connection, transaction

    from gonghui.members.models import Member
    from gonghui.orgs.models import Union

    began = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    migrated = time.perf_counter()
    with transaction.atomic():
        union_of = build_tree()
    holding = list(
        Union.objects.filter(level__in=(Union.Level.GRASSROOTS, Union.Level.TOWNSHIP)).values_list(
            "id", flat=True
        )
    )
    columns = ["id", *member_columns()]
    with transaction.atomic():
        bulk_insert(
            Member._meta.db_table, columns, existing_member_rows(count, seed, holding, columns)
        )
    filled = time.perf_counter()
    with connection.cursor() as cursor:
        # A production table has statistics; without them the planner guesses.
        cursor.execute("ANALYZE")
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    stored = Member.objects.count()
    if stored != count:
        raise RuntimeError(f"pre-fill stored {stored} members, expected {count}")
    return {
        "existing": count,
        "unions": len(union_of),
        "migrate_s": round(migrated - began, 1),
        "prefill_s": round(filled - migrated, 1),
        "prefill_rows_per_s": round(count / max(filled - migrated, 1e-9)),
    }
