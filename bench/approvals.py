"""Benchmark: 10,000 mutual-aid claims from a sheet to the bank, on PostgreSQL.

    python -m bench.approvals [--items N] [--output FILE]

On a throw-away PostgreSQL server (as `make test` starts one), a child process migrates a
fresh database, builds a small union tree, stores N members of one township's grassroots
unions (written in bulk with the member sheet's ciphers and hashes), enrolls them in a plan,
and writes an N-row claims workbook. Then, timed stage by stage, through the services a user
reaches from the pages:

- import:   ``claim_import`` of the workbook as the township's staff (validation, payouts,
            insert, submission into the workflow);
- review:   the township reviewer's "approve all" as a job (初审);
- approval: the county's "approve all" as a job (审批), the city's for the claims above its
            threshold (市总审批), and the end of the public notice;
- batch:    the county finance user gathers every approved claim into one payout batch;
- paid:     the batch is marked paid (every item and claim, one transaction).

It prints items per second for each stage and checks that the batch total equals the sum of
the payouts the import computed. Results: ``bench/results/approvals.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from bench import pg

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results"
RESULT_TAG = "BENCH-RESULT "
STAGES = ("import", "review", "approval", "batch", "paid")
TARGET = 1000.0  # items per second, every stage
SEED = 20230630


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# -- the child process: data and the timed stages ---------------------------------------------


def _setup(items: int) -> dict[str, Any]:
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone

    from bench import _data
    from gonghui.aid.models import MutualAidEnrollment, MutualAidPlan
    from gonghui.core.models import Role, User
    from gonghui.demo.aid import CATEGORIES
    from gonghui.members.models import Member
    from gonghui.orgs.models import Union

    call_command("migrate", verbosity=0, interactive=False)
    with transaction.atomic():
        union_of = _data.build_tree()
    grassroots = [union_of[code] for code in _data.IMPORT_TARGETS]
    columns = ["id", *_data.member_columns()]
    with transaction.atomic():
        _data.bulk_insert(
            Member._meta.db_table,
            columns,
            _data.existing_member_rows(items, SEED, grassroots, columns),
        )
    today = timezone.localdate()
    city = Union.objects.get(code=_data.CITY[0])
    plan = MutualAidPlan.objects.create(
        code="BENCH",
        name="基准测试互助方案",
        year=today.year,
        union=city,
        fee_per_member=Decimal("36.00"),
        enroll_from=today - timedelta(days=300),
        enroll_to=today,
        coverage_from=today - timedelta(days=300),
        coverage_to=today + timedelta(days=60),
        waiting_days=90,
        claim_deadline_days=730,
        city_approval_above=Decimal("20000.00"),
        categories=CATEGORIES,
    )
    members = list(Member.objects.order_by("pk").values_list("pk", "union_id"))
    MutualAidEnrollment.objects.bulk_create(
        [
            MutualAidEnrollment(
                plan=plan, member_id=pk, union_id=union, enrolled_on=plan.enroll_from
            )
            for pk, union in members
        ],
        batch_size=5000,
    )
    users = {}
    for name, code, role in (
        ("bench_township_staff", _data.IMPORT_UNION, Role.STAFF),
        ("bench_township_reviewer", _data.IMPORT_UNION, Role.REVIEWER),
        ("bench_county_reviewer", _data.IMPORT_UNION[:6], Role.REVIEWER),
        ("bench_city_reviewer", _data.CITY[0], Role.REVIEWER),
        ("bench_county_finance", _data.IMPORT_UNION[:6], Role.FINANCE),
    ):
        users[name] = User.objects.create_user(
            name, union=Union.objects.get(code=code), role=role
        ).pk
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {"members": len(members), "users": users}


def _write_claims(path: Path, items: int) -> None:
    """One claim per member, in the member sheet's people order: mostly hospital stays with
    realistic costs (a few large enough to need the city's approval)."""
    from django.utils import timezone
    from openpyxl import Workbook

    from bench import _data

    rng = random.Random(SEED)
    today = timezone.localdate()
    book = Workbook(write_only=True)
    sheet = book.create_sheet("互助金申请")
    sheet.append(
        [
            "姓名",
            "身份证号",
            "类别",
            "医院",
            "入院日期",
            "出院日期",
            "发票号",
            "医疗总费用",
            "医保统筹支付",
            "个人自付",
            "收款银行",
            "收款账号",
        ]
    )
    hospitals = (
        "湖州市中心医院",
        "湖州市第一人民医院",
        "浙江大学医学院附属第一医院",
        "南浔区人民医院",
    )
    for n, person in enumerate(_data.people(0, items, SEED)):
        roll = rng.random()
        category = "住院" if roll < 0.8 else "门诊特殊病" if roll < 0.9 else "意外伤害"
        start = today - timedelta(days=rng.randrange(20, 150))
        if rng.random() < 0.01:
            self_paid = Decimal(rng.randrange(4_000_000, 9_000_000)) / 100
        else:
            self_paid = Decimal(rng.randrange(80_000, 2_500_000)) / 100
        insurance = (self_paid * Decimal("1.6")).quantize(Decimal("0.01"))
        total = self_paid + insurance + Decimal(rng.randrange(0, 50_000)) / 100
        sheet.append(
            [
                person.name,
                person.id18,
                category,
                rng.choice(hospitals),
                start.isoformat(),
                (start + timedelta(days=rng.randrange(2, 15))).isoformat()
                if category == "住院"
                else "",
                f"BX{SEED}{n:08d}",
                f"{total:.2f}",
                f"{insurance:.2f}",
                f"{self_paid:.2f}",
                "中国农业银行湖州分行",
                f"622848{n:013d}",
            ]
        )
    book.save(path)


def _bulk(workflow_key: str, ids: list[int], actor: Any) -> dict[str, Any]:
    """The inbox's "approve all" as it runs: a job a task worker executes."""
    from gonghui.core.jobs import job_run
    from gonghui.core.models import Job
    from gonghui.core.workflow.services import workflow_bulk_work

    job = Job.objects.create(
        kind="workflow_bulk",
        label=f"批量通过 {len(ids)} 件",
        union=actor.union,
        started_by=actor,
        params={"workflow": workflow_key, "action": "approve", "ids": ids},
    )
    job_run(job.pk, workflow_bulk_work)
    job.refresh_from_db()
    if job.state != Job.State.DONE:
        raise RuntimeError(f"bulk approval failed: {job.error}")
    return dict(job.result)


def _waiting(actor: Any) -> list[int]:
    from gonghui.core.workflow.selectors import inbox

    (section,) = [s for s in inbox(actor) if s.workflow.key == "mutual_aid_claim"]
    return list(section.items.values_list("pk", flat=True))


def worker(items: int, facts: bool = True) -> dict[str, Any]:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.db import connection
    from django.utils import timezone

    from bench import _data
    from gonghui.aid.models import MutualAidClaim
    from gonghui.aid.services.claims import claim_import
    from gonghui.aid.workflows import CLAIM
    from gonghui.core.indicators.facts import facts_drain, triggers_remove
    from gonghui.core.models import User
    from gonghui.core.workflow.models import PayoutBatch
    from gonghui.core.workflow.payouts import payout_batch_create, payout_batch_mark_paid
    from gonghui.core.workflow.services import notice_expire
    from gonghui.orgs.models import Union

    setup = _setup(items)
    facts_drain()  # the setup's own notes are not the flow's
    if not facts:
        triggers_remove()
    user = {
        name: User.objects.select_related("union").get(pk=pk) for name, pk in setup["users"].items()
    }
    seconds: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "claims.xlsx"
        _write_claims(path, items)
        log(f"{items} members enrolled, workbook written; importing")
        began = time.perf_counter()
        report = claim_import(
            actor=user["bench_township_staff"],
            union=Union.objects.get(code=_data.IMPORT_UNION),
            path=path,
            dry_run=False,
        )
        seconds["import"] = time.perf_counter() - began
    if not report.committed or report.created != items:
        raise RuntimeError(
            f"import did not commit {items} claims: {report.as_dict()['errors'][:5]}"
        )
    payouts = sum((Decimal(p["amount"]) for p in report.extra["payouts"]), Decimal("0"))
    log("reviewing (初审)")
    began = time.perf_counter()
    reviewed = _bulk(
        CLAIM.key, _waiting(user["bench_township_reviewer"]), user["bench_township_reviewer"]
    )
    seconds["review"] = time.perf_counter() - began
    log("approving (审批, 市总审批, notice)")
    began = time.perf_counter()
    approved = _bulk(
        CLAIM.key, _waiting(user["bench_county_reviewer"]), user["bench_county_reviewer"]
    )
    above = _waiting(user["bench_city_reviewer"])
    if above:
        _bulk(CLAIM.key, above, user["bench_city_reviewer"])
    passed = notice_expire(CLAIM, today=timezone.localdate() + timedelta(days=30))
    seconds["approval"] = time.perf_counter() - began
    log("batching")
    finance = user["bench_county_finance"]
    began = time.perf_counter()
    batch = payout_batch_create(actor=finance, union=finance.union, name="基准测试批次")
    seconds["batch"] = time.perf_counter() - began
    log("marking paid")
    began = time.perf_counter()
    payout_batch_mark_paid(
        actor=finance, batch=batch, bank_reference="BENCH-0001", paid_on=timezone.localdate()
    )
    seconds["paid"] = time.perf_counter() - began
    # What keeping the facts costs beyond the triggers: taking the notes the flow left (the
    # scheduler does it once a minute; here once, at the end).
    began = time.perf_counter()
    notes = facts_drain() if facts else 0
    facts_s = time.perf_counter() - began
    batch = PayoutBatch.objects.get(pk=batch.pk)
    paid = MutualAidClaim.objects.filter(state="paid").count()
    zero = sum(1 for p in report.extra["payouts"] if Decimal(p["amount"]) == 0)
    return {
        "backend": connection.vendor,
        "items": items,
        "seconds": {k: round(v, 3) for k, v in seconds.items()},
        "items_per_s": {k: round(items / v, 1) for k, v in seconds.items()},
        "batch_total": str(batch.total),
        "payouts_total": str(payouts),
        "batch_total_matches": batch.total == payouts and paid == batch.item_count,
        "facts": facts,
        "facts_drain_s": round(facts_s, 3),
        "facts_notes": notes,
        "detail": {
            "reviewed": reviewed.get("完成"),
            "approved": approved.get("完成"),
            "city_approved": len(above),
            "notice_passed": passed,
            "batch_items": batch.item_count,
            "paid": paid,
            "zero_payouts": zero,
        },
    }


# -- the parent process ------------------------------------------------------------------------


def _run_once(items: int, facts: bool) -> dict[str, Any]:
    with pg.postgres_server() as url:
        command = [sys.executable, "-m", "bench.approvals", "--worker", "--items", str(items)]
        if not facts:
            command.append("--no-facts")
        env = {**os.environ, "DATABASE_URL": url, "DEBUG": "0"}
        done = subprocess.run(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)
    lines = [line for line in done.stdout.splitlines() if line.startswith(RESULT_TAG)]
    if done.returncode != 0 or not lines:
        raise SystemExit(f"benchmark worker failed (exit {done.returncode})\n{done.stdout[-3000:]}")
    return dict(json.loads(lines[-1][len(RESULT_TAG) :]))


def run(items: int) -> dict[str, Any]:
    """The flow with the indicator facts kept (the product), and once more without their
    triggers: what keeping them adds, triggers and drain together."""
    result = _run_once(items, facts=True)
    bare = _run_once(items, facts=False)
    kept = sum(result["seconds"].values()) + result["facts_drain_s"]
    without = sum(bare["seconds"].values())
    result["without_facts_seconds"] = bare["seconds"]
    result["facts_overhead_pct"] = round(100 * (kept - without) / without, 1)
    return result


def print_table(result: dict[str, Any]) -> None:
    print()
    print(f"互助金审批流程基准（{result['backend']}，{result['items']} 件）")
    print(f"{'阶段':<10}{'秒':>10}{'件/秒':>12}{'目标':>10}{'对比目标':>10}")
    for stage in STAGES:
        rate = result["items_per_s"][stage]
        print(
            f"{stage:<10}{result['seconds'][stage]:>10.2f}{rate:>12.1f}{TARGET:>10.0f}"
            f"{rate / TARGET:>9.1f}×"
        )
    print(
        f"指标事实表：流程结束后跟进 {result['facts_drain_s']:.2f} 秒（{result['facts_notes']} 条变更记录）；"
        f"连同触发器，比不维护事实表多用 {result['facts_overhead_pct']}%（目标 ≤ 15%）"
    )
    print(
        f"批次合计 {result['batch_total']} 元，导入时计算的互助金合计 {result['payouts_total']} 元："
        + ("一致" if result["batch_total_matches"] else "不一致！")
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else "")
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--output", default=str(RESULTS / "approvals.json"))
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--no-facts", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        result = worker(args.items, facts=not args.no_facts)
        print(RESULT_TAG + json.dumps(result, ensure_ascii=False), flush=True)
        return 0
    result = run(args.items)
    print_table(result)
    output = Path(args.output)
    output.parent.mkdir(parents=True, exist_ok=True)
    shaped = {
        "backend": result["backend"],
        "items": result["items"],
        "items_per_s": result["items_per_s"],
        "batch_total_matches": result["batch_total_matches"],
        "facts_drain_s": result["facts_drain_s"],
        "facts_overhead_pct": result["facts_overhead_pct"],
    }
    output.write_text(json.dumps(shaped, ensure_ascii=False, indent=2) + "\n")
    detail = output.with_name(output.stem + "_detail.json")
    detail.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n")
    return 0 if result["batch_total_matches"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
