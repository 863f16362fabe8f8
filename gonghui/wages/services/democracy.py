"""职代会 and 厂务公开 from records. Whether an enterprise has an established workers'
congress, or practises affairs disclosure, is never a field: it is derived on a day from the
sessions and disclosures recorded (a session within the last twelve months, a disclosure
within the last six)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db import IntegrityError, transaction

from gonghui.core.actors import Actor, user_of
from gonghui.core.audit import audit_record
from gonghui.core.dates import report_today
from gonghui.core.problems import problems_raise
from gonghui.core.sheets.parsers import local_today
from gonghui.orgs.models import Enterprise
from gonghui.wages.models import CongressSession, Disclosure, DisclosureChannel
from gonghui.wages.permissions import require_edit

CONGRESS_MONTHS = 12
DISCLOSURE_MONTHS = 6


def months_before(day: date, months: int) -> date:
    """The first day of the window of ``months`` months that ends on ``day``: 2023-06-30
    with 12 months gives 2022-07-01; 2023-08-31 with 6 months gives 2023-03-01."""
    month = day.month - months
    year = day.year + (month - 1) // 12
    month = (month - 1) % 12 + 1
    last = (date(year + (month == 12), month % 12 + 1, 1) - timedelta(days=1)).day
    return date(year, month, min(day.day, last)) + timedelta(days=1)


def congress_window(on: date) -> tuple[date, date]:
    return months_before(on, CONGRESS_MONTHS), on


def disclosure_window(on: date) -> tuple[date, date]:
    return months_before(on, DISCLOSURE_MONTHS), on


@dataclass(frozen=True)
class DemocraticStatus:
    on: date
    has_congress: bool
    has_disclosure: bool
    last_session: CongressSession | None
    last_disclosure: Disclosure | None


def democratic_status(enterprise: Enterprise, *, on: date | None = None) -> DemocraticStatus:
    """The enterprise's congress and disclosure on ``on`` (by default the report day: today,
    or the day the reports are set to)."""
    on = on or report_today()
    session = (
        CongressSession.objects.filter(enterprise=enterprise, held_on__lte=on)
        .order_by("-held_on", "-id")
        .first()
    )
    item = (
        Disclosure.objects.filter(enterprise=enterprise, disclosed_on__lte=on)
        .order_by("-disclosed_on", "-id")
        .first()
    )
    return DemocraticStatus(
        on=on,
        has_congress=session is not None and session.held_on >= congress_window(on)[0],
        has_disclosure=item is not None and item.disclosed_on >= disclosure_window(on)[0],
        last_session=session,
        last_disclosure=item,
    )


def _enterprise_problems(enterprise: Enterprise, field: str) -> list[tuple[str, str]]:
    if enterprise.union_id is None:
        return [(field, f"“{enterprise.name}”尚未建立工会，不能登记")]
    return []


def congress_record(
    *,
    actor: Actor,
    enterprise: Enterprise,
    held_on: date,
    delegates: int,
    attended: int,
    resolutions: str = "",
) -> CongressSession:
    """Record a session of the enterprise's workers' congress, for its union."""
    union = enterprise.union or enterprise.owner_union
    require_edit(actor, union)
    problems = _enterprise_problems(enterprise, "enterprise")
    if held_on > local_today():
        problems.append(("held_on", "召开日期不能晚于今天"))
    if delegates < 1:
        problems.append(("delegates", "应到代表须至少 1 人"))
    if attended > delegates:
        problems.append(("attended", "实到代表不能多于应到代表"))
    if CongressSession.objects.filter(enterprise=enterprise, held_on=held_on).exists():
        problems.append(("held_on", f"该企业 {held_on:%Y-%m-%d} 的职代会已登记"))
    problems_raise(problems)
    try:
        with transaction.atomic():
            session = CongressSession.objects.create(
                union=union,
                enterprise=enterprise,
                held_on=held_on,
                delegates=delegates,
                attended=attended,
                resolutions=resolutions.strip(),
                created_by=user_of(actor),
            )
    except IntegrityError:
        problems_raise([("held_on", f"该企业 {held_on:%Y-%m-%d} 的职代会已登记")])
        raise
    audit_record(
        actor=actor,
        action="wages.congress.create",
        union=union,
        summary=f"登记{enterprise.name} {held_on:%Y-%m-%d} 职代会",
    )
    return session


def disclosure_record(
    *,
    actor: Actor,
    enterprise: Enterprise,
    disclosed_on: date,
    channel: str,
    subject: str,
) -> Disclosure:
    """Record an item the enterprise disclosed to its workers, for its union."""
    union = enterprise.union or enterprise.owner_union
    require_edit(actor, union)
    subject = subject.strip()
    problems = _enterprise_problems(enterprise, "enterprise")
    if disclosed_on > local_today():
        problems.append(("disclosed_on", "公开日期不能晚于今天"))
    if channel not in DisclosureChannel.values:
        problems.append(("channel", "请选择公开形式"))
    if not subject:
        problems.append(("subject", "请填写公开事项"))
    elif Disclosure.objects.filter(
        enterprise=enterprise, disclosed_on=disclosed_on, subject=subject
    ).exists():
        problems.append(("subject", "同一天的同一公开事项已登记"))
    problems_raise(problems)
    item = Disclosure.objects.create(
        union=union,
        enterprise=enterprise,
        disclosed_on=disclosed_on,
        channel=channel,
        subject=subject,
        created_by=user_of(actor),
    )
    audit_record(
        actor=actor,
        action="wages.disclosure.create",
        union=union,
        summary=f"登记{enterprise.name} {disclosed_on:%Y-%m-%d} 厂务公开：{subject}",
    )
    return item
