"""Every URL pattern and API route, walked as the named users (DESIGN.md, "Scoping").

The list of routes comes from the resolver, so a route added later is walked too. A route
whose parameter is not in SAMPLES fails until someone says which 吴兴区 object it names.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.http import HttpResponse
from django.urls import URLPattern, URLResolver, get_resolver
from python_calamine import CalamineWorkbook

from gonghui.conftest import World, login
from gonghui.core.fields import cipher_get
from gonghui.core.middleware import PUBLIC_PREFIXES
from gonghui.core.models import Job, Role, User
from gonghui.core.pii import id_number_compose, uscc_compose
from gonghui.core.tests.factories import JobFactory, UserFactory
from gonghui.members.services import member_join
from gonghui.orgs.models import Enterprise, FormationTask, Region
from gonghui.testing.ciphers import cipher_sealed

PARAM = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")


@dataclass(frozen=True)
class Route:
    pattern: str  # Django route syntax, e.g. "orgs/unions/<str:union_code>/"
    name: str

    @property
    def params(self) -> list[str]:
        return [m.group("name") for m in PARAM.finditer(self.pattern)]

    def url(self, values: dict[str, str]) -> str:
        return "/" + PARAM.sub(lambda m: values[m.group("name")], self.pattern)


def walk(patterns: list, prefix: str = "") -> Iterator[Route]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from walk(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield Route(prefix + str(entry.pattern), entry.name or "")


def all_routes() -> list[Route]:
    routes = {r.pattern: r for r in walk(get_resolver().url_patterns)}
    return sorted(routes.values(), key=lambda r: r.pattern)


def wuxing_job(world: World) -> str:
    job = JobFactory.create(union=world.wuxing, started_by=world.wuxing_staff)
    job.result_file.save("result.csv", ContentFile(b"code\n330502\n"))
    return str(job.pk)


WUXING_MEMBER = "江艺芬"
WUXING_ENTERPRISE = "埭溪测试机械有限公司"


def wuxing_worker(world: World) -> str:
    from gonghui.members.workers import worker_register

    worker = worker_register(
        actor=world.wuxing_staff,
        union=world.yuehe,
        name=WUXING_MEMBER + "登记",
        id_number=id_number_compose("330502", date(1991, 4, 9), 77),
        occupation="courier",
    )
    return str(worker.pk)


def _wuxing_join(world: World) -> Any:
    """A worker's application (from the portal) to join a 吴兴 union, named like WUXING_MEMBER."""
    from gonghui.portal.services.joining import JoinForm, join_apply
    from gonghui.portal.tests.factories import account_signed_up

    account = account_signed_up(name=WUXING_MEMBER, n=77, phone="13700007777")
    return join_apply(
        account=account,
        form=JoinForm(world.wuxing_grassroots, "德马科技", "", "new_form", "courier"),
    )


def wuxing_event(world: World) -> str:
    from django.utils import timezone

    from gonghui.members.models import MassEnrollment

    event = MassEnrollment.objects.create(
        union=world.yuehe, name=WUXING_MEMBER + "集中入会", held_on=timezone.localdate()
    )
    return str(event.pk)


def wuxing_join(world: World) -> str:
    return str(_wuxing_join(world).pk)


def wuxing_delivery(world: World) -> str:
    from gonghui.care.tests.factories import DeliveryFactory

    return str(DeliveryFactory.create(union=world.yuehe, person_name=WUXING_MEMBER).pk)


def _wuxing_batch(world: World) -> Any:
    from gonghui.care.services.recuperation import batch_load
    from gonghui.core.actors import SystemActor

    # Loaded by 吴兴 for its own subtree: the city's batches are every county's to see.
    return batch_load(
        actor=SystemActor(world.wuxing),
        data={
            "code": "WX-LXY-1",
            "base": "吴兴区职工疗休养基地",
            "start": "2023-05-01",
            "end": "2023-05-05",
            "union": world.wuxing.code,
            "places": 5,
            "quota": {world.wuxing.code: 5},
            "cost_per_person": "1000.00",
        },
    ).batch


def wuxing_batch(world: World) -> str:
    return str(_wuxing_batch(world).pk)


def wuxing_recuperation_application(world: World) -> str:
    from django.utils import timezone

    from gonghui.care.models import RecuperationApplication

    batch = _wuxing_batch(world)
    return str(
        RecuperationApplication.objects.create(
            union=world.yuehe,
            batch=batch,
            quota=batch.quotas.get(),
            person_hash="w" * 64,
            person_name=WUXING_MEMBER,
            person_masked="330502********0000",
            applied_at=timezone.now(),
        ).pk
    )


def _wuxing_hardship(world: World) -> Any:
    from decimal import Decimal

    from gonghui.care.models import HardshipCase

    case, _ = HardshipCase.objects.get_or_create(
        person_hash="x" * 64,
        closed_on=None,
        defaults={
            "union": world.yuehe,
            "person_name": WUXING_MEMBER,
            "person_masked": "330502********0000",
            "household_size": 3,
            "income_per_head": Decimal("800"),
            "hardship_class": "deep",
            "cause": "重病",
            "opened_on": date(2023, 1, 5),
            "reviewed_on": date(2023, 1, 5),
        },
    )
    return case


def wuxing_hardship_case(world: World) -> str:
    return str(_wuxing_hardship(world).pk)


def wuxing_hardship_aid(world: World) -> str:
    from decimal import Decimal

    from gonghui.care.models import HardshipAid
    from gonghui.core.fields import cipher_set

    case = _wuxing_hardship(world)
    item = HardshipAid(
        union=world.yuehe,
        case=case,
        person_hash=case.person_hash,
        person_name=case.person_name,
        person_masked=case.person_masked,
        kind="living",
        amount=Decimal("2000"),
        reason="生活困难",
        payee_bank="湖州银行",
        account_masked="621700******5678",
    )
    cipher_set(item, "account_cipher", "6217000012345678")
    item.save()
    return str(item.pk)


def wuxing_perk(world: World) -> str:
    from gonghui.care.models import Perk, ServiceItem

    item = ServiceItem.objects.create(
        key="x-wuxing", name=WUXING_MEMBER + "惠享日", union=world.wuxing, unit="yuan"
    )
    return str(Perk.objects.create(union=world.wuxing, item=item, rule="birthday").pk)


def wuxing_legal_case(world: World) -> str:
    from gonghui.care.models import LegalCase

    case = LegalCase.objects.create(
        union=world.yuehe,
        person_hash="l" * 64,
        person_name=WUXING_MEMBER,
        person_masked="330502********0000",
        kind="consultation",
        opened_on=date(2023, 4, 3),
        summary="咨询",
    )
    return str(case.pk)


COUNSELING_NOTES = "来访者谈到家中变故，情绪低落；约定下周复谈。"


def _wuxing_counseling(world: World) -> Any:
    """A held session at a 月河 counselling station, its booking named like WUXING_MEMBER."""
    from datetime import timedelta

    from django.utils import timezone

    from gonghui.care.models import (
        CounselingBooking,
        CounselingSession,
        CounselingSlot,
    )
    from gonghui.core.fields import cipher_set
    from gonghui.sites.tests.factories import SiteFactory

    counselor, _ = User.objects.get_or_create(
        username="yuehe_counselor", defaults={"union": world.yuehe, "role": Role.COUNSELOR}
    )
    station = SiteFactory.create(
        union=world.yuehe, name=f"{world.yuehe.name}心理站", kind="counseling_station"
    )
    slot = CounselingSlot.objects.create(
        union=world.yuehe,
        station=station,
        counselor=counselor,
        starts_at=timezone.now() - timedelta(days=1),
    )
    booking = CounselingBooking.objects.create(
        union=world.yuehe,
        slot=slot,
        counselor=counselor,
        person_hash="c" * 64,
        person_name=WUXING_MEMBER,
        person_masked="330502********0000",
        channel="staff",
        topic="family",
        status="held",
    )
    session = CounselingSession(
        union=world.yuehe,
        booking=booking,
        counselor=counselor,
        held_on=timezone.localdate(slot.starts_at),
        minutes=50,
    )
    cipher_set(session, "notes_cipher", COUNSELING_NOTES)
    session.save(force_insert=True)
    return slot


def wuxing_counseling_slot(world: World) -> str:
    return str(_wuxing_counseling(world).pk)


def wuxing_programme(world: World) -> str:
    """吴兴's own programme (the city's would be every county's to read)."""
    from gonghui.core.actors import SystemActor
    from gonghui.reports.programmes import programme_load

    programme_load(
        actor=SystemActor(world.wuxing),
        data={
            "code": "WX-PLAN",
            "name": f"{world.yuehe.name}三年计划",
            "union": world.wuxing.code,
            "baseline_year": 2023,
            "target_year": 2025,
            "targets": [
                {
                    "label": "新发展会员",
                    "measure": "indicator",
                    "indicator": "members_new",
                    "value": 9,
                }
            ],
        },
    )
    return "WX-PLAN"


def wuxing_member(world: World) -> str:
    member = member_join(
        actor=world.wuxing_staff,
        union=world.wuxing_grassroots,
        name=WUXING_MEMBER,
        id_number=id_number_compose("330502", date(1985, 3, 8), 42),
        phone="13800138000",
    )
    return str(member.pk)


def wuxing_formation_task(world: World) -> str:
    region = Region.objects.create(code="330502104", name="埭溪镇", level=Region.Level.TOWNSHIP)
    enterprise = Enterprise.objects.create(
        name=WUXING_ENTERPRISE,
        uscc=uscc_compose("91330502MA2B00001"),
        region=region,
        employee_count=80,
        owner_union=world.yuehe,
    )
    task = FormationTask.objects.create(
        enterprise=enterprise, township_union=world.yuehe, opened_on=date(2023, 1, 1)
    )
    return str(task.pk)


def wuxing_relief_item(world: World) -> str:
    """An application of the engine's generic routes (/workflow/relief/<item_id>/…)."""
    from gonghui.core.tests.test_workflow import make_item

    return str(make_item(world.wuxing_grassroots).pk)


def wuxing_plan(world: World) -> str:
    """A county's own mutual-aid plan (a city plan is every county's to read)."""
    from gonghui.aid.tests.factories import PlanFactory

    plan = PlanFactory.create(code="WX-2023", name="吴兴区总工会职工医疗互助", union=world.wuxing)
    return str(plan.pk)


def wuxing_relief(world: World) -> str:
    """A relief application of a 吴兴 member (named like WUXING_MEMBER, so a leak shows)."""
    from gonghui.aid.tests.factories import ReliefApplicationFactory
    from gonghui.members.tests.factories import MemberFactory

    member = MemberFactory.create(union=world.wuxing_grassroots, name=WUXING_MEMBER)
    return str(ReliefApplicationFactory.create(member=member).pk)


def wuxing_payout_batch(world: World) -> str:
    """A 吴兴 payout batch with one line paying a 吴兴 member."""
    from gonghui.aid.tests.factories import ReliefApplicationFactory
    from gonghui.core.workflow.models import PayoutBatch, PayoutItem
    from gonghui.members.tests.factories import MemberFactory

    member = MemberFactory.create(union=world.wuxing_grassroots, name=WUXING_MEMBER)
    relief = ReliefApplicationFactory.create(member=member, state="approved")
    batch = PayoutBatch.objects.create(
        union=world.wuxing, name=f"{world.wuxing.name}发放批次", total=relief.amount, item_count=1
    )
    PayoutItem.objects.create(
        batch=batch,
        workflow="relief",
        object_id=relief.pk,
        union=relief.union,
        payee_name=member.name,
        payee_bank=relief.payee_bank,
        **cipher_sealed(PayoutItem, account_cipher=cipher_get(relief, "account_cipher")),
        account_masked=relief.account_masked,
        amount=relief.amount,
        purpose="会员大病救助金",
    )
    return str(batch.pk)


def wuxing_claim(world: World) -> str:
    """A mutual-aid claim of a 吴兴 member, with one document (the same claim for both)."""
    from gonghui.aid.tests.test_claim_pages import wuxing_claim_sample

    return str(wuxing_claim_sample(world, WUXING_MEMBER).pk)


def wuxing_claim_document(world: World) -> str:
    from gonghui.aid.tests.test_claim_pages import wuxing_document_sample

    return str(wuxing_document_sample(world, WUXING_MEMBER).pk)


def wuxing_credentials(world: World) -> str:
    """An initial-password workbook of a 吴兴 import, waiting for its importer."""
    from django.conf import settings

    from gonghui.accounts.models import CredentialDelivery

    delivery = CredentialDelivery.objects.create(
        union=world.wuxing, created_by=world.wuxing_staff, file=f"credentials/{WUXING_MEMBER}.xlsx"
    )
    target = settings.GONGHUI_PRIVATE_ROOT / delivery.file
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(b"PK")
    return str(delivery.token)


def wuxing_transfer(world: World) -> str:
    """A transfer proposal between two 吴兴 unions (no one outside 吴兴 is party to it)."""
    from gonghui.members.models import Member, MemberTransfer
    from gonghui.members.tests.factories import MemberFactory

    member = MemberFactory.create(union=world.wuxing_grassroots, name=WUXING_MEMBER)
    transfer = MemberTransfer.objects.create(
        member=member,
        from_union=world.wuxing_grassroots,
        to_union=world.zhili,
        on=date(2023, 6, 1),
        reason="工作调动",
        proposed_by=world.wuxing_staff,
    )
    assert isinstance(member, Member)
    return str(transfer.pk)


def wuxing_api_client(world: World) -> str:
    """吴兴区's API client (named like WUXING_MEMBER, so a leak shows)."""
    from gonghui.core.api_clients import api_client_create

    client, _ = api_client_create(
        actor=world.city_admin,
        name=f"{WUXING_MEMBER}系统",
        union=world.wuxing,
        permissions={"members": "read"},
    )
    return str(client.pk)


def wuxing_activity(world: World) -> str:
    """A 吴兴 township's lecture, named after the county so a leak shows."""
    from gonghui.activities.tests.factories import ActivityFactory

    return str(ActivityFactory.create(union=world.yuehe, title=f"{world.yuehe.name}宣讲").pk)


def wuxing_fair(world: World) -> str:
    """A 吴兴 township's job fair with a position, named after the county so a leak shows."""
    from gonghui.activities.tests.factories import JobPositionFactory

    position = JobPositionFactory.create(
        employer__fair__union=world.yuehe,
        employer__fair__title=f"{world.yuehe.name}招聘会",
        employer__name=f"{world.yuehe.name}招聘单位",
    )
    return str(position.fair_id)


def wuxing_research(world: World) -> str:
    """A 吴兴 大调研 visit with a finding for 月河, named after the township so a leak shows."""
    from gonghui.activities.models import ResearchVisit
    from gonghui.activities.tests.factories import FollowUpFactory

    name = world.yuehe.name
    research = ResearchVisit.objects.create(
        union=world.wuxing, visited_on=date(2023, 2, 1), leaders=f"{name}领导", place=name
    )
    FollowUpFactory.create(
        owner=world.yuehe,
        assigned_by=world.wuxing,
        title=f"{name}调研问题",
        research_visit=research,
    )
    return str(research.pk)


def wuxing_supervision(world: World) -> str:
    """吴兴's 督导 of 月河 with a finding."""
    from gonghui.activities.models import SupervisionVisit
    from gonghui.activities.tests.factories import FollowUpFactory

    name = world.yuehe.name
    supervision = SupervisionVisit.objects.create(
        union=world.wuxing,
        target=world.yuehe,
        topic=f"{name}督导",
        visited_on=date(2023, 5, 1),
        leaders=f"{name}督导组",
    )
    FollowUpFactory.create(
        owner=world.yuehe,
        assigned_by=world.wuxing,
        title=f"{name}督导问题",
        supervision=supervision,
    )
    return str(supervision.pk)


def wuxing_followup(world: World) -> str:
    """A task 吴兴 assigned to 月河 (in 月河's inbox and on 吴兴's board)."""
    from gonghui.activities.tests.factories import FollowUpFactory

    item = FollowUpFactory.create(
        owner=world.yuehe, assigned_by=world.wuxing, title=f"{world.yuehe.name}督办事项"
    )
    return str(item.pk)


def wuxing_followup_file(world: World) -> str:
    """An evidence file of a 月河 item."""
    from gonghui.activities.models import FollowUpFile
    from gonghui.activities.tests.factories import FollowUpFactory

    item = FollowUpFactory.create(owner=world.yuehe, title=f"{world.yuehe.name}已办事项")
    stored = FollowUpFile(
        follow_up=item, original_name=f"{world.yuehe.name}.png", content_type="image/png", size=8
    )
    stored.file.save("evidence.png", ContentFile(b"\x89PNG\r\n\x1a\n"), save=True)
    return str(stored.pk)


def wuxing_photo(world: World) -> str:
    """A photo of a 月河 activity."""
    from gonghui.activities.models import ActivityPhoto
    from gonghui.activities.tests.factories import ActivityFactory

    activity = ActivityFactory.create(
        union=world.yuehe, title=f"{world.yuehe.name}文体活动", showcase=True
    )
    photo = ActivityPhoto(
        activity=activity, original_name=f"{world.yuehe.name}.png", content_type="image/png", size=8
    )
    photo.file.save("photo.png", ContentFile(b"\x89PNG\r\n\x1a\n"), save=True)
    return str(photo.pk)


def wuxing_case(world: World) -> str:
    """吴兴's 典型工作案例 with a cover."""
    from gonghui.activities.models import ShowcaseCase

    case = ShowcaseCase(
        union=world.wuxing, title=f"{world.yuehe.name}案例", year=2023, summary="做法"
    )
    case.cover_type = "image/png"
    case.cover.save("cover.png", ContentFile(b"\x89PNG\r\n\x1a\n"), save=True)
    return str(case.pk)


def wuxing_partnership(world: World) -> str:
    from gonghui.activities.models import Partnership

    agreement = Partnership.objects.create(
        union=world.wuxing,
        kind="east_west",
        partner=f"{world.yuehe.name}协作地区",
        title=f"{world.yuehe.name}协议",
        signed_on=date(2023, 4, 1),
    )
    return str(agreement.pk)


def wuxing_site(world: World) -> str:
    """A station in 月河, named after it so a leak shows."""
    from gonghui.sites.tests.factories import SiteFactory

    return str(SiteFactory.create(union=world.yuehe, name=f"{world.yuehe.name}驿站").pk)


def wuxing_inspection_photo(world: World) -> str:
    """A photo of an inspection of a 月河 station."""
    from gonghui.sites.models import Inspection, InspectionPhoto
    from gonghui.sites.tests.factories import SiteFactory

    site = SiteFactory.create(union=world.yuehe, name=f"{world.yuehe.name}检查站")
    inspection = Inspection.objects.create(
        site=site, inspected_on=date(2023, 6, 1), inspector=world.yuehe.name, passed=True
    )
    photo = InspectionPhoto(
        inspection=inspection, original_name="检查.png", content_type="image/png", size=8
    )
    photo.file.save("inspection.png", ContentFile(b"\x89PNG\r\n\x1a\n"), save=True)
    return str(photo.pk)


def wuxing_site_photo(world: World) -> str:
    from gonghui.sites.models import SitePhoto
    from gonghui.sites.tests.factories import SiteFactory

    site = SiteFactory.create(union=world.yuehe, name=f"{world.yuehe.name}有照片的站")
    photo = SitePhoto(site=site, original_name="站点.png", content_type="image/png", size=8)
    photo.file.save("site.png", ContentFile(b"\x89PNG\r\n\x1a\n"), save=True)
    return str(photo.pk)


def wuxing_competition(world: World) -> str:
    from gonghui.skills.tests.factories import CompetitionFactory, EntryFactory

    made = CompetitionFactory.create(union=world.yuehe, name=f"{world.yuehe.name}技能竞赛")
    EntryFactory.create(competition=made, talent__name="吴兴选手")
    return str(made.pk)


def wuxing_title(world: World) -> str:
    from gonghui.skills.models import SkillTitle
    from gonghui.skills.tests.factories import TalentFactory

    made = SkillTitle.objects.create(
        union=world.wuxing,
        talent=TalentFactory.create(union=world.yuehe, name="吴兴工匠"),
        kind="huzhou_craftsman",
        granted_on=date(2023, 4, 28),
        issuers=world.wuxing.name,
        certificate_no="HZGJ-2023-9999",
    )
    return str(made.pk)


def wuxing_talent(world: World) -> str:
    from gonghui.skills.tests.factories import TalentFactory

    return str(TalentFactory.create(union=world.yuehe, name="吴兴能手").pk)


def wuxing_round(world: World) -> str:
    from gonghui.skills.services.honours import round_create

    made = round_create(
        actor=world.wuxing_staff,
        union=world.wuxing,
        year=2023,
        kind="pioneer",
        level="city",
        name=f"{world.wuxing.name}工人先锋号",
        closes_on=date(2099, 1, 1),
        places={world.wuxing.code: 3},
    )
    return str(made.pk)


def wuxing_nomination(world: World) -> str:
    from gonghui.skills.services.honours import nomination_create, round_create

    made = round_create(
        actor=world.city_admin,
        union=world.city,
        year=2023,
        kind="may_day_award",
        level="city",
        name="五一劳动奖状（吴兴样本）",
        closes_on=date(2099, 1, 1),
        places={world.wuxing.code: 1},
    )
    item = nomination_create(
        actor=world.township_staff,
        union=world.yuehe,
        round_=made,
        unit_name=f"{world.yuehe.name}某厂",
        deeds="样本",
    )
    return str(item.pk)


def wuxing_honour(world: World) -> str:
    from gonghui.skills.services.honours import honour_record

    made = honour_record(
        actor=world.wuxing_staff,
        union=world.yuehe,
        kind="may_day_award",
        level="city",
        year=2020,
        granted_on=date(2020, 4, 28),
        unit_name=f"{world.yuehe.name}获奖单位",
    )
    return str(made.pk)


def wuxing_allowance(world: World) -> str:
    from decimal import Decimal

    from gonghui.core.pii import id_number_compose
    from gonghui.skills.services.honours import allowance_create, honour_record

    honour = honour_record(
        actor=world.wuxing_staff,
        union=world.yuehe,
        kind="model_worker",
        level="city",
        year=2020,
        granted_on=date(2020, 4, 28),
        id_number=id_number_compose("330502", date(1970, 1, 1), 777),
        name="吴兴劳模",
    )
    item = allowance_create(
        actor=world.wuxing_staff,
        honour=honour,
        year=2023,
        amount=Decimal("1000.00"),
        reason="补助",
        payee_bank="湖州银行",
        account="6217000012345678",
    )
    return str(item.pk)


def wuxing_wage_contract(world: World) -> str:
    from gonghui.wages.tests.factories import WageContractFactory

    return str(WageContractFactory.create(union=world.yuehe, code="吴兴合同样本").pk)


def wuxing_enterprise(world: World) -> str:
    """An enterprise of 月河街道 with its union, a congress session and a disclosure."""
    from gonghui.wages.models import CongressSession, Disclosure

    region = Region.objects.create(code="330502105", name="东林镇", level=Region.Level.TOWNSHIP)
    enterprise = Enterprise.objects.create(
        name="吴兴民主管理样本企业",
        uscc=uscc_compose("91330502MA2B00002"),
        region=region,
        employee_count=120,
        owner_union=world.yuehe,
        union=world.yuehe,
    )
    CongressSession.objects.create(
        union=world.yuehe, enterprise=enterprise, held_on=date(2023, 3, 1), delegates=20
    )
    Disclosure.objects.create(
        union=world.yuehe, enterprise=enterprise, disclosed_on=date(2023, 3, 1), subject="福利费"
    )
    return enterprise.uscc


def wuxing_dues_relief(world: World) -> str:
    from decimal import Decimal

    from gonghui.wages.models import DuesRelief

    enterprise = Enterprise.objects.get(uscc=uscc_compose("91330502MA2B00002"))
    relief = DuesRelief.objects.create(
        union=world.yuehe,
        enterprise=enterprise,
        kind="reduce",
        period_from=date(2023, 1, 1),
        period_to=date(2023, 6, 30),
        payroll=Decimal("600000"),
        amount=Decimal("1000"),
        reason="small",
        state="in_review",
        step="county_review",
    )
    return str(relief.pk)


def wuxing_expenditure(world: World) -> str:
    from decimal import Decimal

    from gonghui.wages.models import BudgetLine, BudgetYear, Expenditure, SpendingStandard

    budget = BudgetYear.objects.create(union=world.yuehe, year=2023)
    line = BudgetLine.objects.create(
        budget=budget, category="activities", name="职工文体活动", amount=Decimal("10000")
    )
    SpendingStandard.objects.create(
        union=world.wuxing,
        kind="culture_sports",
        per_person=Decimal("150"),
        effective_from=date(2023, 1, 1),
    )
    from gonghui.wages.models import Allocation

    Allocation.objects.create(
        from_union=world.wuxing,
        to_union=world.yuehe,
        allocated_on=date(2023, 4, 1),
        amount=Decimal("100"),
        purpose="nf_checkup",
    )
    spent = Expenditure.objects.create(
        union=world.yuehe,
        line=line,
        spent_on=date(2023, 5, 1),
        amount=Decimal("6000"),
        payee="吴兴收款方样本",
        voucher="吴兴凭证样本",
        kind="culture_sports",
        people=30,
        over_standard="人均 200.00 元，超过上限 150.00 元",
    )
    return str(spent.pk)


def wuxing_asset(world: World) -> str:
    from decimal import Decimal

    from gonghui.wages.models import Asset

    return str(
        Asset.objects.create(
            union=world.wuxing,
            name="吴兴工人文化宫样本",
            kind="palace",
            address="吴兴区",
            area=Decimal("1000"),
        ).pk
    )


def wuxing_lease(world: World) -> str:
    from decimal import Decimal

    from gonghui.wages.models import Asset, Lease

    asset = Asset.objects.get(name="吴兴工人文化宫样本")
    return str(
        Lease.objects.create(
            asset=asset,
            premises="吴兴商铺样本",
            tenant="吴兴承租方样本",
            starts_on=date(2023, 1, 1),
            ends_on=date(2024, 1, 1),
            rent=Decimal("1000"),
        ).pk
    )


# For each URL parameter: how to make an object that belongs to 吴兴区 and give its
# identifier. Every sample is made before each walk, so list pages have 吴兴 rows to leak.
SAMPLES: dict[str, Callable[[World], str]] = {
    "union_code": lambda w: w.yuehe.code,
    "job_id": wuxing_job,
    "user_id": lambda w: str(w.township_staff.pk),
    "member_id": wuxing_member,
    "worker_id": wuxing_worker,
    "join_id": wuxing_join,
    "event_id": wuxing_event,
    "delivery_id": wuxing_delivery,
    "recuperation_batch_id": wuxing_batch,
    "application_id": wuxing_recuperation_application,
    "hardship_case_id": wuxing_hardship_case,
    "hardship_aid_id": wuxing_hardship_aid,
    "perk_id": wuxing_perk,
    "legal_case_id": wuxing_legal_case,
    "slot_id": wuxing_counseling_slot,
    "programme_code": wuxing_programme,
    "task_id": wuxing_formation_task,
    "item_id": wuxing_relief_item,
    "claim_id": wuxing_claim,
    "document_id": wuxing_claim_document,
    "plan_id": wuxing_plan,
    "relief_id": wuxing_relief,
    "batch_id": wuxing_payout_batch,
    "token": wuxing_credentials,
    "transfer_id": wuxing_transfer,
    "client_id": wuxing_api_client,
    "activity_id": wuxing_activity,
    "fair_id": wuxing_fair,
    "research_id": wuxing_research,
    "supervision_id": wuxing_supervision,
    "followup_id": wuxing_followup,
    "file_id": wuxing_followup_file,
    "photo_id": wuxing_photo,
    "case_id": wuxing_case,
    "partnership_id": wuxing_partnership,
    "site_id": wuxing_site,
    "inspection_photo_id": wuxing_inspection_photo,
    "site_photo_id": wuxing_site_photo,
    "competition_id": wuxing_competition,
    "title_id": wuxing_title,
    "talent_id": wuxing_talent,
    "round_id": wuxing_round,
    "nomination_id": wuxing_nomination,
    "honour_id": wuxing_honour,
    "allowance_id": wuxing_allowance,
    "contract_id": wuxing_wage_contract,
    "uscc": wuxing_enterprise,
    "dues_relief_id": wuxing_dues_relief,
    "expenditure_id": wuxing_expenditure,
    "asset_id": wuxing_asset,
    "lease_id": wuxing_lease,
}
# Samples that read an object another sample made (made first, in SAMPLES' order).
NEEDS: dict[str, tuple[str, ...]] = {"lease_id": ("asset_id",), "dues_relief_id": ("uscc",)}
# Parameters that name no scoped object: a valid value.
UNSCOPED_SAMPLES: dict[str, str] = {
    "area_slug": "members",
    "sheet_name": "members",
    "field": "id_number",
    "workflow_key": "relief",
    "indicator_key": "members_new",
    "rest": "",  # the old /aid/payouts/… addresses, redirected to /payouts/…
}


def response_text(response: HttpResponse) -> str:
    """What a person would read in a response: the page, or every cell of a workbook."""
    if response.get("Content-Type", "").endswith("wordprocessingml.document"):
        from gonghui.reports.docx_writer import docx_text

        return docx_text(response.content)
    if not getattr(response, "streaming", False):
        return response.content.decode()
    data = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    if not data.startswith(b"PK"):
        return data.decode(errors="replace")
    with tempfile.NamedTemporaryFile(suffix=".xlsx") as fh:
        fh.write(data)
        fh.flush()
        book = CalamineWorkbook.from_path(fh.name)
        return "\n".join(
            str(cell)
            for name in book.sheet_names
            for row in book.get_sheet_by_name(name).iter_rows()
            for cell in row
        )


def is_public(pattern: str) -> bool:
    return ("/" + pattern).startswith(PUBLIC_PREFIXES)


ALL_ROUTES = all_routes()
ROUTES = [r for r in ALL_ROUTES if not is_public(r.pattern)]
PUBLIC_ROUTES = [r for r in ALL_ROUTES if is_public(r.pattern)]


def sample_values(route: Route, world: World) -> tuple[dict[str, str], bool]:
    """Values for the route's parameters, and whether any names a 吴兴区 object. A route that
    names one gets only the samples it names; any other (a list, a report) is asked with
    every sample made, so that a leak of any 吴兴 object into it would show."""
    wanted = {n for n in route.params if n in SAMPLES}
    for name in list(wanted):
        wanted.update(NEEDS.get(name, ()))
    names = [n for n in SAMPLES if n in wanted] or list(SAMPLES)
    made = {name: SAMPLES[name](world) for name in names}
    values, scoped = {}, False
    for name in route.params:
        if name in SAMPLES:
            values[name], scoped = made[name], True
        elif name in UNSCOPED_SAMPLES:
            values[name] = UNSCOPED_SAMPLES[name]
        else:
            pytest.fail(f"route {route.pattern!r}: add a sample for parameter {name!r} to SAMPLES")
    return values, scoped


def test_public_routes_are_only_login_health_notices_and_stations() -> None:
    # The public notice (公示) shows masked names only: see test_workflow_pages.py; the
    # station map shows stations only: see sites/tests/test_inspections.py.
    assert {r.pattern for r in PUBLIC_ROUTES} == {
        "sites/public/",
        "accounts/login/",
        "accounts/reset/",
        "favicon.ico",
        "healthz",
        "notice/<str:union_code>/",
        "notice/<str:union_code>/print/",
        # The workers' portal: signing up, logging in, activating, and its installable shell.
        "m/login/",
        "m/signup/",
        "m/activate/",
        "m/manifest.webmanifest",
        "m/sw.js",
        "m/offline/",
    }


def test_routes_were_found() -> None:
    patterns = {r.pattern for r in ROUTES}
    assert "orgs/unions/<str:union_code>/" in patterns
    assert any(p.startswith("api/v1/unions") for p in patterns)


def nanxun_users(world: World) -> list[User]:
    """南浔区 staff in every role that acts: a 南浔 administrator must touch no 吴兴 account,
    and a 南浔 reviewer (county and township) or finance user must see no 吴兴 claim, inbox,
    batch or attachment either."""
    return [
        world.nanxun_staff,
        UserFactory.create(username="nanxun_admin", union=world.nanxun, role=Role.ADMIN),
        UserFactory.create(username="nanxun_reviewer", union=world.nanxun, role=Role.REVIEWER),
        UserFactory.create(username="nanxun_finance", union=world.nanxun, role=Role.FINANCE),
        UserFactory.create(
            username="nanxun_town_reviewer", union=world.nanxun_town, role=Role.REVIEWER
        ),
    ]


# Routes that need a query to answer at all: asked where 吴兴's samples are.
ROUTE_QUERIES = {
    "api/v1/sites/nearest": "?lng=120.093&lat=30.871",
    "api/v1/members/card/verify": "?t=not-a-card",
}


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.pattern or "/")
def test_sibling_county_sees_nothing_of_wuxing(route: Route, world: World, client) -> None:
    values, scoped = sample_values(route, world)
    url = route.url(values) + ROUTE_QUERIES.get(route.pattern, "")
    users = nanxun_users(world)
    accounts = ("is_active", "role", "union_id", "pii_access", "password")
    active_before = list(User.objects.order_by("pk").values_list(*accounts))
    jobs_before = Job.objects.count()
    for user in users:
        login(client, user)
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            if scoped:
                # The workers' own pages (m/) refuse staff (403) before reading anything.
                refused = (403, 404, 405) if route.pattern.startswith("m/") else (404, 405)
                assert response.status_code in refused, (
                    user.username,
                    method,
                    url,
                    response.status_code,
                )
            else:
                # 403: a role refused an action (a reviewer posting an import); 400: an
                # empty form refused; neither carries data, as the check below holds.
                assert response.status_code in (200, 302, 400, 403, 404, 405), (
                    user.username,
                    method,
                    url,
                    response.status_code,
                )
                body = response_text(response)
                for name in [*world.wuxing_only_names, WUXING_MEMBER, WUXING_ENTERPRISE]:
                    assert name not in body, (user.username, method, url, name)
    assert list(User.objects.order_by("pk").values_list(*accounts)) == active_before
    assert Job.objects.count() == jobs_before


@pytest.mark.parametrize(
    "route", [r for r in ROUTES if set(r.params) & set(SAMPLES)], ids=lambda r: r.pattern
)
def test_owner_reaches_its_own_objects(route: Route, world: World, client) -> None:
    """The 404s above come from scoping, not from broken routes: 吴兴区 staff get through."""
    login(client, world.wuxing_staff)
    values, _ = sample_values(route, world)
    assert client.get(route.url(values)).status_code in (200, 403, 405)


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.pattern or "/")
def test_anonymous_is_sent_to_login(route: Route, world: World, client) -> None:
    # Refused before anything is looked up: the parameters need name no real object.
    url = route.url(dummy_values(route, world, {}))
    response = client.get(url)
    if url.startswith("/api/"):
        assert response.status_code == 401
    else:
        assert response.status_code == 302
        login_page = "/m/login/" if url.startswith("/m/") else "/accounts/login/"
        assert response["Location"].startswith(login_page)


@pytest.mark.parametrize(
    "route", [r for r in ROUTES if "union_code" in r.params], ids=lambda r: r.pattern
)
def test_township_cannot_reach_its_county(route: Route, world: World, client) -> None:
    login(client, world.township_staff)
    values, _ = sample_values(route, world)
    values["union_code"] = world.wuxing.code
    assert client.get(route.url(values)).status_code in (404, 405)


@pytest.mark.parametrize(
    "route", [r for r in ROUTES if "union_code" in r.params], ids=lambda r: r.pattern
)
def test_worker_without_scope_sees_no_union(route: Route, world: World, client) -> None:
    login(client, world.worker)
    values, _ = sample_values(route, world)
    values["union_code"] = world.city.code
    assert client.get(route.url(values)).status_code in (404, 405)


def test_every_sidebar_link_resolves(world: World, client) -> None:
    """Each page named in the sidebar exists and opens for a county user."""
    login(client, world.wuxing_staff)
    body = client.get("/orgs/unions/330502/").content.decode()
    for href in (
        "/orgs/formation/",
        "/sheets/enterprises/",
        "/members/",
        "/sheets/members/",
        "/audit/",
        "/jobs/",
        "/accounts/password/",
    ):
        assert f'href="{href}"' in body, href
        assert client.get(href).status_code == 200, href


def dummy_values(route: Route, world: World, made: dict[str, str]) -> dict[str, str]:
    """Values for a route's parameters: the made samples, the unscoped ones, else "0"."""
    return {name: made.get(name) or UNSCOPED_SAMPLES.get(name) or "0" for name in route.params}


def test_no_administrator_reads_counselling_notes_anywhere(world: World, client) -> None:
    """Every route, walked by administrators and staff above the station (the city, the
    county, the township): none shows a counsellor's notes. The counsellor who wrote them
    reads them on the notes page, so the sample is real."""
    made = {"slot_id": wuxing_counseling_slot(world)}
    readers = [
        world.city_admin,
        world.township_staff,
        UserFactory.create(username="wuxing_admin", union=world.wuxing, role=Role.ADMIN),
    ]
    for user in readers:
        login(client, user)
        for route in ROUTES:
            url = route.url(dummy_values(route, world, made)) + ROUTE_QUERIES.get(route.pattern, "")
            response = client.get(url)
            assert COUNSELING_NOTES not in response_text(response), (user.username, url)
    login(client, User.objects.get(username="yuehe_counselor"))
    notes = client.get(f"/care/counseling/slots/{made['slot_id']}/notes/")
    assert COUNSELING_NOTES in notes.content.decode()


def test_a_counselor_reaches_only_the_counselling_pages(world: World, client) -> None:
    counselor = UserFactory.create(username="walk_counselor", union=world.yuehe, role="counselor")
    login(client, counselor)
    own = ("care/counseling/", "accounts/logout/", "accounts/password/")
    for route in ROUTES:
        if route.pattern.startswith(own):
            continue
        url = route.url(dummy_values(route, world, {}))
        for method in ("get", "post"):
            status = getattr(client, method)(url).status_code
            expected = 302 if route.pattern == "" else 403
            assert status == expected, (method, url, status)


def test_a_second_worker_sees_nothing_of_the_first(world: World, client) -> None:
    """Every route of the workers' portal, walked by a second worker: the first worker's
    application (named like WUXING_MEMBER) is a 404, and no page shows their name."""
    from gonghui.portal.tests.factories import account_signed_up

    made = {"join_id": wuxing_join(world)}
    second = account_signed_up(name="第二职工", n=78, phone="13700007878")
    login(client, second.user)
    for route in [r for r in ROUTES if r.pattern.startswith("m/")]:
        url = route.url(dummy_values(route, world, made))
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            if set(route.params) & set(made):
                assert response.status_code in (404, 405), (method, url, response.status_code)
            assert WUXING_MEMBER not in response_text(response), (method, url)


def test_a_worker_reaches_no_staff_page(world: World, client) -> None:
    from gonghui.portal.tests.factories import account_signed_up

    login(client, account_signed_up(name="职工", n=79, phone="13700007979").user)
    own = ("m/", "accounts/logout/", "accounts/password/")
    for route in ROUTES:
        if route.pattern.startswith(own):
            continue
        url = route.url(dummy_values(route, world, {}))
        for method in ("get", "post"):
            status = getattr(client, method)(url).status_code
            expected = 302 if route.pattern == "" else 403
            assert status == expected, (method, url, status)
