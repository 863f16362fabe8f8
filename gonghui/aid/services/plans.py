"""Mutual-aid plans (loaded from a JSON file or edited on a page) and enrollment (参保):
a whole union's members in one job, or a sheet of names and ID numbers."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Exists, OuterRef

from gonghui.aid.models import MutualAidEnrollment, MutualAidPlan
from gonghui.aid.permissions import may_edit_plan, require_plan_admin
from gonghui.aid.selectors import (
    enrollment_fees,
    plan_has_claims,
)
from gonghui.aid.sheets.enrollments import EnrollmentSheet
from gonghui.core.actors import SERVER, Actor
from gonghui.core.audit import audit_record
from gonghui.core.bulk import db_now
from gonghui.core.jobs import JobProgress, job_start
from gonghui.core.models import Job, Role
from gonghui.core.scoping import require_role
from gonghui.core.sheets import ImportReport, run_import, write_export
from gonghui.core.sheets.engine import ImportAudit, Progress
from gonghui.core.sheets.writer import write_rows
from gonghui.members.models import Member
from gonghui.orgs.models import Union

# Plans ---------------------------------------------------------------------------------

LABELS = {
    "code": "方案代码",
    "name": "方案名称",
    "year": "年度",
    "union": "举办工会",
    "fee_per_member": "参保费",
    "enroll_from": "参保开始日期",
    "enroll_to": "参保截止日期",
    "coverage_from": "保障开始日期",
    "coverage_to": "保障截止日期",
    "waiting_days": "观察期",
    "claim_deadline_days": "申请时限",
    "city_approval_above": "市总审批金额线",
    "categories": "保障类别",
}
# Fields a file may leave out: the model's defaults apply.
OPTIONAL = {"waiting_days": 90, "claim_deadline_days": 730, "city_approval_above": "20000.00"}
CODE = re.compile(r"^[A-Za-z0-9_-]{1,32}$")
PLAN_LEVELS = (Union.Level.CITY, Union.Level.COUNTY)
# The largest amounts the columns hold (max_digits 8 and 12, two decimals).
MONEY_MAX = {
    "fee_per_member": Decimal("999999.99"),
    "city_approval_above": Decimal("9999999999.99"),
}
DAYS_RANGE = {"waiting_days": (0, 365), "claim_deadline_days": (1, 3650)}


def _money(key: str, raw: Any) -> Decimal:
    label = LABELS[key]
    if isinstance(raw, bool) or not isinstance(raw, str | int | float | Decimal):
        raise ValidationError(f"{label}应为金额，例如 36.00", code="money")
    try:
        value = Decimal(str(raw).strip())
    except InvalidOperation as exc:
        raise ValidationError(f"{label}应为金额，例如 36.00", code="money") from exc
    if not value.is_finite():
        raise ValidationError(f"{label}应为金额，例如 36.00", code="money")
    if value < 0:
        raise ValidationError(f"{label}不能为负数", code="money_negative")
    if value != value.quantize(Decimal("0.01")):
        raise ValidationError(f"{label}最多保留两位小数", code="money_decimals")
    if value > MONEY_MAX[key]:
        raise ValidationError(f"{label}不能超过 {MONEY_MAX[key]} 元", code="money_too_large")
    return value.quantize(Decimal("0.01"))


def _date(key: str, raw: Any) -> date:
    if isinstance(raw, date):
        return raw
    try:
        return date.fromisoformat(str(raw).strip())
    except ValueError as exc:
        raise ValidationError(
            f"{LABELS[key]}应为日期，格式如 2023-01-01", code="date_format"
        ) from exc


def _whole(key: str, raw: Any, low: int, high: int, message: str) -> int:
    if isinstance(raw, bool):
        raise ValidationError(message, code=f"{key}_range")
    if isinstance(raw, str) and raw.strip().isdigit():
        raw = int(raw.strip())
    if not isinstance(raw, int) or not low <= raw <= high:
        raise ValidationError(message, code=f"{key}_range")
    return raw


def _categories(raw: Any) -> dict[str, Any]:
    # Written by another part of the app: the one definition of what terms may say.
    from gonghui.aid.terms import category_terms_parse

    if not isinstance(raw, dict):
        raise ValidationError("保障类别应为一个以类别为键的 JSON 对象", code="categories_type")
    category_terms_parse(raw)
    return raw


def plan_validate(data: Mapping[str, Any]) -> dict[str, Any]:
    """Check a plan as a file gives it (the shape of PLAN_2023) and return the model's
    values (``union`` as a Union). Every broken rule is reported at once, by field, with one
    Chinese message per rule."""
    errors: dict[str, list[ValidationError]] = {}

    def fail(key: str, error: ValidationError) -> None:
        errors.setdefault(key, []).extend(error.error_list)

    unknown = sorted(set(data) - set(LABELS))
    if unknown:
        fail(NON_FIELD_ERRORS, ValidationError(f"未知字段：{'、'.join(unknown)}", code="unknown"))
    values: dict[str, Any] = {}
    for key, label in LABELS.items():
        raw = data.get(key)
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            if key in OPTIONAL:
                raw = OPTIONAL[key]
            else:
                fail(key, ValidationError(f"缺少{label}（{key}）", code="required"))
                continue
        try:
            values[key] = _field(key, raw)
        except ValidationError as exc:
            fail(key, exc)
    # (earlier, later, the field the message belongs to, message)
    for first, last, owner, message in (
        ("enroll_from", "enroll_to", "enroll_to", "参保截止日期不能早于参保开始日期"),
        ("coverage_from", "coverage_to", "coverage_to", "保障截止日期不能早于保障开始日期"),
        ("enroll_to", "coverage_to", "enroll_to", "参保截止日期不能晚于保障截止日期"),
    ):
        if first in values and last in values and values[last] < values[first]:
            fail(owner, ValidationError(message, code="date_order"))
    if errors:
        raise ValidationError(errors)
    return values


def _field(key: str, raw: Any) -> Any:
    if key == "code":
        code = str(raw).strip()
        if not CODE.match(code):
            raise ValidationError(
                "方案代码只能由字母、数字、“-”和“_”组成，不超过32个字符", code="code_format"
            )
        return code
    if key == "name":
        name = str(raw).strip()
        if len(name) > 128:
            raise ValidationError("方案名称不能超过128个字符", code="name_length")
        return name
    if key == "year":
        return _whole(key, raw, 2000, 2100, "年度应为2000至2100之间的整数")
    if key == "union":
        code = str(raw).strip()
        union = Union.objects.filter(code=code).first()
        if union is None:
            raise ValidationError(f"找不到工会代码 {code}", code="union_missing")
        if union.level not in PLAN_LEVELS:
            raise ValidationError(
                f"互助方案只能由市总工会或区县总工会举办，{union.name}是{union.get_level_display()}",
                code="union_level",
            )
        return union
    if key in MONEY_MAX:
        return _money(key, raw)
    if key in DAYS_RANGE:
        low, high = DAYS_RANGE[key]
        return _whole(key, raw, low, high, f"{LABELS[key]}应为{low}至{high}之间的整数（天）")
    if key == "categories":
        return _categories(raw)
    return _date(key, raw)


@dataclass
class PlanResult:
    plan: MutualAidPlan
    status: str  # created, updated or unchanged
    changed: list[str] = field(default_factory=list)  # labels of the fields that changed

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.plan.code,
            "plan_id": self.plan.pk,
            "status": self.status,
            "changed": self.changed,
        }


def _same_terms(old: dict[str, Any], new: dict[str, Any]) -> bool:
    """The same terms, however written ("0.5" and "0.50" are one ratio)."""
    from gonghui.aid.terms import category_terms_parse

    try:
        return bool(category_terms_parse(old) == category_terms_parse(new))
    except ValidationError:
        return False  # terms stored before a rule tightened: a change all the same


@transaction.atomic
def plan_save(*, actor: Actor, data: Mapping[str, Any]) -> PlanResult:
    """Create or update the plan ``data["code"]`` names (idempotent: loading the same file
    again changes nothing). Terms are frozen once a claim uses the plan; the union once
    members are enrolled."""
    values = plan_validate(data)
    union: Union = values["union"]
    plan = MutualAidPlan.objects.select_for_update().filter(code=values["code"]).first()
    if plan is None:
        require_plan_admin(actor, union)
        plan = MutualAidPlan.objects.create(**values)
        audit_record(
            actor=actor,
            action="aid.plan.create",
            obj=plan,
            union=union,
            summary=f"新建互助方案 {plan.code} {plan.name}",
        )
        return PlanResult(plan, "created")
    require_plan_admin(actor, plan.union)
    changed = [
        key
        for key, value in values.items()
        if (
            not _same_terms(plan.categories, value)
            if key == "categories"
            else getattr(plan, key) != value
        )
    ]
    if not changed:
        return PlanResult(plan, "unchanged")
    if "categories" in changed and plan_has_claims(plan):
        raise ValidationError(
            {
                "categories": ValidationError(
                    "已有互助金申请使用此方案，不能再修改保障类别（起付线、分段比例、年度封顶、"
                    "一次性给付）；名称、日期和参保费仍可修改。",
                    code="terms_frozen",
                )
            }
        )
    if "union" in changed and plan.enrollments.exists():
        raise ValidationError(
            {
                "union": ValidationError(
                    "已有会员参保，不能更改方案的举办工会。", code="union_frozen"
                )
            }
        )
    if "union" in changed:
        require_plan_admin(actor, union)
    for key in changed:
        setattr(plan, key, values[key])
    plan.save()
    labels = [LABELS[key] for key in changed]
    audit_record(
        actor=actor,
        action="aid.plan.update",
        obj=plan,
        union=plan.union,
        summary=f"修改互助方案 {plan.code}：{'、'.join(labels)}",
    )
    return PlanResult(plan, "updated", labels)


def plan_load_file(*, actor: Actor, path: Path) -> PlanResult:
    """`gonghui aid load-plan FILE`: a plan as JSON (see PLAN_2023)."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise ValidationError("方案文件应为 UTF-8 编码的 JSON 文件", code="encoding") from exc
    except json.JSONDecodeError as exc:
        raise ValidationError(
            f"方案文件不是有效的 JSON：第 {exc.lineno} 行第 {exc.colno} 列附近有错误",
            code="json",
        ) from exc
    if not isinstance(data, dict):
        raise ValidationError("方案文件应为一个 JSON 对象（以 { 开头）", code="json_object")
    return plan_save(actor=actor, data=data)


def plan_data(plan: MutualAidPlan) -> dict[str, Any]:
    """A plan in the shape of its file (the edit form starts from it)."""
    return {
        "code": plan.code,
        "name": plan.name,
        "year": plan.year,
        "union": plan.union.code,
        "fee_per_member": str(plan.fee_per_member),
        "enroll_from": plan.enroll_from.isoformat(),
        "enroll_to": plan.enroll_to.isoformat(),
        "coverage_from": plan.coverage_from.isoformat(),
        "coverage_to": plan.coverage_to.isoformat(),
        "waiting_days": plan.waiting_days,
        "claim_deadline_days": plan.claim_deadline_days,
        "city_approval_above": str(plan.city_approval_above),
        "categories": plan.categories,
    }


def plan_update(*, actor: Actor, plan: MutualAidPlan, data: Mapping[str, Any]) -> PlanResult:
    """The edit page: the fields of ``data`` replace the plan's; code and union stay."""
    if not may_edit_plan(actor, plan):
        raise PermissionDenied("只有举办工会的管理员才能修改互助方案。")
    merged = {**plan_data(plan), **data, "code": plan.code, "union": plan.union.code}
    return plan_save(actor=actor, data=merged)


# Enrollment ----------------------------------------------------------------------------

ENROLL_BATCH = 5000


def enrollment_check_target(*, plan: MutualAidPlan, union: Union, enrolled_on: date) -> None:
    """A union enrolls in a plan of its own union or an ancestor's, within the window."""
    if not union.path.startswith(plan.union.path):
        raise ValidationError(
            f"{union.name}不在{plan.union.name}的范围内，不能参加此方案。", code="plan_union"
        )
    if not plan.enroll_from <= enrolled_on <= plan.enroll_to:
        raise ValidationError(
            f"参保日期应在方案参保期 {plan.enroll_from:%Y-%m-%d} 至 {plan.enroll_to:%Y-%m-%d} 之内。",
            code="enroll_window",
        )


def enrollment_enroll_union_start(
    *, actor: Actor, plan: MutualAidPlan, union: Union, enrolled_on: date
) -> Job:
    """参保 of every active member of ``union``'s subtree not yet in ``plan``, as a job.
    The caller reached plan and union through the actor's scope."""
    require_role(actor, Role.ADMIN, Role.STAFF)
    enrollment_check_target(plan=plan, union=union, enrolled_on=enrolled_on)
    return job_start(
        actor=actor,
        kind="aid_enroll_union",
        label=f"{union.name}会员参加{plan.name}",
        union=union,
        params={"plan": plan.pk, "union": union.pk, "enrolled_on": enrolled_on.isoformat()},
    )


def enrollment_enroll_union_work(job: Job, progress: JobProgress) -> dict[str, Any]:
    """The job of ``enrollment_enroll_union_start``, as the one who started it."""
    params = job.params
    actor: Actor = job.started_by or SERVER
    plan = MutualAidPlan.objects.visible_to(actor).select_related("union").get(pk=params["plan"])
    union = Union.objects.visible_to(actor).get(pk=params["union"])
    created = enrollment_enroll_union(
        actor=actor,
        plan=plan,
        union=union,
        enrolled_on=date.fromisoformat(params["enrolled_on"]),
        progress=progress,
    )
    return {"新增参保人数": created}


def enrollment_enroll_union(
    *,
    actor: Actor,
    plan: MutualAidPlan,
    union: Union,
    enrolled_on: date,
    progress: Progress | None = None,
) -> int:
    """Enroll the active members of ``union``'s subtree who are not yet in ``plan``;
    returns how many were enrolled. Set-based: one INSERT … SELECT per range of member ids
    (10^5 members take seconds), each range committed on its own so that the progress bar
    moves and a rerun after a failure adds only what is missing."""
    enrollment_check_target(plan=plan, union=union, enrolled_on=enrolled_on)
    scope = actor
    pending = (
        Member.objects.visible_to(scope)
        .filter(union__path__startswith=union.path, status=Member.Status.ACTIVE)
        .filter(~Exists(MutualAidEnrollment.objects.filter(plan=plan, member=OuterRef("pk"))))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    ids = list(pending)
    if progress:
        progress.set_total(len(ids))
    created = 0
    for start in range(0, len(ids), ENROLL_BATCH):
        chunk = ids[start : start + ENROLL_BATCH]
        with transaction.atomic():
            created += _enroll_range(plan, union, enrolled_on, chunk[0], chunk[-1])
        if progress:
            progress.advance(len(chunk))
    audit_record(
        actor=actor,
        action="aid.enrollment.enroll_union",
        obj=plan,
        union=union,
        summary=f"{union.name}会员参加{plan.code}：新增 {created} 人，参保日期 {enrolled_on:%Y-%m-%d}",
    )
    return created


def _enroll_range(plan: MutualAidPlan, union: Union, enrolled_on: date, low: int, high: int) -> int:
    """One INSERT … SELECT of the members with ids in [low, high]; the rules are those of
    the id list (subtree, active, not enrolled) so a member changed meanwhile is skipped."""
    q = connection.ops.quote_name
    enrollment, member, union_table = (
        q(MutualAidEnrollment._meta.db_table),
        q(Member._meta.db_table),
        q(Union._meta.db_table),
    )
    sql = (
        f"INSERT INTO {enrollment} (plan_id, member_id, union_id, enrolled_on, created_at) "
        f"SELECT %s, m.id, m.union_id, %s, %s FROM {member} m "
        f"INNER JOIN {union_table} u ON u.id = m.union_id "
        "WHERE m.id >= %s AND m.id <= %s AND m.status = %s AND u.path LIKE %s "
        f"AND NOT EXISTS (SELECT 1 FROM {enrollment} e WHERE e.plan_id = %s AND e.member_id = m.id) "
        # A concurrent run of the same union may have enrolled some meanwhile.
        "ON CONFLICT DO NOTHING"
    )
    params = [
        plan.pk,
        connection.ops.adapt_datefield_value(enrolled_on),
        db_now(),
        low,
        high,
        Member.Status.ACTIVE.value,
        union.path + "%",  # paths hold only digits and capital letters: no LIKE escapes
        plan.pk,
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return max(cursor.rowcount, 0)


def enrollment_import(
    *,
    actor: Actor,
    union: Union,
    path: Path,
    dry_run: bool,
    progress: Progress | None = None,
    plan: str,
) -> ImportReport:
    """A sheet of 姓名, 身份证号, 参保日期 into ``plan`` (a plan code): all rows or none;
    a member already in the plan is counted unchanged."""
    sheet = EnrollmentSheet(actor=actor, union=union, plan=plan)
    target = sheet.plan
    assert target is not None  # a code was given: found, or ValidationError
    if not union.path.startswith(target.union.path):
        raise ValidationError(
            f"{union.name}不在{target.union.name}的范围内，不能参加此方案。", code="plan_union"
        )
    audit = ImportAudit(
        actor=actor,
        union=union,
        action="aid.enrollment.import",
        title=f"{EnrollmentSheet.title}（{target.code}）",
    )
    return run_import(sheet, path, dry_run=dry_run, progress=progress, audit=audit)


def enrollment_export(
    *, actor: Actor, union: Union, path: Path, reveal: bool = False, plan: str | None = None
) -> int:
    """The enrollments of ``union``'s subtree (of one plan, or all), ID numbers masked
    unless ``reveal`` is allowed."""
    if reveal and not getattr(actor, "pii_access", False):
        raise PermissionDenied("您没有导出完整个人信息的权限。")
    sheet = EnrollmentSheet(actor=actor, union=union, plan=plan)
    count = write_export(sheet, path, sheet.export_rows(reveal=reveal))
    audit_record(
        actor=actor,
        action="aid.enrollment.export.revealed" if reveal else "aid.enrollment.export",
        union=union,
        summary=f"导出{union.name}参保名单 {count} 人"
        + ("（含完整身份证号）" if reveal else "（脱敏）"),
    )
    return count


FEE_HEADERS = ["工会代码", "工会名称", "参保人数", "参保费标准（元/人）", "参保费（元）"]


def enrollment_fees_export(*, actor: Actor, plan: MutualAidPlan, union: Union, path: Path) -> int:
    """The fee table of the page as a workbook (the same figures), with a total row."""
    table = enrollment_fees(actor=actor, plan=plan, union=union)
    rows: list[list[Any]] = [
        [
            row.union.code,
            f"{row.union.name}（本级）" if row.own else row.union.name,
            row.enrolled,
            plan.fee_per_member,
            row.fee,
        ]
        for row in table.rows
    ]
    rows.append(["", "合计", table.enrolled, plan.fee_per_member, table.fee])
    count = write_rows(path, f"{plan.code}参保费", FEE_HEADERS, rows)
    audit_record(
        actor=actor,
        action="aid.enrollment.fees_export",
        obj=plan,
        union=union,
        summary=f"导出{union.name}{plan.code}参保费用表",
    )
    return count
