"""The activity form: the common fields and every kind's own (the service checks which a kind
needs, with the same sentences as the sheet)."""

from __future__ import annotations

from typing import Any

from django import forms

from gonghui.activities.kinds import SPEAKER_TYPES, kinds
from gonghui.activities.models import JobFair
from gonghui.activities.services import MAX_ATTENDANCE

INPUT = {"class": "form-control"}


class ActivityForm(forms.Form):
    kind = forms.ChoiceField(label="类型", widget=forms.Select(attrs={"class": "form-select"}))
    title = forms.CharField(label="活动名称", max_length=128, widget=forms.TextInput(attrs=INPUT))
    held_on = forms.DateField(
        label="活动日期", widget=forms.DateInput(attrs={**INPUT, "type": "date"})
    )
    attendance = forms.IntegerField(
        label="参与人次",
        min_value=0,
        max_value=MAX_ATTENDANCE,
        initial=0,
        widget=forms.NumberInput(attrs=INPUT),
    )
    uscc = forms.CharField(
        label="开展企业统一社会信用代码",
        max_length=18,
        required=False,
        help_text="班前十分钟、思政教师进企业须填写",
        widget=forms.TextInput(attrs=INPUT),
    )
    site = forms.CharField(
        label="地点", max_length=128, required=False, widget=forms.TextInput(attrs=INPUT)
    )
    speakers = forms.CharField(
        label="主讲人", max_length=200, required=False, widget=forms.TextInput(attrs=INPUT)
    )
    speaker_type = forms.ChoiceField(
        label="主讲人类型（宣讲）",
        required=False,
        choices=[("", "—"), *SPEAKER_TYPES],
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    viewers = forms.IntegerField(
        label="观看人次（直播）", required=False, min_value=0, widget=forms.NumberInput(attrs=INPUT)
    )
    school = forms.CharField(
        label="学校（劳模工匠进校园）",
        max_length=64,
        required=False,
        widget=forms.TextInput(attrs=INPUT),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kind: Any = self.fields["kind"]
        kind.choices = [
            ("", "请选择"),
            *((k.key, k.label) for k in kinds().values()),
        ]

    def extra_values(self) -> dict[str, Any]:
        """The kind's own fields as ``Activity.extra`` holds them (blank ones left out)."""
        declared = kinds().get(self.cleaned_data["kind"])
        keys = [f.key for f in declared.extra] if declared else []
        return {k: self.cleaned_data[k] for k in keys if self.cleaned_data.get(k) not in (None, "")}


class JobFairForm(forms.Form):
    title = forms.CharField(label="招聘会名称", max_length=128, widget=forms.TextInput(attrs=INPUT))
    held_on = forms.DateField(
        label="举办日期", widget=forms.DateInput(attrs={**INPUT, "type": "date"})
    )
    mode = forms.ChoiceField(
        label="举办方式",
        choices=JobFair.Mode.choices,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    venue = forms.CharField(
        label="地点或平台", max_length=128, required=False, widget=forms.TextInput(attrs=INPUT)
    )
