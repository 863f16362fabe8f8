"""会员大病救助: a union's yearly relief policy and members' applications under it.

Tiers: a tier covers ``from ≤ cost < to`` (``to`` null: no upper bound). So a year's
self-paid cost of exactly 50,000.00 yuan falls in the 50,000–100,000 tier, and 19,999.99
is below the first tier and refused. The tiers of a policy must follow on from one another
(each ``to`` is the next ``from``), so every cost above the first ``from`` has one tier.

The policy that applies to a member for a year is the one of the nearest union on the path
from the member's union up to the city that has a policy for that year: a county's policy
overrides the city's for its members.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from itertools import pairwise
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone

from gonghui.aid.models import ReliefApplication, ReliefPolicy
from gonghui.aid.permissions import (
    POLICY_LEVELS,
    require_relief_policy_admin,
    require_relief_submitter,
)
from gonghui.aid.workflows import RELIEF
from gonghui.core import pii
from gonghui.core.actors import Actor, ApplicantActor, require_self, user_of
from gonghui.core.audit import audit_record
from gonghui.core.fields import cipher_set
from gonghui.core.workflow.models import RELEASED_STATES
from gonghui.core.workflow.services import workflow_submit
from gonghui.members.models import Member

CENT = Decimal("0.01")
FIRST_YEAR = 2000


@dataclass(frozen=True)
class Tier:
    lower: Decimal
    upper: Decimal | None  # None: no upper bound
    grant: Decimal

    def covers(self, cost: Decimal) -> bool:
        return self.lower <= cost and (self.upper is None or cost < self.upper)

    @property
    def label(self) -> str:
        """ "5万元（含）至10万元（不含）", as the detail page explains the grant."""
        if self.upper is None:
            return f"{yuan_label(self.lower)}（含）以上"
        return f"{yuan_label(self.lower)}（含）至{yuan_label(self.upper)}（不含）"


def yuan_label(amount: Decimal) -> str:
    """An amount as people say it: 20000 → "2万元", 15000 → "1.5万元", 8000 → "8000元"."""
    if amount >= 10000:
        wan = (amount / 10000).normalize()
        return f"{wan:f}万元"
    return f"{amount.normalize():f}元"


def _money(value: Any, label: str, *, allow_zero: bool = True) -> Decimal:
    try:
        amount = Decimal(str(value).strip().replace(",", ""))
    except (InvalidOperation, ValueError) as exc:
        raise ValidationError(f"{label}应为金额（元）。", code="amount") from exc
    if not amount.is_finite() or amount < 0 or (amount == 0 and not allow_zero):
        raise ValidationError(f"{label}应为大于零的金额（元）。", code="amount")
    if amount != amount.quantize(CENT, rounding=ROUND_HALF_UP):
        raise ValidationError(f"{label}最多保留两位小数。", code="amount")
    return amount.quantize(CENT)


def relief_tiers(policy: ReliefPolicy) -> list[Tier]:
    """The policy's tiers as stored (validated when saved), lowest first."""
    return [
        Tier(
            lower=Decimal(str(t["from"])),
            upper=None if t.get("to") in (None, "") else Decimal(str(t["to"])),
            grant=Decimal(str(t["grant"])),
        )
        for t in sorted(policy.tiers, key=lambda t: Decimal(str(t["from"])))
    ]


def relief_tier_for(policy: ReliefPolicy, cost: Decimal) -> Tier | None:
    """The tier whose ``from ≤ cost < to``, or None below the first tier."""
    return next((t for t in relief_tiers(policy) if t.covers(cost)), None)


def relief_grant(policy: ReliefPolicy, cost: Decimal) -> Decimal:
    """The grant for a year's self-paid cost (0.00 below the first tier)."""
    tier = relief_tier_for(policy, cost)
    if tier is None:
        return Decimal("0.00")
    return tier.grant.quantize(CENT, rounding=ROUND_HALF_UP)


def relief_policy_for(union: Any, year: int) -> ReliefPolicy | None:
    """The policy of ``union``'s nearest ancestor-or-self that has one for ``year``."""
    path = str(union.path)
    ancestors = [path[:n] for n in range(4, len(path) + 1, 4)]
    return (
        ReliefPolicy.objects.filter(year=year, union__path__in=ancestors)
        .select_related("union")
        .order_by("-union__depth", "code")
        .first()
    )


# --- Policies ------------------------------------------------------------------------------


def _clean_tiers(raw: Iterable[Mapping[str, Any]]) -> list[dict[str, str | None]]:
    tiers: list[Tier] = []
    for index, row in enumerate(raw, start=1):
        lower = _money(row.get("from"), f"第{index}档起点")
        upper_raw = row.get("to")
        upper = None if upper_raw in (None, "") else _money(upper_raw, f"第{index}档终点")
        grant = _money(row.get("grant"), f"第{index}档救助金额", allow_zero=False)
        if upper is not None and upper <= lower:
            raise ValidationError(f"第{index}档的终点应大于起点。", code="tiers")
        tiers.append(Tier(lower, upper, grant))
    if not tiers:
        raise ValidationError("请至少设置一个救助档次。", code="tiers")
    tiers.sort(key=lambda t: t.lower)
    for before, after in pairwise(tiers):
        # Contiguous tiers: no cost above the threshold falls between two tiers.
        if before.upper != after.lower:
            raise ValidationError(
                "救助档次应首尾相接：每一档的终点应等于下一档的起点，仅最后一档可不设终点。",
                code="tiers",
            )
    return [
        {
            "from": f"{t.lower:.2f}",
            "to": None if t.upper is None else f"{t.upper:.2f}",
            "grant": f"{t.grant:.2f}",
        }
        for t in tiers
    ]


def _clean_diseases(raw: Iterable[str]) -> list[str]:
    diseases = list(dict.fromkeys(d.strip() for d in raw if d and d.strip()))
    if not diseases:
        raise ValidationError("请至少列出一种重大疾病。", code="diseases")
    too_long = [d for d in diseases if len(d) > 64]
    if too_long:
        raise ValidationError(f"疾病名称不能超过64个字：{too_long[0][:20]}…", code="diseases")
    return diseases


def relief_policy_save(
    *,
    actor: Actor,
    union: Any,
    year: int,
    tiers: Iterable[Mapping[str, Any]],
    diseases: Iterable[str],
    name: str = "",
    fund_name: str = "会员大病救助金",
) -> ReliefPolicy:
    """Create or replace ``union``'s policy for ``year`` (one per union and year). An
    admin of a city or county union sets the policy of their union or of a county below."""
    require_relief_policy_admin(actor, union)
    if union.level not in POLICY_LEVELS:
        raise ValidationError("大病救助政策只能由市或区县工会制定。", code="level")
    this_year = timezone.localdate().year
    if not FIRST_YEAR <= int(year) <= this_year + 1:
        raise ValidationError(f"年度应在 {FIRST_YEAR} 至 {this_year + 1} 之间。", code="year")
    year = int(year)
    clean_tiers = _clean_tiers(tiers)
    clean_diseases = _clean_diseases(diseases)
    fund_name = fund_name.strip() or "会员大病救助金"
    name = name.strip() or f"{union.name}{year}年度会员大病救助"
    with transaction.atomic():
        policy = (
            ReliefPolicy.objects.select_for_update()
            .filter(union=union, year=year)
            .order_by("pk")
            .first()
        )
        created = policy is None
        if policy is None:
            policy = ReliefPolicy(union=union, year=year, code=f"DB-{union.code}-{year}")
        policy.name = name[:128]
        policy.fund_name = fund_name[:128]
        policy.tiers = clean_tiers
        policy.diseases = clean_diseases
        policy.save()
        audit_record(
            actor=actor,
            action="relief_policy.create" if created else "relief_policy.update",
            obj=policy,
            union=union,
            summary=f"{'设置' if created else '修改'}{year}年度大病救助政策“{policy.name}”："
            + "，".join(f"{t['from']}–{t['to'] or '以上'}：{t['grant']}元" for t in clean_tiers),
        )
    return policy


def _once_message(year: int) -> str:
    return f"该会员{year}年度已有大病救助申请，每人每年限申请一次。"


def relief_apply(
    *,
    actor: Actor,
    member: Member,
    year: int,
    diagnosis: str,
    self_paid_year: Decimal | str,
    payee_bank: str,
    payee_account: str,
    submit: bool = True,
) -> ReliefApplication:
    """A member's relief application for ``year``, created and (by default) submitted to
    the township's 初审 through the engine. Every refusal of what was typed is given at once
    (a ValidationError listing each, in Chinese); scope and role refuse first (404, 403)."""
    if not Member.objects.visible_to(actor).filter(pk=member.pk).exists():
        raise Http404("未找到该会员，或不在您的管辖范围内。")
    if isinstance(actor, ApplicantActor):  # a worker applying from the portal, for themselves
        require_self(actor, member.id_hash)
    else:
        require_relief_submitter(actor)
    errors: list[ValidationError] = []
    if member.status != Member.Status.ACTIVE:
        errors.append(ValidationError("该会员已退会，不能申请大病救助。", code="member_left"))
    year = int(year)
    policy = None
    if not FIRST_YEAR <= year <= timezone.localdate().year:
        errors.append(ValidationError("救助年度无效。", code="year"))
    else:
        policy = relief_policy_for(member.union, year)
        if policy is None:
            errors.append(
                ValidationError(f"{year}年度没有适用于该会员的大病救助政策。", code="no_policy")
            )
    diagnosis = diagnosis.strip()
    if policy is not None and diagnosis not in policy.diseases:
        errors.append(
            ValidationError(
                f"“{diagnosis[:20]}”不在{year}年度重大疾病目录内，不能申请大病救助。",
                code="diagnosis",
            )
        )
    cost = grant = None
    try:
        cost = _money(self_paid_year, "年度个人自付医疗费用", allow_zero=False)
    except ValidationError as exc:
        errors.append(exc)
    if policy is not None and cost is not None:
        grant = relief_grant(policy, cost)
        if grant <= 0:
            first = relief_tiers(policy)[0].lower
            errors.append(
                ValidationError(
                    f"年度个人自付医疗费用未达到救助标准（{yuan_label(first)}）",
                    code="below_threshold",
                )
            )
    bank = payee_bank.strip()
    if not bank:
        errors.append(ValidationError("请填写收款银行。", code="payee_bank"))
    elif len(bank) > 64:
        errors.append(ValidationError("收款银行名称不能超过64个字。", code="payee_bank"))
    account = ""
    try:
        account = pii.normalize_bank_account(payee_account)
    except ValidationError as exc:
        errors.append(exc)
    if errors:
        raise ValidationError(errors)
    assert policy is not None and cost is not None and grant is not None
    with transaction.atomic():
        live = ReliefApplication.objects.filter(member=member, policy__year=year).exclude(
            state__in=RELEASED_STATES
        )
        if live.exists():
            raise ValidationError(_once_message(year), code="once_per_year")
        try:
            # A savepoint: on PostgreSQL a failed insert would otherwise spoil the outer
            # transaction. Two clerks racing both pass the check above; the partial unique
            # index relief_member_policy_live_unique lets one insert through.
            application = ReliefApplication(
                union=member.union,
                member=member,
                policy=policy,
                diagnosis=diagnosis,
                self_paid_year=cost,
                amount=grant,
                payee_bank=bank,
                account_masked=pii.mask_bank_account(account),
                entered_by=user_of(actor),
            )
            cipher_set(application, "account_cipher", account)
            with transaction.atomic():
                application.save(force_insert=True)
        except IntegrityError as exc:
            raise ValidationError(_once_message(year), code="once_per_year") from exc
        audit_record(
            actor=actor,
            action="relief.create",
            obj=application,
            union=member.union,
            summary=f"新建大病救助申请#{application.pk}（会员 {member.id_masked}，"
            f"{year}年度，救助金 {grant} 元，收款账号 {application.account_masked}）",
        )
        if submit:
            workflow_submit(RELIEF, application, actor=actor)
    application.refresh_from_db()
    return application
