"""The demo's activity ledger: 班前十分钟 in above-scale and reform-pilot enterprises, "双百千万"
宣讲 by county and township unions, 文体活动 at every level, and a few livestreams, campus
visits, teacher visits and forums; and 春风送岗 job fairs with employers of the register (and
a few from outside it) and their positions; from January 2022 to the demo's report date
(June 2023).

The first half of 2023 holds the seed's figures exactly, scaled to the data set (1860
talks, 348 lectures reaching 61,236 person-times, 636 culture and sports events, 131 fairs
offering 49,564 posts at city scale); the halves before it hold about as many, so the dispatch table compares like with
like. Written in bulk, in one transaction, and only when the city has no activity yet.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Q

from gonghui.activities.models import (
    Activity,
    ActivityPhoto,
    FollowUp,
    JobFair,
    JobFairEmployer,
    JobPosition,
    Partnership,
    ResearchVisit,
    ShowcaseCase,
    SupervisionVisit,
)
from gonghui.demo.people import person_name
from gonghui.orgs.models import Enterprise, Union

HALVES = (
    (date(2022, 1, 1), date(2022, 6, 30)),
    (date(2022, 7, 1), date(2022, 12, 31)),
    (date(2023, 1, 1), date(2023, 6, 30)),
)
# Each earlier half against the first half of 2023: last year a little less was done.
EARLIER_SHARE = (0.93, 0.97)
TALK_TOPICS = (
    "学习党的二十大精神",
    "“八八战略”实施二十周年",
    "安全生产第一课",
    "劳模精神代代传",
    "工匠精神进车间",
    "职工权益知多少",
    "产业工人队伍建设改革",
    "共同富裕示范区建设",
)
LECTURE_TOPICS = (
    "劳模故事分享会",
    "工匠绝技绝活讲堂",
    "工会干部讲政策",
    "新就业形态劳动者权益保障",
    "“八八战略”与湖州实践",
    "技能成才之路",
)
CULTURE_EVENTS = (
    "职工篮球赛",
    "职工文化体育节·健步走",
    "职工书画摄影展",
    "职工趣味运动会",
    "“唱响新时代”职工歌咏比赛",
    "职工羽毛球赛",
    "职工拔河比赛",
    "职工乒乓球赛",
)
SPEAKER_TYPES = ("劳模", "工匠", "工会干部")
JOB_TITLES = (
    ("普工", 4500, 6500),
    ("操作工", 5000, 7000),
    ("质检员", 4800, 6500),
    ("电工", 6000, 9000),
    ("焊工", 6500, 9500),
    ("数控车床操作工", 6500, 10000),
    ("仓库管理员", 4500, 6000),
    ("销售代表", 5000, 12000),
    ("外卖骑手", 6000, 10000),
    ("快递员", 5500, 9000),
    ("网约车司机", 6000, 9000),
    ("养老护理员", 4500, 6500),
    ("机修工", 6000, 8500),
    ("会计", 5000, 8000),
)
NEW_FORM_JOBS = {"外卖骑手", "快递员", "网约车司机", "养老护理员"}
OUTSIDE_EMPLOYERS = ("杭州", "嘉兴", "宣城", "苏州")
SCHOOLS = ("湖州职业技术学院", "湖州市技师学院", "湖州中学", "湖州师范学院", "长兴技师学院")


@dataclass
class _Places:
    counties: list[Union]
    townships: list[Union]
    grassroots: list[Union]  # founded before 2022: they may organise any activity
    # (enterprise id, organising union, enterprise name) of the enterprises a talk may be
    # held in: above-scale or reform pilots.
    talk_hosts: list[tuple[int, Union, str]]
    # (enterprise id, uscc, name) of the register, by county path: a fair's employers.
    employers: dict[str, list[tuple[int, str, str]]]


def _places(city: Union) -> _Places:
    unions = list(
        Union.objects.filter(path__startswith=city.path)
        .only("id", "path", "level", "name", "code", "established_on")
        .order_by("code")
    )
    by_id = {u.pk: u for u in unions}
    early = date(2022, 1, 1)

    def may_organise(u: Union) -> bool:
        return u.established_on is None or u.established_on < early

    hosts = []
    rows = (
        Enterprise.objects.filter(owner_union__path__startswith=city.path)
        .filter(Q(is_above_scale=True) | Q(is_reform_pilot=True))
        .values_list("id", "union_id", "owner_union_id", "name")
    )
    for pk, union_id, owner_id, name in sorted(rows):
        own = by_id.get(union_id) if union_id else None
        organiser = own if own is not None and may_organise(own) else by_id[owner_id]
        hosts.append((pk, organiser, name))
    employers: dict[str, list[tuple[int, str, str]]] = {}
    county_len = len(city.path) + Union.steplen
    for pk, uscc, name, path in (
        Enterprise.objects.filter(owner_union__path__startswith=city.path)
        .order_by("id")
        .values_list("id", "uscc", "name", "owner_union__path")
        .iterator(chunk_size=10_000)
    ):
        employers.setdefault(path[:county_len], []).append((pk, uscc, name))
    return _Places(
        employers=employers,
        counties=[u for u in unions if u.level == Union.Level.COUNTY],
        townships=[u for u in unions if u.level == Union.Level.TOWNSHIP and may_organise(u)],
        grassroots=[u for u in unions if u.level == Union.Level.GRASSROOTS and may_organise(u)],
        talk_hosts=hosts,
    )


def _day(rng: random.Random, start: date, end: date) -> date:
    """A working day (Monday to Friday) between ``start`` and ``end``."""
    while True:
        day = start + timedelta(days=rng.randrange((end - start).days + 1))
        if day.weekday() < 5:
            return day


def _hit(values: list[int], total: int, rng: random.Random, low: int, high: int) -> None:
    """Nudge ``values`` by ones, inside [low, high], until they add up to ``total``."""
    if not len(values) * low <= total <= len(values) * high:
        raise ValueError(f"{len(values)} values in [{low}, {high}] cannot add up to {total}")
    gap = total - sum(values)
    step = 1 if gap > 0 else -1
    while gap:
        i = rng.randrange(len(values))
        if low <= values[i] + step <= high:
            values[i] += step
            gap -= step


class _Ledger:
    def __init__(self, rng: random.Random, places: _Places) -> None:
        self.rng = rng
        self.places = places
        self.rows: list[Activity] = []
        self.numbers: dict[tuple[int, str], int] = {}

    def add(self, kind: str, union: Union, title: str, day: date, **fields: Any) -> Activity:
        # The sheet's natural key is (union, kind, title, date): a number makes the title of
        # each session of a series its own, as offices number them (第N期).
        n = self.numbers.get((union.pk, kind), 0) + 1
        self.numbers[(union.pk, kind)] = n
        activity = Activity(
            kind=kind, union=union, title=f"{title}（第{n}期）", held_on=day, **fields
        )
        self.rows.append(activity)
        return activity

    def talks(self, count: int, window: tuple[date, date]) -> list[Activity]:
        made = []
        for _ in range(count):
            enterprise_id, union, name = self.rng.choice(self.places.talk_hosts)
            made.append(
                self.add(
                    "pre_shift_talk",
                    union,
                    f"守好红色根脉·班前十分钟：{self.rng.choice(TALK_TOPICS)}",
                    _day(self.rng, *window),
                    enterprise_id=enterprise_id,
                    site=f"{name}车间",
                    attendance=self.rng.randint(12, 38),
                    speakers=person_name(self.rng, self.rng.random() < 0.6),
                )
            )
        return made

    def lectures(self, count: int, window: tuple[date, date]) -> list[Activity]:
        organisers = self.places.counties + self.places.townships
        made = []
        for _ in range(count):
            made.append(
                self.add(
                    "lecture",
                    self.rng.choice(organisers),
                    f"“双百千万”宣讲：{self.rng.choice(LECTURE_TOPICS)}",
                    _day(self.rng, *window),
                    site="职工之家",
                    attendance=self.rng.randint(20, 64),
                    speakers=person_name(self.rng, self.rng.random() < 0.6),
                    extra={"speaker_type": self.rng.choice(SPEAKER_TYPES)},
                )
            )
        return made

    def culture(self, count: int, window: tuple[date, date]) -> None:
        organisers = (
            self.places.counties * 4 + self.places.townships * 2 + self.places.grassroots[:200]
        )
        for _ in range(count):
            self.add(
                "culture_sports",
                self.rng.choice(organisers),
                self.rng.choice(CULTURE_EVENTS),
                _day(self.rng, *window),
                site="职工文体中心",
                attendance=self.rng.randint(30, 400),
            )

    def others(self, city: Union, count: int, window: tuple[date, date]) -> None:
        """What the seed names but does not count: livestreams, campus and teacher visits,
        forums (one each at least)."""
        rng = self.rng
        for _ in range(max(1, count)):
            self.add(
                "livestream",
                city,
                "“有一种幸福叫劳动”直播间",
                _day(rng, *window),
                attendance=rng.randint(5, 20),
                extra={"viewers": rng.randint(800, 12_000)},
            )
            self.add(
                "campus_visit",
                rng.choice(self.places.counties),
                "劳模工匠进校园",
                _day(rng, *window),
                attendance=rng.randint(80, 300),
                speakers=person_name(rng, True),
                extra={"school": rng.choice(SCHOOLS)},
            )
            enterprise_id, union, name = rng.choice(self.places.talk_hosts)
            self.add(
                "teacher_enterprise_visit",
                union,
                "思政教师进企业",
                _day(rng, *window),
                enterprise_id=enterprise_id,
                site=name,
                attendance=rng.randint(10, 40),
            )
            self.add(
                "forum",
                rng.choice(self.places.counties),
                "一线职工代表座谈会",
                _day(rng, *window),
                attendance=rng.randint(10, 30),
            )


class _Fairs:
    """春风送岗 fairs with their employers and positions, written fair by fair's rows."""

    def __init__(self, rng: random.Random, places: _Places) -> None:
        self.rng = rng
        self.places = places
        self.fairs: list[JobFair] = []
        self.employers: list[JobFairEmployer] = []
        self.positions: list[JobPosition] = []
        self.numbers: dict[int, int] = {}

    def add(self, count: int, window: tuple[date, date]) -> list[JobPosition]:
        rng = self.rng
        organisers = self.places.counties * 3 + self.places.townships
        made: list[JobPosition] = []
        for _ in range(count):
            union = rng.choice(organisers)
            n = self.numbers.get(union.pk, 0) + 1
            self.numbers[union.pk] = n
            day = _day(rng, *window)
            mode = rng.choices(
                (JobFair.Mode.ONSITE, JobFair.Mode.ONLINE, JobFair.Mode.BOTH), (6, 3, 2)
            )[0]
            county = union.path[: len(self.places.counties[0].path)]
            fair = JobFair(
                union=union,
                title=f"{day.year}年“春风送岗”{union.name.removesuffix('总工会')}专场招聘会"
                f"（第{n}期）",
                held_on=day,
                mode=mode,
                venue="“浙里就业”线上平台" if mode == JobFair.Mode.ONLINE else "职工服务中心",
                closed_on=day + timedelta(days=rng.choice((0, 0, 1, 2))),
            )
            self.fairs.append(fair)
            pool = self.places.employers.get(county) or []
            chosen = rng.sample(pool, min(len(pool), rng.randint(8, 30)))
            for city in rng.sample(OUTSIDE_EMPLOYERS, rng.randint(0, 2)):
                chosen.append((0, "", f"{city}{rng.choice(('智造', '物流', '服务'))}有限公司"))
            # Two employers of one name at one fair would be one employer.
            chosen = list({name: (pk, uscc, name) for pk, uscc, name in chosen}.values())
            for enterprise_id, uscc, name in chosen:
                employer = JobFairEmployer(
                    fair=fair, name=name, uscc=uscc, enterprise_id=enterprise_id or None
                )
                self.employers.append(employer)
                for title, low, high in rng.sample(JOB_TITLES, rng.randint(1, 4)):
                    posts = rng.randint(1, 15)
                    applicants = rng.randint(0, posts * 3)
                    position = JobPosition(
                        fair=fair,
                        employer=employer,
                        title=title,
                        posts=posts,
                        pay_min=Decimal(low),
                        pay_max=Decimal(high),
                        new_form_open=title in NEW_FORM_JOBS or rng.random() < 0.1,
                        applicants=applicants,
                        hires=rng.randint(0, min(applicants, posts)),
                    )
                    self.positions.append(position)
                    made.append(position)
        return made

    def trim(self, made: list[JobPosition], most: int) -> list[JobPosition]:
        """Keep at most ``most`` of the positions just made (a small data set's few posts
        cannot fill many positions), and the employers that still have one."""
        if len(made) <= most:
            return made
        dropped = {id(p) for p in self.rng.sample(made, len(made) - most)}
        self.positions = [p for p in self.positions if id(p) not in dropped]
        kept = [p for p in made if id(p) not in dropped]
        hiring = {id(p.employer) for p in self.positions}
        self.employers = [e for e in self.employers if id(e) in hiring]
        return kept

    def write(self) -> None:
        JobFair.objects.bulk_create(self.fairs, batch_size=1000)
        for employer in self.employers:
            employer.fair_id = employer.fair.pk
        JobFairEmployer.objects.bulk_create(self.employers, batch_size=2000)
        for position in self.positions:
            position.fair_id = position.fair.pk
            position.employer_id = position.employer.pk
        JobPosition.objects.bulk_create(self.positions, batch_size=2000)


RESEARCH_FINDINGS = (
    "企业工会规范化建设有短板，部分企业工会委员会未按期换届",
    "能级工资集体协商覆盖面不够，技能等级与工资挂钩不紧",
    "新就业形态劳动者入会渠道不畅，平台企业工会未全覆盖",
    "户外劳动者服务站点利用率不高，部分站点设施缺失",
    "职工技能培训需求大，培训资源不足",
    "企业厂务公开内容不全，公开频次不够",
)
SUPERVISION_TOPICS = (
    "新就业形态劳动者建会入会专项督导",
    "“四个一”工作推进情况专题督导",
)
TASKS = (
    "6月底前完成新就业形态劳动者集中入会活动",
    "上报能级工资集体协商扩面工作台账",
    "完成户外劳动者服务站点年度检查",
)
# Findings are assigned on this day of the demo (the report date is July 2023): items due
# before it and not done are overdue there.
DEMO_REPORT_DAY = date(2023, 6, 30)


class _FollowUps:
    """大调研 at the start of 2023 by the city's and the counties' leaders, a 督导 of each
    county in May, and tasks the city assigned: their findings mostly done, some late, some
    still open, a few overdue at the end of June."""

    def __init__(self, rng: random.Random, city: Union, places: _Places) -> None:
        self.rng = rng
        self.city = city
        self.places = places
        self.items: list[FollowUp] = []

    def _item(self, title: str, owner: Union, by: Union, created: date, **links: Any) -> None:
        rng = self.rng
        deadline = created + timedelta(days=rng.choice((30, 45, 60, 90)))
        fate = rng.random()
        done_on = verified_on = None
        state = FollowUp.State.OPEN
        if fate < 0.6 and deadline <= DEMO_REPORT_DAY + timedelta(days=30):
            done_on = min(deadline - timedelta(days=rng.randint(0, 10)), DEMO_REPORT_DAY)
            done_on = max(done_on, created)
            state, verified_on = (
                FollowUp.State.VERIFIED,
                min(done_on + timedelta(days=3), DEMO_REPORT_DAY),
            )
        elif fate < 0.75:
            done_on = min(deadline + timedelta(days=rng.randint(3, 20)), DEMO_REPORT_DAY)
            done_on = max(done_on, created)
            state = FollowUp.State.DONE
        elif fate < 0.9:
            state = FollowUp.State.IN_PROGRESS
        self.items.append(
            FollowUp(
                title=title,
                source=links.pop("source"),
                assigned_by=by,
                owner=owner,
                owner_person=person_name(rng, rng.random() < 0.5),
                created_on=created,
                deadline=deadline,
                state=state,
                started_on=created if state != FollowUp.State.OPEN else None,
                done_on=done_on,
                verified_on=verified_on,
                evidence="已召开专题会议研究，制定整改措施并落实到位。" if done_on else "",
                **links,
            )
        )

    def write(self) -> dict[str, int]:
        rng = self.rng
        townships_of: dict[str, list[Union]] = {}
        for t in self.places.townships:
            townships_of.setdefault(t.path[: len(self.places.counties[0].path)], []).append(t)
        visits = []
        leaders = (self.city, *self.places.counties)
        gave_first: set[int] = set()
        hosts = {
            u.pk: [pk for pk, host, _ in self.places.talk_hosts if host.path.startswith(u.path)]
            for u in leaders
        }
        for union in leaders:
            below = townships_of.get(union.path, []) or [union]
            for _ in range(4 if union is self.city else 5):
                day = _day(rng, date(2023, 1, 4), date(2023, 3, 31))
                enterprise_id = rng.choice(hosts[union.pk]) if hosts[union.pk] else None
                visit = ResearchVisit.objects.create(
                    union=union,
                    visited_on=day,
                    leaders=f"{union.name.removesuffix('总工会')}总工会主席 {person_name(rng, True)}",
                    enterprise_id=enterprise_id,
                    place="" if enterprise_id else f"{union.name}辖区企业",
                    people_met="一线职工代表、基层工会干部",
                    answers={
                        "enterprise": "订单回暖，技术工人紧缺",
                        "workers": "希望增加技能培训和子女暑期托管",
                        "union": "希望简化工会经费缓减办理流程",
                        "service": "户外劳动者服务站点宣传不够",
                    },
                )
                visits.append(visit)
                for title in rng.sample(RESEARCH_FINDINGS, rng.randint(1, 3)):
                    owner = rng.choice(self.places.counties if union is self.city else below)
                    if union is not self.city and union.pk not in gave_first:
                        owner = below[0]  # the first township has something to do
                        gave_first.add(union.pk)
                    self._item(
                        title,
                        owner,
                        union,
                        day + timedelta(days=3),
                        source=FollowUp.Source.RESEARCH,
                        research_visit=visit,
                    )
        for county in self.places.counties:
            below = townships_of.get(county.path, []) or [county]
            day = _day(rng, date(2023, 5, 4), date(2023, 5, 31))
            supervision = SupervisionVisit.objects.create(
                union=self.city,
                target=county,
                topic=rng.choice(SUPERVISION_TOPICS),
                visited_on=day,
                leaders="市总工会督导组",
            )
            for title in rng.sample(RESEARCH_FINDINGS, 2):
                self._item(
                    title,
                    rng.choice([county, *below]),
                    self.city,
                    day + timedelta(days=2),
                    source=FollowUp.Source.SUPERVISION,
                    supervision=supervision,
                )
            for title in TASKS[:2]:
                self._item(
                    title,
                    county,
                    self.city,
                    _day(rng, date(2023, 3, 1), date(2023, 5, 15)),
                    source=FollowUp.Source.TASK,
                )
        FollowUp.objects.bulk_create(self.items)
        overdue = sum(1 for i in self.items if i.overdue_on(DEMO_REPORT_DAY))
        return {"research_visits": len(visits), "followups": len(self.items), "overdue": overdue}


def _png(rgb: tuple[int, int, int], width: int = 160, height: int = 120) -> bytes:
    """A plain-colour PNG, for the demo's photos (no imaging library needed)."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    row = b"\0" + bytes(rgb) * width
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(row * height))
        + chunk(b"IEND", b"")
    )


PHOTO_COLOURS = ((178, 34, 34), (205, 92, 92), (218, 165, 32), (70, 130, 180), (46, 139, 87))


def _showcase_write(rng: random.Random, city: Union, places: _Places) -> dict[str, int]:
    """The city's selections of the first half of 2023: a photo on each 优秀活动案例, some of
    their speakers as 领讲员, a 典型工作案例 per county, and the partnerships the seed names
    (柯坪县, 乌兰县; the base in 白山市)."""
    from django.core.files.base import ContentFile

    chosen = list(
        Activity.objects.filter(union__path__startswith=city.path, showcase=True)
        .select_related("union")
        .order_by("id")
    )
    for n, activity in enumerate(chosen):
        photo = ActivityPhoto(
            activity=activity,
            original_name=f"活动现场{n + 1}.png",
            content_type="image/png",
            size=0,
        )
        data = _png(PHOTO_COLOURS[n % len(PHOTO_COLOURS)])
        photo.size = len(data)
        photo.file.save(f"demo-{uuid.uuid4().hex}.png", ContentFile(data), save=False)
        photo.save()
    speakers = [a.pk for a in chosen if a.speakers and rng.random() < 0.5]
    Activity.objects.filter(pk__in=speakers).update(lead_speaker=True)
    cases = 0
    for county in places.counties:
        linked = [a for a in chosen if a.union.path.startswith(county.path)][:3]
        case = ShowcaseCase.objects.create(
            union=county,
            title=f"{county.name.removesuffix('总工会')}“一区一品”：班前十分钟进车间",
            year=2023,
            summary="把思政课搬进车间、讲到班组，劳模工匠和工会干部轮流领讲，"
            "职工听得懂、记得住、用得上。",
        )
        case.activities.set(linked)
        cases += 1
    for partner, kind, title, day, money, base in (
        (
            "乌兰县",
            Partnership.Kind.PAIRED_SUPPORT,
            "对口支援工作备忘录",
            date(2022, 9, 16),
            None,
            "",
        ),
        (
            "柯坪县",
            Partnership.Kind.EAST_WEST,
            "东西部协作框架合作协议",
            date(2023, 4, 11),
            Decimal("500000.00"),
            "",
        ),
        (
            "乌兰县",
            Partnership.Kind.PAIRED_SUPPORT,
            "对口支援框架合作协议",
            date(2023, 5, 23),
            Decimal("300000.00"),
            "",
        ),
        (
            "白山市",
            Partnership.Kind.RECUPERATION_BASE,
            "职工疗休养基地挂牌",
            date(2023, 6, 8),
            None,
            "白山市职工疗休养基地",
        ),
    ):
        Partnership.objects.create(
            union=city,
            partner=partner,
            kind=kind,
            title=title,
            signed_on=day,
            money=money,
            base_name=base,
            items="职工疗休养、劳模工匠交流、技能人才培训、帮扶资金",
        )
    return {"photos": len(chosen), "lead_speakers": len(speakers), "cases": cases}


def activities_demo_write(
    *, city: Union, goal: dict[str, Any], seed: int, log: Callable[[str], None]
) -> int:
    """Write the ledger (see the module's docstring); returns the activities written."""
    if Activity.objects.filter(union__path__startswith=city.path).exists():
        log("活动台账演示数据已存在，跳过。")
        return 0
    rng = random.Random(f"activities:{seed}")
    places = _places(city)
    if not places.talk_hosts or not places.counties:
        return 0
    ledger = _Ledger(rng, places)
    fairs = _Fairs(rng, places)
    for (start, end), share in zip(HALVES, (*EARLIER_SHARE, 1.0), strict=True):
        window = (start, end)
        talks = ledger.talks(round(goal["pre_shift_talks"] * share), window)
        lectures = ledger.lectures(round(goal["lectures"] * share), window)
        ledger.culture(round(goal["culture_sports_events"] * share), window)
        ledger.others(city, round(goal["lectures"] * share / 20), window)
        positions = fairs.add(max(1, round(goal["job_fairs"] * share)), window)
        if share == 1.0:
            positions = fairs.trim(positions, goal["job_positions"])
            posts = [p.posts for p in positions]
            _hit(posts, goal["job_positions"], rng, 1, 2_000)
            for position, n in zip(positions, posts, strict=True):
                position.posts = n
                position.hires = min(position.hires, n)
            both = talks + lectures
            people = [a.attendance for a in both]
            _hit(people, goal["talk_lecture_attendance"], rng, 1, 2_000)
            for activity, n in zip(both, people, strict=True):
                activity.attendance = n
            # The cases the city picked as examples (优秀活动案例).
            for activity in rng.sample(both, max(1, len(both) // 50)):
                activity.showcase = True
    with transaction.atomic():
        Activity.objects.bulk_create(ledger.rows, batch_size=2000)
        fairs.write()
        followed = _FollowUps(rng, city, places).write()
        _showcase_write(rng, city, places)
    log(
        f"活动台账：{len(ledger.rows)} 条；2023 年上半年班前十分钟 {goal['pre_shift_talks']} 场次、"
        f"宣讲 {goal['lectures']} 场次（覆盖 {goal['talk_lecture_attendance']} 人次）、"
        f"文体活动 {goal['culture_sports_events']} 场次；“春风送岗”招聘会 {len(fairs.fairs)} 场"
        f"（2023 年上半年 {goal['job_fairs']} 场，岗位 {goal['job_positions']} 个）；"
        f"大调研走访 {followed['research_visits']} 次，督办事项 {followed['followups']} 个"
        f"（2023 年 6 月底逾期 {followed['overdue']} 个）。"
    )
    return len(ledger.rows)
