"""The claim entry form (互助金申请录入).

The form parses what was typed and checks the uploads (see ``gonghui.aid.documents``); the
rules of a claim itself (enrollment, waiting period, invoice used twice, amounts…) belong to
``claim_create``, whose errors the view puts back next to the fields they name.
"""

from __future__ import annotations

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
from gonghui.core import pii
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


def may_enter_claims(actor: Any, workflow: Any) -> bool:
    """Staff, reviewers and administrators of grassroots and township unions enter claims
    (the workflow's submitters); everyone else only reads them."""
    union = getattr(actor, "union", None)
    return (
        union is not None
        and getattr(actor, "role", None) in workflow.submit_roles
        and union.level in workflow.submit_levels
    )


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

    def __init__(self, *args: Any, actor: Any, member: Member | None = None, **kwargs: Any) -> None:
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
