"""Reads of the aid app, always through the actor's scope. One section per area."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Substr

from gonghui.aid.models import Category, MutualAidClaim, MutualAidEnrollment, MutualAidPlan
from gonghui.core.formatting import ratio_percent, yuan
from gonghui.core.models import Role
from gonghui.core.scoping import access
from gonghui.members.models import Member
from gonghui.orgs.models import Union

CENT = Decimal("0.01")

# Plans and enrollment ------------------------------------------------------------------


def plans_visible(*, actor: Any) -> QuerySet[MutualAidPlan]:
    """The plans an actor may read: those of their ancestors and of their subtree."""
    return MutualAidPlan.objects.visible_to(actor).select_related("union")


def plans_newest_first(*, actor: Any) -> QuerySet[MutualAidPlan]:
    return plans_visible(actor=actor).order_by("-year", "-enroll_from", "code")


def plan_choices(actor: Any) -> list[tuple[str, str]]:
    """(code, label) of the plans an actor may enroll members in, newest first: the select
    of the enrollment sheet's upload page."""
    return [(p.code, f"{p.name}（{p.code}）") for p in plans_newest_first(actor=actor)]


def access_plan(*, actor: Any, plan_id: int) -> MutualAidPlan:
    return access(MutualAidPlan.objects.select_related("union"), actor=actor, pk=plan_id)


def plan_by_code(*, scope: Any, code: str) -> MutualAidPlan:
    """The plan a file or a command names; out of scope reads as missing."""
    plan = MutualAidPlan.objects.visible_to(scope).select_related("union").filter(code=code).first()
    if plan is None:
        raise ValidationError(f"找不到互助方案 {code}，或您无权使用该方案。", code="plan_missing")
    return plan


def plan_has_claims(plan: MutualAidPlan) -> bool:
    return MutualAidClaim.objects.filter(plan=plan).exists()


def plan_can_edit(*, actor: Any, plan: MutualAidPlan) -> bool:
    """Only an administrator of the union that runs the plan changes it."""
    return getattr(actor, "role", None) == Role.ADMIN and getattr(actor, "union_id", None) == (
        plan.union_id
    )


@dataclass(frozen=True)
class TermsRow:
    """One category of a plan as its detail page shows it (every value already text)."""

    category: str
    label: str
    deductible: str
    bands: list[str]
    yearly_cap: str
    lump_sum: str


def plan_terms_rows(plan: MutualAidPlan) -> list[TermsRow]:
    """The plan's categories in Chinese, in the order of ``Category``: 起付线, 分段比例
    (each band as "X 元以下部分 50%"), 年度封顶 and 一次性给付. Reads the stored terms,
    which were validated when loaded."""
    labels = dict(Category.choices)
    rows = []
    stored = plan.categories or {}
    for key in [*Category.values, *sorted(set(stored) - set(Category.values))]:
        terms = stored.get(key)
        if not isinstance(terms, dict):
            continue
        bands: list[str] = []
        lower: str | None = None
        for band in terms.get("bands") or []:
            up_to = band.get("up_to")
            ratio = ratio_percent(band["ratio"])
            if up_to is None:
                span = f"{yuan(lower)} 元以上部分" if lower else "全部"
            elif lower is None:
                span = f"{yuan(up_to)} 元及以下部分"
            else:
                span = f"{yuan(lower)} 至 {yuan(up_to)} 元部分"
            bands.append(f"{span} {ratio}")
            lower = up_to
        per_year = terms.get("per_year")
        lump = terms.get("lump_sum")
        rows.append(
            TermsRow(
                category=key,
                label=labels.get(key, key),
                deductible=f"{yuan(terms['deductible'])} 元" if "deductible" in terms else "—",
                bands=bands,
                yearly_cap=f"{yuan(terms['yearly_cap'])} 元" if terms.get("yearly_cap") else "—",
                lump_sum=(
                    f"{yuan(lump)} 元" + (f"（每年限 {per_year} 次）" if per_year else "")
                    if lump
                    else "—"
                ),
            )
        )
    return rows


def plans_with_enrolled(*, actor: Any) -> QuerySet[MutualAidPlan]:
    """The plan list: each plan with its members enrolled inside the actor's scope
    (``enrolled``), in one grouped query."""
    path = getattr(getattr(actor, "union", None), "path", None)
    if path is None:
        return MutualAidPlan.objects.none()
    return plans_newest_first(actor=actor).annotate(
        enrolled=Count("enrollments", filter=Q(enrollments__union__path__startswith=path))
    )


def plan_enrolled_count(*, actor: Any, plan: MutualAidPlan) -> int:
    """Members of the actor's subtree enrolled in the plan."""
    return MutualAidEnrollment.objects.visible_to(actor).filter(plan=plan).count()


@dataclass(frozen=True)
class FeeRow:
    union: Union
    enrolled: int
    fee: Decimal
    own: bool = False  # the chosen union's own members (a township holds members directly)

    @property
    def fee_text(self) -> str:
        return yuan(self.fee)


@dataclass(frozen=True)
class FeeTable:
    plan: MutualAidPlan
    union: Union
    rows: list[FeeRow]
    enrolled: int
    fee: Decimal

    @property
    def fee_text(self) -> str:
        return yuan(self.fee)


def fee_of(plan: MutualAidPlan, enrolled: int) -> Decimal:
    return (plan.fee_per_member * enrolled).quantize(CENT, rounding=ROUND_HALF_UP)


def enrollment_fees(*, actor: Any, plan: MutualAidPlan, union: Union) -> FeeTable:
    """参保费: for each child of ``union``, the members enrolled in ``plan`` and their fee
    (count × fee per member), and the total. One grouped query over the enrollments, by the
    child's path prefix, whatever the number of children; a child with no enrollment shows 0."""
    child_len = (union.depth + 1) * Union.steplen
    grouped = (
        MutualAidEnrollment.objects.visible_to(actor)
        .filter(plan=plan, union__path__startswith=union.path)
        .annotate(child_path=Substr("union__path", 1, child_len))
        .values("child_path")
        .annotate(n=Count("id"))
        .order_by()
    )
    counts = {row["child_path"]: row["n"] for row in grouped}
    children = (
        Union.objects.visible_to(actor)
        .filter(path__startswith=union.path, depth=union.depth + 1)
        .order_by("code")
    )
    rows = []
    # Members held by the union itself (a township's directly attached members): their
    # path is the union's own, shorter than a child's prefix.
    if counts.get(union.path):
        rows.append(FeeRow(union, counts[union.path], fee_of(plan, counts[union.path]), own=True))
    rows.extend(
        FeeRow(child, counts.get(child.path, 0), fee_of(plan, counts.get(child.path, 0)))
        for child in children
    )
    enrolled = sum(counts.values())
    return FeeTable(
        plan=plan, union=union, rows=rows, enrolled=enrolled, fee=fee_of(plan, enrolled)
    )


def enrollments_of(member: Member) -> list[MutualAidEnrollment]:
    """A member's enrollments with their plans, newest plan first (the member page). The
    caller has already reached the member through its scope; every plan of a member's
    union's ancestors is visible to whoever sees the member."""
    return list(
        MutualAidEnrollment.objects.filter(member=member)
        .select_related("plan", "union")
        .order_by("-plan__year", "-plan__enroll_from", "plan__code")
    )


def member_enrolled_q(plan: MutualAidPlan | int | None = None) -> Q:
    """A filter on ``Member`` rows: enrolled in ``plan`` (any plan if None). Negate it for
    the members not enrolled: ``Member.objects.filter(~member_enrolled_q(plan))``. An EXISTS
    subquery, so a member enrolled in several plans is still one row."""
    enrollments = MutualAidEnrollment.objects.filter(member=OuterRef("pk"))
    if plan is not None:
        enrollments = enrollments.filter(plan=plan)
    return Q(Exists(enrollments))
