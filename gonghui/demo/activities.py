"""The demo's activity ledger: 班前十分钟 in above-scale and reform-pilot enterprises, "双百千万"
宣讲 by county and township unions, 文体活动 at every level, and a few livestreams, campus
visits, teacher visits and forums, from January 2022 to the demo's report date (June 2023).

The first half of 2023 holds the seed's figures exactly, scaled to the data set (1860
talks, 348 lectures reaching 61,236 person-times, 636 culture and sports events at city
scale); the halves before it hold about as many, so the dispatch table compares like with
like. Written in bulk, in one transaction, and only when the city has no activity yet.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Q

from gonghui.activities.models import Activity
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
SCHOOLS = ("湖州职业技术学院", "湖州市技师学院", "湖州中学", "湖州师范学院", "长兴技师学院")


@dataclass
class _Places:
    counties: list[Union]
    townships: list[Union]
    grassroots: list[Union]  # founded before 2022: they may organise any activity
    # (enterprise id, organising union, enterprise name) of the enterprises a talk may be
    # held in: above-scale or reform pilots.
    talk_hosts: list[tuple[int, Union, str]]


def _places(city: Union) -> _Places:
    unions = list(
        Union.objects.filter(path__startswith=city.path).only(
            "id", "path", "level", "name", "established_on"
        )
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
    return _Places(
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
    for (start, end), share in zip(HALVES, (*EARLIER_SHARE, 1.0), strict=True):
        window = (start, end)
        talks = ledger.talks(round(goal["pre_shift_talks"] * share), window)
        lectures = ledger.lectures(round(goal["lectures"] * share), window)
        ledger.culture(round(goal["culture_sports_events"] * share), window)
        ledger.others(city, round(goal["lectures"] * share / 20), window)
        if share == 1.0:
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
    log(
        f"活动台账：{len(ledger.rows)} 条；2023 年上半年班前十分钟 {goal['pre_shift_talks']} 场次、"
        f"宣讲 {goal['lectures']} 场次（覆盖 {goal['talk_lecture_attendance']} 人次）、"
        f"文体活动 {goal['culture_sports_events']} 场次。"
    )
    return len(ledger.rows)
