"""Writes to regions and the union tree."""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Greatest

from gonghui.core.actors import Actor
from gonghui.core.audit import audit_record
from gonghui.core.jobs import JobProgress
from gonghui.core.models import Job
from gonghui.orgs.models import Region, Union


def china_division_dir() -> Path:
    return Path(settings.NODE_MODULES_DIR) / "china-division" / "dist"


def _read_csv(name: str) -> list[dict[str, str]]:
    path = china_division_dir() / name
    if not path.exists():
        raise ValidationError(
            f"找不到行政区划数据文件 {path}，请先运行 make setup（npm ci 安装 china-division）。",
            code="division_missing",
        )
    with path.open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


@transaction.atomic
def regions_load(*, city_code: str) -> dict[str, int]:
    """Load a city's regions (city, counties, townships) from npm `china-division`.

    Idempotent: rows are matched by code and renamed if the data changed.
    """
    cities = {row["code"]: row for row in _read_csv("cities.csv")}
    if city_code not in cities:
        raise ValidationError(f"未知的城市区划代码：{city_code}", code="unknown_city")
    city_row = cities[city_code]
    provinces = {row["code"]: row for row in _read_csv("provinces.csv")}
    province_row = provinces[city_row["provinceCode"]]

    def upsert(code: str, name: str, level: str, parent: Region | None) -> Region:
        region, _ = Region.objects.update_or_create(
            code=code, defaults={"name": name, "level": level, "parent": parent}
        )
        return region

    counts: Counter[str] = Counter()
    province = upsert(province_row["code"], province_row["name"], Region.Level.PROVINCE, None)
    city = upsert(city_code, city_row["name"], Region.Level.CITY, province)
    counts["city"] += 1
    counties: dict[str, Region] = {}
    for row in _read_csv("areas.csv"):
        if row["cityCode"] == city_code:
            counties[row["code"]] = upsert(row["code"], row["name"], Region.Level.COUNTY, city)
            counts["county"] += 1
    for row in _read_csv("streets.csv"):
        if row["cityCode"] == city_code and row["areaCode"] in counties:
            upsert(row["code"], row["name"], Region.Level.TOWNSHIP, counties[row["areaCode"]])
            counts["township"] += 1
    return dict(counts)


def union_name_for_region(region: Region) -> str:
    if region.level in (Region.Level.CITY, Region.Level.COUNTY):
        return f"{region.name}总工会"
    return f"{region.name}工会"


@transaction.atomic
def union_tree_build(*, city_code: str) -> dict[str, int]:
    """Build city → county → township unions from the loaded regions; codes are region codes.

    Idempotent: existing unions are found by code, missing ones added under their parent.
    """
    try:
        city_region = Region.objects.get(code=city_code, level=Region.Level.CITY)
    except Region.DoesNotExist as exc:
        raise ValidationError(
            f"尚未导入城市 {city_code} 的行政区划，请先运行 gonghui regions load --city {city_code}。",
            code="regions_missing",
        ) from exc
    counts: Counter[str] = Counter()

    def ensure(region: Region, level: str, parent: Union | None) -> Union:
        existing = Union.objects.filter(code=region.code).first()
        if existing is not None:
            return existing
        fields: dict[str, Any] = {
            "code": region.code,
            "name": union_name_for_region(region),
            "level": level,
            "region": region,
        }
        counts[level] += 1
        if parent is None:
            return Union.objects.add_root(fields)
        return Union.objects.add_child(parent, fields)

    city = ensure(city_region, Union.Level.CITY, None)
    for county_region in city_region.children.order_by("code"):
        county = ensure(county_region, Union.Level.COUNTY, city)
        for township_region in county_region.children.order_by("code"):
            ensure(township_region, Union.Level.TOWNSHIP, county)
    return dict(counts)


def next_child_code(parent: Union) -> str:
    """The next free code under a parent: the parent's code and a four-digit number."""
    width = len(parent.code) + 4
    codes = Union.objects.filter(code__startswith=parent.code).values_list("code", flat=True)
    numbers = [
        int(c[len(parent.code) :])
        for c in codes
        if len(c) == width and c[len(parent.code) :].isdigit()
    ]
    return f"{parent.code}{max(numbers, default=0) + 1:04d}"


@transaction.atomic
def union_create(
    *,
    actor: Actor,
    parent: Union,
    code: str,
    name: str,
    level: str,
    kind: str = Union.Kind.STANDARD,
    **extra: Any,
) -> Union:
    """Add a union under ``parent`` (the caller has checked the actor may act there)."""
    if Union.objects.filter(code=code).exists():
        raise ValidationError(f"工会代码 {code} 已存在。", code="union_code_taken")
    union = Union.objects.add_child(
        parent, {"code": code, "name": name, "level": level, "kind": kind, **extra}
    )
    if level == Union.Level.GRASSROOTS:
        # Keep the cached counts of every ancestor (and the new node) current.
        paths = [
            union.path[:end] for end in range(Union.steplen, len(union.path) + 1, Union.steplen)
        ]
        Union.objects.filter(path__in=paths).update(grassroots_count=F("grassroots_count") + 1)
        union.refresh_from_db(fields=["grassroots_count"])
    audit_record(actor=actor, action="union.create", obj=union, summary=f"新建{name}")
    return union


# Counts of other apps' records cached on the tree (members: active members per union),
# by Union field: a function giving (owning union path, count) rows. Registered by the app
# that owns the records, so the tree does not import it.
TreeCount = Callable[[], Iterable[tuple[str, int]]]
_TREE_COUNTS: dict[str, TreeCount] = {}


def union_count_register(field: str, rows: TreeCount) -> None:
    """Declare a cached subtree count: ``rows()`` gives (union path, own count) pairs, and
    ``union_counts_refresh`` adds each to the union's ancestors' ``field``."""
    Union._meta.get_field(field)  # fails early on a field the tree does not have
    _TREE_COUNTS[field] = rows


def union_counts_refresh(progress: JobProgress | None = None) -> dict[str, Any]:
    """Recompute every union's cached subtree counts (grassroots unions, and the counts
    other apps register: active members).

    One read of the tree and one grouped count per registered count; each is added to every
    ancestor by path prefix, so the work stays linear in the number of unions.
    """
    steplen = Union.steplen
    fields = ["grassroots_count", *_TREE_COUNTS]
    rows = list(Union.objects.order_by().values_list("pk", "path", "level", *fields))
    if progress:
        progress.set_total(len(rows))
    under: dict[str, Counter[str]] = {name: Counter() for name in fields}
    for _pk, path, level, *_ in rows:
        if level == Union.Level.GRASSROOTS:
            for end in range(steplen, len(path) + 1, steplen):
                under["grassroots_count"][path[:end]] += 1
    for name, count_rows in _TREE_COUNTS.items():
        for path, n in count_rows():
            for end in range(steplen, len(path) + 1, steplen):
                under[name][path[:end]] += n
    changed = 0
    batch = 1000
    for start in range(0, len(rows), batch):
        chunk = []
        for pk, path, _level, *stored in rows[start : start + batch]:
            fresh = [under[name][path] for name in fields]
            if list(stored) != fresh:
                chunk.append(Union(pk=pk, **dict(zip(fields, fresh, strict=True))))
        if chunk:
            Union.objects.bulk_update(chunk, fields)
        changed += len(chunk)
        if progress:
            progress.advance(len(rows[start : start + batch]))
    return {"工会总数": len(rows), "已更新": changed}


def union_counts_rebuild(job: Job, progress: JobProgress) -> dict[str, Any]:
    """The job form of union_counts_refresh."""
    return union_counts_refresh(progress)


def union_count_add(field: str, *, union_id: int, delta: int) -> None:
    """Keep a cached count of a union and its ancestors current after one change."""
    path = Union.objects.values_list("path", flat=True).get(pk=union_id)
    paths = [path[:end] for end in range(Union.steplen, len(path) + 1, Union.steplen)]
    # Never below zero: rows written outside the services (bulk demo data) can leave the
    # cache behind until the next refresh, and a negative count would fail its check.
    Union.objects.filter(path__in=paths).update(**{field: Greatest(F(field) + delta, Value(0))})
