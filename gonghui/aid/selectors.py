"""Reads of the aid app, always through the actor's scope. One section per area."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Substr

from gonghui.aid.models import (
    Category,
    ClaimDocument,
    MutualAidClaim,
    MutualAidEnrollment,
    MutualAidPlan,
    ReliefApplication,
    ReliefPolicy,
)
from gonghui.core.actors import Actor
from gonghui.core.formatting import ratio_percent, yuan
from gonghui.core.scoping import access
from gonghui.core.workflow import State
from gonghui.members.models import Member
from gonghui.members.selectors import member_by_id_number
from gonghui.orgs.models import Union
from gonghui.orgs.selectors import union_of_page

CENT = Decimal("0.01")
PAGE_SIZE = 50  # rows of a list page

# Plans and enrollment ------------------------------------------------------------------


def plans_visible(*, actor: Actor) -> QuerySet[MutualAidPlan]:
    """The plans an actor may read: those of their ancestors and of their subtree."""
    return MutualAidPlan.objects.visible_to(actor).select_related("union")


def plans_newest_first(*, actor: Actor) -> QuerySet[MutualAidPlan]:
    return plans_visible(actor=actor).order_by("-year", "-enroll_from", "code")


def plan_choices(actor: Actor) -> list[tuple[str, str]]:
    """(code, label) of the plans an actor may enroll members in, newest first: the select
    of the enrollment sheet's upload page."""
    return [(p.code, f"{p.name}（{p.code}）") for p in plans_newest_first(actor=actor)]


def access_plan(*, actor: Actor, plan_id: int) -> MutualAidPlan:
    return access(MutualAidPlan.objects.select_related("union"), actor=actor, pk=plan_id)


def plan_by_code(*, scope: Any, code: str) -> MutualAidPlan:
    """The plan a file or a command names; out of scope reads as missing."""
    plan = MutualAidPlan.objects.visible_to(scope).select_related("union").filter(code=code).first()
    if plan is None:
        raise ValidationError(f"找不到互助方案 {code}，或您无权使用该方案。", code="plan_missing")
    return plan


def plan_has_claims(plan: MutualAidPlan) -> bool:
    return MutualAidClaim.objects.filter(plan=plan).exists()


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


def plans_with_enrolled(*, actor: Actor) -> QuerySet[MutualAidPlan]:
    """The plan list: each plan with its members enrolled inside the actor's scope
    (``enrolled``), in one grouped query."""
    path = getattr(getattr(actor, "union", None), "path", None)
    if path is None:
        return MutualAidPlan.objects.none()
    return plans_newest_first(actor=actor).annotate(
        enrolled=Count("enrollments", filter=Q(enrollments__union__path__startswith=path))
    )


def plan_enrolled_count(*, actor: Actor, plan: MutualAidPlan) -> int:
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


def enrollment_fees(*, actor: Actor, plan: MutualAidPlan, union: Union) -> FeeTable:
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


# Claims ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ClaimFilters:
    union: Union
    state: str = ""
    category: str = ""
    year: int | None = None
    before: int | None = None

    def query(self, **override: Any) -> str:
        """The filter as a query string (for the next page's link)."""
        from urllib.parse import urlencode

        values = {
            "union": self.union.code,
            "state": self.state,
            "category": self.category,
            "year": self.year or "",
            **override,
        }
        return urlencode({k: v for k, v in values.items() if v not in ("", None)})


def claim_filters(*, actor: Actor, params: Any) -> ClaimFilters:
    """The list's filters from the query string; unknown values are ignored, a union out
    of scope is a 404."""
    code = params.get("union", "")
    union = union_of_page(actor=actor, code=code)
    state = params.get("state", "")
    category = params.get("category", "")
    year = params.get("year", "")
    before = params.get("before", "")
    return ClaimFilters(
        union=union,
        state=state if state in State.values else "",
        category=category if category in Category.values else "",
        year=int(year) if year.isdigit() and len(year) == 4 else None,
        before=int(before) if before.isdigit() else None,
    )


def claims_page(
    *, actor: Actor, filters: ClaimFilters, limit: int = PAGE_SIZE
) -> tuple[list[MutualAidClaim], int | None]:
    """One page of claims of the chosen union's subtree, newest first, by keyset on the id
    (no COUNT). Returns the claims and the ``before`` of the next page, or None."""
    # By union ids, as member_page does: the (union, id) index serves the page.
    qs: QuerySet[MutualAidClaim] = (
        MutualAidClaim.objects.visible_under(actor, filters.union)
        .select_related("member", "union")
        .only(
            "id",
            "state",
            "step",
            "category",
            "amount",
            "submitted_at",
            "created_at",
            "member__name",
            "union__name",
        )
    )
    if filters.state:
        qs = qs.filter(state=filters.state)
    if filters.category:
        qs = qs.filter(category=filters.category)
    if filters.year:
        qs = qs.filter(plan__year=filters.year)
    if filters.before:
        qs = qs.filter(pk__lt=filters.before)
    rows = list(qs.order_by("-pk")[: limit + 1])
    next_before = rows[limit - 1].pk if len(rows) > limit else None
    return rows[:limit], next_before


def claim_years(*, actor: Actor) -> list[int]:
    """The years of the plans the actor can read, newest first (the year filter)."""
    years = (
        MutualAidPlan.objects.visible_to(actor).order_by().values_list("year", flat=True).distinct()
    )
    return sorted(set(years), reverse=True)


def access_claim(*, actor: Actor, claim_id: int) -> MutualAidClaim:
    return access(
        MutualAidClaim.objects.select_related("member", "union", "plan", "submitted_by"),
        actor=actor,
        pk=claim_id,
    )


def claim_documents(claim: MutualAidClaim) -> list[ClaimDocument]:
    order = {kind: n for n, kind in enumerate(ClaimDocument.Kind.values)}
    return sorted(claim.documents.all(), key=lambda d: (order.get(d.kind, 99), d.pk))


def access_claim_document(*, actor: Actor, claim_id: int, document_id: int) -> ClaimDocument:
    """The document of a claim in the actor's scope, or Http404 (missing, out of scope, or
    of another claim)."""
    return access(
        ClaimDocument.objects.select_related("claim__union"),
        actor=actor,
        pk=document_id,
        claim_id=claim_id,
    )


# Relief ------------------------------------------------------------------------------------


def relief_policy_of(*, union: Any, year: int) -> ReliefPolicy | None:
    """``union``'s own policy for ``year`` (not an ancestor's), to edit it."""
    return ReliefPolicy.objects.filter(union=union, year=year).order_by("pk").first()


def relief_policies(*, actor: Actor) -> QuerySet[ReliefPolicy]:
    """The policies an actor sees: their ancestors' (which apply to them) and their subtree's."""
    return (
        ReliefPolicy.objects.visible_to(actor)
        .select_related("union")
        .order_by("-year", "union__path")
    )


def relief_member_find(*, actor: Actor, id_number: str) -> Member:
    """The member with this full ID number inside the actor's scope, by its keyed hash."""
    member = member_by_id_number(actor=actor, text=id_number)
    if member is None:
        raise ValidationError("在您的管辖范围内没有找到该身份证号的会员。", code="member_not_found")
    return member


def access_relief(*, actor: Actor, relief_id: int) -> ReliefApplication:
    return access(
        ReliefApplication.objects.select_related("union", "member", "policy", "policy__union"),
        actor=actor,
        pk=relief_id,
    )


def relief_list(*, actor: Actor, state: str = "") -> QuerySet[ReliefApplication]:
    """The applications in the actor's scope, newest first, optionally of one state."""
    items = ReliefApplication.objects.visible_to(actor).select_related("union", "member", "policy")
    if state in State.values:
        items = items.filter(state=state)
    return items.order_by("-pk")


def relief_page(
    *, actor: Actor, state: str = "", before: int | None = None, limit: int = PAGE_SIZE
) -> tuple[list[ReliefApplication], int | None]:
    """One page of the applications in scope, newest first, by keyset on the id (no COUNT
    over the table, as the claims' list): the rows and the ``before`` of the next page."""
    items = relief_list(actor=actor, state=state)
    if before:
        items = items.filter(pk__lt=before)
    rows = list(items[: limit + 1])
    return rows[:limit], (rows[limit - 1].pk if len(rows) > limit else None)
