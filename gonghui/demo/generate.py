"""Writing the demo data: `gonghui demo-data --scale tiny|small|city [--seed N]`.

The plan (plan.py, roster.py) decides every record from the seed; this module writes what
is missing, in bulk, one transaction per group of townships. Records are matched by their
natural keys (union code, enterprise credit code, member ID hash), so a second run adds
nothing, and a run that was stopped half-way is completed by the next.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from gonghui.core import pii
from gonghui.core.bulk import ids_reserve
from gonghui.core.jobs import JobProgress
from gonghui.core.models import Job
from gonghui.demo.plan import (
    SCALES,
    Scale,
    Township,
    TownshipPlan,
    township_plan,
    townships_plan,
)
from gonghui.demo.roster import EventPlan, MemberSpec, mass_enrollments_plan, township_members
from gonghui.demo.samples import SampleFile, samples_write
from gonghui.demo.tree import unions_bulk_append
from gonghui.members.identity import IDENTITY_FIELDS, member_identities
from gonghui.members.models import MassEnrollment, Member
from gonghui.orgs.formation import formation_tasks_open
from gonghui.orgs.models import Enterprise, Region, Union
from gonghui.orgs.services import regions_load, union_counts_rebuild, union_tree_build

BATCH = 2000
COMMIT_MEMBERS = 100_000
# The day the generated worklist was drawn up (列入日期), fixed so that runs agree.
FORMATION_LISTED_ON = date(2023, 1, 1)
# Claims paid since this day keep their (placeholder) documents, as those still open do.
EVENTS_RECENT_FROM = date(2023, 6, 1)

Log = Callable[[str], None]


@dataclass
class DemoDataResult:
    scale: str
    seed: int
    regions: dict[str, int] = field(default_factory=dict)
    tree: dict[str, int] = field(default_factory=dict)
    unions: int = 0
    enterprises: int = 0
    members: int = 0
    mass_enrollments: int = 0
    formation_tasks: int = 0
    samples: list[SampleFile] = field(default_factory=list)
    aid: dict[str, int] = field(default_factory=dict)
    events: dict[str, int] = field(default_factory=dict)
    activities: int = 0
    sites: int = 0
    competitions: int = 0
    wage_contracts: int = 0
    congress_sessions: int = 0
    dues_reliefs: int = 0
    expenditures: int = 0
    leases: int = 0
    care: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


def city_townships(city_code: str, *, seed: int) -> list[Township]:
    """The city's township unions as planning input (code order)."""
    city = Union.objects.select_related("region").get(code=city_code)
    city_name = city.region.name if city.region else city.name.removesuffix("总工会")
    rows = (
        Union.objects.filter(
            path__startswith=city.path, level=Union.Level.TOWNSHIP, region__isnull=False
        )
        .order_by()
        .values_list("code", "region__name", "region__parent__code", "region__parent__name")
    )
    return townships_plan(
        [
            (code, name, county or "", county_name or "", city_name)
            for code, name, county, county_name in rows
        ],
        seed=seed,
    )


def tree_ensure(city_code: str) -> tuple[dict[str, int], dict[str, int]]:
    """Load the regions and build the county and township unions if they are missing."""
    township_regions = Region.objects.filter(
        level=Region.Level.TOWNSHIP, code__startswith=city_code
    ).count()
    township_unions = Union.objects.filter(
        level=Union.Level.TOWNSHIP, code__startswith=city_code
    ).count()
    if township_regions and township_unions == township_regions:
        return {}, {}
    return regions_load(city_code=city_code), union_tree_build(city_code=city_code)


def demo_data_generate(
    *,
    city_code: str,
    scale: str,
    seed: int = 2023,
    log: Log | None = None,
    samples: bool = True,
    samples_dir: Path | None = None,
) -> DemoDataResult:
    """Generate the demo data of a scale; safe to run again (adds only what is missing).

    The sample import workbooks go to ``samples_dir`` (default var/samples/)."""
    started = time.monotonic()
    say: Log = log or (lambda _line: None)
    spec = SCALES[scale]
    result = DemoDataResult(scale=scale, seed=seed)
    result.regions, result.tree = tree_ensure(city_code)
    if result.tree:
        say(f"已导入行政区划，新建区县、乡镇（街道）工会 {sum(result.tree.values())} 个。")
    _sqlite_cache_grow()
    townships = city_townships(city_code, seed=seed)
    township_unions = {
        u.code: u
        for u in Union.objects.filter(code__in=[t.code for t in townships]).only(
            "id", "code", "path", "depth", "numchild", "region_id"
        )
    }
    events = mass_enrollments_plan(
        townships, per_county=spec.mass_enrollments_per_county, seed=seed
    )
    event_ids, result.mass_enrollments = _mass_enrollments_ensure(events, township_unions)
    # Every union of the city by code: planned unions found here are not created again.
    union_ids = dict(Union.objects.filter(code__startswith=city_code).values_list("code", "pk"))
    today = timezone.localdate()
    done = 0
    for group in _commit_groups(townships, spec):
        # One transaction per group of townships, a few queries per table each: the
        # member table's indexes on hashes are in random order, so every commit rewrites
        # pages all over them, and fewer, larger commits write each page fewer times.
        plans = [township_plan(t, scale=spec, seed=seed) for t in group]
        with transaction.atomic():
            new_unions = _unions_write(plans, township_unions, union_ids)
            new_enterprises = _enterprises_write(plans, union_ids, township_unions)
            new_members = _members_write(
                (
                    _prepare(township_members(plan, events=events, seed=seed, today=today))
                    for plan in plans
                ),
                union_ids,
                event_ids,
            )
        result.unions += new_unions
        result.enterprises += new_enterprises
        result.members += new_members
        done += len(group)
        first, last = group[0], group[-1]
        say(
            f"[{done:>2}/{len(townships)}] {first.county_name}{first.name}"
            f"—{last.county_name}{last.name}：新建工会 {new_unions}，企业 {new_enterprises}，"
            f"会员 {new_members}（用时 {time.monotonic() - started:.1f} 秒）"
        )
    city = Union.objects.get(code=city_code)
    result.formation_tasks = formation_tasks_open(
        enterprises=Enterprise.objects.filter(owner_union__path__startswith=city.path),
        on=min(today, FORMATION_LISTED_ON),
    )
    say(f"应建未建任务：新列入 {result.formation_tasks} 家。")
    from gonghui.demo.aid import aid_demo_generate
    from gonghui.demo.events import demo_events_write
    from gonghui.demo.seed_figures import demo_targets_set, seed_calibrate

    goal = seed_calibrate(city=city, members=spec.members, seed=seed, log=say)
    result.aid = aid_demo_generate(city_code=city_code, seed=seed, log=say, goal=goal)
    result.events = demo_events_write(
        city=city, seed=seed, members=spec.members, log=say, recent_from=EVENTS_RECENT_FROM
    )
    from gonghui.demo.activities import activities_demo_write

    result.activities = activities_demo_write(city=city, goal=goal, seed=seed, log=say)
    from gonghui.demo.sites import sites_demo_write

    result.sites = sites_demo_write(city=city, goal=goal, members=spec.members, seed=seed, log=say)
    from gonghui.demo.skills import skills_demo_write

    result.competitions = skills_demo_write(city=city, goal=goal, seed=seed, log=say)
    from gonghui.demo.wages import (
        assets_demo_write,
        democracy_demo_write,
        funds_demo_write,
        relief_demo_write,
        wages_demo_write,
    )

    result.wage_contracts = wages_demo_write(city=city, goal=goal, seed=seed, log=say)
    result.congress_sessions = democracy_demo_write(city=city, seed=seed, log=say)
    result.dues_reliefs = relief_demo_write(city=city, goal=goal, seed=seed, log=say)
    result.expenditures = funds_demo_write(city=city, goal=goal, seed=seed, log=say)
    result.leases = assets_demo_write(city=city, seed=seed, log=say)
    from gonghui.demo.care import care_demo_write

    result.care = care_demo_write(city=city, goal=goal, seed=seed, log=say)
    # After the moves and leaves, written in bulk: each member's periods from their row and
    # events, and the tree's cached member counts of today.
    from gonghui.members.periods import periods_rebuild

    periods_rebuild()
    counts_rebuild(city)
    demo_targets_set(city=city, year=2023, log=say)
    from gonghui.demo.programmes import programmes_demo_load

    programmes_demo_load(city=city)
    # Every record above was noted by the facts' triggers: counting everything once is
    # cheaper than taking those notes union by union.
    from gonghui.core.indicators.facts import facts_rebuild

    say("指标事实表重算……")
    facts_rebuild()
    if samples:
        result.samples = samples_write(
            townships=townships,
            seed=seed,
            out_dir=samples_dir or Path(settings.VAR_DIR) / "samples",
        )
    for sample in result.samples:
        say(f"样例表格：{sample.path}（{sample.rows} 行，其中错误行 {len(sample.bad_rows)}）")
    result.seconds = time.monotonic() - started
    return result


def _commit_groups(townships: list[Township], scale: Scale) -> list[list[Township]]:
    """Consecutive townships holding about COMMIT_MEMBERS planned members each."""
    groups: list[list[Township]] = [[]]
    planned = 0
    for township in townships:
        if planned >= COMMIT_MEMBERS:
            groups.append([])
            planned = 0
        groups[-1].append(township)
        planned += int(scale.members / len(townships) * township.weight)
    return groups


@dataclass
class _Prepared:
    """Members with their hashes (their ciphertexts are sealed to rows when written)."""

    members: list[MemberSpec]
    id_hashes: list[str]
    phone_hashes: list[str]


def _prepare(members: list[MemberSpec]) -> _Prepared:
    indexer = pii.id_indexer()
    ids = [m.id_number for m in members]
    phones = [m.phone for m in members if m.phone]
    phone_hashes = iter(indexer.digest_many(phones))
    return _Prepared(
        members=members,
        id_hashes=indexer.digest_many(ids),
        phone_hashes=[next(phone_hashes) if m.phone else "" for m in members],
    )


def _sqlite_cache_grow() -> None:
    # SQLite's default page cache is 2 MB; the member table's random-order indexes (ID and
    # phone hashes, names) then miss it on nearly every insert at city scale. The setting
    # lasts for this connection only.
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size = -262144")  # KiB: 256 MB


def counts_rebuild(city: Union) -> dict[str, Any]:
    """Rebuild the cached union counts as a recorded job, as the 组织树 page does."""
    job = Job.objects.create(kind="union_counts_rebuild", label="重建工会组织树统计数", union=city)
    counts = union_counts_rebuild(job, JobProgress(job))
    Job.objects.filter(pk=job.pk).update(state=Job.State.DONE, result=counts)
    return counts


def _mass_enrollments_ensure(
    events: list[EventPlan], township_unions: dict[str, Union]
) -> tuple[dict[EventPlan, int], int]:
    ids: dict[EventPlan, int] = {}
    created = 0
    for event in events:
        union = township_unions[event.township_code]
        row, was_created = MassEnrollment.objects.get_or_create(
            union=union,
            name=event.name,
            defaults={"held_on": event.held_on, "location": event.location},
        )
        ids[event] = row.pk
        created += was_created
    return ids, created


def _unions_write(
    plans: list[TownshipPlan], township_unions: dict[str, Union], union_ids: dict[str, int]
) -> int:
    """Create the planned grassroots unions not stored yet; ``union_ids`` (code -> key of
    every union of the city) gains the new ones. Returns how many were created."""
    missing: dict[Union, list[Union]] = {}
    for plan in plans:
        township = township_unions[plan.township.code]
        missing[township] = [
            Union(
                code=u.code,
                name=u.name,
                level=Union.Level.GRASSROOTS,
                kind=u.kind,
                region_id=township.region_id,
                established_on=u.established_on,
                chair=u.chair,
            )
            for u in plan.unions
            if u.code not in union_ids
        ]
    created = unions_bulk_append(missing)
    if any(u.pk is None for u in created):  # a backend that returns no keys
        codes = [u.code for u in created]
        created = list(Union.objects.filter(code__in=codes).only("pk", "code"))
    union_ids.update((u.code, u.pk) for u in created)
    return len(created)


def _enterprises_write(
    plans: list[TownshipPlan], union_ids: dict[str, int], township_unions: dict[str, Union]
) -> int:
    planned = [(plan, e) for plan in plans for e in plan.enterprises]
    created = 0
    for start in range(0, len(planned), BATCH):
        batch = planned[start : start + BATCH]
        existing = set(
            Enterprise.objects.filter(uscc__in=[e.uscc for _, e in batch]).values_list(
                "uscc", flat=True
            )
        )
        rows = []
        for plan, e in batch:
            if e.uscc in existing:
                continue
            township = township_unions[plan.township.code]
            union_id = union_ids[e.union.code] if e.union is not None else None
            rows.append(
                Enterprise(
                    name=e.name,
                    uscc=e.uscc,
                    region_id=township.region_id,
                    industry=e.industry,
                    employee_count=e.employee_count,
                    is_above_scale=e.is_above_scale,
                    is_reform_pilot=e.is_reform_pilot,
                    is_platform_lead=e.is_platform_lead,
                    union_id=union_id,
                    owner_union_id=union_id or township.pk,
                )
            )
        Enterprise.objects.bulk_create(rows)
        created += len(rows)
    return created


# The member columns filled per row, in this order; any other column gets its default.
MEMBER_COLUMNS = (
    "id", "union", "name", *IDENTITY_FIELDS, "employer_name",
    "employer_uscc", "employment_form", "occupation", "skill_grade", "join_date", "join_channel",
    "mass_enrollment", "created_at", "updated_at",
)  # fmt: skip


def _member_insert() -> tuple[str, tuple[Any, ...]]:
    """An INSERT of Member rows and the values of the columns left to their defaults.

    Members go in through executemany rather than bulk_create: building a model instance
    and preparing each field through the ORM costs ~80 µs a row, three quarters of the
    time at city scale, while the database itself needs a fraction of that.
    """
    fields = {f.name: f for f in Member._meta.concrete_fields}
    rest = [f for name, f in fields.items() if name not in MEMBER_COLUMNS]
    ordered = [fields[name] for name in MEMBER_COLUMNS] + rest
    columns: list[str] = []
    for f in ordered:
        assert f.column is not None  # concrete fields have one
        columns.append(connection.ops.quote_name(f.column))
    sql = (
        f"INSERT INTO {connection.ops.quote_name(Member._meta.db_table)} "
        f"({', '.join(columns)}) "
        f"VALUES ({', '.join(['%s'] * len(ordered))})"
    )
    defaults = tuple(f.get_db_prep_save(f.get_default(), connection) for f in rest)
    return sql, defaults


def _members_write(
    townships: Iterable[_Prepared], union_ids: dict[str, int], event_ids: dict[EventPlan, int]
) -> int:
    """Insert the members not yet stored (by ID hash), in batches across townships."""
    sql, defaults = _member_insert()
    now = Member._meta.get_field("created_at").get_db_prep_save(timezone.now(), connection)
    created = 0
    pending: list[tuple[_Prepared, int]] = []

    def flush() -> None:
        nonlocal created
        existing = set(
            Member.objects.filter(id_hash__in=[p.id_hashes[i] for p, i in pending]).values_list(
                "id_hash", flat=True
            )
        )
        new = [(p, i) for p, i in pending if p.id_hashes[i] not in existing]
        # Each ciphertext is sealed to its row: the rows' keys are drawn first.
        pks = ids_reserve(Member, len(new))
        identities = member_identities(
            pks,
            [p.members[i].id_number for p, i in new],
            [p.members[i].phone for p, i in new],
            id_hashes=[p.id_hashes[i] for p, i in new],
            phone_hashes=[p.phone_hashes[i] for p, i in new],
        )
        rows = []
        for pk, (p, i), identity in zip(pks, new, identities, strict=True):
            m = p.members[i]
            rows.append(
                (
                    pk,
                    union_ids[m.union_code],
                    m.name,
                    *identity,
                    m.employer_name,
                    m.employer_uscc,
                    m.employment_form,
                    m.occupation,
                    m.skill_grade,
                    m.join_date,
                    m.join_channel,
                    event_ids[m.event] if m.event is not None else None,
                    now,
                    now,
                    *defaults,
                )
            )
        if rows:
            with connection.cursor() as cursor:
                cursor.executemany(sql, rows)
        created += len(rows)
        pending.clear()

    for prepared in townships:
        for i in range(len(prepared.members)):
            pending.append((prepared, i))
            if len(pending) >= BATCH:
                flush()
    if pending:
        flush()
    return created
