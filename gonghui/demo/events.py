"""What happened to the demo's records after they were made: the 建会销号 behind the unions
founded in 2022 and 2023 and the enterprises joining joint unions (with a mix of formation
modes), members who moved to another union
or left, and the documents attached to claims still being worked on.

Each part writes what the services would have written (the task closed with its union, date
and mode; the member's new union with its 转会 event, and a 转会申请 across counties; the leave
with its reason and event; the document row and its file), in bulk, and adds nothing when it
finds its records already there. The indicators count them: 建会销号, the breakdown of new
unions by formation mode, 转会 and 退会.
"""

from __future__ import annotations

import random
import uuid
from collections import defaultdict
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q

from gonghui.aid.models import ClaimDocument, MutualAidClaim, PrivateStorage, ReliefApplication
from gonghui.core.workflow.models import State
from gonghui.members.models import LeaveReason, Member, MembershipEvent, MemberTransfer
from gonghui.orgs.models import Enterprise, FormationMode, FormationTask, Union

SHANGHAI = ZoneInfo("Asia/Shanghai")
YEARS = (2022, 2023)
# The half years whose moves and leaves the demo records: 2022 whole, and 2023 up to the
# demo's report date (July 2023).
HALVES = (
    (date(2022, 1, 1), date(2022, 6, 30)),
    (date(2022, 7, 1), date(2022, 12, 31)),
    (date(2023, 1, 1), date(2023, 6, 30)),
)
# Per 10,000 members in each half year: leaving (离职, 退休, …) and moving to another union.
LEAVES_PER_10K = 60
TRANSFERS_PER_10K = 30
# Of the transfers, those to another county go through a 转会申请 both unions see.
ACROSS_COUNTIES = 0.2
LEAVE_REASONS = (
    (LeaveReason.RESIGNED, 70),
    (LeaveReason.RETIRED, 24),
    (LeaveReason.DECEASED, 2),
    (LeaveReason.OTHER, 4),
)
# How a single enterprise's union was formed; a joint union's enterprises by its kind.
STANDALONE_MODES = (
    (FormationMode.STANDALONE, 75),
    (FormationMode.PARTY_JOINT, 15),
    (FormationMode.FALLBACK, 10),
)
TRANSFER_REASONS = ("工作调动", "更换工作单位", "随单位迁移", "劳动关系转移")

Log = Callable[[str], None]


def _weighted(rng: random.Random, choices: tuple[tuple[Any, int], ...]) -> Any:
    return rng.choices([c for c, _ in choices], weights=[w for _, w in choices])[0]


def _at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=SHANGHAI)


def _day_in(rng: random.Random, start: date, end: date) -> date:
    return start + timedelta(days=rng.randrange((end - start).days + 1))


# --- 建会销号 ---------------------------------------------------------------------------------


def formation_closures_write(city: Union, *, seed: int) -> dict[str, int]:
    """The closed 应建未建 tasks behind the unions: an enterprise whose own union was founded
    in 2022 or 2023 closed its task that day (mostly 单独组建, some 党群共建 and 兜底建); an
    enterprise in a joint union closed its task the day it joined (区域联建 or 行业统建 by the
    union's kind), some day between the union's founding and the end of June 2023, so each
    half year has some. Tasks are listed on 1 January of the year they close; only closures
    since 2022 are recorded (the worklist started then)."""
    if FormationTask.objects.filter(
        status=FormationTask.Status.CLOSED, township_union__path__startswith=city.path
    ).exists():
        return {"formation_closed": 0}
    first, last = date(YEARS[0], 1, 1), HALVES[-1][1]
    grassroots = Union.objects.filter(path__startswith=city.path, level=Union.Level.GRASSROOTS)
    unions = {
        u.pk: u
        for u in grassroots.filter(
            Q(kind=Union.Kind.JOINT)
            | Q(established_on__gte=first, established_on__lte=date(YEARS[-1], 12, 31))
        ).only("pk", "code", "name", "kind", "path", "established_on")
    }
    townships = {
        u.path: u.pk
        for u in Union.objects.filter(path__startswith=city.path, level=Union.Level.TOWNSHIP).only(
            "pk", "path"
        )
    }
    tasks = []
    enterprises = (
        Enterprise.objects.filter(union_id__in=list(unions))
        .order_by("pk")
        .values_list("pk", "union_id")
    )
    for enterprise_id, union_id in enterprises.iterator(chunk_size=5000):
        union = unions[union_id]
        township_id = townships.get(union.path[: 3 * Union.steplen])
        founded = union.established_on
        if township_id is None or founded is None:
            continue
        if union.kind == Union.Kind.JOINT:
            mode = (
                FormationMode.INDUSTRY_JOINT
                if "行业" in union.name
                else FormationMode.REGIONAL_JOINT
            )
            rng = random.Random(f"formation:{seed}:{enterprise_id}")
            start = max(founded, date(2019, 1, 1))
            closed_on = start + timedelta(days=rng.randrange(max(1, (last - start).days + 1)))
            if closed_on < first or closed_on > last:
                continue
        else:
            mode = _weighted(random.Random(f"formation:{seed}:{union.code}"), STANDALONE_MODES)
            closed_on = founded
        tasks.append(
            FormationTask(
                enterprise_id=enterprise_id,
                township_union_id=township_id,
                status=FormationTask.Status.CLOSED,
                opened_on=closed_on.replace(month=1, day=1),
                closed_on=closed_on,
                formed_union_id=union_id,
                formation_mode=mode,
            )
        )
    FormationTask.objects.bulk_create(tasks, batch_size=2000)
    return {"formation_closed": len(tasks)}


# --- 转会 and 退会 ----------------------------------------------------------------------------


def _quiet_members(city: Union, before: date) -> list[tuple[int, int, date]]:
    """Members of grassroots unions who joined before ``before``, outside a ceremony, with no
    aid application: a move or a leave of theirs changes no figure but the ones it should."""
    return list(
        Member.objects.filter(
            union__path__startswith=city.path,
            union__level=Union.Level.GRASSROOTS,
            status=Member.Status.ACTIVE,
            join_date__lt=before,
            mass_enrollment__isnull=True,
        )
        .exclude(pk__in=MutualAidClaim.objects.values("member_id"))
        .exclude(pk__in=ReliefApplication.objects.values("member_id"))
        .order_by("pk")
        .values_list("pk", "union_id", "join_date")
    )


def member_events_write(city: Union, *, seed: int, members: int) -> dict[str, int]:
    """In each half year from 2022 to June 2023, about 0.6 % of members leave and 0.3 % move
    to another grassroots union (one in five to another county, through an accepted
    转会申请)."""
    if MembershipEvent.objects.filter(union__path__startswith=city.path).exists():
        return {"members_left": 0, "members_transferred": 0}
    rng = random.Random(f"member-events:{seed}")
    grassroots = list(
        Union.objects.filter(path__startswith=city.path, level=Union.Level.GRASSROOTS)
        .order_by("path")
        .values_list("pk", "path", "established_on")
    )
    path_of = {pk: path for pk, path, _ in grassroots}
    county_of = {pk: path[: 2 * Union.steplen] for pk, path, _ in grassroots}
    by_county: dict[str, list[tuple[int, date | None]]] = defaultdict(list)
    for pk, path, founded in grassroots:
        by_county[path[: 2 * Union.steplen]].append((pk, founded))
    counties = sorted(by_county)
    pool = _quiet_members(city, HALVES[0][0])
    rng.shuffle(pool)
    leaves = max(1, members * LEAVES_PER_10K // 10_000)
    moves = max(1, members * TRANSFERS_PER_10K // 10_000)
    events: list[MembershipEvent] = []
    transfers: list[MemberTransfer] = []
    left: dict[date, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    moved: dict[int, list[int]] = defaultdict(list)
    taken = 0
    for start, end in HALVES:
        for pk, union_id, _joined in pool[taken : taken + leaves]:
            day = _day_in(rng, start, end)
            reason = _weighted(rng, LEAVE_REASONS)
            left[day][reason].append(pk)
            events.append(
                MembershipEvent(
                    member_id=pk,
                    kind=MembershipEvent.Kind.LEAVE,
                    union_id=union_id,
                    on=day,
                    reason=LeaveReason(reason).label,
                )
            )
        taken += leaves
        for pk, union_id, _joined in pool[taken : taken + moves]:
            day = _day_in(rng, start, end)
            across = rng.random() < ACROSS_COUNTIES and len(counties) > 1
            home = county_of[union_id]
            county = rng.choice([c for c in counties if c != home]) if across else home
            targets = [
                u for u, founded in by_county[county] if u != union_id and (founded or day) <= day
            ]
            if not targets:
                continue
            target = rng.choice(targets)
            reason = rng.choice(TRANSFER_REASONS)
            moved[target].append(pk)
            events.append(
                MembershipEvent(
                    member_id=pk,
                    kind=MembershipEvent.Kind.TRANSFER,
                    union_id=target,
                    from_union_id=union_id,
                    on=day,
                    reason=reason,
                )
            )
            if path_of[target][: 2 * Union.steplen] != home:
                transfers.append(
                    MemberTransfer(
                        member_id=pk,
                        from_union_id=union_id,
                        to_union_id=target,
                        on=day,
                        reason=reason,
                        state=MemberTransfer.State.ACCEPTED,
                        decided_at=_at(day + timedelta(days=rng.randrange(1, 4))),
                        comment="同意转入",
                    )
                )
        taken += moves
    with transaction.atomic():
        for day, reasons in left.items():
            for reason, pks in reasons.items():
                Member.objects.filter(pk__in=pks).update(
                    status=Member.Status.LEFT, left_on=day, left_reason=reason
                )
        for target, pks in moved.items():
            Member.objects.filter(pk__in=pks).update(union_id=target)
        MembershipEvent.objects.bulk_create(events, batch_size=2000)
        MemberTransfer.objects.bulk_create(transfers, batch_size=2000)
    return {
        "members_left": sum(len(p) for r in left.values() for p in r.values()),
        "members_transferred": sum(len(p) for p in moved.values()),
    }


# --- claim documents --------------------------------------------------------------------------


def _placeholder_pdf(title: str) -> bytes:
    """A one-page PDF saying it stands in for a scanned document (ASCII: no font needed)."""
    text = f"Demo placeholder: {title}".encode("ascii")
    stream = b"BT /F1 14 Tf 72 720 Td (" + text + b") Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return bytes(out)


DOCUMENTS = {
    ClaimDocument.Kind.INVOICE: ("医疗费用发票.pdf", "invoice"),
    ClaimDocument.Kind.DISCHARGE_SUMMARY: ("出院小结.pdf", "discharge summary"),
    ClaimDocument.Kind.SETTLEMENT_SLIP: ("医保结算单.pdf", "settlement slip"),
}


def claim_documents_write(city: Union, *, recent_from: date) -> dict[str, int]:
    """Placeholder scans for the claims a reviewer may open: every claim still in review,
    returned, under notice or waiting for payment, and those paid since ``recent_from``: an
    invoice, a settlement slip, and a discharge summary for a hospital stay."""
    claims = MutualAidClaim.objects.filter(union__path__startswith=city.path)
    if ClaimDocument.objects.filter(claim__in=claims).exists():
        return {"claim_documents": 0}
    open_states = (State.IN_REVIEW, State.RETURNED, State.NOTICE, State.APPROVED)
    chosen = (
        claims.filter(Q(state__in=open_states) | Q(state=State.PAID, paid_on__gte=recent_from))
        .order_by("pk")
        .values_list("pk", "category", "submitted_at")
    )
    storage = PrivateStorage()
    contents = {kind: _placeholder_pdf(label) for kind, (_name, label) in DOCUMENTS.items()}
    rows = []
    for pk, category, submitted_at in chosen.iterator(chunk_size=2000):
        kinds = [ClaimDocument.Kind.INVOICE, ClaimDocument.Kind.SETTLEMENT_SLIP]
        if category == "inpatient":
            kinds.append(ClaimDocument.Kind.DISCHARGE_SUMMARY)
        folder = f"claims/{(submitted_at or datetime(2023, 1, 1)):%Y/%m}/"
        for kind in kinds:
            # One file per document: removing a document deletes its file.
            name = storage.save(f"{folder}{uuid.uuid4().hex}.pdf", ContentFile(contents[kind]))
            rows.append(
                ClaimDocument(
                    claim_id=pk,
                    kind=kind,
                    file=name,
                    original_name=DOCUMENTS[kind][0],
                    content_type="application/pdf",
                    size=len(contents[kind]),
                )
            )
    ClaimDocument.objects.bulk_create(rows, batch_size=2000)
    return {"claim_documents": len(rows)}


def demo_events_write(
    *, city: Union, seed: int, members: int, log: Log, recent_from: date
) -> dict[str, int]:
    done = formation_closures_write(city, seed=seed)
    done.update(member_events_write(city, seed=seed, members=members))
    done.update(claim_documents_write(city, recent_from=recent_from))
    log(
        f"工作记录：建会销号 {done['formation_closed']} 家，转会 {done['members_transferred']} 人，"
        f"退会 {done['members_left']} 人，申请材料 {done['claim_documents']} 份。"
    )
    return done
