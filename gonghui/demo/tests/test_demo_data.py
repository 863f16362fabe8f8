"""The demo-data generator at tiny scale: content, determinism, the tree, the samples."""

from __future__ import annotations

import dataclasses
import json
from collections import Counter
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction
from django.test import override_settings
from pytest_django.fixtures import Settings

from gonghui.activities.models import (
    Activity,
    FollowUp,
    JobFair,
    Partnership,
    ResearchVisit,
    ShowcaseCase,
    SupervisionVisit,
)
from gonghui.aid.models import MutualAidClaim, MutualAidEnrollment, ReliefApplication
from gonghui.core import pii
from gonghui.core.actors import SystemActor
from gonghui.core.models import Job
from gonghui.core.workflow.models import PayoutBatch, PayoutItem, ReviewEntry
from gonghui.demo.generate import DemoDataResult, demo_data_generate
from gonghui.demo.plan import SCALES, first_unions, township_plan, townships_plan
from gonghui.members.models import EmploymentForm, MassEnrollment, Member
from gonghui.members.services import member_import
from gonghui.orgs.formation import should_form_q
from gonghui.orgs.models import Enterprise, FormationTask, Union
from gonghui.orgs.services import regions_load, union_tree_build
from gonghui.orgs.sheets import enterprise_import
from gonghui.sites.models import Site

CITY = "3305"
COUNTIES = {"330502", "330503", "330521", "330522", "330523"}


def generate(tmp_path: Path, *, samples: bool = False) -> DemoDataResult:
    return demo_data_generate(
        city_code=CITY, scale="tiny", seed=2023, samples=samples, samples_dir=tmp_path
    )


@pytest.fixture(scope="module")
def _tiny_built(
    django_db_setup: None, django_db_blocker: Any, tmp_path_factory: Any
) -> Iterator[tuple[Path, DemoDataResult]]:
    """The tiny demo, generated once for the module (it takes seconds) inside a transaction
    rolled back after the module's last test; each test runs in a savepoint of it (the
    ``db`` fixture), so no test sees another's writes."""
    root = tmp_path_factory.mktemp("tiny")
    files = {
        "MEDIA_ROOT": root / "media",
        "GONGHUI_PRIVATE_ROOT": root / "private",
        "GONGHUI_JOB_PROGRESS_DIR": root / "jobs",
    }
    with django_db_blocker.unblock(), override_settings(**files), transaction.atomic():
        regions_load(city_code=CITY)
        union_tree_build(city_code=CITY)
        yield root, generate(root)
        transaction.set_rollback(True)


@pytest.fixture
def tiny(_tiny_built: tuple[Path, DemoDataResult], db: None, settings: Settings) -> DemoDataResult:
    root, result = _tiny_built
    # The photos and documents the generator wrote are where the module's data says.
    settings.MEDIA_ROOT = root / "media"
    settings.GONGHUI_PRIVATE_ROOT = root / "private"
    settings.GONGHUI_JOB_PROGRESS_DIR = root / "jobs"
    return result


def test_tiny_scale_fills_every_county_with_members_of_holding_unions(
    tiny: DemoDataResult,
) -> None:
    assert 1500 <= tiny.members <= 2500
    assert tiny.members == Member.objects.count()
    per_county = Counter(code[:6] for code in Member.objects.values_list("union__code", flat=True))
    assert set(per_county) == COUNTIES
    assert set(Member.objects.values_list("union__level", flat=True)) == {
        Union.Level.GRASSROOTS,
        Union.Level.TOWNSHIP,
    }
    # Most are members; some left in 2022 or 2023 (退会), with their events.
    assert set(Member.objects.values_list("status", flat=True)) == {
        Member.Status.ACTIVE,
        Member.Status.LEFT,
    }
    new_form = Member.objects.filter(employment_form=EmploymentForm.NEW_FORM)
    assert 0.05 < new_form.count() / tiny.members < 0.15
    assert not new_form.filter(occupation="").exists()
    assert Member.objects.filter(mass_enrollment__isnull=False).exists()
    assert MassEnrollment.objects.count() == tiny.mass_enrollments == 10
    # Every township has grassroots unions; codes are the township's code and 4 digits.
    for township in Union.objects.filter(level=Union.Level.TOWNSHIP):
        codes = list(
            Union.objects.filter(path__startswith=township.path, depth=4).values_list(
                "code", flat=True
            )
        )
        assert codes
        assert all(c.startswith(township.code) and len(c) == len(township.code) + 4 for c in codes)
    assert Union.objects.filter(kind=Union.Kind.JOINT).exists()
    # The cached counts were rebuilt, as a recorded job.
    assert Job.objects.filter(kind="union_counts_rebuild", state=Job.State.DONE).exists()
    city = Union.objects.get(code=CITY)
    assert city.grassroots_count == Union.objects.filter(level=Union.Level.GRASSROOTS).count()


def _holds(value: object, text: str) -> bool:
    if isinstance(value, bytes | memoryview):
        return text.encode() in bytes(value)
    return text in str(value)


def test_id_numbers_are_stored_only_encrypted_and_valid(tiny: DemoDataResult) -> None:
    id_cipher = pii.column_cipher(Member.id_cipher)
    phone_cipher = pii.column_cipher(Member.phone_cipher)
    indexer = pii.id_indexer()
    for row in Member.objects.values():
        id18 = id_cipher.decrypt(row["id"], row["id_cipher"])
        assert pii.normalize_id_number(id18) == id18
        assert row["id_hash"] == indexer.digest(id18)
        assert row["id_masked"] == pii.mask_id_number(id18)
        assert row["birth_date"] == pii.id_birth_date(id18)
        phone = phone_cipher.decrypt(row["id"], row["phone_cipher"]) if row["phone_cipher"] else ""
        for value in row.values():
            assert not _holds(value, id18)
            assert not phone or not _holds(value, phone)


def test_enterprises_have_valid_codes_and_uncovered_ones_are_on_the_worklist(
    tiny: DemoDataResult,
) -> None:
    rows = list(
        Enterprise.objects.values_list(
            "uscc", "region__parent__code", "union_id", "owner_union_id", "region_id"
        )
    )
    assert len(rows) == tiny.enterprises
    townships = dict(
        Union.objects.filter(level=Union.Level.TOWNSHIP).values_list("region_id", "pk")
    )
    for uscc, county, union_id, owner_id, region_id in rows:
        assert pii.normalize_uscc(uscc) == uscc
        assert uscc.startswith(f"91{county}")
        assert owner_id == (union_id or townships[region_id])
    open_tasks = FormationTask.objects.filter(status=FormationTask.Status.OPEN)
    assert open_tasks.count() == tiny.formation_tasks > 0
    assert not open_tasks.filter(enterprise__union__isnull=False).exists()
    uncovered = Enterprise.objects.filter(should_form_q(), union__isnull=True)
    assert set(open_tasks.values_list("enterprise_id", flat=True)) == set(
        uncovered.values_list("pk", flat=True)
    )
    assert Enterprise.objects.filter(is_platform_lead=True).count() >= 5


def test_bulk_built_tree_is_sound_and_add_child_still_appends(tiny: DemoDataResult) -> None:
    assert Union.objects.find_problems() == ([], [], [], [], [])
    township = Union.objects.get(code="330502001")
    before = township.numchild
    assert before >= 3
    added = Union.objects.add_child(
        township, {"code": "3305020019000", "name": "新建工会", "level": Union.Level.GRASSROOTS}
    )
    last_before = (
        Union.objects.filter(path__startswith=township.path, depth=4)
        .exclude(pk=added.pk)
        .order_by("-path")
        .first()
    )
    assert last_before is not None and added.path > last_before.path
    assert Union.objects.get(pk=township.pk).numchild == before + 1
    assert Union.objects.find_problems() == ([], [], [], [], [])


def test_same_seed_gives_the_same_records_and_a_rerun_adds_nothing(
    tiny: DemoDataResult, tmp_path: Path
) -> None:
    def snapshot() -> tuple[set[str], set[tuple[str, str]], set[str]]:
        return (
            set(Member.objects.values_list("id_hash", flat=True)),
            set(Union.objects.values_list("code", "name")),
            set(Enterprise.objects.values_list("uscc", flat=True)),
        )

    first = snapshot()
    again = generate(tmp_path)
    assert (again.unions, again.enterprises, again.members) == (0, 0, 0)
    assert (again.mass_enrollments, again.formation_tasks) == (0, 0)
    assert snapshot() == first
    # Wipe the generated data and generate again: the same people, unions and enterprises.
    from gonghui.care.models import (
        CareVisit,
        Delivery,
        HardshipAid,
        HardshipCase,
        PovertyLine,
        RecuperationApplication,
        RecuperationBase,
        RecuperationBatch,
        VisitCampaign,
    )
    from gonghui.members.models import Worker
    from gonghui.skills.models import (
        CertificateSeries,
        Competition,
        CompetitionSeries,
        Honour,
        InnovationStudio,
        Mentorship,
        Nomination,
        NominationRound,
        SkillPromotion,
        SkillTitle,
        StudioAlliance,
        Talent,
    )

    Delivery.objects.all().delete()
    HardshipAid.objects.all().delete()
    HardshipCase.objects.all().delete()
    PovertyLine.objects.all().delete()
    RecuperationApplication.objects.all().delete()
    RecuperationBatch.objects.all().delete()
    RecuperationBase.objects.all().delete()
    CareVisit.objects.all().delete()
    VisitCampaign.objects.all().delete()
    Worker.objects.all().delete()
    Honour.objects.all().delete()
    Nomination.objects.all().delete()
    NominationRound.objects.all().delete()
    from gonghui.wages.models import CongressSession, Disclosure, WageContract

    WageContract.objects.all().delete()
    CongressSession.objects.all().delete()
    Disclosure.objects.all().delete()
    from gonghui.wages.models import DuesRelief

    DuesRelief.objects.all().delete()
    from gonghui.wages.models import Allocation, BudgetYear, Expenditure, SpendingStandard

    Expenditure.objects.all().delete()
    BudgetYear.objects.all().delete()
    SpendingStandard.objects.all().delete()
    Allocation.objects.all().delete()
    from gonghui.wages.models import Asset, Lease, RentPayment

    RentPayment.objects.all().delete()
    Lease.objects.all().delete()
    Asset.objects.all().delete()
    SkillTitle.objects.all().delete()
    SkillPromotion.objects.all().delete()
    Mentorship.objects.all().delete()
    StudioAlliance.objects.all().delete()
    InnovationStudio.objects.all().delete()
    Competition.objects.all().delete()
    CompetitionSeries.objects.all().delete()
    CertificateSeries.objects.all().delete()
    Talent.objects.all().delete()
    Site.objects.all().delete()
    ShowcaseCase.objects.all().delete()
    Partnership.objects.all().delete()
    Activity.objects.all().delete()
    JobFair.objects.all().delete()
    FollowUp.objects.all().delete()
    ResearchVisit.objects.all().delete()
    SupervisionVisit.objects.all().delete()
    ReviewEntry.objects.all().delete()
    PayoutItem.objects.all().delete()
    PayoutBatch.objects.all().delete()
    MutualAidClaim.objects.all().delete()
    ReliefApplication.objects.all().delete()
    MutualAidEnrollment.objects.all().delete()
    FormationTask.objects.all().delete()
    Member.objects.all().delete()
    MassEnrollment.objects.all().delete()
    Enterprise.objects.all().delete()
    Union.objects.filter(level=Union.Level.GRASSROOTS).delete()
    Union.objects.filter(level=Union.Level.TOWNSHIP).update(numchild=0)
    generate(tmp_path)
    assert snapshot() == first


def test_first_unions_of_a_township_are_the_same_at_every_scale(settings: Settings) -> None:
    township = townships_plan([("330502001", "月河街道", "330502", "吴兴区", "湖州市")], seed=2023)[
        0
    ]
    # Sized as one of Huzhou's 72 townships.
    township = dataclasses.replace(township, city_townships=72)
    fixed = [(u.code, u.name) for u in first_unions(township, seed=2023)]
    assert [code for code, _ in fixed] == ["3305020010001", "3305020010002", "3305020010003"]
    for scale in SCALES.values():
        plan = township_plan(township, scale=scale, seed=2023)
        assert [(u.code, u.name) for u in plan.unions[:3]] == fixed
    other_seed = first_unions(township, seed=2024)
    assert [u.name for u in other_seed] != [name for _, name in fixed]


def test_sample_workbooks_import_except_their_known_bad_rows(
    tiny: DemoDataResult, tmp_path: Path
) -> None:
    written = generate(tmp_path, samples=True)
    assert written.members == 0
    samples = {s.path.name: s for s in written.samples}
    assert set(samples) == {
        "members_sample.xlsx",
        "members_sample_gbk.csv",
        "members_sample_clean.xlsx",
        "enterprises_sample.xlsx",
    }
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    yuehe = Union.objects.get(code="330502001")
    roster = samples["members_sample.xlsx"]
    assert 50 <= len(roster.bad_rows) <= 70
    assert len(set(roster.bad_rows.values())) == 8
    report = member_import(actor=SystemActor(yuehe), union=yuehe, path=roster.path, dry_run=True)
    assert report.header_row == 3
    assert report.bad_row_numbers == set(roster.bad_rows)
    assert len(report.errors) == len(roster.bad_rows)  # one fault per bad row
    assert report.created == roster.rows - len(roster.bad_rows)
    assert {str(n) for n in roster.bad_rows} == set(
        manifest["files"]["members_sample.xlsx"]["bad_rows"]
    )
    for name in ("members_sample_gbk.csv", "members_sample_clean.xlsx"):
        report = member_import(
            actor=SystemActor(yuehe), union=yuehe, path=samples[name].path, dry_run=True
        )
        assert report.ok and report.created == samples[name].rows
    samples["members_sample_gbk.csv"].path.read_bytes().decode("gbk")
    enterprises = samples["enterprises_sample.xlsx"]
    report = enterprise_import(
        actor=SystemActor(Union.objects.get),
        union=Union.objects.get(code="330502"),
        path=enterprises.path,
        dry_run=True,
    )
    assert report.bad_row_numbers == set(enterprises.bad_rows)
    assert report.created == enterprises.rows - len(enterprises.bad_rows)


def test_demo_aid_has_claims_in_every_state_and_balanced_batches(tiny: DemoDataResult) -> None:
    from decimal import Decimal

    from django.db.models import Sum

    states = set(MutualAidClaim.objects.values_list("state", flat=True))
    assert {"paid", "approved", "notice", "in_review", "rejected", "returned"} <= states
    assert set(ReliefApplication.objects.values_list("state", flat=True)) >= {"paid", "in_review"}
    # About nine in ten members are enrolled in 2023's plan.
    enrolled = MutualAidEnrollment.objects.filter(plan__code="HZ-2023").count()
    assert 0.8 < enrolled / Member.objects.count() < 0.95
    paid_h1 = MutualAidClaim.objects.filter(
        state="paid", paid_on__range=("2023-01-01", "2023-06-30")
    )
    assert paid_h1.exists()
    assert not paid_h1.filter(amount__lte=0).exists()
    for batch in PayoutBatch.objects.all():
        lines = batch.items.aggregate(total=Sum("amount"))["total"]
        assert Decimal(lines).quantize(Decimal("0.01")) == batch.total
    paid_items = MutualAidClaim.objects.filter(state="paid").count()
    assert PayoutItem.objects.filter(workflow="mutual_aid_claim").count() == paid_items
    assert tiny.aid["claims"] == MutualAidClaim.objects.count()


def test_demo_has_a_plan_covering_today_with_enrolled_members(tiny: DemoDataResult) -> None:
    from django.utils import timezone

    from gonghui.aid.models import MutualAidPlan

    today = timezone.localdate()
    plan = MutualAidPlan.objects.get(coverage_from__lte=today, coverage_to__gte=today)
    assert MutualAidEnrollment.objects.filter(plan=plan).count() > 0


def test_last_years_new_members_are_on_this_years_scale(tiny: DemoDataResult) -> None:
    """新发展会员 year on year reads as a few percent, not -87.5 %."""
    from datetime import date

    def h1(year: int) -> int:
        return Member.objects.filter(
            join_date__gte=date(year, 1, 1), join_date__lte=date(year, 6, 30)
        ).count()

    this_year, last_year = h1(2023), h1(2022)
    assert this_year > 0
    assert 0.8 <= last_year / this_year <= 1.2, (last_year, this_year)


def test_no_application_waits_for_years(tiny: DemoDataResult) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from gonghui.aid.models import MutualAidClaim, ReliefApplication
    from gonghui.core.workflow import State

    week_ago = timezone.now() - timedelta(days=7)
    assert MutualAidClaim.objects.filter(state=State.IN_REVIEW).exists()
    for model in (MutualAidClaim, ReliefApplication):
        waiting = model.objects.filter(state=State.IN_REVIEW)
        assert not waiting.filter(step_since__lt=week_ago).exists()
        assert not model.objects.filter(
            state=State.NOTICE, notice_until__lt=timezone.localdate()
        ).exists()


def _h1_values(key: str) -> tuple[object, object]:
    from gonghui.core.indicators.periods import Period
    from gonghui.core.indicators.registry import Tree, indicator_get, indicator_values

    city = Union.objects.get(code=CITY)
    this_year, last_year = indicator_values(
        indicator_get(key),
        city,
        [Period.year_to_date(2023, 6), Period.year_to_date(2022, 6)],
        Tree.of(city),
    )
    return this_year.total, last_year.total


def test_last_years_first_half_is_calibrated_to_this_years_scale(tiny: DemoDataResult) -> None:
    """The dashboard's year-on-year figures read a few percent: 2022's first half is 2023's
    scaled by the demo's share, for what the seed counts (mutual aid, new-form members)."""
    from decimal import Decimal

    from gonghui.demo.seed_figures import last_year_goal, seed_targets

    goal = seed_targets(SCALES["tiny"].members)
    for key in ("mutual_aid_paid_count", "members_new", "members_new_new_form"):
        assert _h1_values(key) == (goal[key], last_year_goal(goal, key)), key
    relief, relief_last = (Decimal(str(v)) for v in _h1_values("relief_paid_count"))
    assert relief_last > 0 and Decimal("0.6") <= relief_last / relief <= Decimal("1.4")


def test_the_activity_ledger_gives_the_seeds_figures_scaled(tiny: DemoDataResult) -> None:
    from decimal import Decimal

    from gonghui.demo.seed_figures import seed_targets

    goal = seed_targets(SCALES["tiny"].members)
    keys = (
        "pre_shift_talks",
        "lectures",
        "talk_lecture_attendance",
        "culture_sports_events",
        "job_fairs",
        "job_positions",
        "outdoor_stations_new",
        "competitions_held",
        "competition_entries",
        "skill_promotions",
        "wage_contract_enterprises",
        "wage_contract_workers",
        "dues_relief_enterprises",
        "care_visits_new_form",
        "employment_training_new_form",
        "checkup_recuperation_frontline",
        "recuperation_participants",
    )
    assert {k: _h1_values(k)[0] for k in keys} == {k: goal[k] for k in keys}
    assert Decimal(str(_h1_values("dues_relief_amount")[0])) == goal["dues_relief_amount"]
    assert Decimal(str(_h1_values("care_visit_amount")[0])) == goal["care_visit_amount"]
    allocated = Decimal(str(_h1_values("grassroots_allocation_new_form")[0]))
    assert allocated == goal["grassroots_allocation_new_form"]
    rise = Decimal(str(_h1_values("wage_rise_avg")[0]))
    assert Decimal("7.9") <= rise <= Decimal("8.1")
    talks, talks_last_year = (Decimal(str(v)) for v in _h1_values("pre_shift_talks"))
    assert 0 < talks_last_year <= talks


def test_demo_follow_ups_are_mostly_closed_and_some_overdue(tiny: DemoDataResult) -> None:
    from datetime import date

    items = list(FollowUp.objects.all())
    overdue = [i for i in items if i.overdue_on(date(2023, 6, 30))]
    closed = [i for i in items if i.done_on is not None]
    assert 0 < len(overdue) < len(closed) < len(items)
    assert all(i.deadline >= i.created_on for i in items)
    assert FollowUp.objects.filter(owner__code="330502001").exists()  # 月河 has work


def test_demo_showcase_has_photos_cases_and_the_seeds_partners(tiny: DemoDataResult) -> None:
    from gonghui.activities.models import ActivityPhoto

    showcase = Activity.objects.filter(showcase=True)
    assert ActivityPhoto.objects.filter(activity__in=showcase).count() == showcase.count() > 0
    assert ShowcaseCase.objects.count() == 5  # one per county
    partners = set(
        Partnership.objects.filter(
            signed_on__year=2023, kind__in=("east_west", "paired_support")
        ).values_list("partner", flat=True)
    )
    assert partners == {"柯坪县", "乌兰县"}


def test_demo_sites_stand_in_the_city_with_facilities(tiny: DemoDataResult) -> None:
    from gonghui.sites.geo import city_box

    box = city_box()
    sites = list(Site.objects.prefetch_related("facilities"))
    assert sites and all(box.holds(s.gcj_lng, s.gcj_lat) for s in sites)
    assert all(s.facilities.all() for s in sites)
    counties = {s.union.code[:6] for s in Site.objects.select_related("union")}
    assert counties == COUNTIES


def test_demo_sites_stand_inside_their_countys_shape(tiny: DemoDataResult) -> None:
    from gonghui.demo.shapes import county_rings, inside

    rings = county_rings()
    assert set(rings) == COUNTIES
    for site in Site.objects.select_related("union"):
        county = rings[site.union.code[:6]]
        assert any(inside(ring, site.gcj_lng, site.gcj_lat) for ring in county), site.code


def test_demo_sites_are_inspected_and_used(tiny: DemoDataResult) -> None:
    from gonghui.sites.models import Inspection, SiteVisitors

    inspections = Inspection.objects.all()
    assert inspections.exists() and inspections.filter(passed=True).exists()
    assert all(i.inspected_on >= i.site.opened_on for i in inspections.select_related("site"))
    assert SiteVisitors.objects.exists()


def test_demo_talks_are_held_in_above_scale_or_pilot_enterprises(tiny: DemoDataResult) -> None:
    talks = Activity.objects.filter(kind="pre_shift_talk").select_related("enterprise")
    assert talks.exists()
    hosts = [a.enterprise for a in talks]
    assert all(e is not None and (e.is_above_scale or e.is_reform_pilot) for e in hosts)


def test_new_unions_carry_the_closures_of_their_enterprises(tiny: DemoDataResult) -> None:
    from datetime import date

    from gonghui.core.actors import SystemActor
    from gonghui.core.pii import uscc_compose
    from gonghui.demo.events import formation_closures_write
    from gonghui.orgs.models import FormationMode
    from gonghui.orgs.services import union_create

    # The tiny scale founds no standalone union in 2022–2023 (its goal rounds to 0): add one,
    # with an enterprise, and write the closures again.
    township = Union.objects.filter(level=Union.Level.TOWNSHIP).order_by("code").first()
    assert township is not None and township.region_id is not None
    founded = date(2023, 3, 1)
    union = union_create(
        actor=SystemActor(township),
        parent=township,
        code=f"{township.code}999",
        name="测试新建工会",
        level=Union.Level.GRASSROOTS,
        established_on=founded,
        region_id=township.region_id,
    )
    enterprise = Enterprise.objects.create(
        uscc=uscc_compose("91330502MA2C99999"),
        name="测试新建有限公司",
        region_id=township.region_id,
        owner_union=union,
        union=union,
        employee_count=30,
    )
    FormationTask.objects.filter(status=FormationTask.Status.CLOSED).delete()
    written = formation_closures_write(Union.objects.get(code=CITY), seed=2023)
    closed = FormationTask.objects.filter(status=FormationTask.Status.CLOSED)
    own = closed.get(enterprise=enterprise)
    assert (own.closed_on, own.opened_on, own.formed_union, own.township_union) == (
        founded,
        date(2023, 1, 1),
        union,
        township,
    )
    joint_modes = (FormationMode.REGIONAL_JOINT, FormationMode.INDUSTRY_JOINT)
    assert own.formation_mode not in joint_modes
    joined = closed.filter(formed_union__kind=Union.Kind.JOINT).select_related("formed_union")
    assert joined.exists()
    for task in joined:
        # Joined an existing joint union, after it was founded, since the worklist began.
        assert task.formation_mode in joint_modes
        assert task.formed_union is not None and task.closed_on is not None
        assert task.formed_union.established_on is not None
        assert task.formed_union.established_on <= task.closed_on <= date(2023, 6, 30)
        assert date(2022, 1, 1) <= task.closed_on
        assert task.opened_on == task.closed_on.replace(month=1, day=1)
    assert written["formation_closed"] == closed.count()
    assert tiny.events["formation_closed"] == closed.count() - 1


def test_members_left_and_moved_with_their_events(tiny: DemoDataResult) -> None:
    from gonghui.members.models import MembershipEvent, MemberTransfer

    left = Member.objects.filter(status=Member.Status.LEFT)
    leaves = MembershipEvent.objects.filter(kind=MembershipEvent.Kind.LEAVE)
    assert left.count() == leaves.count() == tiny.events["members_left"] > 0
    assert set(left.values_list("pk", "left_on")) == set(leaves.values_list("member_id", "on"))
    moves = MembershipEvent.objects.filter(kind=MembershipEvent.Kind.TRANSFER)
    assert moves.count() == tiny.events["members_transferred"] > 0
    for event in moves.select_related("member", "union", "from_union"):
        assert event.member.union_id == event.union_id != event.from_union_id
        assert event.member.join_date < event.on
        assert event.from_union is not None
        across = event.union.path[:8] != event.from_union.path[:8]
        accepted = MemberTransfer.objects.filter(
            member=event.member, state=MemberTransfer.State.ACCEPTED, on=event.on
        )
        assert accepted.exists() == across
    _, left_last_year = _h1_values("members_left")
    assert left_last_year == leaves.filter(on__year=2022, on__month__lte=6).count()
    assert leaves.filter(on__year=2022, on__month__gt=6).exists()


def test_claims_being_worked_on_have_their_documents(
    tiny: DemoDataResult, settings: Settings
) -> None:
    from gonghui.aid.models import ClaimDocument
    from gonghui.core.workflow import State

    in_review = MutualAidClaim.objects.filter(state=State.IN_REVIEW)
    assert in_review.exists()
    for claim in in_review.prefetch_related("documents"):
        kinds = {d.kind for d in claim.documents.all()}
        assert {"invoice", "settlement_slip"} <= kinds
        assert ("discharge_summary" in kinds) == (claim.category == "inpatient")
    document = ClaimDocument.objects.first()
    assert document is not None
    with document.file.open("rb") as stored:
        assert stored.read(5) == b"%PDF-"
    assert tiny.events["claim_documents"] == ClaimDocument.objects.count()


def test_demo_competitions_are_ranked_and_the_citys_top_three_titled(
    tiny: DemoDataResult,
) -> None:
    from gonghui.skills.models import Competition, CompetitionEntry, SkillTitle, Talent
    from gonghui.skills.services import competition_ranking

    launch = Competition.objects.get(held_on="2023-04-16")
    assert (launch.union.code, launch.trade) == (CITY, "机动车检测工")
    published = Competition.objects.filter(published_at__isnull=False)
    assert published.exists()
    for competition in published[:5]:
        stored = list(
            CompetitionEntry.objects.filter(competition=competition).values_list("pk", "rank")
        )
        computed = {e.pk: r.rank for e, r in competition_ranking(competition)}
        assert dict(stored) == computed
    titled = SkillTitle.objects.filter(kind="technical_expert")
    ranks = [t.entry.rank if t.entry else None for t in titled.select_related("entry")]
    assert ranks and all(rank is not None and rank <= 3 for rank in ranks)
    # A competitor's skills file is a member's, with the member's ID number sealed to its row.
    assert not Talent.objects.filter(member__isnull=True).exclude(name="谈敏").exists()
    talent = Talent.objects.filter(member__isnull=False).select_related("member").first()
    assert talent is not None and talent.member is not None
    from gonghui.core.fields import cipher_get

    assert pii.id_indexer().digest(cipher_get(talent, "id_cipher")) == talent.member.id_hash


def test_demo_promotions_move_the_members_grade_one_step(tiny: DemoDataResult) -> None:
    from gonghui.skills.models import SkillPromotion

    for promotion in SkillPromotion.objects.select_related("talent__member")[:50]:
        assert promotion.from_grade is None or promotion.to_grade == promotion.from_grade - 1
        member = promotion.talent.member
        assert member is not None and member.skill_grade == promotion.talent.grade


def test_demo_has_the_seeds_casting_alliance_and_mentorships(tiny: DemoDataResult) -> None:
    from gonghui.skills.models import Mentorship, SkillPromotion, StudioAlliance

    alliance = StudioAlliance.objects.get()
    assert alliance.lead_studio.leader.name == "谈敏"
    assert alliance.studios.count() >= 2
    linked = SkillPromotion.objects.filter(mentorship__isnull=False).select_related("mentorship")
    assert Mentorship.objects.exists() and linked.exists()
    for promotion in linked:
        m = promotion.mentorship
        assert m is not None and m.apprentice_id == promotion.talent_id
        assert m.started_on <= promotion.promoted_on
        assert m.ended_on is None or m.ended_on >= promotion.promoted_on


def test_demo_honours_went_through_review_and_notice(tiny: DemoDataResult) -> None:
    from gonghui.core.workflow.models import ReviewEntry
    from gonghui.skills.models import Honour, Nomination

    granted = Honour.objects.filter(year=2023)
    assert granted.exists() and all(h.nomination_id for h in granted)
    rejected = Nomination.objects.filter(state="rejected")
    assert rejected.exists() and not Honour.objects.filter(nomination__in=rejected).exists()
    first = granted.select_related("nomination").first()
    item = first.nomination if first else None
    assert item is not None
    trail = ReviewEntry.objects.filter(workflow="honour_nomination", object_id=item.pk)
    assert list(trail.order_by("at").values_list("action", flat=True)) == [
        "submit",
        "approve",
        "approve",
        "approve",
        "notice_pass",
    ]
    for round_places in {n.places for n in Nomination.objects.select_related("places")}:
        held = Nomination.objects.filter(places=round_places, state="approved").count()
        assert held <= round_places.places
    assert Honour.objects.filter(year=2020, kind="model_worker").exists()
    # A person's nomination comes from their own union, in the county of its places.
    for n in Nomination.objects.filter(talent__isnull=False).select_related(
        "talent__member", "places__county", "union"
    ):
        assert n.talent is not None and n.talent.member is not None
        assert n.union_id == n.talent.member.union_id
        assert n.union.code.startswith(n.places.county.code)


def test_demo_funds_have_over_standard_payments_arrears_and_leases_ending(
    tiny: DemoDataResult,
) -> None:
    from datetime import date

    from gonghui.wages.models import Expenditure, Lease
    from gonghui.wages.services.assets import rent_roll

    lines = rent_roll(Lease.objects.all(), on=date(2023, 7, 1))
    assert any(line.arrears for line in lines) and any(line.ending_soon for line in lines)
    flagged = Expenditure.objects.exclude(over_standard="")
    assert 0 < flagged.count() < Expenditure.objects.count()


def test_demo_registered_workers_complete_the_buses_target_group(tiny: DemoDataResult) -> None:
    from gonghui.care.selectors import participation
    from gonghui.care.tests.factories import standard
    from gonghui.demo.seed_figures import seed_targets
    from gonghui.members.models import Worker
    from gonghui.members.people import group_get

    city = Union.objects.get(level=Union.Level.CITY)
    total, by_county = participation(
        actor=SystemActor(city),
        union=city,
        item=standard("health_checkup"),
        group=group_get("new_form"),
        start=date(2023, 1, 1),
        end=date(2023, 6, 30),
    )
    members = Member.objects.filter(employment_form="new_form", status="active").count()
    registered = Worker.objects.filter(member__isnull=True).count()
    assert registered >= max(seed_targets(tiny.members)["flexible_workers"] - members, 1)
    assert total.people == members + registered
    assert 0 < total.served < total.people
    assert sum(r.people for r in by_county) == total.people


def test_demo_hardship_files_have_lines_classes_and_paid_aid(tiny: DemoDataResult) -> None:
    from gonghui.care.models import HardshipAid, HardshipCase, PovertyLine
    from gonghui.core.workflow.models import State

    assert PovertyLine.objects.count() == len(COUNTIES)
    assert HardshipCase.objects.filter(closed_on__isnull=True).count() >= 3
    assert HardshipAid.objects.filter(state=State.PAID, paid_on__year=2023).exists()
