"""Competitions: loading one from its file, ranking it, publishing the ranking and granting
the 技术能手 titles it proposes."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from gonghui.core.actors import Actor, user_of
from gonghui.core.audit import audit_record
from gonghui.core.problems import problems_raise
from gonghui.core.sheets.parsers import money, number_of, parse_date
from gonghui.orgs.models import Union
from gonghui.skills.models import (
    CertificateSeries,
    Competition,
    CompetitionEntry,
    CompetitionSeries,
    Level,
    SkillTitle,
    TitleKind,
)
from gonghui.skills.permissions import require_edit
from gonghui.skills.ranking import Ranked, Scores, rank_entries

CODE = re.compile(r"^[A-Za-z0-9_.-]{1,32}$")
LEVEL_OF_UNION = {"city": Level.CITY, "county": Level.COUNTY, "township": Level.TOWNSHIP}
# The prefix of each title kind's certificate numbers (编号前缀).
CERTIFICATE_PREFIX = {
    TitleKind.TECHNICAL_EXPERT: "JSNS",
    TitleKind.HUZHOU_CRAFTSMAN: "HZGJ",
    TitleKind.ZHEJIANG_YOUNG_CRAFTSMAN: "ZJQNGJ",
    TitleKind.ZHEJIANG_CRAFTSMAN: "ZJGJ",
    TitleKind.NATIONAL_CRAFTSMAN: "DGGJ",
}
# What a competition file may change once its ranking is published: nothing that ranks.
RANKING_FIELDS = ("theory_weight", "practical_weight", "pass_mark", "prizes")


def chains() -> tuple[str, ...]:
    """The industry chains competitions are filed under (the city's eight emerging chains,
    as configured)."""
    return tuple(settings.GONGHUI_INDUSTRY_CHAINS)


def _score(value: Any, label: str, problems: list[tuple[str, str]], *, lowest: int = 0) -> Any:
    number = number_of(value)
    if number is None or not lowest <= number <= 100:
        problems.append((label, f"{label}应为 {lowest} 到 100 之间的数"))
        return None
    if number != number.quantize(Decimal("0.01")):
        problems.append((label, f"{label}最多两位小数"))
        return None
    return number


def _parse_file(data: Any) -> tuple[dict[str, Any], Union | None, str]:
    """The competition's fields, its union and its series name from a competition file,
    or ValidationError with every problem."""
    problems: list[tuple[str, str]] = []
    if not isinstance(data, dict):
        raise ValidationError("竞赛文件应为一个 JSON 对象。")
    code = str(data.get("code") or "").strip()
    if not CODE.match(code):
        problems.append(("code", "code（竞赛编号）应为 1 到 32 位字母、数字或 - _ ."))
    fields: dict[str, Any] = {"code": code}
    for key, label, length, required in (
        ("name", "name（竞赛名称）", 128, True),
        ("trade", "trade（工种）", 64, True),
        ("venue", "venue（地点）", 128, False),
    ):
        value = str(data.get(key) or "").strip()
        if required and not value:
            problems.append((key, f"请填写 {label}"))
        elif len(value) > length:
            problems.append((key, f"{label}不能超过 {length} 个字"))
        fields[key] = value
    organisers = data.get("co_organisers") or ""
    if isinstance(organisers, list):
        organisers = "、".join(str(o).strip() for o in organisers if str(o).strip())
    fields["co_organisers"] = str(organisers)[:200]
    chain = str(data.get("chain") or "").strip()
    if chain and chain not in chains():
        problems.append(
            ("chain", f"chain（产业链）“{chain}”不在产业链目录中：{'、'.join(chains())}")
        )
    fields["chain"] = chain
    try:
        fields["held_on"] = parse_date(str(data.get("date") or ""))
    except ValidationError:
        problems.append(("date", "date（举办日期）应为 YYYY-MM-DD"))
    weights = data.get("weights") or {"theory": 30, "practical": 70}
    theory, practical = (
        (weights.get("theory"), weights.get("practical"))
        if isinstance(weights, dict)
        else (None, None)
    )
    if not (
        isinstance(theory, int)
        and isinstance(practical, int)
        and not isinstance(theory, bool)
        and not isinstance(practical, bool)
        and 0 <= theory <= 100
        and 0 <= practical <= 100
    ):
        problems.append(
            ("weights", 'weights（权重）应为 0 到 100 的整数：{"theory": 30, "practical": 70}')
        )
    elif theory + practical != 100:
        problems.append(("weights", f"weights（权重）之和应为 100，现为 {theory + practical}"))
    fields["theory_weight"], fields["practical_weight"] = theory, practical
    fields["pass_mark"] = _score(data.get("pass_mark", 60), "pass_mark（合格线）", problems)
    prizes: dict[str, str] = {}
    raw_prizes = data.get("prizes") or {}
    if not isinstance(raw_prizes, dict):
        problems.append(("prizes", 'prizes（奖金）应为 {"1": "3000.00", …}'))
        raw_prizes = {}
    for rank, amount in raw_prizes.items():
        if not str(rank).isdigit() or int(rank) < 1:
            problems.append(("prizes", f"prizes（奖金）的名次“{rank}”应为正整数"))
            continue
        try:
            prizes[str(int(rank))] = str(money(amount))
        except ValidationError as exc:
            problems.append(("prizes", f"prizes（奖金）第 {rank} 名：{exc.messages[0]}"))
    fields["prizes"] = prizes
    union = Union.objects.filter(code=str(data.get("union") or "")).first()
    if union is None:
        problems.append(("union", f"union（工会代码）“{data.get('union') or ''}”不存在"))
    else:
        fields["level"] = LEVEL_OF_UNION.get(union.level, Level.ENTERPRISE)
    series = str(data.get("series") or "").strip()
    if len(series) > 128:
        problems.append(("series", "series（系列赛）不能超过 128 个字"))
    problems_raise(problems)
    return fields, union, series


@dataclass(frozen=True)
class Loaded:
    competition: Competition
    outcome: str  # "created", "updated" or "unchanged"


def competition_load(*, actor: Actor, data: Any) -> Loaded:
    """Create or update a competition from its file (``{"code", "name", "series", …}``):
    idempotent by code; once the ranking is published its rules no longer change."""
    fields, union, series_name = _parse_file(data)
    assert union is not None
    require_edit(actor, union)
    with transaction.atomic():
        series = None
        if series_name:
            series, _ = CompetitionSeries.objects.get_or_create(
                union=union, name=series_name, defaults={"year": fields["held_on"].year}
            )
        existing = Competition.objects.select_for_update().filter(code=fields["code"]).first()
        if existing is None:
            competition = Competition.objects.create(
                union=union, series=series, created_by=user_of(actor), **fields
            )
            outcome = "created"
        else:
            if existing.union_id != union.pk:
                raise ValidationError(
                    f"竞赛编号 {existing.code} 已属于{existing.union.name}，不能改为其他工会的竞赛。"
                )
            require_edit(actor, existing.union)
            changed = [
                name for name, value in fields.items() if getattr(existing, name) != value
            ] + (["series"] if existing.series_id != (series.pk if series else None) else [])
            if existing.published and any(name in RANKING_FIELDS for name in changed):
                raise ValidationError(
                    f"竞赛“{existing.name}”的名次已公布，不能再修改权重、合格线或奖金。"
                )
            for name in changed:
                setattr(existing, name, series if name == "series" else fields[name])
            if changed:
                existing.save(update_fields=changed)
            competition, outcome = existing, ("updated" if changed else "unchanged")
        if outcome != "unchanged":
            audit_record(
                actor=actor,
                action="skills.competition.load",
                obj=competition,
                union=union,
                summary=f"{'载入' if outcome == 'created' else '更新'}技能竞赛“{competition.name}”（{competition.code}）",
            )
    return Loaded(competition, outcome)


def competition_ranking(competition: Competition) -> list[tuple[CompetitionEntry, Ranked]]:
    """The competition's entries ranked by the rule (``ranking.rank_entries``), best first,
    computed from the scores as they stand."""
    entries = {
        e.pk: e
        for e in CompetitionEntry.objects.filter(competition=competition)
        .select_related("talent")
        .order_by("row", "id")
    }
    prizes = {int(rank): Decimal(amount) for rank, amount in (competition.prizes or {}).items()}
    ranked = rank_entries(
        [Scores(pk, e.theory, e.practical, e.minutes) for pk, e in entries.items()],
        theory_weight=competition.theory_weight,
        practical_weight=competition.practical_weight,
        pass_mark=competition.pass_mark,
        prizes=prizes,
    )
    return [(entries[r.key], r) for r in ranked]  # type: ignore[index]


def competition_publish(*, actor: Actor, competition: Competition) -> int:
    """Publish the ranking: each entry's final score, rank, title proposal and prize are
    written and no entry can be added or changed after. Returns the number of entries."""
    require_edit(actor, competition.union)
    with transaction.atomic():
        locked = Competition.objects.select_for_update().get(pk=competition.pk)
        if locked.published:
            raise ValidationError(
                f"竞赛“{locked.name}”的名次已于 {timezone.localtime(locked.published_at):%Y-%m-%d} 公布。"
            )
        ranking = competition_ranking(locked)
        if not ranking:
            raise ValidationError(f"竞赛“{locked.name}”还没有参赛记录，不能公布名次。")
        for entry, r in ranking:
            entry.final, entry.rank, entry.titled, entry.prize = r.final, r.rank, r.title, r.prize
        CompetitionEntry.objects.bulk_update(
            [e for e, _ in ranking], ["final", "rank", "titled", "prize"], batch_size=1000
        )
        locked.published_at, locked.published_by = timezone.now(), user_of(actor)
        locked.save(update_fields=["published_at", "published_by"])
        audit_record(
            actor=actor,
            action="skills.competition.publish",
            obj=locked,
            union=locked.union,
            summary=f"公布技能竞赛“{locked.name}”名次（{len(ranking)} 名选手）",
        )
    competition.published_at = locked.published_at
    return len(ranking)


def certificate_numbers(kind: str, year: int, count: int) -> list[str]:
    """``count`` new certificate numbers of a kind and year (JSNS-2023-0001, …), drawn under
    the series row's lock: call inside the transaction that saves the titles."""
    CertificateSeries.objects.get_or_create(kind=kind, year=year)
    series = CertificateSeries.objects.select_for_update().get(kind=kind, year=year)
    first = series.last + 1
    series.last += count
    series.save(update_fields=["last"])
    prefix = CERTIFICATE_PREFIX[TitleKind(kind)]
    return [f"{prefix}-{year}-{n:04d}" for n in range(first, first + count)]


def competition_titles_grant(
    *, actor: Actor, competition: Competition, granted_on: date | None = None
) -> list[SkillTitle]:
    """Grant the 湖州市技术能手 title to the entries the published ranking proposed, jointly
    with the co-organisers, each with a certificate number; entries already granted are
    left as they are."""
    require_edit(actor, competition.union)
    if not competition.published:
        raise ValidationError("请先公布名次，再授予技术能手称号。")
    granted_on = granted_on or timezone.localdate()
    with transaction.atomic():
        proposed = list(
            CompetitionEntry.objects.filter(
                competition=competition, titled=True, title__isnull=True
            )
            .select_related("talent")
            .order_by("rank", "row")
        )
        if not proposed:
            return []
        issuers = "、".join(n for n in (competition.union.name, competition.co_organisers) if n)
        numbers = certificate_numbers(TitleKind.TECHNICAL_EXPERT, granted_on.year, len(proposed))
        titles = SkillTitle.objects.bulk_create(
            [
                SkillTitle(
                    union=competition.union,
                    talent=entry.talent,
                    kind=TitleKind.TECHNICAL_EXPERT,
                    trade=competition.trade,
                    granted_on=granted_on,
                    issuers=issuers[:200],
                    certificate_no=number,
                    entry=entry,
                )
                for entry, number in zip(proposed, numbers, strict=True)
            ]
        )
        audit_record(
            actor=actor,
            action="skills.title.grant",
            obj=competition,
            union=competition.union,
            summary=f"授予“{competition.name}”前三名湖州市技术能手称号 {len(titles)} 人",
        )
    return titles
