"""The member roster as a django-import-export 4.x user would import it, for comparison.

A ``ModelResource`` for ``Member`` whose ``before_import_row`` does, per row, what a user must
do to store valid rows: check and normalise the ID number and phone with gonghui's own
functions, encrypt them, compute the keyed hashes, masks, sex, birth date and home region,
map the Chinese labels to codes, and resolve the union code (from a dict loaded once, not a
query per row: import-export's ForeignKeyWidget would query once per row). The file is read
through import-export's own XLSX format (openpyxl, read-only), as its documentation does.

Two documented configurations:
- ``FastMemberResource``: use_bulk, skip_diff, force_init_instance, batch_size=1000. Every
  row is a new instance: insert-only, it can neither find nor update an existing member.
- ``DedupMemberResource``: use_bulk, skip_diff, import_id_fields=["id_hash"] with
  CachedInstanceLoader (one query for the whole file), so existing members are found and
  updated. The loader reads the id_hash column when the import starts, so before_import
  adds that column, hashing each row's ID number.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from import_export import fields, resources, widgets
from import_export.instance_loaders import CachedInstanceLoader

from gonghui.core import pii
from gonghui.core.sheets.parsers import person_name
from gonghui.members.models import EmploymentForm, JoinChannel, Member, Occupation
from gonghui.orgs.models import Union

FORM_CODES = {label: code for code, label in EmploymentForm.choices}
OCCUPATION_CODES = {label: code for code, label in Occupation.choices}
STORED = (
    "union",
    "name",
    "id_cipher",
    "id_hash",
    "id_masked",
    "sex",
    "birth_date",
    "home_region_code",
    "phone_cipher",
    "phone_hash",
    "phone_masked",
    "employment_form",
    "occupation",
    "join_date",
    "join_channel",
)


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


class MemberResource(resources.ModelResource):
    # The union arrives as an id computed in before_import_row; the default ForeignKeyWidget
    # would fetch the Union with one query per row.
    union = fields.Field(attribute="union_id", column_name="union", widget=widgets.IntegerWidget())

    class Meta:
        model = Member
        fields = STORED
        use_bulk = True
        skip_diff = True
        batch_size = 1000

    def __init__(self, *, union: Union) -> None:
        super().__init__()
        self.default_union_id = union.pk
        self.union_ids = dict(
            Union.objects.filter(path__startswith=union.path).values_list("code", "id")
        )
        # import-export's bulk path does not know a row's key before it is written, so the
        # tokens are sealed to the ID hash: the same encryption cost as the product's
        # (the benchmark never reads them back).
        self.id_cipher = pii.column_cipher(Member.id_cipher)
        self.phone_cipher = pii.column_cipher(Member.phone_cipher)
        self.indexer = pii.id_indexer()
        self.today = timezone.localdate()

    def before_import_row(self, row: dict[str, Any], **kwargs: Any) -> None:
        id18 = pii.normalize_id_number(row["身份证号"])
        if _blank(row.get("id_hash")):
            row["id_hash"] = self.indexer.digest(id18)
        row["name"] = person_name(row["姓名"])
        row["id_cipher"] = self.id_cipher.encrypt(row["id_hash"], id18)
        row["id_masked"] = pii.mask_id_number(id18)
        row["sex"] = pii.id_sex(id18)
        row["birth_date"] = pii.id_birth_date(id18)
        row["home_region_code"] = pii.id_region_code(id18)
        phone = row.get("手机号码")
        if _blank(phone):
            row["phone_cipher"], row["phone_hash"], row["phone_masked"] = None, "", ""
        else:
            phone = pii.normalize_phone(phone)
            row["phone_cipher"] = self.phone_cipher.encrypt(row["id_hash"], phone)
            row["phone_hash"] = self.indexer.digest(phone)
            row["phone_masked"] = pii.mask_phone(phone)
        form = row.get("就业形态")
        row["employment_form"] = (
            EmploymentForm.STANDARD if _blank(form) else FORM_CODES.get(str(form).strip())
        )
        if row["employment_form"] is None:
            raise ValidationError(f"就业形态无效：{form}")
        occupation = row.get("职业")
        row["occupation"] = (
            "" if _blank(occupation) else OCCUPATION_CODES.get(str(occupation).strip())
        )
        if row["occupation"] is None:
            raise ValidationError(f"职业无效：{occupation}")
        if row["employment_form"] == EmploymentForm.NEW_FORM and not row["occupation"]:
            raise ValidationError("职业：新就业形态劳动者须填写职业")
        joined = row.get("入会日期")
        if isinstance(joined, datetime):
            joined = joined.date()
        if _blank(joined):
            joined = self.today
        if not isinstance(joined, date) or joined > self.today:
            raise ValidationError(f"入会日期无效：{joined}")
        row["join_date"] = joined
        ref = row.get("所属工会")
        if _blank(ref):
            row["union"] = self.default_union_id
        else:
            row["union"] = self.union_ids.get(str(ref).strip())
            if row["union"] is None:
                raise ValidationError(f"找不到所属工会：{ref}")
        row["join_channel"] = JoinChannel.IMPORT


class FastMemberResource(MemberResource):
    class Meta:
        model = Member
        fields = STORED
        use_bulk = True
        skip_diff = True
        force_init_instance = True
        batch_size = 1000


class DedupMemberResource(MemberResource):
    class Meta:
        model = Member
        fields = STORED
        use_bulk = True
        skip_diff = True
        batch_size = 1000
        import_id_fields = ("id_hash",)
        instance_loader_class = CachedInstanceLoader

    def before_import(self, dataset: Any, **kwargs: Any) -> None:
        hashes = []
        for raw in dataset["身份证号"]:
            try:
                hashes.append(self.indexer.digest(pii.normalize_id_number(raw)))
            except ValidationError:
                hashes.append("")  # before_import_row reports the row
        dataset.append_col(hashes, header="id_hash")


RESOURCES = {"fast": FastMemberResource, "dedup": DedupMemberResource}
