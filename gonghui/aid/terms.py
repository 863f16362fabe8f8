"""The terms of a mutual-aid plan and what follows from them for one claim.

A plan's ``categories`` JSON gives, per category, either banded terms::

    {"deductible": "1000.00", "yearly_cap": "50000.00",
     "bands": [{"up_to": "10000.00", "ratio": "0.50"}, {"up_to": null, "ratio": "0.70"}]}

or a lump sum paid at most ``per_year`` times per plan::

    {"lump_sum": "10000.00", "per_year": 1}

``payout_compute`` turns those terms and what earlier claims of the same member, plan and
category already consumed into the payout, exactly, in Decimal, rounded once at the end, with
the lines the claim page shows. The claim rules that depend only on the values of one claim
and its plan (dates, amounts, the waiting period, the deadline) live here too, so the form's
service and the import sheet refuse with the same sentence.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import ValidationError

from gonghui.aid.models import Category
from gonghui.core.formatting import ratio_percent
from gonghui.core.sheets.parsers import CENT
from gonghui.core.sheets.parsers import number_of as _decimal

ZERO = Decimal("0.00")

CATEGORY_LABEL = dict(Category.choices)
BANDED_KEYS = {"deductible", "bands", "yearly_cap"}
LUMP_SUM_KEYS = {"lump_sum", "per_year"}

# Why a payout is 0.00 (the claim then may not pass its final approval).
ZERO_CAP_USED = "本类别年度封顶额已用完，互助金为0元"
ZERO_BELOW_DEDUCTIBLE = "个人自付未超过起付线，互助金为0元"
ZERO_LUMP_SUM_USED = "{label}互助金每个方案年度限申领 {per_year} 次，已申领 {count} 次，互助金为0元"
ZERO_OTHER = "按方案计算的互助金为0元"

# The terms of issue #6's example plan (湖州 2023 职工医疗互助) and the relief tiers of the
# city's policy: what the demo data and the tests use, and a model for a new plan's JSON.
EXAMPLE_CATEGORIES: dict[str, Any] = {
    "inpatient": {
        "deductible": "1000.00",
        "bands": [
            {"up_to": "10000.00", "ratio": "0.50"},
            {"up_to": "50000.00", "ratio": "0.60"},
            {"up_to": None, "ratio": "0.70"},
        ],
        "yearly_cap": "50000.00",
    },
    "outpatient_special": {
        "deductible": "500.00",
        "bands": [{"up_to": None, "ratio": "0.40"}],
        "yearly_cap": "5000.00",
    },
    "accident": {
        "deductible": "100.00",
        "bands": [{"up_to": None, "ratio": "0.80"}],
        "yearly_cap": "20000.00",
    },
    "critical_illness": {"lump_sum": "10000.00", "per_year": 1},
}
EXAMPLE_RELIEF_TIERS: list[dict[str, Any]] = [
    {"from": "20000.00", "to": "50000.00", "grant": "3000.00"},
    {"from": "50000.00", "to": "100000.00", "grant": "5000.00"},
    {"from": "100000.00", "to": None, "grant": "10000.00"},
]


@dataclass(frozen=True)
class Band:
    """The slice of the base above the previous band's ``up_to`` and up to this one
    (None: no upper bound) is paid at ``ratio``."""

    up_to: Decimal | None
    ratio: Decimal


@dataclass(frozen=True)
class CategoryTerms:
    category: str
    deductible: Decimal = ZERO
    bands: tuple[Band, ...] = ()
    yearly_cap: Decimal = ZERO
    lump_sum: Decimal | None = None
    per_year: int = 0

    @property
    def label(self) -> str:
        return CATEGORY_LABEL.get(self.category, self.category)

    @property
    def is_lump_sum(self) -> bool:
        return self.lump_sum is not None


@dataclass(frozen=True)
class PayoutLine:
    """One line of the computation: ``amount`` is a plain amount ("1234.50") or a formula."""

    label: str
    amount: str

    def as_dict(self) -> dict[str, str]:
        return {"label": self.label, "amount": self.amount}


@dataclass(frozen=True)
class Payout:
    amount: Decimal
    deductible_used: Decimal
    lines: list[PayoutLine] = field(default_factory=list)
    # Why the amount is 0.00 ("" when it is not).
    zero_reason: str = ""

    def lines_json(self) -> list[dict[str, str]]:
        return [line.as_dict() for line in self.lines]


# --- parsing the plan's terms --------------------------------------------------------------


def _money(value: Any, what: str, errors: list[str]) -> Decimal:
    amount = _decimal(value)
    if amount is None:
        errors.append(f"{what}“{value}”不是有效的金额")
        return ZERO
    if amount < 0:
        errors.append(f"{what}不能为负数")
    elif amount != amount.quantize(CENT):
        errors.append(f"{what}最多两位小数")
    return amount


def _category_terms(key: str, raw: Any, errors: list[str]) -> CategoryTerms | None:
    label = CATEGORY_LABEL[key]
    if not isinstance(raw, Mapping):
        errors.append(f"{label}：条款应为一个对象")
        return None
    keys = set(raw)
    kind = LUMP_SUM_KEYS if "lump_sum" in keys else BANDED_KEYS
    for unknown in sorted(keys - kind):
        errors.append(f"{label}：无法识别的字段 {unknown}")
    names = {
        "deductible": "起付线",
        "bands": "分段比例",
        "yearly_cap": "年度封顶",
        "lump_sum": "一次性互助金",
        "per_year": "每年度次数",
    }
    missing = [k for k in sorted(kind) if k not in keys]
    for name in missing:
        errors.append(f"{label}：缺少{names[name]}（{name}）")
    if missing:
        return None
    if kind is LUMP_SUM_KEYS:
        lump_sum = _money(raw["lump_sum"], f"{label}：一次性互助金", errors)
        per_year = raw["per_year"]
        if isinstance(per_year, bool) or not isinstance(per_year, int) or per_year < 1:
            errors.append(f"{label}：每年度次数（per_year）应为正整数")
            per_year = 1
        return CategoryTerms(category=key, lump_sum=lump_sum, per_year=per_year)
    deductible = _money(raw["deductible"], f"{label}：起付线", errors)
    yearly_cap = _money(raw["yearly_cap"], f"{label}：年度封顶", errors)
    return CategoryTerms(
        category=key,
        deductible=deductible,
        bands=_bands(label, raw["bands"], errors),
        yearly_cap=yearly_cap,
    )


def _bands(label: str, raw: Any, errors: list[str]) -> tuple[Band, ...]:
    if not isinstance(raw, list) or not raw:
        errors.append(f"{label}：分段比例应为至少一段的列表")
        return ()
    bands: list[Band] = []
    previous = ZERO
    for number, item in enumerate(raw, start=1):
        where = f"{label}：第 {number} 段"
        if not isinstance(item, Mapping) or {"up_to", "ratio"} - set(item):
            errors.append(f"{where}应包含上限（up_to）和比例（ratio）")
            continue
        ratio = _decimal(item["ratio"])
        if ratio is None:
            errors.append(f"{where}比例“{item['ratio']}”不是有效的数字")
            ratio = ZERO
        elif not ZERO <= ratio <= 1:
            errors.append(f"{where}比例应在 0 到 1 之间")
        up_to: Decimal | None = None
        if item["up_to"] is None:
            if number != len(raw):
                errors.append(f"{where}：只有最后一段可以不设上限")
        else:
            up_to = _money(item["up_to"], f"{where}上限", errors)
            if up_to <= previous:
                errors.append(f"{where}上限应大于上一段的上限（{_yuan(previous)}）")
            previous = up_to
        bands.append(Band(up_to=up_to, ratio=ratio))
    if bands and raw and isinstance(raw[-1], Mapping) and raw[-1].get("up_to") is not None:
        errors.append(f"{label}：最后一段应不设上限（up_to 为 null）")
    return tuple(bands)


def category_terms_parse(categories: Any) -> dict[str, CategoryTerms]:
    """The terms of every category a plan covers, or ValidationError listing every problem
    (in Chinese) of the JSON: unknown categories, missing keys, amounts that are not decimal
    strings, ratios outside 0..1, bands whose limits do not increase or whose last band has an
    upper limit."""
    if not isinstance(categories, Mapping) or not categories:
        raise ValidationError("保障类别应为一个非空对象（类别 → 条款）", code="terms_shape")
    errors: list[str] = []
    result: dict[str, CategoryTerms] = {}
    for key, raw in categories.items():
        if key not in CATEGORY_LABEL:
            known = "、".join(f"{k}（{v}）" for k, v in CATEGORY_LABEL.items())
            errors.append(f"未知的保障类别“{key}”，应为：{known}")
            continue
        terms = _category_terms(key, raw, errors)
        if terms is not None:
            result[key] = terms
    if errors:
        raise ValidationError(errors, code="terms_invalid")
    return result


# --- the payout ----------------------------------------------------------------------------


def _yuan(amount: Decimal) -> str:
    """An amount with thousands separators: two decimals, or all of them when an unrounded
    intermediate value has more (so the lines add up to what is rounded at the end)."""
    if amount == amount.quantize(CENT):
        return f"{amount.quantize(CENT):,}"
    return f"{amount.normalize():,f}"


def _plain(amount: Decimal) -> str:
    return str(amount.quantize(CENT))


def payout_compute(
    terms: CategoryTerms,
    self_paid: Decimal,
    *,
    deductible_consumed: Decimal,
    taken: Decimal,
    earlier_count: int,
) -> Payout:
    """The payout of one claim given what the earlier claims of the same member, plan and
    category consumed of the deductible, took of the yearly cap, and how many there were.
    Exact: only the final amount is rounded, to the cent, half up."""
    if terms.is_lump_sum:
        return _lump_sum(terms, earlier_count)
    lines = [PayoutLine("个人自付", _plain(self_paid))]
    remaining = max(terms.deductible - deductible_consumed, ZERO)
    used = min(self_paid, remaining)
    base = self_paid - used
    lines.append(
        PayoutLine(
            "起付线",
            f"{_yuan(terms.deductible)}（已抵扣 {_yuan(min(deductible_consumed, terms.deductible))}，"
            f"本次抵扣 {_yuan(used)}）",
        )
    )
    lines.append(PayoutLine("计算基数", _plain(base)))
    raw = Decimal(0)
    lower = ZERO
    for band in terms.bands:
        if base <= lower:
            break
        top = base if band.up_to is None else min(base, band.up_to)
        part = (top - lower) * band.ratio
        raw += part
        label = (
            f"{_yuan(lower)} 以上部分"
            if band.up_to is None
            else f"{'0' if lower == 0 else _yuan(lower)}–{_yuan(band.up_to)} 部分"
        )
        lines.append(
            PayoutLine(label, f"{_yuan(top - lower)} × {ratio_percent(band.ratio)} = {_yuan(part)}")
        )
        if band.up_to is None:
            break
        lower = band.up_to
    cap_left = max(terms.yearly_cap - taken, ZERO)
    lines.append(
        PayoutLine(
            "年度封顶",
            f"{_yuan(terms.yearly_cap)}，已支付 {_yuan(taken)}，本次最多 {_yuan(cap_left)}",
        )
    )
    amount = min(raw, cap_left).quantize(CENT, rounding=ROUND_HALF_UP)
    lines.append(PayoutLine("互助金（四舍五入到分）", _plain(amount)))
    reason = ""
    if amount == 0:
        if cap_left == 0:
            reason = ZERO_CAP_USED
        elif base == 0:
            reason = ZERO_BELOW_DEDUCTIBLE
        else:
            reason = ZERO_OTHER
    return Payout(amount=amount, deductible_used=used, lines=lines, zero_reason=reason)


def _lump_sum(terms: CategoryTerms, earlier_count: int) -> Payout:
    assert terms.lump_sum is not None
    allowed = earlier_count < terms.per_year
    amount = terms.lump_sum.quantize(CENT, rounding=ROUND_HALF_UP) if allowed else ZERO
    lines = [
        PayoutLine(f"{terms.label}一次性互助金", _plain(terms.lump_sum)),
        PayoutLine("每个方案年度限申领", f"{terms.per_year} 次，已申领 {earlier_count} 次"),
        PayoutLine("互助金（四舍五入到分）", _plain(amount)),
    ]
    reason = (
        ""
        if allowed
        else ZERO_LUMP_SUM_USED.format(
            label=terms.label, per_year=terms.per_year, count=earlier_count
        )
    )
    return Payout(amount=amount, deductible_used=ZERO, lines=lines, zero_reason=reason)


# --- the rules of one claim ---------------------------------------------------------------
# Each rule gives (field, message): the field a form marks, and the sentence the page, the
# import report and the API show. The sheet puts its column's header before the message.

MSG_TOTAL_TOO_SMALL = "医疗总费用不能少于医保统筹支付与个人自付之和"
MSG_START_FUTURE = "入院（就诊）日期不能晚于今天"
MSG_DISCHARGE_FUTURE = "出院日期不能晚于今天"
MSG_DISCHARGE_REQUIRED = "住院申请须填写出院日期"
MSG_DISCHARGE_BEFORE = "出院日期不能早于入院日期"
MSG_NOT_MEMBER = "在本工会及下级工会的会员中找不到此人"
MSG_NAME_MISMATCH = "姓名与会员名册不一致"
MSG_NOT_ENROLLED = "该会员在 {day} 没有有效的医疗互助保障（未参保或不在保障期内）"
MSG_NOT_COVERED = "该会员参加的“{plan}”不保障{label}"
MSG_WAITING = "在观察期内：{enrolled} 参保，观察期 {days} 天，{first} 起入院（就诊）方可申请"
MSG_DEADLINE = "已超过申请时限：须在{what} {day} 后 {days} 天内提出申请"
MSG_INVOICE_USED = "发票号 {invoice} 已被其他申请使用"
MSG_CATEGORY = "类别应为以下之一：" + "、".join(CATEGORY_LABEL.values())


def normalize_invoice_no(value: Any) -> str:
    """Invoice numbers compare without spaces and case ("no 123" is "NO123")."""
    text = "".join(str(value).split()).upper()
    if text.endswith(".0") and text[:-2].isdigit():
        text = text[:-2]  # a number cell read back as a float
    if not text:
        raise ValidationError("发票号不能为空", code="invoice_required")
    if len(text) > 64:
        raise ValidationError("发票号不能超过64个字符", code="invoice_too_long")
    return text


def amounts_check(
    total_cost: Decimal, insurance_paid: Decimal, self_paid: Decimal
) -> list[tuple[str, str]]:
    if total_cost < insurance_paid + self_paid:
        return [("total_cost", MSG_TOTAL_TOO_SMALL)]
    return []


def dates_check(
    *, category: str, start_date: date, discharge_date: date | None, today: date
) -> list[tuple[str, str]]:
    errors: list[tuple[str, str]] = []
    if start_date > today:
        errors.append(("start_date", MSG_START_FUTURE))
    if discharge_date is None:
        if category == Category.INPATIENT:
            errors.append(("discharge_date", MSG_DISCHARGE_REQUIRED))
    elif discharge_date < start_date:
        errors.append(("discharge_date", MSG_DISCHARGE_BEFORE))
    elif discharge_date > today:
        errors.append(("discharge_date", MSG_DISCHARGE_FUTURE))
    return errors


def plan_rules_check(
    *,
    plan_name: str,
    terms: Mapping[str, CategoryTerms],
    category: str,
    enrolled_on: date,
    waiting_days: int,
    continuous: bool,
    claim_deadline_days: int,
    start_date: date,
    discharge_date: date | None,
    today: date,
) -> list[tuple[str, str]]:
    """The rules of the plan covering the claim: the category, the waiting period (waived by
    continuous enrollment) and the claim deadline."""
    errors: list[tuple[str, str]] = []
    if category not in terms:
        errors.append(
            ("category", MSG_NOT_COVERED.format(plan=plan_name, label=CATEGORY_LABEL[category]))
        )
    first_day = enrolled_on + timedelta(days=waiting_days)
    if start_date < first_day and not continuous:
        errors.append(
            (
                "start_date",
                MSG_WAITING.format(
                    enrolled=enrolled_on.isoformat(), days=waiting_days, first=first_day.isoformat()
                ),
            )
        )
    event = discharge_date if discharge_date is not None else start_date
    if today > event + timedelta(days=claim_deadline_days):
        errors.append(
            (
                "discharge_date" if discharge_date is not None else "start_date",
                MSG_DEADLINE.format(
                    what="出院日期" if discharge_date is not None else "入院（就诊）日期",
                    day=event.isoformat(),
                    days=claim_deadline_days,
                ),
            )
        )
    return errors


def enrollment_choose(enrollments: Iterable[Any], start_date: date) -> Any | None:
    """The enrollment whose plan's coverage window holds ``start_date`` (``enrollments`` carry
    their ``plan``). Should two plans cover the day, the one that began last is chosen."""
    covering = [e for e in enrollments if e.plan.coverage_from <= start_date <= e.plan.coverage_to]
    if not covering:
        return None
    return max(covering, key=lambda e: (e.plan.coverage_from, e.plan_id))


def enrollment_continuous(enrollments: Iterable[Any], plan: Any) -> bool:
    """Enrolled in the same union's plan of the previous year: the waiting period is waived."""
    return any(
        e.plan.union_id == plan.union_id and e.plan.year == plan.year - 1 for e in enrollments
    )
