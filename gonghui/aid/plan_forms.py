"""The plan form: each category's terms in fields with Chinese labels, no JSON to type.

The form turns the fields into the plan's ``categories`` (the shape of the plan file), and
the plan's one validator checks them, so the page and ``gonghui aid load-plan`` refuse with
the same sentences."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms

from gonghui.aid.models import Category

INPUT = {"class": "form-control form-control-sm"}
BANDS = 5  # band rows offered per category; a plan uses two to four
MODES = [("banded", "按比例分段给付"), ("lump", "一次性给付"), ("none", "不保障")]


def _text(label: str, kind: str = "text", **attrs: Any) -> forms.CharField:
    # Every field is text: the plan's one validator (plan_validate) checks the values.
    return forms.CharField(
        label=label, required=False, widget=forms.TextInput(attrs={**INPUT, "type": kind, **attrs})
    )


class PlanForm(forms.Form):
    name = _text("方案名称", maxlength="128")
    year = _text("年度", "number", min="2000", max="2100")
    fee_per_member = _text("参保费（元/人·年）", inputmode="decimal")
    enroll_from = _text("参保开始日期", "date")
    enroll_to = _text("参保截止日期", "date")
    coverage_from = _text("保障开始日期", "date")
    coverage_to = _text("保障截止日期", "date")
    waiting_days = _text("观察期（天）", "number", min="0", max="365")
    claim_deadline_days = _text("申请时限（天）", "number", min="1", max="3650")
    city_approval_above = _text("超过此金额须市总审批（元）", inputmode="decimal")

    def __init__(self, *args: Any, categories: dict[str, Any] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        for key, label in Category.choices:
            self.fields[f"{key}__mode"] = forms.ChoiceField(
                label=f"{label}：给付方式",
                choices=MODES,
                required=False,
                widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
            )
            self.fields[f"{key}__deductible"] = _text("起付线（元）", inputmode="decimal")
            self.fields[f"{key}__yearly_cap"] = _text("年度封顶（元）", inputmode="decimal")
            for n in range(1, BANDS + 1):
                self.fields[f"{key}__band{n}_up_to"] = _text(
                    f"第{n}段上限（元，最后一段留空）", inputmode="decimal"
                )
                self.fields[f"{key}__band{n}_ratio"] = _text(
                    f"第{n}段比例（%）", inputmode="decimal"
                )
            self.fields[f"{key}__lump_sum"] = _text("一次性互助金（元）", inputmode="decimal")
            self.fields[f"{key}__per_year"] = _text("每年度限领次数", "number", min="1")
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
