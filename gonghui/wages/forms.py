from __future__ import annotations

from typing import Any

from django import forms

from gonghui.wages.models import DisclosureChannel


class _Styled(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            select = isinstance(field.widget, forms.Select)
            field.widget.attrs.setdefault("class", "form-select" if select else "form-control")


class CongressForm(_Styled):
    held_on = forms.DateField(label="召开日期", widget=forms.DateInput(attrs={"type": "date"}))
    delegates = forms.IntegerField(label="应到代表（人）", min_value=1)
    attended = forms.IntegerField(label="实到代表（人）", min_value=0)
    resolutions = forms.CharField(
        label="决议事项",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="审议通过的事项，如集体合同、工资调整方案",
    )


class DisclosureForm(_Styled):
    disclosed_on = forms.DateField(label="公开日期", widget=forms.DateInput(attrs={"type": "date"}))
    channel = forms.ChoiceField(label="公开形式", choices=DisclosureChannel.choices)
    subject = forms.CharField(
        label="公开事项", max_length=200, help_text="如：2023年度福利费使用情况"
    )
