"""The forms of the aid pages: the claim entry form (互助金申请录入) and relief's two steps.

The form parses what was typed and checks the uploads (see ``gonghui.aid.documents``); the
rules of a claim itself (enrollment, waiting period, invoice used twice, amounts…) belong to
``claim_create``, whose errors the view puts back next to the fields they name.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.urls import reverse

from gonghui.aid.documents import (
    MAX_FILES_PER_KIND,
    Upload,
    missing_documents,
    required_documents,
    upload_check,
)
from gonghui.aid.models import Category, ClaimDocument
from gonghui.aid.services.relief import FIRST_YEAR
from gonghui.core import pii
from gonghui.core.actors import Actor
from gonghui.members.models import Member
from gonghui.members.selectors import member_by_id_number

Kind = ClaimDocument.Kind

# The fields claim_create takes, in the order of the form.
CLAIM_FIELDS = (
    "category",
    "hospital",
    "start_date",
    "discharge_date",
    "invoice_no",
    "total_cost",
    "insurance_paid",
    "self_paid",
    "payee_bank",
    "payee_account",
)
# claim_create names the member "member"; the form asks for the ID number.
SERVICE_FIELD_ALIASES = {"member": "id_number", "enrollment": "id_number", "plan": "id_number"}


def document_field_name(kind: str) -> str:
    return f"doc_{kind}"


DOCUMENT_FIELDS = {document_field_name(kind): kind for kind in Kind.values}


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files under one name (e.g. two invoices): cleans to a list, maybe empty."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault(
            "widget",
            MultipleFileInput(
                attrs={
                    "class": "form-control",
                    "accept": ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png",
                }
            ),
        )
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        items = data if isinstance(data, (list, tuple)) else [data]
        files = [item for item in items if item]
        if not files and self.required:
            raise ValidationError(self.error_messages["required"], code="required")
        cleaned = []
        for item in files:
            cleaned.append(super().clean(item, initial))
        return cleaned


# The claim's own rules (an amount's format, an empty hospital, the account's digits…) are
# checked by claim_create, whose message is the same on this page, in an import report and
# in the API: so these fields only carry the text typed, and are not "required" here.
def _text(label: str, max_length: int, help_text: str = "", **attrs: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        help_text=help_text,
        widget=forms.TextInput(
            attrs={
                "class": "form-control",
                "maxlength": str(max_length),
                "required": "required",
                **attrs,
            }
        ),
    )


def _money(label: str, help_text: str = "") -> forms.CharField:
    return _text(label, 20, help_text, inputmode="decimal", placeholder="如 1234.50")


def _date(label: str, required: bool = True, help_text: str = "") -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        help_text=help_text,
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d"),
    )


class ClaimForm(forms.Form):
    id_number = _text("会员身份证号", 32, autocomplete="off", inputmode="text")
    category = forms.ChoiceField(
        label="申请类别",
        choices=[("", "请选择"), *Category.choices],
        widget=forms.Select(attrs={"class": "form-select", "data-category-select": ""}),
    )
    hospital = _text("就诊医院", 128)
    start_date = _date("入院（就诊）日期")
    discharge_date = _date("出院日期", required=False, help_text="住院填写")
    invoice_no = _text("发票号", 64, autocomplete="off")
    total_cost = _money("医疗总费用（元）")
    insurance_paid = _money("医保统筹支付（元）")
    self_paid = _money("个人自付（元）", "符合互助范围的个人自付部分")
    payee_bank = _text("收款银行", 64)
    payee_account = _text("收款账号", 40, autocomplete="off", inputmode="numeric")

    def __init__(
        self, *args: Any, actor: Actor, member: Member | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.actor = actor
        self.member: Member | None = member
        self.member_preset = member is not None
        if member is not None:
            # Entered from the member's page: the member is known, the ID number not retyped.
            self.fields["id_number"].required = False
            self.fields["id_number"].widget = forms.HiddenInput()
        # Typing the full ID number shows the member (masked) before anything is saved.
        self.fields["id_number"].widget.attrs.update(
            {
                # POST with the number alone: it is counted and audited, never in a URL.
                "hx-post": reverse("aid:claim_member_lookup"),
                "hx-params": "id_number",
                "hx-trigger": "input changed delay:400ms, change",
                "hx-target": "#member-found",
            }
        )
        for name, kind in DOCUMENT_FIELDS.items():
            self.fields[name] = MultipleFileField(label=Kind(kind).label, required=False)

    # Every error marks its input, so the page shows it in red next to the message.
    def add_error(self, field: str | None, error: Any) -> None:
        super().add_error(field, error)
        names = [field] if field else []
        if field is None and hasattr(error, "error_dict"):
            names = list(error.error_dict)
        for name in names:
            if name in self.fields:
                widget = self.fields[name].widget
                classes = widget.attrs.get("class", "")
                if "is-invalid" not in classes:
                    widget.attrs["class"] = f"{classes} is-invalid".strip()

    def clean_id_number(self) -> str:
        text = self.cleaned_data["id_number"]
        if self.member is not None and not text:
            return ""
        member = member_by_id_number(actor=self.actor, text=text)
        if member is None:
            raise ValidationError(
                "在您管辖范围内的会员中没有找到这个身份证号。", code="member_missing"
            )
        self.member = member
        return pii.normalize_id_number(text)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("category") != Category.INPATIENT:
            data["discharge_date"] = None  # only a hospital stay has one
        self._uploads: list[Upload] = []
        present = []
        for name, kind in DOCUMENT_FIELDS.items():
            files = data.get(name) or []
            if files:
                present.append(kind)
            if len(files) > MAX_FILES_PER_KIND:
                self.add_error(name, f"{Kind(kind).label}最多上传 {MAX_FILES_PER_KIND} 个文件。")
                continue
            for file in files:
                try:
                    self._uploads.append(upload_check(kind, file))
                except ValidationError as exc:
                    self.add_error(name, exc)
        present += self.kept_kinds()
        category = data.get("category")
        if category:
            label = Category(category).label
            for kind in missing_documents(category, present):
                self.add_error(document_field_name(kind), f"{label}申请须上传{Kind(kind).label}。")
        return data

    def kept_kinds(self) -> list[str]:
        """Kinds of documents already on file that stay (a correction keeps some)."""
        return []

    def uploads(self) -> list[Upload]:
        """The checked files, in the order of the kinds (after ``is_valid``)."""
        return list(self._uploads)

    def claim_fields(self) -> dict[str, Any]:
        """Keyword arguments for ``claim_create``: after ``is_valid``, or when
        ``only_documents_wrong``."""
        return {"member": self.member, **{name: self.cleaned_data[name] for name in CLAIM_FIELDS}}

    def only_documents_wrong(self) -> bool:
        """Whether every typed field parsed and only the uploads were refused: then the
        claim's own rules can be checked too, so the page shows every error at once."""
        return bool(self.errors) and all(name in DOCUMENT_FIELDS for name in self.errors)

    def add_service_errors(self, exc: ValidationError) -> None:
        """Put ``claim_create``'s errors next to the fields they name; the rest on top."""
        if hasattr(exc, "error_dict"):
            for name, errors in exc.error_dict.items():
                target = SERVICE_FIELD_ALIASES.get(name, name)
                for error in errors:
                    self.add_error(target if target in self.fields else None, error)
        else:
            for message in exc.messages:
                self.add_error(None, message)

    def document_rows(self) -> list[dict[str, Any]]:
        """The upload inputs with which categories need each (the page marks them)."""
        needed_by: dict[str, list[str]] = {kind: [] for kind in Kind.values}
        for category in Category.values:
            for kind in required_documents(category):
                needed_by[kind].append(category)
        category = self["category"].value() or ""
        return [
            {
                "field": self[name],
                "kind": kind,
                "needed_by": " ".join(needed_by[kind]),
                "needed": category in needed_by[kind],
            }
            for name, kind in DOCUMENT_FIELDS.items()
        ]


class ClaimCorrectForm(ClaimForm):
    """退回修改 of a claim: the same fields as entry, the member fixed, the account kept when
    left blank, and the documents on file kept unless ticked for removal."""

    def __init__(self, *args: Any, claim: Any, documents: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["id_number"]
        self.member = claim.member
        self.documents = documents
        account = self.fields["payee_account"]
        account.required = False
        account.help_text = f"现为 {claim.account_masked}；不修改请留空"
        self.fields["remove_documents"] = forms.MultipleChoiceField(
            label="删除已上传的材料",
            required=False,
            choices=[(str(d.pk), f"{d.get_kind_display()}：{d.original_name}") for d in documents],
            widget=forms.CheckboxSelectMultiple,
        )

    def kept_kinds(self) -> list[str]:
        removed = set(self.cleaned_data.get("remove_documents") or [])
        return [d.kind for d in self.documents if str(d.pk) not in removed]

    def correction_fields(self) -> dict[str, Any]:
        fields = {name: self.cleaned_data[name] for name in CLAIM_FIELDS}
        fields["payee_account"] = fields.get("payee_account") or ""
        return fields

    def removed_documents(self) -> list[int]:
        return [int(pk) for pk in self.cleaned_data.get("remove_documents") or []]


class ReliefCorrectForm(forms.Form):
    diagnosis = _text("疾病", 64)
    self_paid_year = _money("年度个人自付医疗费用（元）")
    payee_bank = _text("收款银行", 64)
    payee_account = _text("收款账号", 40, autocomplete="off", inputmode="numeric")

    def __init__(self, *args: Any, item: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        account = self.fields["payee_account"]
        account.required = False
        account.help_text = f"现为 {item.account_masked}；不修改请留空"


# --- Relief (会员大病救助) ---------------------------------------------------------------


class FindForm(forms.Form):
    id_number = forms.CharField(label="会员身份证号", max_length=24)
    year = forms.IntegerField(label="救助年度", min_value=FIRST_YEAR)


class ApplyForm(forms.Form):
    member_id = forms.IntegerField(widget=forms.HiddenInput)
    year = forms.IntegerField(widget=forms.HiddenInput)
    diagnosis = forms.CharField(label="诊断（重大疾病）", max_length=64)
    self_paid_year = forms.DecimalField(
        label="年度个人自付医疗费用（元）",
        max_digits=12,
        decimal_places=2,
        min_value=Decimal("0.01"),
    )
    payee_bank = forms.CharField(label="收款银行", max_length=64)
    # Never rendered back into the page: a full account number stays out of the HTML.
    payee_account = forms.CharField(label="收款账号", max_length=40)


# --- Mutual-aid plans: each category's terms in fields with Chinese labels, no JSON to type.
# The form turns the fields into the plan's ``categories`` (the shape of the plan file), and
# the plan's one validator checks them, so the page and ``gonghui aid load-plan`` refuse with
# the same sentences.

INPUT = {"class": "form-control form-control-sm"}
BANDS = 5  # band rows offered per category; a plan uses two to four
MODES = [("banded", "按比例分段给付"), ("lump", "一次性给付"), ("none", "不保障")]


def _plan_text(label: str, kind: str = "text", **attrs: Any) -> forms.CharField:
    # Every field is text: the plan's one validator (plan_validate) checks the values.
    return forms.CharField(
        label=label, required=False, widget=forms.TextInput(attrs={**INPUT, "type": kind, **attrs})
    )


class PlanForm(forms.Form):
    name = _plan_text("方案名称", maxlength="128")
    year = _plan_text("年度", "number", min="2000", max="2100")
    fee_per_member = _plan_text("参保费（元/人·年）", inputmode="decimal")
    enroll_from = _plan_text("参保开始日期", "date")
    enroll_to = _plan_text("参保截止日期", "date")
    coverage_from = _plan_text("保障开始日期", "date")
    coverage_to = _plan_text("保障截止日期", "date")
    waiting_days = _plan_text("观察期（天）", "number", min="0", max="365")
    claim_deadline_days = _plan_text("申请时限（天）", "number", min="1", max="3650")
    city_approval_above = _plan_text("超过此金额须市总审批（元）", inputmode="decimal")

    def __init__(self, *args: Any, categories: dict[str, Any] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        for key, label in Category.choices:
            self.fields[f"{key}__mode"] = forms.ChoiceField(
                label=f"{label}：给付方式",
                choices=MODES,
                required=False,
                widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
            )
            self.fields[f"{key}__deductible"] = _plan_text("起付线（元）", inputmode="decimal")
            self.fields[f"{key}__yearly_cap"] = _plan_text("年度封顶（元）", inputmode="decimal")
            for n in range(1, BANDS + 1):
                self.fields[f"{key}__band{n}_up_to"] = _plan_text(
                    f"第{n}段上限（元，最后一段留空）", inputmode="decimal"
                )
                self.fields[f"{key}__band{n}_ratio"] = _plan_text(
                    f"第{n}段比例（%）", inputmode="decimal"
                )
            self.fields[f"{key}__lump_sum"] = _plan_text("一次性互助金（元）", inputmode="decimal")
            self.fields[f"{key}__per_year"] = _plan_text("每年度限领次数", "number", min="1")
        if categories is not None and not self.is_bound:
            self.initial.update(categories_initial(categories))

    def category_sections(self) -> list[dict[str, Any]]:
        """The fields of each category, for the template."""
        sections = []
        for key, label in Category.choices:
            sections.append(
                {
                    "key": key,
                    "label": label,
                    "mode": self[f"{key}__mode"],
                    "deductible": self[f"{key}__deductible"],
                    "yearly_cap": self[f"{key}__yearly_cap"],
                    "bands": [
                        (self[f"{key}__band{n}_up_to"], self[f"{key}__band{n}_ratio"])
                        for n in range(1, BANDS + 1)
                    ],
                    "lump_sum": self[f"{key}__lump_sum"],
                    "per_year": self[f"{key}__per_year"],
                }
            )
        return sections

    def categories_errors(self) -> list[str]:
        """What the plan's validator said of the categories (added under "categories")."""
        return list(getattr(self, "_categories_errors", []))

    def add_error(self, field: str | None, error: Any) -> None:
        if field == "categories":
            messages = error if isinstance(error, list) else [error]
            found = getattr(self, "_categories_errors", [])
            for item in messages:
                found.extend(getattr(item, "messages", [str(item)]))
            self._categories_errors = found
            return super().add_error(None, "保障类别有误，请按下面的提示修改。")
        return super().add_error(field, error)

    def plan_values(self) -> dict[str, Any]:
        """The plan's fields as its file gives them, ``categories`` built from the rows."""
        data = {k: v for k, v in self.cleaned_data.items() if "__" not in k}
        data["categories"] = self._categories()
        return data

    def _categories(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        d = self.cleaned_data
        for key, _label in Category.choices:
            mode = d.get(f"{key}__mode") or "none"
            if mode == "lump":
                per_year = (d.get(f"{key}__per_year") or "1").strip()
                out[key] = {
                    "lump_sum": (d.get(f"{key}__lump_sum") or "").strip(),
                    "per_year": int(per_year) if per_year.isdigit() else per_year,
                }
            elif mode == "banded":
                bands = []
                for n in range(1, BANDS + 1):
                    up_to = (d.get(f"{key}__band{n}_up_to") or "").strip()
                    ratio = (d.get(f"{key}__band{n}_ratio") or "").strip()
                    if not up_to and not ratio:
                        continue
                    bands.append({"up_to": up_to or None, "ratio": _ratio(ratio)})
                out[key] = {
                    "deductible": (d.get(f"{key}__deductible") or "").strip(),
                    "bands": bands,
                    "yearly_cap": (d.get(f"{key}__yearly_cap") or "").strip(),
                }
        return out


def _ratio(percent: str) -> str:
    """A percent as typed (50, 62.5) as the ratio the plan stores ("0.50", "0.625")."""
    try:
        value = Decimal(percent.replace("%", "").replace("％", "").strip()) / 100
    except InvalidOperation:
        return percent  # the validator names it
    return format(value.normalize(), "f") if value else "0"


def categories_initial(categories: dict[str, Any]) -> dict[str, Any]:
    """A plan's stored categories as the form's initial values."""
    initial: dict[str, Any] = {}
    for key, _label in Category.choices:
        terms = categories.get(key)
        if not terms:
            initial[f"{key}__mode"] = "none"
            continue
        if "lump_sum" in terms:
            initial[f"{key}__mode"] = "lump"
            initial[f"{key}__lump_sum"] = terms.get("lump_sum", "")
            initial[f"{key}__per_year"] = terms.get("per_year", 1)
            continue
        initial[f"{key}__mode"] = "banded"
        initial[f"{key}__deductible"] = terms.get("deductible", "")
        initial[f"{key}__yearly_cap"] = terms.get("yearly_cap", "")
        for n, band in enumerate(terms.get("bands", [])[:BANDS], start=1):
            initial[f"{key}__band{n}_up_to"] = band.get("up_to") or ""
            try:
                ratio = Decimal(str(band.get("ratio"))) * 100
                initial[f"{key}__band{n}_ratio"] = format(ratio.normalize(), "f")
            except InvalidOperation:
                initial[f"{key}__band{n}_ratio"] = band.get("ratio")
    return initial
