"""The demo's 能级工资集体协商: skill-level wage contracts of enterprises with a union, signed
in the first half of 2023 under the city's 全域试点, most for one enterprise and some as
regional contracts of a township's enterprises.

At city scale they cover the seed's 2087 enterprises and 19.12万 workers with an 8 % average
rise (scaled at smaller scales); the rise is not set anywhere: each grade's wage after is its
wage before raised about 8 % and rounded to ten yuan, and the reports compute the rise from
the tables. Written in bulk, once."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from gonghui.core.workflow.models import Action, ReviewEntry, State
from gonghui.demo.skills import split_total
from gonghui.orgs.models import Enterprise, Union
from gonghui.wages.models import (
    DUES_RATE,
    NEW_FORM_PURPOSES,
    Allocation,
    Asset,
    AssetKind,
    BudgetCategory,
    BudgetLine,
    BudgetYear,
    CongressSession,
    Disclosure,
    DisclosureChannel,
    DuesRelief,
    Expenditure,
    Lease,
    ReliefKind,
    ReliefReason,
    RentPayment,
    SpendingKind,
    SpendingStandard,
    WageContract,
    WageGrade,
    WageRow,
)
from gonghui.wages.services.assets import add_months, cycles_due
from gonghui.wages.services.funds import over_standard

H1 = (date(2023, 1, 5), date(2023, 6, 28))
# The grades of a table, their share of the workers and the wage before (yuan a month).
GRADES = (
    (WageGrade.JUNIOR, 0.36, 4600),
    (WageGrade.INTERMEDIATE, 0.30, 5300),
    (WageGrade.SENIOR, 0.20, 6100),
    (WageGrade.TECHNICIAN, 0.10, 7200),
    (WageGrade.SENIOR_TECHNICIAN, 0.04, 8600),
)
REGIONAL_SHARE = 0.08  # of the enterprises, covered by a township's regional contract
TEN = Decimal(10)


def wages_demo_write(
    *, city: Union, goal: dict[str, Any], seed: int, log: Callable[[str], None]
) -> int:
    """Write the contracts (see the module's docstring); returns how many."""
    if WageContract.objects.filter(union__path__startswith=city.path).exists():
        log("能级工资集体协商演示数据已存在，跳过。")
        return 0
    rng = random.Random(f"wages:{seed}")
    candidates = list(
        Enterprise.objects.filter(owner_union__path__startswith=city.path, union__isnull=False)
        .select_related("union")
        .order_by("uscc")
    )
    # Reform-pilot and above-scale enterprises bargain first; the rest fill the count.
    want = goal["wage_contract_enterprises"]
    preferred = [e for e in candidates if e.is_reform_pilot or e.is_above_scale]
    others = [e for e in candidates if not (e.is_reform_pilot or e.is_above_scale)]
    chosen = rng.sample(preferred, min(want, len(preferred)))
    chosen += rng.sample(others, min(want - len(chosen), len(others)))
    chosen.sort(key=lambda e: e.uscc)
    if not chosen:
        return 0
    workers = split_total(
        goal["wage_contract_workers"], [max(e.employee_count, 10) for e in chosen], least=5
    )
    # A township's regional contract takes a few of its enterprises together.
    townships = {
        u.code: u
        for u in Union.objects.filter(path__startswith=city.path, level=Union.Level.TOWNSHIP)
    }
    regional: dict[str, list[int]] = {}
    groups: list[tuple[Union, list[int]]] = []
    for n, e in enumerate(chosen):
        own = e.union
        assert own is not None  # only enterprises with a union were chosen
        township = townships.get(own.code[:9])
        if township is not None and rng.random() < REGIONAL_SHARE:
            regional.setdefault(township.code, []).append(n)
        else:
            groups.append((own, [n]))
    for code, members in sorted(regional.items()):
        groups.append((townships[code], members))
    contracts: list[WageContract] = []
    tables: list[list[int]] = []
    span = (H1[1] - H1[0]).days
    for number, (union, members) in enumerate(groups, start=1):
        signed = H1[0] + timedelta(days=rng.randrange(span + 1))
        starts = signed + timedelta(days=rng.randint(1, 20))
        contracts.append(
            WageContract(
                union=union,
                code=f"NJGZ-2023-{number:05d}",
                signed_on=signed,
                starts_on=starts,
                ends_on=starts.replace(year=starts.year + 3) - timedelta(days=1),
                pilot=True,
            )
        )
        tables.append(members)
    with transaction.atomic():
        made = WageContract.objects.bulk_create(contracts, batch_size=2000)
        rows: list[WageRow] = []
        for contract, members in zip(made, tables, strict=True):
            for n in members:
                grades = GRADES[: rng.randint(3, len(GRADES))]
                counts = split_total(workers[n], [share for _, share, _ in grades], least=1)
                level = Decimal(rng.randint(-30, 50)) * TEN
                for (grade, _, base), count in zip(grades, counts, strict=True):
                    if count == 0:
                        continue
                    before = Decimal(base) + level
                    after = (before * Decimal("1.08") / TEN).quantize(Decimal(1)) * TEN
                    rows.append(
                        WageRow(
                            contract=contract,
                            enterprise=chosen[n],
                            grade=grade,
                            workers=count,
                            wage_before=before,
                            wage_after=after,
                        )
                    )
        WageRow.objects.bulk_create(rows, batch_size=5000)
    log(
        f"能级工资集体协商：合同 {len(made)} 份，覆盖企业 {len(chosen)} 家、职工 "
        f"{sum(workers)} 人（2023 年上半年）。"
    )
    return len(made)


CONGRESS_SHARE = {True: 0.75, False: 0.3}  # by whether the enterprise has 50 workers or more
RESOLUTIONS = (
    "审议通过年度工资集体协商方案",
    "审议通过能级工资集体合同草案",
    "审议通过职工福利费使用方案",
    "审议通过安全生产责任制度修订稿",
    "选举职工董事、职工监事",
)
SUBJECTS = (
    "年度福利费使用情况",
    "职工社会保险缴纳情况",
    "评先评优结果",
    "劳动定额与计件单价调整",
    "年度培训计划与经费",
    "安全生产检查情况",
)


def democracy_demo_write(*, city: Union, seed: int, log: Callable[[str], None]) -> int:
    """Congress sessions and disclosures of enterprises with a standalone union: most with
    50 workers or more hold a congress each spring (2022, and 2023 for most of them), and
    most of those disclose twice a half-year; a few joint-union enterprises do too. Returns
    the sessions written."""
    if CongressSession.objects.filter(union__path__startswith=city.path).exists():
        log("职代会与厂务公开演示数据已存在，跳过。")
        return 0
    rng = random.Random(f"democracy:{seed}")
    enterprises = (
        Enterprise.objects.filter(owner_union__path__startswith=city.path, union__isnull=False)
        .values_list("id", "union_id", "union__kind", "employee_count")
        .order_by("uscc")
    )
    sessions: list[CongressSession] = []
    items: list[Disclosure] = []
    channels = list(DisclosureChannel.values)
    for pk, union_id, kind, employees in enterprises.iterator(chunk_size=5000):
        share = CONGRESS_SHARE[employees >= 50] if kind == Union.Kind.STANDARD else 0.03
        if rng.random() >= share:
            continue
        delegates = max(5, min(employees // 10, 200))
        for year in (2022, 2023):
            if year == 2023 and rng.random() < 0.12:
                continue
            sessions.append(
                CongressSession(
                    union_id=union_id,
                    enterprise_id=pk,
                    held_on=date(year, rng.randint(1, 4), rng.randint(1, 28)),
                    delegates=delegates,
                    attended=delegates - rng.randint(0, delegates // 10),
                    resolutions=rng.choice(RESOLUTIONS),
                )
            )
        if rng.random() >= 0.85:
            continue
        for half in ((2022, 7), (2023, 1)):
            for subject in rng.sample(SUBJECTS, 2):
                items.append(
                    Disclosure(
                        union_id=union_id,
                        enterprise_id=pk,
                        disclosed_on=date(half[0], half[1] + rng.randint(0, 5), rng.randint(1, 28)),
                        channel=rng.choice(channels),
                        subject=f"{half[0]}年{subject}",
                    )
                )
    with transaction.atomic():
        CongressSession.objects.bulk_create(sessions, batch_size=5000)
        Disclosure.objects.bulk_create(items, batch_size=5000)
    log(f"职代会与厂务公开：职代会会议 {len(sessions)} 次，厂务公开事项 {len(items)} 项。")
    return len(sessions)


def relief_demo_write(
    *, city: Union, goal: dict[str, Any], seed: int, log: Callable[[str], None]
) -> int:
    """Dues relief granted in the first half of 2023, mostly by the policy for small and
    micro enterprises (减免) and some deferrals of enterprises in difficulty (缓缴, due at
    the year's end): at city scale the seed's 4031.11万元 for 2.34万 enterprises, the amount
    split in proportion to each enterprise's payroll. A few applications of the second half
    wait in the counties' inboxes. Each with its review trail. Returns the reliefs written."""
    if DuesRelief.objects.filter(union__path__startswith=city.path).exists():
        log("工会经费缓减演示数据已存在，跳过。")
        return 0
    rng = random.Random(f"relief:{seed}")
    enterprises = list(
        Enterprise.objects.filter(owner_union__path__startswith=city.path)
        .select_related("owner_union")
        .order_by("uscc")
    )
    small = [e for e in enterprises if e.employee_count < 100]
    large = [e for e in enterprises if e.employee_count >= 100]
    want = min(goal["dues_relief_enterprises"], len(enterprises))
    chosen = rng.sample(small, min(want, len(small)))
    chosen += rng.sample(large, want - len(chosen))
    chosen.sort(key=lambda e: e.uscc)
    if not chosen:
        return 0
    payrolls = [
        Decimal(max(e.employee_count, 3) * rng.randrange(4800, 8200, 100) * 6) for e in chosen
    ]
    cents = split_total(
        int(Decimal(goal["dues_relief_amount"]) * 100), [float(p) for p in payrolls], least=100
    )
    h1_start, h1_end = date(2023, 1, 1), date(2023, 6, 30)
    reliefs: list[DuesRelief] = []
    days: list[date] = []
    for e, payroll, cent in zip(chosen, payrolls, cents, strict=True):
        amount = Decimal(cent) / 100
        # The payroll always bears the relief: dues are 2 % of it.
        payroll = max(payroll, (amount / DUES_RATE).quantize(Decimal(1)) + 1)
        defer = rng.random() < 0.15
        granted_on = date(2023, 2, 1) + timedelta(days=rng.randrange(145))
        reliefs.append(
            DuesRelief(
                union=e.owner_union,
                enterprise=e,
                kind=ReliefKind.DEFER if defer else ReliefKind.REDUCE,
                period_from=h1_start,
                period_to=h1_end,
                payroll=payroll,
                amount=amount,
                reason=ReliefReason.HARDSHIP if defer else ReliefReason.SMALL,
                policy="湖工〔2023〕6号",
                due_on=date(2023, 12, 31) if defer else None,
                state=State.APPROVED,
                submitted_at=_aware(granted_on - timedelta(days=7)),
                approved_at=_aware(granted_on),
            )
        )
        days.append(granted_on)
    # Second-half applications waiting for the county.
    taken = {c.pk for c in chosen}
    spare = [e for e in enterprises if e.pk not in taken] or enterprises
    waiting = rng.sample(spare, min(len(spare), max(3, len(chosen) // 200)))
    for e in waiting:
        payroll = Decimal(max(e.employee_count, 3) * 6000 * 6)
        reliefs.append(
            DuesRelief(
                union=e.owner_union,
                enterprise=e,
                kind=ReliefKind.REDUCE,
                period_from=date(2023, 7, 1),
                period_to=date(2023, 12, 31),
                payroll=payroll,
                amount=(payroll * DUES_RATE).quantize(Decimal("0.01")),
                reason=ReliefReason.SMALL,
                state=State.IN_REVIEW,
                step="county_review",
                step_since=_aware(date(2023, 6, 26)),
                submitted_at=_aware(date(2023, 6, 26)),
            )
        )
    with transaction.atomic():
        made = DuesRelief.objects.bulk_create(reliefs, batch_size=5000)
        entries: list[ReviewEntry] = []
        for relief in made:
            submitted = relief.submitted_at
            assert submitted is not None
            entries.append(
                _entry(
                    relief,
                    Action.SUBMIT,
                    "",
                    State.DRAFT,
                    State.IN_REVIEW,
                    "county_review",
                    submitted,
                )
            )
            if relief.approved_at:
                entries.append(
                    _entry(
                        relief,
                        Action.APPROVE,
                        "county_review",
                        State.IN_REVIEW,
                        State.APPROVED,
                        "",
                        relief.approved_at,
                    )
                )
        ReviewEntry.objects.bulk_create(entries, batch_size=5000)
    total = sum(r.amount for r in reliefs if r.state == State.APPROVED)
    log(
        f"工会经费缓减：批准 {len(chosen)} 家企业、{total} 元（2023 年上半年），"
        f"待区县审核 {len(waiting)} 件。"
    )
    return len(made)


def _aware(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(10)))


def _entry(
    relief: DuesRelief,
    action: str,
    step: str,
    before: str,
    after: str,
    to_step: str,
    at: datetime,
) -> ReviewEntry:
    return ReviewEntry(
        workflow="dues_relief",
        object_id=relief.pk,
        union_id=relief.union_id,
        step=step,
        action=action,
        from_state=before,
        to_state=after,
        to_step=to_step,
        actor_name="演示数据",
        at=at,
    )


STANDARDS = (
    (SpendingKind.CULTURE_SPORTS, Decimal(150), Decimal(50000)),
    (SpendingKind.CONDOLENCE, Decimal(500), None),
    (SpendingKind.TRAINING, Decimal(300), None),
    (SpendingKind.RECUPERATION, Decimal(2500), None),
    (SpendingKind.MEETING, Decimal(150), None),
)
BUDGET = (  # category, line, share of the budget, the kind its payments are
    (BudgetCategory.ACTIVITIES, "职工文体活动", 0.30, SpendingKind.CULTURE_SPORTS),
    (BudgetCategory.ACTIVITIES, "节日慰问", 0.20, SpendingKind.CONDOLENCE),
    (BudgetCategory.ACTIVITIES, "职工疗休养", 0.15, SpendingKind.RECUPERATION),
    (BudgetCategory.OPERATIONS, "培训与会议", 0.15, SpendingKind.TRAINING),
    (BudgetCategory.RIGHTS, "困难职工帮扶", 0.15, SpendingKind.OTHER),
    (BudgetCategory.OTHER, "其他", 0.05, SpendingKind.OTHER),
)
PAYEES = (
    "湖州市体育中心",
    "湖州银泰百货",
    "浙江某旅行社",
    "湖州市职工学校",
    "南太湖宾馆",
    "湖州新华书店",
)


def funds_demo_write(
    *, city: Union, goal: dict[str, Any], seed: int, log: Callable[[str], None]
) -> int:
    """The city's spending standards, the 2022 (closed) and 2023 budgets of the city and
    each county, their payments of the first half of 2023 (a few above their standard,
    some explained), and the city's allocations to the counties for new-form workers'
    recuperation, check-ups and mutual-aid subsidies: the seed's 500万元 at city scale.
    Returns the payments written."""
    if BudgetYear.objects.filter(union__path__startswith=city.path).exists():
        log("预算与支出演示数据已存在，跳过。")
        return 0
    rng = random.Random(f"funds:{seed}")
    counties = list(
        Union.objects.filter(path__startswith=city.path, level=Union.Level.COUNTY).order_by("code")
    )
    basis = "湖工〔2022〕30号 特色工会活动项目支出标准"
    standards = {
        s.kind: s
        for s in SpendingStandard.objects.bulk_create(
            SpendingStandard(
                union=city,
                kind=kind,
                per_person=person,
                per_event=event,
                effective_from=date(2023, 1, 1),
                basis=basis,
            )
            for kind, person, event in STANDARDS
        )
    }
    payments: list[Expenditure] = []
    for union in [city, *counties]:
        size = Decimal(8_000_000 if union == city else 3_000_000)
        for year in (2022, 2023):
            budget = BudgetYear.objects.create(
                union=union, year=year, closed_on=date(2023, 3, 15) if year == 2022 else None
            )
            lines = BudgetLine.objects.bulk_create(
                BudgetLine(
                    budget=budget,
                    category=category,
                    name=name,
                    amount=(size * Decimal(str(share))).quantize(Decimal(1)),
                )
                for category, name, share, _ in BUDGET
            )
            if year != 2023:
                continue
            for n in range(rng.randint(12, 20)):
                budget_line = rng.choice(lines)
                kind = next(k for c, name, _, k in BUDGET if name == budget_line.name)
                people = rng.randint(20, 300) if kind != SpendingKind.OTHER else None
                standard = standards.get(kind)
                person = standard.per_person if standard else None
                over = rng.random() < 0.08
                if person and people:
                    each = person * Decimal(
                        rng.uniform(1.05, 1.4) if over else rng.uniform(0.5, 0.95)
                    )
                    amount = (each * people).quantize(Decimal(1))
                else:
                    amount = Decimal(rng.randint(2_000, 60_000))
                spent_on = date(2023, 1, 10) + timedelta(days=rng.randrange(170))
                flag = over_standard(standard, amount, people)
                explained = bool(flag) and rng.random() < 0.5
                payments.append(
                    Expenditure(
                        union=union,
                        line=budget_line,
                        spent_on=spent_on,
                        amount=amount,
                        payee=rng.choice(PAYEES),
                        voucher=f"记-{spent_on:%m}-{n + 1:03d}",
                        kind=kind,
                        people=people,
                        summary=f"{budget_line.name}支出",
                        over_standard=flag,
                        explanation="经集体研究，含场地与交通费用，已按规定报批"
                        if explained
                        else "",
                        explained_at=_aware(spent_on + timedelta(days=10)) if explained else None,
                    )
                )
    Expenditure.objects.bulk_create(payments, batch_size=2000)
    total = int(Decimal(goal["grassroots_allocation_new_form"]) * 100)
    purposes = list(NEW_FORM_PURPOSES)
    # Whole yuan when the total is (the seed's 500万元), else cents.
    step = 100 if total % 100 == 0 else 1
    cents = [
        part * step
        for part in split_total(total // step, [1.0] * (len(counties) * len(purposes)), least=1)
    ]
    Allocation.objects.bulk_create(
        Allocation(
            from_union=city,
            to_union=county,
            allocated_on=date(2023, 4, 18),
            amount=Decimal(cents[i * len(purposes) + j]) / 100,
            purpose=purpose,
            note="市总追加新就业形态劳动者专项经费",
        )
        for i, county in enumerate(counties)
        for j, purpose in enumerate(purposes)
    )
    flagged = sum(bool(p.over_standard) for p in payments)
    log(
        f"预算与支出：支出 {len(payments)} 笔（超标准 {flagged} 笔），"
        f"下拨新就业形态专项经费 {Decimal(total) / 100} 元。"
    )
    return len(payments)


TENANTS = (
    "新华书店",
    "职工书屋咖啡",
    "健身工作室",
    "培训学校",
    "便利店",
    "老字号茶馆",
    "少儿美术培训",
)


def assets_demo_write(*, city: Union, seed: int, log: Callable[[str], None]) -> int:
    """The city's and each county's workers' palace with a few shops let: rent paid each
    cycle, a few tenants behind, and a lease or two ending within 90 days of mid-2023.
    Returns the leases written."""
    if Asset.objects.filter(union__path__startswith=city.path).exists():
        log("工会资产演示数据已存在，跳过。")
        return 0
    rng = random.Random(f"assets:{seed}")
    counties = list(
        Union.objects.filter(path__startswith=city.path, level=Union.Level.COUNTY).order_by("code")
    )
    leases: list[Lease] = []
    behind: list[bool] = []
    for union in [city, *counties]:
        short = union.name.removesuffix("总工会")
        asset = Asset.objects.create(
            union=union,
            name=f"{short}工人文化宫",
            kind=AssetKind.PALACE,
            address=f"{short}人民路{rng.randint(1, 300)}号",
            area=Decimal(rng.randrange(4000, 20000, 100)),
            operator=f"{short}职工服务中心",
        )
        for n, tenant in enumerate(rng.sample(TENANTS, rng.randint(3, 5)), start=1):
            starts = date(rng.choice((2021, 2022)), rng.randint(1, 12), 1)
            years = 3 if n > 1 or rng.random() < 0.5 else 1
            ends = add_months(starts, 12 * years) - timedelta(days=1)
            if n == 1:  # one lease ending in the quarter after the demo's report day
                ends = date(2023, 9, 15)
            leases.append(
                Lease(
                    asset=asset,
                    premises=f"{rng.choice('一二')}楼{n}号商铺",
                    tenant=f"湖州{tenant}",
                    starts_on=starts,
                    ends_on=ends,
                    rent=Decimal(rng.randrange(6000, 30000, 500)),
                    cycle=rng.choice((Lease.Cycle.QUARTER, Lease.Cycle.QUARTER, Lease.Cycle.YEAR)),
                )
            )
            behind.append(rng.random() < 0.2)
    made = Lease.objects.bulk_create(leases)
    payments: list[RentPayment] = []
    report_day = date(2023, 7, 1)
    for lease, late in zip(made, behind, strict=True):
        cycles = cycles_due(lease, report_day) - (1 if late else 0)
        for n in range(cycles):
            due = add_months(lease.starts_on, lease.cycle * n)
            payments.append(
                RentPayment(
                    lease=lease,
                    paid_on=due + timedelta(days=rng.randint(0, 10)),
                    amount=lease.rent,
                    receipt=f"ZJ{due:%Y%m}{lease.pk:04d}",
                )
            )
    RentPayment.objects.bulk_create(payments, batch_size=2000)
    log(f"工会资产：文化宫 {len(counties) + 1} 处，出租 {len(made)} 处，收款 {len(payments)} 笔。")
    return len(made)
