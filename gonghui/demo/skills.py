"""The demo's 技能提升: 百业千匠 competitions with their entries and published rankings, the
湖州市技术能手 titles of the city's competitions, a few 湖州工匠, and skill promotions
(技能晋级), from January 2022 to June 2023.

The first half of 2023 holds the seed's figures exactly, scaled to the data set (408
competitions, 21,100 entries and 7,300 promotions at city scale); the 2023 series opens on
16 April at 吉利长兴 with the 机动车检测工 competition, as the seed tells. The halves before
hold a little less, so the dispatch table compares like with like. The people are members
of the demo's roster (their skills files are linked to them); a promotion moves the
member's grade one step, in date order. Written in bulk, once."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from gonghui.core import pii
from gonghui.core.bulk import ids_reserve
from gonghui.core.workflow import Action, State
from gonghui.core.workflow.models import ReviewEntry
from gonghui.members.models import EmploymentForm, Member, SkillGrade
from gonghui.orgs.models import Union
from gonghui.skills.models import (
    CertificateSeries,
    Competition,
    CompetitionEntry,
    CompetitionSeries,
    Honour,
    HonourKind,
    HonourLevel,
    InnovationStudio,
    Level,
    Mentorship,
    Nomination,
    NominationRound,
    PromotionRoute,
    RoundPlaces,
    SkillPromotion,
    SkillTitle,
    StudioAlliance,
    StudioLevel,
    Talent,
    TitleKind,
)
from gonghui.skills.ranking import Scores, final_score, rank_entries

HALVES = (
    (date(2022, 1, 1), date(2022, 6, 30), 0.93),
    (date(2022, 7, 1), date(2022, 12, 31), 0.97),
    (date(2023, 1, 1), date(2023, 6, 30), 1.0),
)
LAUNCH = date(2023, 4, 16)  # the 2023 series opens at 吉利长兴 (the seed)
PUBLISHED_BY = date(2023, 6, 25)  # competitions held after this still await their ranking
TRADES = (
    ("机动车检测工", "新能源汽车及关键零部件"),
    ("汽车装调工", "新能源汽车及关键零部件"),
    ("电工", "高端装备"),
    ("焊工", "高端装备"),
    ("数控车工", "高端装备"),
    ("电梯安装维修工", "高端装备"),
    ("半导体分立器件制造工", "半导体及光电"),
    ("光伏组件制造工", "半导体及光电"),
    ("药物制剂工", "生物医药"),
    ("生化检验员", "生物医药"),
    ("地理信息采集员", "地理信息"),
    ("工程测量员", "地理信息"),
    ("家具制作工", "绿色家居"),
    ("木雕工", "绿色家居"),
    ("铸造工", "新材料"),
    ("化学检验员", "新材料"),
    ("网络与信息安全管理员", "数字经济"),
    ("互联网营销师", "数字经济"),
    ("快递员", ""),
    ("网约配送员", ""),
    ("养老护理员", ""),
    ("育婴员", ""),
    ("茶艺师", ""),
)
PRIZES = {
    Level.CITY: {"1": "3000.00", "2": "2000.00", "3": "1000.00"},
    Level.COUNTY: {"1": "2000.00", "2": "1000.00", "3": "500.00"},
    Level.TOWNSHIP: {"1": "1000.00", "2": "600.00", "3": "300.00"},
}
# Entries per competition by level, relative.
WEIGHT = {Level.CITY: 3.0, Level.COUNTY: 1.2, Level.TOWNSHIP: 0.8}
ROUTES = (
    (PromotionRoute.TRAINING, 0.42),
    (PromotionRoute.MENTORSHIP, 0.33),
    (PromotionRoute.STUDIO, 0.10),
    (PromotionRoute.COMPETITION, 0.15),
)
CERTIFIERS = ("湖州市职业技能等级认定指导中心", "企业技能等级自主评价", "社会培训评价组织")


def _day(rng: random.Random, start: date, end: date) -> date:
    return start + timedelta(days=rng.randrange((end - start).days + 1))


def _score(rng: random.Random, mean: float, spread: float) -> Decimal:
    value = min(100.0, max(20.0, rng.gauss(mean, spread)))
    # Most scores are whole or half points, as judges give them.
    step = Decimal("0.5") if rng.random() < 0.7 else Decimal("0.01")
    return (Decimal(str(value)) / step).to_integral_value() * step


def split_total(total: int, weights: list[float], least: int) -> list[int]:
    """``total`` split in proportion to ``weights``, each at least ``least`` when the total
    allows it (largest remainders)."""
    if not weights:
        return []
    least = least if total >= least * len(weights) else 0
    spare = total - least * len(weights)
    whole = sum(weights)
    raw = [spare * w / whole for w in weights]
    parts = [int(r) for r in raw]
    for i in sorted(range(len(raw)), key=lambda i: raw[i] - parts[i], reverse=True)[
        : spare - sum(parts)
    ]:
        parts[i] += 1
    return [least + p for p in parts]


class _People:
    """Members drawn from the roster as the demo's competitors and promoted workers, each
    with a skills file (Talent) made on first use."""

    def __init__(self, city: Union, rng: random.Random) -> None:
        self.rng = rng
        members = Member.objects.filter(
            union__path__startswith=city.path, status=Member.Status.ACTIVE
        )
        bounds = sorted(members.values_list("pk", flat=True).order_by("pk")[:1]) + sorted(
            members.values_list("pk", flat=True).order_by("-pk")[:1]
        )
        self.low, self.high = (bounds[0], bounds[-1]) if bounds else (0, -1)
        self.members = members
        self.talents: dict[int, Talent] = {}  # by member pk
        self.ids: dict[int, str] = {}  # the plaintext ID number, by member pk

    def draw(self, count: int) -> list[Member]:
        """``count`` distinct active members (fewer if the roster is smaller)."""
        chosen: dict[int, Member] = {}
        tries = 0
        while len(chosen) < count and tries < 20 and self.high >= self.low:
            tries += 1
            want = count - len(chosen)
            span = self.high - self.low + 1
            keys = {self.rng.randint(self.low, self.high) for _ in range(min(span, want * 2))}
            keys -= chosen.keys()
            found = list(
                self.members.filter(pk__in=sorted(keys))
                .only(
                    "pk",
                    "name",
                    "id_cipher",
                    "id_hash",
                    "id_masked",
                    "union_id",
                    "employer_name",
                    "skill_grade",
                    "employment_form",
                )
                .order_by("pk")
            )
            # Taken in random order: the first found by key would favour the first counties.
            self.rng.shuffle(found)
            for m in found[:want]:
                chosen[m.pk] = m
        return list(chosen.values())

    def talent(self, member: Member) -> Talent:
        found = self.talents.get(member.pk)
        if found is None:
            found = Talent(
                union_id=member.union_id,
                member_id=member.pk,
                name=member.name,
                id_hash=member.id_hash,
                id_masked=member.id_masked,
                employer_name=member.employer_name,
                grade=member.skill_grade,
            )
            self.ids[member.pk] = pii.column_cipher(Member.id_cipher).decrypt(
                member.pk, member.id_cipher
            )
            self.talents[member.pk] = found
        return found

    def save(self) -> list[Talent]:
        """Write the new skills files, their ID numbers sealed to their own rows."""
        new = [(m, t) for m, t in self.talents.items() if t.pk is None]
        if not new:
            return []
        pks = ids_reserve(Talent, len(new))
        tokens = pii.column_cipher(Talent.id_cipher).encrypt_many(
            pks, [self.ids[m] for m, _ in new]
        )
        for pk, token, (_, talent) in zip(pks, tokens, new, strict=True):
            talent.pk, talent.id_cipher = pk, token
        return Talent.objects.bulk_create([t for _, t in new], batch_size=2000)


def skills_demo_write(
    *, city: Union, goal: dict[str, Any], seed: int, log: Callable[[str], None]
) -> int:
    """Write the competitions, entries, titles and promotions (see the module's docstring);
    returns the number of competitions."""
    if Competition.objects.filter(union__path__startswith=city.path).exists():
        log("技能提升演示数据已存在，跳过。")
        return 0
    rng = random.Random(f"skills:{seed}")
    counties = list(
        Union.objects.filter(path__startswith=city.path, level=Union.Level.COUNTY).order_by("code")
    )
    townships = list(
        Union.objects.filter(path__startswith=city.path, level=Union.Level.TOWNSHIP).order_by(
            "code"
        )
    )
    if not counties or not townships:
        return 0
    people = _People(city, rng)
    with transaction.atomic():
        made = 0
        entries_h1 = promotions_h1 = 0
        for start, end, share in HALVES:
            this_half = share == 1.0
            n_comp = round(goal["competitions_held"] * share)
            n_entries = round(goal["competition_entries"] * share)
            n_promotions = round(goal["skill_promotions"] * share)
            competitions = _competitions(
                rng,
                city,
                counties,
                townships,
                start,
                end,
                n_comp,
                first=LAUNCH if this_half else None,
            )
            entries = _entries_write(rng, people, competitions, n_entries)
            made += len(competitions)
            promotions = _promotions_write(rng, people, start, end, n_promotions)
            if this_half:
                entries_h1, promotions_h1 = entries, promotions
        _craftsmen_write(rng, city, people)
        studios = _studios_write(rng, city, people, share=goal["competitions_held"] / 408)
        mentorships = _mentorships_write(rng, people)
        honours = _honours_write(rng, city, counties, people, share=goal["competitions_held"] / 408)
    log(
        f"技能提升：2023 年上半年“百业千匠”竞赛 {goal['competitions_held']} 场次、参赛 "
        f"{entries_h1} 人次，技能晋级 {promotions_h1} 人次（共 {made} 场竞赛）；"
        f"创新工作室 {studios} 个，导师帮带 {mentorships} 对，荣誉 {honours} 个。"
    )
    return made


def _competitions(
    rng: random.Random,
    city: Union,
    counties: list[Union],
    townships: list[Union],
    start: date,
    end: date,
    count: int,
    *,
    first: date | None,
) -> list[Competition]:
    year = start.year
    series, _ = CompetitionSeries.objects.get_or_create(
        union=city, name=f"{year}年湖州市“百业千匠”职工职业技能大赛", defaults={"year": year}
    )
    opens = max(start, first) if first else start
    rows: list[Competition] = []
    for n in range(count):
        if n == 0 and first is not None:
            union, level, trade, chain, day = (
                city,
                Level.CITY,
                "机动车检测工",
                "新能源汽车及关键零部件",
                first,
            )
            name, venue = (
                "新能源汽车行业机动车检测工职业技能竞赛",
                "吉利长兴新能源汽车有限公司交检车间",
            )
        else:
            pick = rng.random()
            if pick < 0.06:
                union, level = city, Level.CITY
            elif pick < 0.56:
                union, level = rng.choice(counties), Level.COUNTY
            else:
                union, level = rng.choice(townships), Level.TOWNSHIP
            trade, chain = rng.choice(TRADES)
            day = _day(rng, opens, end)
            short = union.name.removesuffix("总工会").removesuffix("工会")
            name = f"{short}{trade}职业技能竞赛"
            venue = f"{short}职工技能实训基地"
        rows.append(
            Competition(
                union=union,
                series=series,
                code=f"BYQJ-{year}{'A' if start.month == 1 else 'B'}-{n + 1:04d}",
                name=name,
                trade=trade,
                chain=chain,
                level=level,
                co_organisers="湖州市人力资源和社会保障局" if level == Level.CITY else "",
                held_on=day,
                venue=venue,
                prizes=PRIZES[level],
            )
        )
    # Recorded in the order they were held, as an office keys them in.
    rows.sort(key=lambda c: (c.held_on, c.code))
    return Competition.objects.bulk_create(rows, batch_size=1000)


def _entries_write(
    rng: random.Random, people: _People, competitions: list[Competition], total: int
) -> int:
    sizes = split_total(total, [WEIGHT[Level(c.level)] for c in competitions], least=4)
    # Some workers enter two competitions in a half: about 1.2 entries a person.
    pool = people.draw(max(max(sizes, default=0), round(total / 1.2)))
    if not pool:
        return 0
    planned: list[tuple[Competition, list[Member]]] = []
    for competition, size in zip(competitions, sizes, strict=True):
        planned.append((competition, rng.sample(pool, min(size, len(pool)))))
    for _, members in planned:
        for m in members:
            people.talent(m)
    people.save()
    entries: list[CompetitionEntry] = []
    titles: list[tuple[Competition, CompetitionEntry]] = []
    for competition, members in planned:
        scored = []
        for row, m in enumerate(members, start=2):
            theory, practical = _score(rng, 76, 9), _score(rng, 74, 11)
            minutes = (
                None if rng.random() < 0.06 else Decimal(rng.randrange(250, 900)) / Decimal(10)
            )
            scored.append(
                CompetitionEntry(
                    competition=competition,
                    talent=people.talents[m.pk],
                    row=row,
                    employer_name=m.employer_name,
                    theory=theory,
                    practical=practical,
                    minutes=minutes,
                    final=final_score(theory, practical, 30, 70),
                )
            )
        if competition.held_on <= PUBLISHED_BY:
            _publish(competition, scored)
            if competition.level == Level.CITY:
                titles.extend((competition, e) for e in scored if e.titled)
        entries.extend(scored)
    CompetitionEntry.objects.bulk_create(entries, batch_size=2000)
    Competition.objects.bulk_update(
        [c for c, _ in planned if c.published_at is not None], ["published_at"], batch_size=1000
    )
    _titles_write(titles)
    return len(entries)


def _publish(competition: Competition, entries: list[CompetitionEntry]) -> None:
    prizes = {int(k): Decimal(v) for k, v in competition.prizes.items()}
    ranked = rank_entries(
        [Scores(i, e.theory, e.practical, e.minutes) for i, e in enumerate(entries)],
        theory_weight=30,
        practical_weight=70,
        pass_mark=competition.pass_mark,
        prizes=prizes,
    )
    for r in ranked:
        e = entries[int(r.key)]  # type: ignore[call-overload]
        e.rank, e.titled, e.prize = r.rank, r.title, r.prize
    competition.published_at = timezone.make_aware(
        datetime.combine(competition.held_on + timedelta(days=3), time(10))
    )


def _titles_write(titled: list[tuple[Competition, CompetitionEntry]]) -> None:
    if not titled:
        return
    by_year: dict[int, list[tuple[Competition, CompetitionEntry]]] = {}
    for c, e in sorted(titled, key=lambda t: (t[0].held_on, t[0].pk, t[1].rank or 0)):
        by_year.setdefault(c.held_on.year, []).append((c, e))
    rows = []
    for year, pairs in by_year.items():
        series, _ = CertificateSeries.objects.get_or_create(
            kind=TitleKind.TECHNICAL_EXPERT, year=year
        )
        for n, (c, e) in enumerate(pairs, start=series.last + 1):
            rows.append(
                SkillTitle(
                    union=c.union,
                    talent=e.talent,
                    kind=TitleKind.TECHNICAL_EXPERT,
                    trade=c.trade,
                    granted_on=c.held_on + timedelta(days=14),
                    issuers=f"{c.union.name}、{c.co_organisers}",
                    certificate_no=f"JSNS-{year}-{n:04d}",
                    entry=e,
                )
            )
        series.last += len(pairs)
        series.save(update_fields=["last"])
    SkillTitle.objects.bulk_create(rows, batch_size=1000)


def _promotions_write(
    rng: random.Random, people: _People, start: date, end: date, count: int
) -> int:
    # Workers already at 高级技师 cannot go further: draw more until there are enough.
    drawn: list[Member] = []
    for extra in (1.1, 1.5, 3.0):
        drawn = [
            m
            for m in people.draw(round(count * extra) + 2)
            if (m.skill_grade if m.pk not in people.talents else people.talents[m.pk].grade)
            != SkillGrade.SENIOR_TECHNICIAN
        ][:count]
        if len(drawn) == count:
            break
    for m in drawn:
        people.talent(m)
    people.save()
    rows = []
    routes = [route for route, _ in ROUTES]
    weights = [weight for _, weight in ROUTES]
    moved: list[Talent] = []
    for m in drawn:
        talent = people.talents[m.pk]
        before = talent.grade
        after = SkillGrade.JUNIOR if before is None else before - 1
        rows.append(
            SkillPromotion(
                union_id=m.union_id,
                talent=talent,
                from_grade=before,
                to_grade=after,
                promoted_on=_day(rng, start, end),
                certifier=rng.choice(CERTIFIERS),
                route=rng.choices(routes, weights)[0],
                new_form=m.employment_form == EmploymentForm.NEW_FORM,
            )
        )
        talent.grade = after
        moved.append(talent)
    SkillPromotion.objects.bulk_create(rows, batch_size=2000)
    Talent.objects.bulk_update(moved, ["grade"], batch_size=2000)
    Member.objects.bulk_update(
        [Member(pk=t.member_id, skill_grade=t.grade) for t in moved],
        ["skill_grade"],
        batch_size=2000,
    )
    return len(rows)


def _craftsmen_write(rng: random.Random, city: Union, people: _People) -> None:
    """A few 湖州工匠 (and 浙江青年工匠) among the most skilled of the files, granted before
    May Day 2023: the ladder's top tier."""
    best = sorted(
        (t for t in people.talents.values() if t.grade is not None and t.grade <= 2),
        key=lambda t: (t.grade, t.pk),
    )[: max(1, len(people.talents) // 600)]
    rows = []
    numbers = {TitleKind.HUZHOU_CRAFTSMAN: 0, TitleKind.ZHEJIANG_YOUNG_CRAFTSMAN: 0}
    for n, talent in enumerate(best, start=1):
        kind = TitleKind.ZHEJIANG_YOUNG_CRAFTSMAN if n % 5 == 0 else TitleKind.HUZHOU_CRAFTSMAN
        numbers[kind] += 1
        rows.append(
            SkillTitle(
                union=city,
                talent=talent,
                kind=kind,
                granted_on=date(2023, 4, 28),
                issuers="中共湖州市委人才工作领导小组、湖州市总工会"
                if kind == TitleKind.HUZHOU_CRAFTSMAN
                else "浙江省总工会",
                certificate_no=(
                    f"{'HZGJ' if kind == TitleKind.HUZHOU_CRAFTSMAN else 'ZJQNGJ'}"
                    f"-2023-{numbers[kind]:04d}"
                ),
            )
        )
    SkillTitle.objects.bulk_create(rows)
    for kind, last in numbers.items():
        CertificateSeries.objects.update_or_create(kind=kind, year=2023, defaults={"last": last})


STUDIO_LEVELS = (
    (StudioLevel.NATIONAL, 0.03),
    (StudioLevel.PROVINCIAL, 0.17),
    (StudioLevel.CITY, 0.4),
    (StudioLevel.COUNTY, 0.4),
)
# The seed's craftsman: 谈敏 of 湖州南丰机械制造有限公司, who leads a provincial studio and
# formed the casting industry's alliance of studios. Not on the demo roster.
TAN_MIN = ("谈敏", "湖州南丰机械制造有限公司")


def _county_of(city: Union, union_id: int) -> Union:
    union = Union.objects.only("code", "path").get(pk=union_id)
    return Union.objects.filter(code=union.code[:6]).first() or city


def _studios_write(rng: random.Random, city: Union, people: _People, *, share: float) -> int:
    """Studios led by the most skilled of the files (at least one), the seed's casting
    studio of 谈敏, and the casting alliance it leads (founded June 2023)."""
    leaders = sorted(
        (t for t in people.talents.values() if t.grade is not None and t.grade <= 2),
        key=lambda t: (t.grade, t.pk),
    )[: max(1, round(60 * share))]
    levels, weights = [lv for lv, _ in STUDIO_LEVELS], [w for _, w in STUDIO_LEVELS]
    rows = []
    for talent in leaders:
        rows.append(
            InnovationStudio(
                union=_county_of(city, talent.union_id),
                name=f"{talent.name}劳模工匠创新工作室",
                level=rng.choices(levels, weights)[0],
                leader=talent,
                enterprise_name=talent.employer_name or "湖州市某制造企业",
                founded_on=_day(rng, date(2016, 1, 1), date(2023, 5, 31)),
                members_count=rng.randint(5, 30),
                patents=rng.randint(0, 12),
                innovations=rng.randint(1, 40),
                savings=Decimal(rng.randrange(10, 800)) * 10_000,
            )
        )
    # 谈敏: a skills file of his own (an ID number not on the roster).
    name, employer = TAN_MIN
    for sequence in range(500, 600):
        id18 = pii.id_number_compose("330503", date(1984, 9, 12), sequence)
        digest = pii.id_indexer().digest(id18)
        if not Member.objects.filter(id_hash=digest).exists():
            break
    [tan_pk] = ids_reserve(Talent, 1)
    tan = Talent.objects.create(
        pk=tan_pk,
        union=city,
        name=name,
        id_cipher=pii.column_cipher(Talent.id_cipher).encrypt(tan_pk, id18),
        id_hash=digest,
        id_masked=pii.mask_id_number(id18),
        employer_name=employer,
        grade=SkillGrade.TECHNICIAN,
    )
    for kind, prefix in (
        (TitleKind.ZHEJIANG_YOUNG_CRAFTSMAN, "ZJQNGJ"),
        (TitleKind.HUZHOU_CRAFTSMAN, "HZGJ"),
    ):
        series, _ = CertificateSeries.objects.get_or_create(kind=kind, year=2022)
        series.last += 1
        series.save(update_fields=["last"])
        SkillTitle.objects.create(
            union=city,
            talent=tan,
            kind=kind,
            trade="铸造工",
            granted_on=date(2022, 4, 28),
            issuers="浙江省总工会"
            if kind == TitleKind.ZHEJIANG_YOUNG_CRAFTSMAN
            else "湖州市总工会",
            certificate_no=f"{prefix}-2022-{series.last:04d}",
        )
    rows.append(
        InnovationStudio(
            union=city,
            name="谈敏浙江省高技能人才劳模创新工作室",
            level=StudioLevel.PROVINCIAL,
            leader=tan,
            enterprise_name=employer,
            founded_on=date(2021, 9, 1),
            members_count=18,
            patents=9,
            innovations=26,
            savings=Decimal("3600000.00"),
        )
    )
    made = InnovationStudio.objects.bulk_create(rows)
    lead = made[-1]
    alliance = StudioAlliance.objects.create(
        union=city,
        name="湖州市铸造行业劳模工匠创新工作室联盟",
        industry="铸造",
        founded_on=date(2023, 6, 8),
        lead_studio=lead,
    )
    alliance.studios.set([lead, *made[: min(4, len(made) - 1)]])
    return len(made)


def _mentorships_write(rng: random.Random, people: _People) -> int:
    """Most promotions by 导师帮带 get the pair they came from: a mentor of 技师 or above
    (or the best at hand), paired some months before, still running or ended after."""
    mentors = [t for t in people.talents.values() if t.grade is not None and t.grade <= 2]
    if not mentors:
        return 0
    promotions = list(
        SkillPromotion.objects.filter(
            route=PromotionRoute.MENTORSHIP, talent_id__in=[t.pk for t in people.talents.values()]
        ).order_by("pk")
    )
    pairs: dict[tuple[int, int], Mentorship] = {}
    linked = []
    for promotion in promotions:
        if rng.random() > 0.8:
            continue
        mentor = rng.choice(mentors)
        if mentor.pk == promotion.talent_id:
            continue
        key = (mentor.pk, promotion.talent_id)
        if key not in pairs:
            started = promotion.promoted_on - timedelta(days=rng.randint(90, 420))
            ended = (
                None
                if rng.random() < 0.6
                else promotion.promoted_on + timedelta(days=rng.randint(10, 150))
            )
            pairs[key] = Mentorship(
                union_id=promotion.union_id,
                mentor=mentor,
                apprentice_id=promotion.talent_id,
                started_on=started,
                ended_on=ended,
                outcome="徒弟通过技能等级认定" if ended else "",
            )
        linked.append((promotion, key))
    Mentorship.objects.bulk_create(list(pairs.values()), batch_size=2000)
    for promotion, key in linked:
        promotion.mentorship = pairs[key]
    SkillPromotion.objects.bulk_update([p for p, _ in linked], ["mentorship"], batch_size=2000)
    return len(pairs)


# 2023's city rounds (places per county at city scale), nominated in March and granted
# before May Day: 五一劳动奖章 to people, 奖状 to units, 工人先锋号 to teams.
ROUNDS_2023 = (
    (HonourKind.MAY_DAY_MEDAL, "2023年湖州市五一劳动奖章", 8),
    (HonourKind.MAY_DAY_AWARD, "2023年湖州市五一劳动奖状", 4),
    (HonourKind.PIONEER, "2023年湖州市工人先锋号", 6),
)
TEAMS = ("质检班", "装配一班", "数控车间", "研发中心测试组", "配送站点", "护理组")
STEPS = ("township_review", "county_review", "city_approval")


def _member_under(
    people: _People, county: Union, codes: dict[int, str], used: set[int]
) -> Member | None:
    """A member of the county not used yet (None if the draws find none)."""
    for _ in range(10):
        for m in people.draw(40):
            if m.pk not in used and codes.get(m.union_id, "").startswith(county.code):
                return m
    return None


def _honours_write(
    rng: random.Random,
    city: Union,
    counties: list[Union],
    people: _People,
    *,
    share: float,
) -> int:
    """Earlier honours in the registry (2020's model workers) and 2023's city rounds with
    their nominations: most approved after their notice (granted on 25 April), a few not."""
    grassroots = {
        c.pk: list(
            Union.objects.filter(path__startswith=c.path, level=Union.Level.GRASSROOTS).order_by(
                "code"
            )[:200]
        )
        for c in counties
    }
    honours: list[Honour] = []
    # 2020: model workers, city and provincial.
    for level, per_county in ((HonourLevel.CITY, 20), (HonourLevel.PROVINCIAL, 3)):
        for member in people.draw(max(1, round(per_county * share)) * len(counties)):
            talent = people.talent(member)
            honours.append(
                Honour(
                    union_id=member.union_id,
                    kind=HonourKind.MODEL_WORKER,
                    level=level,
                    year=2020,
                    granted_on=date(2020, 4, 28),
                    talent=talent,
                    unit_name=member.employer_name,
                )
            )
    people.save()
    for h in honours:
        h.talent_id = h.talent.pk if h.talent else None
    granted_on = date(2023, 4, 25)
    nominations: list[tuple[Nomination, bool]] = []
    medalled: set[int] = set()  # a person is nominated for the medal once
    codes = dict(Union.objects.filter(path__startswith=city.path).values_list("pk", "code"))
    for kind, name, per_county in ROUNDS_2023:
        round_ = NominationRound.objects.create(
            union=city,
            year=2023,
            kind=kind,
            level=HonourLevel.CITY,
            name=name,
            conditions="在本地区经济社会发展中做出突出贡献；一线职工比例不低于60%。",
            frontline_min_pct=60 if kind == HonourKind.MAY_DAY_MEDAL else 0,
            closes_on=date(2023, 3, 20),
        )
        for county in counties:
            places = RoundPlaces.objects.create(
                round=round_, county=county, places=max(1, round(per_county * share))
            )
            unions = grassroots[county.pk]
            if not unions:
                continue
            # One more nomination than places: the county's review turns one down.
            for n in range(places.places + 1):
                approved = n < places.places
                union = rng.choice(unions)
                nominee: Member | None = None
                if kind == HonourKind.MAY_DAY_MEDAL:
                    # A person is proposed by their own union, in the county whose place
                    # they take.
                    nominee = _member_under(people, county, codes, medalled)
                    if nominee is None:
                        continue
                    medalled.add(nominee.pk)
                item = Nomination(
                    union=union,
                    round=round_,
                    places=places,
                    frontline=kind != HonourKind.MAY_DAY_MEDAL or n % 5 != 0,
                    deeds="立足岗位、攻坚克难，在技术创新和安全生产中成绩突出。",
                    state=State.APPROVED if approved else State.REJECTED,
                    submitted_at=timezone.make_aware(datetime(2023, 3, 10, 9)),
                    approved_at=timezone.make_aware(datetime(2023, 4, 10, 15))
                    if approved
                    else None,
                )
                if nominee is not None:
                    item.union_id = nominee.union_id
                    item.talent = people.talent(nominee)
                    item.unit_name = nominee.employer_name
                else:
                    item.unit_name = f"{union.name.removesuffix('工会')}"
                    if kind == HonourKind.PIONEER:
                        item.team_name = rng.choice(TEAMS)
                nominations.append((item, approved))
    people.save()
    for item, _ in nominations:
        item.talent_id = item.talent.pk if item.talent else None
    made = Nomination.objects.bulk_create([n for n, _ in nominations], batch_size=1000)
    entries: list[ReviewEntry] = []
    for item, (_, approved) in zip(made, nominations, strict=True):
        trail = [(Action.SUBMIT, "", State.DRAFT, State.IN_REVIEW, STEPS[0], date(2023, 3, 10))]
        for n, step in enumerate(STEPS):
            if not approved and n == 1:
                trail.append(
                    (Action.REJECT, step, State.IN_REVIEW, State.REJECTED, "", date(2023, 3, 28))
                )
                break
            last = n == len(STEPS) - 1
            trail.append(
                (
                    Action.APPROVE,
                    step,
                    State.IN_REVIEW,
                    State.NOTICE if last else State.IN_REVIEW,
                    "" if last else STEPS[n + 1],
                    date(2023, 3, 15 + 6 * n),
                )
            )
        if approved:
            trail.append((Action.NOTICE_PASS, "", State.NOTICE, State.APPROVED, "", granted_on))
            honours.append(
                Honour(
                    union_id=item.union_id,
                    kind=item.round.kind,
                    level=HonourLevel.CITY,
                    year=2023,
                    granted_on=granted_on,
                    talent_id=item.talent_id,
                    unit_name=item.unit_name,
                    team_name=item.team_name,
                    nomination=item,
                )
            )
        for action, step, before, after, to_step, day in trail:
            entries.append(
                ReviewEntry(
                    workflow="honour_nomination",
                    object_id=item.pk,
                    union_id=item.union_id,
                    step=step,
                    action=action,
                    from_state=before,
                    to_state=after,
                    to_step=to_step,
                    actor_name="系统" if action == Action.NOTICE_PASS else "演示数据",
                    comment="不符合推荐条件" if action == Action.REJECT else "",
                    at=timezone.make_aware(datetime.combine(day, time(10))),
                )
            )
    ReviewEntry.objects.bulk_create(entries, batch_size=2000)
    Honour.objects.bulk_create(honours, batch_size=1000)
    return len(honours)
