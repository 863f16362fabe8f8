"""The member roster sheet (会员名册): one declaration for import, template and export."""

from __future__ import annotations

import re
from collections.abc import Hashable, Iterable
from datetime import date
from typing import Any

from django.db import connection
from django.utils import timezone

from gonghui.core import pii
from gonghui.core.actors import Actor
from gonghui.core.bulk import db_now, fast_insert, fast_update, ids_reserve
from gonghui.core.models import User
from gonghui.core.sheets import (
    INVALID,
    BatchOutcome,
    CellError,
    Column,
    ParsedRow,
    RowError,
    RowErrors,
    Sheet,
)
from gonghui.core.sheets.parsers import choice, past_date, person_name, text, whole_number
from gonghui.core.sheets.registry import SheetEntry, register_sheet
from gonghui.members.identity import IDENTITY_FIELDS, member_identities
from gonghui.members.models import (
    EmploymentForm,
    JoinChannel,
    Member,
    MembershipEvent,
    MembershipPeriod,
    Occupation,
    PeriodStart,
    SkillGrade,
    Worker,
)
from gonghui.members.periods import PERIOD_FIELDS, joined_periods_redate, period_row
from gonghui.orgs.models import Union

MEMBER_HOLDING_LEVELS = (Union.Level.GRASSROOTS, Union.Level.TOWNSHIP)

skill_grade = choice(
    SkillGrade.choices,
    ("五级", 5),
    ("四级", 4),
    ("三级", 3),
    ("二级", 2),
    ("一级", 1),
    ("五级/初级工", 5),
    ("四级/中级工", 4),
    ("三级/高级工", 3),
    ("二级/技师", 2),
    ("一级/高级技师", 1),
)

# Who a row is about: every sheet naming a member reads these two columns the same way.
NAME_COLUMN = Column("name", "姓名", person_name, required=True, width=12)
ID_NUMBER_COLUMN = Column(
    "id_number",
    "身份证号",
    pii.normalize_id_number,
    synonyms=("公民身份号码", "身份证号码", "证件号码"),
    required=True,
    width=22,
    note="18位身份证号；15位旧号会自动转换",
)

MASKED_ID = re.compile(r"^\d{6}\*{8}[\dX]{4}$")
MASKED_PHONE = re.compile(r"^1\d{2}\*{4}\d{4}$")


class MaskedId(str):
    """An ID number as an export showed it (330502********123X): it names a member only
    together with the member number of the same row."""


def id_or_masked(value: Any) -> str:
    text = str(value).strip().upper() if isinstance(value, str) else value
    if isinstance(text, str) and MASKED_ID.match(text):
        return MaskedId(text)
    return pii.normalize_id_number(value)


def phone_or_masked(value: Any) -> str | None:
    """A phone, or None (keep the one on file) for a masked one from an export."""
    if isinstance(value, str) and MASKED_PHONE.match(value.strip()):
        return None
    return pii.normalize_phone(value)


MEMBER_NO_COLUMN = Column(
    "member_no",
    "会员编号",
    whole_number(1, 10**12),
    width=10,
    note="导出的名册自带，修改其他列后可直接导入更新；新会员不填",
)
REIMPORT_ID_COLUMN = Column(
    "id_number",
    "身份证号",
    id_or_masked,
    synonyms=("公民身份号码", "身份证号码", "证件号码"),
    required=True,
    width=22,
    note="18位身份证号；15位旧号会自动转换；导出的脱敏号码须与会员编号同用",
)

COLUMNS: tuple[Column, ...] = (
    MEMBER_NO_COLUMN,
    NAME_COLUMN,
    REIMPORT_ID_COLUMN,
    Column("phone", "手机号码", phone_or_masked, synonyms=("手机号", "手机", "联系电话"), width=14),
    Column("employer_name", "工作单位", text(128), width=28),
    Column("employer_uscc", "统一社会信用代码", pii.normalize_uscc, width=22),
    Column(
        "employment_form",
        "就业形态",
        choice(EmploymentForm.choices),
        width=14,
        note="默认为标准劳动关系",
    ),
    Column("occupation", "职业", choice(Occupation.choices), width=12, note="新就业形态劳动者必填"),
    Column("skill_grade", "技能等级", skill_grade, width=12),
    Column(
        "union", "所属工会", text(128), width=28, note="工会代码或全称；不填则归入导入时选择的工会"
    ),
    Column(
        "join_date",
        "入会日期",
        past_date,
        synonyms=("入会时间",),
        width=12,
        note="不填则为导入当天",
    ),
)

NOT_HERE = "身份证号：此人无法在本工会登记，请核对身份证号；确需登记的，请联系上级工会办理"


def already_member_message(actor: Actor, member_union: Union) -> str:
    """Why a member is not registered as a worker, saying where only inside the actor's
    scope (the roster import's rule)."""
    own = getattr(actor, "union", None)
    if own is not None and str(member_union.path).startswith(own.path):
        return f"此人已是“{member_union.name}”的会员（或曾入会），不再登记；请在会员名册中查看"
    return NOT_HERE.removeprefix("身份证号：")


# Columns written for a new member, in the order _write builds its rows.
INSERT_FIELDS = (
    "id",
    "union",
    "name",
    *IDENTITY_FIELDS,
    "employer_name",
    "employer_uscc",
    "employment_form",
    "occupation",
    "skill_grade",
    "join_date",
    "join_channel",
    "status",
    "created_at",
    "updated_at",
)

EVENT_FIELDS = ("member", "kind", "union", "on", "actor", "at")

# What an update compares and writes: a blank optional cell keeps the stored value.
UPDATABLE: tuple[str, ...] = (
    "name",
    "phone_hash",
    "employer_name",
    "employer_uscc",
    "employment_form",
    "occupation",
    "skill_grade",
    "join_date",
)
# The same columns as instance attributes (the union by its id), then updated_at.
UPDATE_ATTNAMES = (*UPDATABLE, "phone_cipher", "phone_masked", "status", "left_on", "union_id")
UPDATE_FIELDS = (
    *UPDATABLE,
    "phone_cipher",
    "phone_masked",
    "status",
    "left_on",
    "union",
    "updated_at",
)


def rows_by_id_hash(
    model: type[Member] | type[Worker], hashes: list[str], columns: str = "id_hash"
) -> list[tuple[Any, ...]]:
    """``columns`` of the rows of ``model`` with these keyed hashes: one indexed probe per
    batch, with a single array parameter on PostgreSQL (an IN list of 2,000 parameters cost
    more to build and bind than the lookup itself)."""
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"SELECT {columns} FROM {table} WHERE id_hash = ANY(%s)", [hashes])
        else:
            marks = ", ".join(["%s"] * len(hashes))
            cursor.execute(f"SELECT {columns} FROM {table} WHERE id_hash IN ({marks})", hashes)
        return cursor.fetchall()


def existing_id_hashes(hashes: list[str]) -> list[str]:
    """Which of these keyed hashes are already members."""
    return [row[0] for row in rows_by_id_hash(Member, hashes)]


class MemberSheet(Sheet):
    name = "members"
    title = "会员名册"
    columns = COLUMNS
    key_column = "id_number"
    writes_in_background = True
    union_label = "所属工会"
    holder = "会员"

    def __init__(self, *, actor: Actor, union: Union) -> None:
        self.actor = actor
        self.union = union
        # A staff user sees their subtree; the server operator (no user) the union given.
        self.scope = actor
        self.id_cipher = pii.column_cipher(Member.id_cipher)
        self.phone_cipher = pii.column_cipher(Member.phone_cipher)
        self.indexer = pii.id_indexer()
        self.today = timezone.localdate()
        self._unions: dict[str, Union] | None = None
        self._other_unions: dict[int, Union] = {}

    # -- import -------------------------------------------------------------------------
    def key(self, values: dict[str, Any]) -> Hashable:
        if isinstance(values["id_number"], MaskedId):
            return ("member_no", values["member_no"])
        return values["id_number"]

    def unions_by_ref(self) -> dict[str, Union]:
        """Unions of the import's subtree that can hold members, by code and by full name."""
        if self._unions is None:
            table: dict[str, Union] = {}
            names: dict[str, int] = {}
            subtree = Union.objects.filter(
                path__startswith=self.union.path, level__in=MEMBER_HOLDING_LEVELS
            ).only("id", "code", "name", "path", "level")
            for union in subtree:
                table[union.code] = union
                names[union.name] = names.get(union.name, 0) + 1
                table.setdefault(union.name, union)
            for name, count in names.items():
                if count > 1:
                    table.pop(name, None)  # ambiguous: the code must be used
            self._unions = table
        return self._unions

    def union_named(self, union_id: int) -> Union:
        if union_id not in self._other_unions:
            self._other_unions[union_id] = Union.objects.only("name", "path").get(pk=union_id)
        return self._other_unions[union_id]

    def check(self, values: dict[str, Any]) -> None:
        errors: list[RowError] = []
        if isinstance(values["id_number"], MaskedId) and not values["member_no"]:
            errors.append(
                RowError(
                    "身份证号",
                    "身份证号：脱敏的身份证号须同时填写会员编号（请使用导出的名册），新会员请填写完整号码",
                )
            )
        if values["employment_form"] == EmploymentForm.NEW_FORM and not values["occupation"]:
            errors.append(RowError("职业", "职业：新就业形态劳动者须填写职业"))
        ref = values["union"]
        target: Any = INVALID
        if ref is INVALID:
            pass
        elif ref:
            target = self.unions_by_ref().get(ref, INVALID)
            if target is INVALID:
                errors.append(
                    RowError(
                        self.union_label,
                        f"{self.union_label}：在{self.union.name}的下级中找不到“{ref}”（可填工会代码）",
                    )
                )
        elif self.union.level not in MEMBER_HOLDING_LEVELS:
            errors.append(
                RowError(
                    self.union_label,
                    f"{self.union_label}：{self.holder}须归属基层工会或乡镇（街道）工会，请填写",
                )
            )
        else:
            target = self.union
        values["union"] = target
        if errors:
            raise RowErrors(errors)

    def _by_member_no(self, batch: list[ParsedRow], outcome: BatchOutcome) -> list[ParsedRow]:
        """Rows from an export (masked ID, member number): each names a member of the scope
        whose masked number is the one shown; its ID hash stands in for the number."""
        masked = [r for r in batch if isinstance(r.values["id_number"], MaskedId)]
        if not masked:
            return batch
        found = {
            m.pk: m
            for m in Member.objects.visible_to(self.scope)
            .filter(pk__in=[r.values["member_no"] for r in masked])
            .only("id", "id_hash", "id_masked")
        }
        kept = []
        for row in batch:
            if not isinstance(row.values["id_number"], MaskedId):
                kept.append(row)
                continue
            member = found.get(row.values["member_no"])
            if member is None or member.id_masked != row.values["id_number"]:
                outcome.errors.append(
                    CellError(
                        row.number,
                        "会员编号",
                        "会员编号：与身份证号不符，或不在本工会管辖范围内",
                    )
                )
                continue
            row.values["id_hash"] = member.id_hash
            kept.append(row)
        return kept

    def apply(self, batch: list[ParsedRow], *, write: bool) -> BatchOutcome:
        outcome = BatchOutcome()
        batch = self._by_member_no(batch, outcome)
        plain = [r.values["id_number"] for r in batch if "id_hash" not in r.values]
        digests = iter(self.indexer.digest_many(plain))
        hashes = [r.values.get("id_hash") or next(digests) for r in batch]
        phones = [row.values["phone"] for row in batch]
        phone_hashes = self.indexer.digest_many([p for p in phones if p])
        phone_hash_of = dict(zip([p for p in phones if p], phone_hashes, strict=True))
        found = existing_id_hashes(hashes)
        existing = {
            m.id_hash: m
            # Only for the hashes found: in a roster of new people there are none. No join:
            # the union of an existing member is looked up only for a message.
            for m in Member.objects.filter(id_hash__in=found).only(
                "id",
                "id_hash",
                "union_id",
                "status",
                "join_date",
                # Written back by bulk_update even when unchanged: load them here, or each
                # updated member costs two more queries.
                "phone_cipher",
                "phone_masked",
                "left_on",
                *[f for f in UPDATABLE if f != "join_date"],
            )
        }
        to_create: list[tuple[ParsedRow, str]] = []
        to_update: list[Member] = []
        rejoined: list[Member] = []
        # Active members whose join date the roster corrects: (member id, new date).
        redated: list[tuple[int, date]] = []
        for row, id_hash in zip(batch, hashes, strict=True):
            values = row.values
            target: Union = values["union"]
            phone = values["phone"]
            member = existing.get(id_hash)
            if member is None:
                to_create.append((row, id_hash))
                continue
            if member.status == Member.Status.ACTIVE and member.union_id != target.pk:
                other = self.union_named(member.union_id)
                # The importer's own scope (the command line's operator: the import's union).
                actor_union = getattr(self.actor, "union", None)
                scope = actor_union.path if actor_union is not None else self.union.path
                if other.path.startswith(scope):
                    message = f"身份证号：此人已是“{other.name}”的会员，请通过转会办理"
                else:
                    # Outside the importer's scope nothing is said of where, or whether, the
                    # person is a member: only that this row cannot be registered here.
                    message = NOT_HERE
                outcome.errors.append(CellError(row.number, "身份证号", message))
                continue
            rejoin_on = values["join_date"] or self.today
            if (
                member.status != Member.Status.ACTIVE
                and member.left_on is not None
                and rejoin_on < member.left_on
            ):
                outcome.errors.append(
                    CellError(
                        row.number,
                        "入会日期",
                        f"入会日期：此人{member.left_on:%Y-%m-%d}退会，重新入会日期不能早于退会日期",
                    )
                )
                continue
            was_joined_on = member.join_date
            changed = member.status != Member.Status.ACTIVE or member.union_id != target.pk
            new = {
                "name": values["name"],
                "phone_hash": phone_hash_of[phone] if phone else None,
                "employer_name": values["employer_name"],
                "employer_uscc": values["employer_uscc"],
                "employment_form": values["employment_form"],
                "occupation": values["occupation"],
                "skill_grade": values["skill_grade"],
                "join_date": values["join_date"],
            }
            for field, value in new.items():
                if value is not None and getattr(member, field) != value:
                    setattr(member, field, value)
                    changed = True
            if not changed:
                outcome.unchanged += 1
                continue
            if phone:
                member.phone_cipher = self.phone_cipher.encrypt(member.pk, phone)
                member.phone_masked = pii.mask_phone(phone)
            if member.status != Member.Status.ACTIVE:
                if values["join_date"] is None:
                    member.join_date = self.today  # a rejoin starts a new membership
                rejoined.append(member)
            elif member.join_date != was_joined_on:
                redated.append((member.pk, member.join_date))
            member.status = Member.Status.ACTIVE
            member.left_on = None
            member.union_id = target.pk
            to_update.append(member)
        outcome.created = len(to_create)
        outcome.updated = len(to_update)
        if write:
            self._write(to_create, to_update, rejoined, redated, phone_hash_of)
        return outcome

    def _write(
        self,
        to_create: list[tuple[ParsedRow, str]],
        to_update: list[Member],
        rejoined: list[Member],
        redated: list[tuple[int, date]],
        phone_hash_of: dict[str, str],
    ) -> None:
        # Each ciphertext is sealed to its row: the new rows' keys are drawn before writing.
        pks = (
            self.writer.ids_reserve(Member, len(to_create))
            if self.writer
            else ids_reserve(Member, len(to_create))
        )
        phones = [row.values["phone"] for row, _ in to_create]
        identities = member_identities(
            pks,
            [row.values["id_number"] for row, _ in to_create],
            phones,
            id_hashes=[id_hash for _, id_hash in to_create],
            phone_hashes=[phone_hash_of[p] if p else "" for p in phones],
        )
        now = self.writer.now() if self.writer else db_now()
        new_rows = []
        for pk, (row, _), identity in zip(pks, to_create, identities, strict=True):
            v = row.values
            new_rows.append(
                (
                    pk,
                    v["union"].pk,
                    v["name"],
                    *identity,
                    v["employer_name"] or "",
                    v["employer_uscc"] or "",
                    v["employment_form"] or EmploymentForm.STANDARD,
                    v["occupation"] or "",
                    v["skill_grade"],
                    v["join_date"] or self.today,
                    JoinChannel.IMPORT,
                    Member.Status.ACTIVE,
                    now,
                    now,
                )
            )
        updates = [(m.pk, *(getattr(m, a) for a in UPDATE_ATTNAMES), now) for m in to_update]
        events = [
            (
                m.pk,
                MembershipEvent.Kind.REJOIN,
                m.union_id,
                m.join_date,
                self.actor.pk if isinstance(self.actor, User) else None,
                now,
            )
            for m in rejoined
        ]
        # Each new membership is a period begun by this import, in the same transaction.
        periods = [
            period_row(
                pk,
                row.values["union"].pk,
                row.values["join_date"] or self.today,
                PeriodStart.IMPORTED,
            )
            for pk, (row, _) in zip(pks, to_create, strict=True)
        ] + [period_row(m.pk, m.union_id, m.join_date, PeriodStart.IMPORTED) for m in rejoined]
        period_starts = joined_periods_redate(redated)
        # Registered workers who join by this roster are these members from now on.
        member_of = {id_hash: pk for pk, (_, id_hash) in zip(pks, to_create, strict=True)}
        links = (
            [
                (worker_id, member_of[id_hash], now)
                for worker_id, id_hash in rows_by_id_hash(Worker, list(member_of), "id, id_hash")
            ]
            if member_of
            else []
        )
        if self.writer:
            self.writer.insert(Member, INSERT_FIELDS, new_rows)
            if links:
                self.writer.update(Worker, ("member", "updated_at"), links)
            if updates:
                self.writer.update(Member, UPDATE_FIELDS, updates)
            if events:
                self.writer.insert(MembershipEvent, EVENT_FIELDS, events)
            if periods:
                self.writer.insert(MembershipPeriod, PERIOD_FIELDS, periods)
            if period_starts:
                self.writer.update(MembershipPeriod, ("started_on",), period_starts)
            return
        fast_insert(Member, INSERT_FIELDS, new_rows)
        fast_update(Worker, ("member", "updated_at"), links)
        fast_update(Member, UPDATE_FIELDS, updates)
        fast_insert(MembershipEvent, EVENT_FIELDS, events)
        if periods:
            fast_insert(MembershipPeriod, PERIOD_FIELDS, periods)
        if period_starts:
            fast_update(MembershipPeriod, ("started_on",), period_starts)

    # -- export -------------------------------------------------------------------------
    def export_rows(self, *, reveal: bool = False) -> Iterable[list[Any]]:
        grades = dict(SkillGrade.choices)
        forms = dict(EmploymentForm.choices)
        occupations = dict(Occupation.choices)
        rows = (
            Member.objects.visible_to(self.scope)
            .filter(union__path__startswith=self.union.path, status=Member.Status.ACTIVE)
            .order_by("id")
            .values_list(
                "id",
                "name",
                "id_masked",
                "id_cipher",
                "phone_masked",
                "phone_cipher",
                "employer_name",
                "employer_uscc",
                "employment_form",
                "occupation",
                "skill_grade",
                "union__name",
                "join_date",
            )
        )
        for (
            member_no,
            name,
            id_masked,
            id_cipher,
            phone_masked,
            phone_cipher,
            employer,
            uscc,
            form,
            occupation,
            grade,
            union_name,
            join_date,
        ) in rows.iterator(chunk_size=5000):
            yield [
                member_no,
                name,
                self.id_cipher.decrypt(member_no, id_cipher) if reveal else id_masked,
                (
                    self.phone_cipher.decrypt(member_no, phone_cipher)
                    if reveal and phone_cipher
                    else phone_masked
                ),
                employer,
                uscc,
                forms.get(form, ""),
                occupations.get(occupation, ""),
                grades.get(grade, "") if grade else "",
                union_name,
                join_date,
            ]


register_sheet(
    SheetEntry(
        name="members",
        title=MemberSheet.title,
        sheet=MemberSheet,
        import_path="gonghui.members.services.member_import",
        export_path="gonghui.members.services.member_export",
    )
)


# -- the registry of workers (登记职工): the roster's columns where they overlap ----------------

WORKER_COLUMNS: tuple[Column, ...] = (
    NAME_COLUMN,
    ID_NUMBER_COLUMN,
    Column(
        "phone", "手机号码", pii.normalize_phone, synonyms=("手机号", "手机", "联系电话"), width=14
    ),
    Column("employer_name", "工作单位", text(128), width=28),
    Column("employer_uscc", "统一社会信用代码", pii.normalize_uscc, width=22),
    Column(
        "employment_form",
        "就业形态",
        choice(EmploymentForm.choices),
        width=14,
        note="默认为新就业形态",
    ),
    Column("occupation", "职业", choice(Occupation.choices), width=12, note="新就业形态劳动者必填"),
    Column("platform", "平台", text(64), synonyms=("所在平台",), width=16, note="如美团、顺丰"),
    Column(
        "union",
        "登记工会",
        text(128),
        synonyms=("所属工会",),
        width=28,
        note="工会代码或全称；不填则为导入时选择的工会",
    ),
    Column("registered_on", "登记日期", past_date, width=12, note="不填则为导入当天"),
)

WORKER_INSERT_FIELDS = (
    "id",
    "union",
    "name",
    *IDENTITY_FIELDS,
    "employer_name",
    "employer_uscc",
    "employment_form",
    "occupation",
    "platform",
    "registered_on",
    "created_at",
    "updated_at",
)
# What a re-import may correct on a worker who has not joined (a blank cell keeps the value).
WORKER_UPDATABLE = (
    "name",
    "employer_name",
    "employer_uscc",
    "employment_form",
    "occupation",
    "platform",
)
WORKER_UPDATE_FIELDS = (
    *WORKER_UPDATABLE,
    "phone_cipher",
    "phone_hash",
    "phone_masked",
    "updated_at",
)


class WorkerSheet(MemberSheet):
    """登记职工: people the union serves who are not members. A member's row is refused (one
    person, one record); a registered worker's row corrects them, or changes nothing; a worker
    who has since joined is the member's now, and their row changes nothing."""

    name = "workers"
    title = "登记职工"
    columns = WORKER_COLUMNS
    key_column = "id_number"
    writes_in_background = False
    union_label = "登记工会"
    holder = "登记职工"

    def key(self, values: dict[str, Any]) -> Hashable:
        return values["id_number"]

    def check(self, values: dict[str, Any]) -> None:
        values.setdefault("member_no", None)
        if not values["employment_form"]:
            values["employment_form"] = EmploymentForm.NEW_FORM
        super().check(values)

    def apply(self, batch: list[ParsedRow], *, write: bool) -> BatchOutcome:
        outcome = BatchOutcome()
        hashes = self.indexer.digest_many([r.values["id_number"] for r in batch])
        members = {
            m.id_hash: m
            for m in Member.objects.filter(id_hash__in=hashes).only("id", "id_hash", "union_id")
        }
        workers = {w.id_hash: w for w in Worker.objects.filter(id_hash__in=hashes)}
        to_create: list[tuple[ParsedRow, str]] = []
        to_update: list[Worker] = []
        for row, id_hash in zip(batch, hashes, strict=True):
            values = row.values
            worker = workers.get(id_hash)
            member = members.get(id_hash)
            if worker is None and member is not None:
                message = already_member_message(self.actor, self.union_named(member.union_id))
                outcome.errors.append(CellError(row.number, "身份证号", f"身份证号：{message}"))
                continue
            if worker is None:
                to_create.append((row, id_hash))
                continue
            if not str(self.union_named(worker.union_id).path).startswith(self.union.path):
                outcome.errors.append(CellError(row.number, "身份证号", NOT_HERE))
                continue
            if worker.member_id is not None:
                outcome.unchanged += 1  # joined since: the member's page is the record now
                continue
            changed = False
            for field in WORKER_UPDATABLE:
                value = values[field]
                if value and getattr(worker, field) != value:
                    setattr(worker, field, value)
                    changed = True
            phone = values["phone"]
            if phone and worker.phone_hash != self.indexer.digest(phone):
                worker.phone_cipher = pii.column_cipher(Worker.phone_cipher).encrypt(
                    worker.pk, phone
                )
                worker.phone_hash = self.indexer.digest(phone)
                worker.phone_masked = pii.mask_phone(phone)
                changed = True
            if changed:
                to_update.append(worker)
            else:
                outcome.unchanged += 1
        outcome.created = len(to_create)
        outcome.updated = len(to_update)
        if write:
            self._write_workers(to_create, to_update)
        return outcome

    def _write_workers(
        self, to_create: list[tuple[ParsedRow, str]], to_update: list[Worker]
    ) -> None:
        pks = ids_reserve(Worker, len(to_create))
        identities = member_identities(
            pks,
            [row.values["id_number"] for row, _ in to_create],
            [row.values["phone"] or "" for row, _ in to_create],
            id_hashes=[id_hash for _, id_hash in to_create],
            model=Worker,
        )
        now = db_now()
        rows = []
        for pk, (row, _), identity in zip(pks, to_create, identities, strict=True):
            v = row.values
            rows.append(
                (
                    pk,
                    v["union"].pk,
                    v["name"],
                    *identity,
                    v["employer_name"] or "",
                    v["employer_uscc"] or "",
                    v["employment_form"],
                    v["occupation"] or "",
                    v["platform"] or "",
                    v["registered_on"] or self.today,
                    now,
                    now,
                )
            )
        fast_insert(Worker, WORKER_INSERT_FIELDS, rows)
        fast_update(
            Worker,
            WORKER_UPDATE_FIELDS,
            [(w.pk, *(getattr(w, f) for f in WORKER_UPDATE_FIELDS[:-1]), now) for w in to_update],
        )

    def export_rows(self, *, reveal: bool = False) -> Iterable[list[Any]]:
        forms = dict(EmploymentForm.choices)
        occupations = dict(Occupation.choices)
        cipher = pii.column_cipher(Worker.id_cipher)
        phones = pii.column_cipher(Worker.phone_cipher)
        rows = (
            Worker.objects.visible_to(self.scope)
            .filter(union__path__startswith=self.union.path)
            .order_by("id")
            .values_list(
                "id",
                "name",
                "id_masked",
                "id_cipher",
                "phone_masked",
                "phone_cipher",
                "employer_name",
                "employer_uscc",
                "employment_form",
                "occupation",
                "platform",
                "union__code",
                "registered_on",
            )
        )
        for (
            pk,
            name,
            id_masked,
            id_cipher,
            phone_masked,
            phone_cipher,
            employer,
            uscc,
            form,
            occupation,
            platform,
            union_code,
            registered_on,
        ) in rows.iterator(chunk_size=5000):
            yield [
                name,
                cipher.decrypt(pk, id_cipher) if reveal else id_masked,
                phones.decrypt(pk, phone_cipher) if reveal and phone_cipher else phone_masked,
                employer,
                uscc,
                forms.get(form, ""),
                occupations.get(occupation, ""),
                platform,
                union_code,
                registered_on,
            ]


register_sheet(
    SheetEntry(
        name="workers",
        title=WorkerSheet.title,
        sheet=WorkerSheet,
        import_path="gonghui.members.workers.worker_import",
        export_path="gonghui.members.workers.worker_export",
    )
)
