"""Every read of 技能提升, inside the actor's scope."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Count, Q, QuerySet
from django.http import Http404

from gonghui.core.actors import Actor
from gonghui.core.pagination import keyset_page
from gonghui.core.scoping import access
from gonghui.orgs.models import Union
from gonghui.skills.models import (
    CRAFTSMAN_TITLES,
    Competition,
    Honour,
    HonourAllowance,
    InnovationStudio,
    Mentorship,
    Nomination,
    NominationRound,
    SkillPromotion,
    SkillTitle,
    StudioAlliance,
    Talent,
    Tier,
)

PAGE = 50


def competition_list(*, actor: Actor) -> QuerySet[Competition]:
    return (
        Competition.objects.visible_to(actor)
        .select_related("union", "series")
        .annotate(entry_count=Count("entries"))
        .order_by("-id")
    )


def competition_page(
    *, actor: Actor, before: int | None = None, size: int = PAGE
) -> tuple[list[Competition], int | None]:
    """One page, newest first, by keyset on the id (no COUNT over the table); the id to
    continue before, or None on the last page."""
    rows = competition_list(actor=actor)
    return keyset_page(rows, before=before, size=size)


def access_competition(*, actor: Actor, competition_id: int) -> Competition:
    """One competition in the actor's scope, or 404."""
    return access(
        Competition.objects.select_related("union", "series"), actor=actor, pk=competition_id
    )


def competition_by_code(*, scope: Any, code: str) -> Competition:
    """The competition a file or a command names by its code; out of scope reads as
    missing."""
    found = (
        Competition.objects.visible_to(scope)
        .select_related("union")
        .filter(code=str(code).strip())
        .first()
    )
    if found is None:
        raise ValidationError(f"没有编号为 {code} 的竞赛，或不在您的管辖范围内。")
    return found


def competition_union(code: str) -> Union | None:
    """The organising union of the competition with this code (the import command's
    default union), or None."""
    found = Competition.objects.select_related("union").filter(code=str(code).strip()).first()
    return found.union if found else None


def competition_choices(actor: Actor) -> list[tuple[str, str]]:
    """(code, label) of the competitions still taking entries, newest first: the select of
    the entries sheet's upload page."""
    return [
        (c.code, f"{c.held_on:%Y-%m-%d} {c.name}（{c.union.name}，编号 {c.code}）")
        for c in Competition.objects.visible_to(actor)
        .filter(published_at__isnull=True)
        .select_related("union")
        .order_by("-held_on", "-id")[:200]
    ]


def talent_tier(talent: Talent, title_kinds: set[str] | None = None) -> str | None:
    """The talent's tier, derived: 工匠人才 with a craftsman title, 高技能人才 at 高级工 or
    above, 技能人才 with any certified grade; None without a grade or title."""
    kinds = (
        title_kinds
        if title_kinds is not None
        else set(talent.titles.values_list("kind", flat=True))
    )
    if kinds & CRAFTSMAN_TITLES:
        return Tier.CRAFTSMAN
    if talent.grade is not None and talent.grade <= 3:
        return Tier.HIGHLY_SKILLED
    if talent.grade is not None:
        return Tier.SKILLED
    return None


def title_page(
    *, actor: Actor, kind: str = "", before: int | None = None, size: int = PAGE
) -> tuple[list[SkillTitle], int | None]:
    rows = title_list(actor=actor, kind=kind)
    return keyset_page(rows, before=before, size=size)


def promotion_page(
    *, actor: Actor, before: int | None = None, size: int = PAGE
) -> tuple[list[SkillPromotion], int | None]:
    rows = (
        SkillPromotion.objects.visible_to(actor).select_related("talent", "union").order_by("-id")
    )
    return keyset_page(rows, before=before, size=size)


def competition_titles(competition: Competition) -> dict[int, SkillTitle]:
    """The titles granted from a competition, by entry."""
    return {
        t.entry_id: t
        for t in SkillTitle.objects.filter(entry__competition=competition)
        if t.entry_id is not None
    }


def title_list(*, actor: Actor, kind: str = "") -> QuerySet[SkillTitle]:
    rows = (
        SkillTitle.objects.visible_to(actor)
        .select_related("talent", "union", "entry__competition")
        .order_by("-id")
    )
    return rows.filter(kind=kind) if kind else rows


def access_title(*, actor: Actor, title_id: int) -> SkillTitle:
    """One title in the actor's scope (the granting union's subtree), or 404."""
    return access(
        SkillTitle.objects.select_related("talent", "union", "entry__competition__series"),
        actor=actor,
        pk=title_id,
    )


def access_talent(*, actor: Actor, talent_id: int) -> Talent:
    """One skills file in the actor's scope (the union keeping it), or 404."""
    return access(Talent.objects.select_related("union", "member"), actor=actor, pk=talent_id)


def talent_history(talent: Talent) -> dict[str, Any]:
    """A skills file's titles, promotions and entries, newest first, with its tier."""
    titles = list(talent.titles.select_related("union").order_by("-granted_on"))
    return {
        "titles": titles,
        "promotions": list(talent.promotions.select_related("union").order_by("-promoted_on")),
        "entries": list(
            talent.entries.select_related("competition").order_by("-competition__held_on")
        ),
        "tier": talent_tier(talent, {t.kind for t in titles}),
    }


def mentorship_page(
    *, actor: Actor, before: int | None = None, size: int = PAGE
) -> tuple[list[Mentorship], int | None]:
    rows: QuerySet[Mentorship] = (
        Mentorship.objects.visible_to(actor)
        .select_related("mentor", "apprentice", "union")
        .annotate(promotion_count=Count("promotions"))
        .order_by("-id")
    )
    return keyset_page(rows, before=before, size=size)


def studio_list(*, actor: Actor) -> QuerySet[InnovationStudio]:
    return (
        InnovationStudio.objects.visible_to(actor)
        .select_related("leader", "union")
        .order_by("-founded_on", "-id")
    )


def alliance_list(*, actor: Actor) -> QuerySet[StudioAlliance]:
    return (
        StudioAlliance.objects.visible_to(actor)
        .select_related("lead_studio", "union")
        .prefetch_related("studios")
        .order_by("-founded_on", "-id")
    )


def honour_page(
    *, actor: Actor, kind: str = "", level: str = "", before: int | None = None, size: int = PAGE
) -> tuple[list[Honour], int | None]:
    rows = Honour.objects.visible_to(actor).select_related("talent", "union").order_by("-id")
    if kind:
        rows = rows.filter(kind=kind)
    if level:
        rows = rows.filter(level=level)
    return keyset_page(rows, before=before, size=size)


def round_list(*, actor: Actor) -> QuerySet[NominationRound]:
    """Rounds organised in the actor's subtree or above it (a township nominates to the
    city's round)."""
    from gonghui.core.scoping import scope_path_of

    path = scope_path_of(actor) or ""
    ancestors = [path[:n] for n in range(Union.steplen, len(path) + 1, Union.steplen)]
    return (
        NominationRound.objects.filter(
            Q(union__path__startswith=path) | Q(union__path__in=ancestors)
        )
        .select_related("union")
        .order_by("-year", "-id")
        if path
        else NominationRound.objects.none()
    )


def access_round(*, actor: Actor, round_id: int) -> NominationRound:
    found = round_list(actor=actor).filter(pk=round_id).first()
    if found is None:
        raise Http404("未找到该评选，或不在您的管辖范围内。")
    return found


def round_nominations(*, actor: Actor, round_: NominationRound) -> QuerySet[Nomination]:
    return (
        Nomination.objects.visible_to(actor)
        .filter(round=round_)
        .select_related("talent", "union", "places__county")
        .order_by("places__county__code", "-id")
    )


def access_nomination(*, actor: Actor, nomination_id: int) -> Nomination:
    return access(
        Nomination.objects.select_related("round", "talent", "union", "places__county"),
        actor=actor,
        pk=nomination_id,
    )


def access_honour(*, actor: Actor, honour_id: int) -> Honour:
    return access(
        Honour.objects.select_related("talent", "union", "nomination__round"),
        actor=actor,
        pk=honour_id,
    )


def honour_care_history(honour: Honour) -> dict[str, Any]:
    return {
        "care": list(honour.care.order_by("-on", "-id")),
        "allowances": list(honour.allowances.order_by("-year", "-id")),
    }


def access_allowance(*, actor: Actor, allowance_id: int) -> HonourAllowance:
    return access(
        HonourAllowance.objects.select_related("honour__talent", "union"),
        actor=actor,
        pk=allowance_id,
    )
