"""The enrollment sheet (参保名单): members of a union's subtree enrolled in a plan."""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from typing import Any

from django.utils import timezone

from gonghui.aid.models import MutualAidEnrollment, MutualAidPlan
from gonghui.aid.selectors import plan_by_code, plan_choices
from gonghui.core import pii
from gonghui.core.actors import Actor
from gonghui.core.bulk import db_now, fast_insert
from gonghui.core.sheets import (
    INVALID,
    BatchOutcome,
    CellError,
    Column,
    ParsedRow,
    RowError,
    Sheet,
)
from gonghui.core.sheets.parsers import parse_date
from gonghui.core.sheets.registry import SheetEntry, SheetOption, register_sheet
from gonghui.members.models import Member
from gonghui.members.sheets import ID_NUMBER_COLUMN, NAME_COLUMN
from gonghui.orgs.models import Union

COLUMNS = (
    NAME_COLUMN,
    ID_NUMBER_COLUMN,
    Column(
        "enrolled_on",
        "参保日期",
        parse_date,
        synonyms=("参保时间",),
        width=12,
        note="不填则为导入当天；须在方案的参保期内",
    ),
)

INSERT_FIELDS = ("plan", "member", "union", "enrolled_on", "created_at")


class EnrollmentSheet(Sheet):
    name = "mutual-aid-enrollments"
    title = "医疗互助参保名单"
    columns = COLUMNS
    key_column = "id_number"

    def __init__(
        self, *, actor: Actor, union: Union, plan: MutualAidPlan | str | None = None
    ) -> None:
        self.actor = actor
        self.union = union
        # A staff user sees their subtree; the server operator (no user) the union given.
        self.scope = actor
        # None only for the template and an export of every plan.
        self.plan: MutualAidPlan | None = (
            plan_by_code(scope=self.scope, code=plan) if isinstance(plan, str) else plan
        )
        self.indexer = pii.id_indexer()
        self.today = timezone.localdate()

    # -- import -------------------------------------------------------------------------
    def key(self, values: dict[str, Any]) -> Hashable:
        return values["id_number"]

    def check(self, values: dict[str, Any]) -> None:
        on = values["enrolled_on"]
        if on is None:
            on = values["enrolled_on"] = self.today
        plan = self.plan
        if on is INVALID or plan is None:
            return
        if not plan.enroll_from <= on <= plan.enroll_to:
            raise RowError(
                "参保日期",
                f"参保日期：应在方案参保期 {plan.enroll_from:%Y-%m-%d} 至 "
                f"{plan.enroll_to:%Y-%m-%d} 之内",
            )

    def apply(self, batch: list[ParsedRow], *, write: bool) -> BatchOutcome:
        assert self.plan is not None, "an import names its plan"
        outcome = BatchOutcome()
        hashes = self.indexer.digest_many([row.values["id_number"] for row in batch])
        members = {
            m.id_hash: m
            for m in Member.objects.filter(id_hash__in=hashes)
            .only("id", "id_hash", "name", "status", "union_id", "union__path")
            # The union's path decides whether the member is inside the import's subtree.
            .select_related("union")
        }
        enrolled = set(
            MutualAidEnrollment.objects.filter(
                plan=self.plan, member_id__in=[m.pk for m in members.values()]
            ).values_list("member_id", flat=True)
        )
        to_create: list[tuple[ParsedRow, Member]] = []
        for row, id_hash in zip(batch, hashes, strict=True):
            member = members.get(id_hash)
            if member is None or member.status != Member.Status.ACTIVE:
                outcome.errors.append(
                    CellError(row.number, "身份证号", "身份证号：查无此在会会员，请先办理入会")
                )
            elif not member.union.path.startswith(self.union.path):
                outcome.errors.append(
                    CellError(
                        row.number,
                        "身份证号",
                        f"身份证号：此人不是{self.union.name}及其下级工会的会员",
                    )
                )
            elif member.name != row.values["name"]:
                # The stored name masked: enough to spot a typo, no more.
                outcome.errors.append(
                    CellError(
                        row.number,
                        "姓名",
                        f"姓名：与会员档案中的姓名（{pii.mask_name(member.name)}）不一致",
                    )
                )
            elif member.pk in enrolled:
                outcome.unchanged += 1
            else:
                to_create.append((row, member))
        outcome.created = len(to_create)
        if write and to_create:
            now = db_now()
            fast_insert(
                MutualAidEnrollment,
                INSERT_FIELDS,
                [
                    (self.plan.pk, m.pk, m.union_id, row.values["enrolled_on"], now)
                    for row, m in to_create
                ],
            )
        return outcome

    # -- export -------------------------------------------------------------------------
    def export_headers(self) -> list[str]:
        return [*(c.header for c in self.columns), "方案代码", "所属工会"]

    def export_rows(self, *, reveal: bool = False) -> Iterable[list[Any]]:
        cipher = pii.column_cipher(Member.id_cipher)
        rows = MutualAidEnrollment.objects.visible_to(self.scope).filter(
            union__path__startswith=self.union.path
        )
        if self.plan is not None:
            rows = rows.filter(plan=self.plan)
        for member_id, name, id_masked, id_cipher, on, code, union_name in (
            rows.order_by("plan_id", "id")
            .values_list(
                "member_id",
                "member__name",
                "member__id_masked",
                "member__id_cipher",
                "enrolled_on",
                "plan__code",
                "union__name",
            )
            .iterator(chunk_size=5000)
        ):
            yield [
                name,
                cipher.decrypt(member_id, id_cipher) if reveal else id_masked,
                on,
                code,
                union_name,
            ]


register_sheet(
    SheetEntry(
        name=EnrollmentSheet.name,
        title=EnrollmentSheet.title,
        sheet=EnrollmentSheet,
        import_path="gonghui.aid.services.plans.enrollment_import",
        export_path="gonghui.aid.services.plans.enrollment_export",
        options=(
            SheetOption(
                name="plan",
                label="互助方案",
                help="互助方案代码，例如 HZ-2023",
                choices=plan_choices,
            ),
        ),
    )
)
