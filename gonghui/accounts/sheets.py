"""Staff accounts in bulk (账号批量开通): one row per account, any number per union.

New accounts get an initial password each, delivered once in a workbook that only the
administrator who imported them can download; re-importing the same rows changes nothing
and never resets a password.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db.models.functions import Lower

from gonghui.accounts.services import password_generate, username_check
from gonghui.core import pii
from gonghui.core.actors import Actor
from gonghui.core.models import Role, User
from gonghui.core.sheets import (
    INVALID,
    BatchOutcome,
    CellError,
    Column,
    ParsedRow,
    RowError,
    Sheet,
)
from gonghui.core.sheets.parsers import choice, clean_text, text
from gonghui.core.sheets.registry import SheetEntry, register_sheet
from gonghui.orgs.models import Union


def username(value: Any) -> str:
    return username_check(clean_text(value))


COLUMNS = (
    Column("username", "账号", username, synonyms=("用户名", "登录账号"), required=True, width=18),
    Column("display_name", "姓名", text(64), required=True, width=12),
    Column(
        "union",
        "所属工会",
        text(128),
        required=True,
        width=30,
        note="工会代码或全称，须在导入时选择的工会之下",
    ),
    Column("role", "角色", choice(Role.choices), required=True, width=10),
    Column("phone", "手机号码", pii.normalize_phone, synonyms=("手机号", "联系电话"), width=14),
)


class StaffAccountSheet(Sheet):
    name = "staff-accounts"
    title = "工作人员账号"
    columns = COLUMNS
    key_column = "username"
    batch_size = 500

    def __init__(self, *, actor: Actor, union: Union) -> None:
        self.actor = actor
        self.union = union
        self._unions: dict[str, Union] | None = None
        # (username, name, union name, role label, password) of the accounts created.
        self.credentials: list[tuple[str, str, str, str, str]] = []

    def key(self, values: dict[str, Any]) -> Hashable:
        return values["username"].lower()

    def unions_by_ref(self) -> dict[str, Union]:
        if self._unions is None:
            table: dict[str, Union] = {}
            names: dict[str, int] = {}
            for u in Union.objects.filter(path__startswith=self.union.path).only(
                "id", "code", "name", "path"
            ):
                table[u.code] = u
                names[u.name] = names.get(u.name, 0) + 1
                table.setdefault(u.name, u)
            for name, count in names.items():
                if count > 1:
                    del table[name]  # an ambiguous name must be given as a code
            self._unions = table
        return self._unions

    def check(self, values: dict[str, Any]) -> None:
        ref = values["union"]
        if ref is INVALID or not ref:
            return
        union = self.unions_by_ref().get(ref.split()[0]) or self.unions_by_ref().get(ref)
        if union is None:
            raise RowError(
                "所属工会",
                f"所属工会：在{self.union.name}及其下级中找不到“{ref}”（同名时请填代码）",
            )
        values["union"] = union

    def apply(self, batch: list[ParsedRow], *, write: bool) -> BatchOutcome:
        outcome = BatchOutcome()
        # Accounts differing only in case are one account to people reading them out.
        existing = {
            u.username.lower(): u
            for u in User.objects.annotate(lower=Lower("username"))
            .filter(lower__in=[row.values["username"].lower() for row in batch])
            .select_related("union")
        }
        roles = dict(Role.choices)
        for row in batch:
            v = row.values
            union: Union = v["union"]
            user = existing.get(v["username"].lower())
            if user is None:
                outcome.created += 1
                if write:
                    password = password_generate()
                    User.objects.create(
                        username=v["username"],
                        password=make_password(password),
                        display_name=v["display_name"],
                        union=union,
                        role=v["role"],
                        phone=v["phone"] or "",
                        must_change_password=True,
                    )
                    self.credentials.append(
                        (v["username"], v["display_name"], union.name, roles[v["role"]], password)
                    )
                continue
            if user.union is None or not user.union.path.startswith(self.union.path):
                outcome.errors.append(
                    CellError(row.number, "账号", f"账号：“{v['username']}”已被其他单位使用")
                )
                continue
            if user.pk == getattr(self.actor, "pk", None) and (
                user.role != v["role"] or user.union_id != union.pk
            ):
                outcome.errors.append(
                    CellError(row.number, "角色", "角色：不能在导入中修改自己的角色或所属工会")
                )
                continue
            fields = {
                "display_name": v["display_name"],
                "union_id": union.pk,
                "role": v["role"],
                "phone": v["phone"] or user.phone,
            }
            if all(getattr(user, k) == val for k, val in fields.items()):
                outcome.unchanged += 1
                continue
            outcome.updated += 1
            if write:
                User.objects.filter(pk=user.pk).update(**fields)
        return outcome

    def export_rows(self, *, reveal: bool = False) -> Iterable[list[Any]]:
        roles = dict(Role.choices)
        users = (
            User.objects.visible_to(self.actor)
            .filter(union__path__startswith=self.union.path)
            .order_by("union__path", "username")
            .values_list("username", "display_name", "union__code", "role", "phone")
        )
        for name, display, code, role, phone in users:
            yield [name, display, code, roles.get(role, role), phone]


def _sheet(*, actor: Actor, union: Union, **options: Any) -> StaffAccountSheet:
    return StaffAccountSheet(actor=actor, union=union)


register_sheet(
    SheetEntry(
        name="staff-accounts",
        title="工作人员账号",
        sheet=_sheet,
        import_path="gonghui.accounts.bulk.accounts_import",
        export_path="gonghui.accounts.bulk.accounts_export",
        roles=(Role.ADMIN,),
    )
)
