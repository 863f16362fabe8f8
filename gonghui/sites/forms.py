"""The inspection form: the date, who checked, a box per checklist item (ticked: passed), a
note; photos come as files beside it."""

from __future__ import annotations

from typing import Any

from django import forms

INPUT = {"class": "form-control"}


class InspectionForm(forms.Form):
    inspected_on = forms.DateField(
        label="检查日期", widget=forms.DateInput(attrs={**INPUT, "type": "date"})
    )
    inspector = forms.CharField(label="检查人", max_length=50, widget=forms.TextInput(attrs=INPUT))
    note = forms.CharField(
        label="情况说明", required=False, widget=forms.Textarea(attrs={**INPUT, "rows": 3})
    )

    def __init__(self, *args: Any, items: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.items = items
        for n, item in enumerate(items):
            self.fields[f"item_{n}"] = forms.BooleanField(label=item, required=False)

    def item_fields(self) -> list[Any]:
        return [self[f"item_{n}"] for n in range(len(self.items))]

    def results(self) -> dict[str, bool]:
        return {item: bool(self.cleaned_data.get(f"item_{n}")) for n, item in enumerate(self.items)}


class VisitorsForm(forms.Form):
    day = forms.DateField(label="日期", widget=forms.DateInput(attrs={**INPUT, "type": "date"}))
    count = forms.IntegerField(label="服务人次", min_value=0, widget=forms.NumberInput(attrs=INPUT))
