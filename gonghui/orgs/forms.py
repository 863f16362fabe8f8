from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from gonghui.orgs.models import FormationMode, Union


class FormationCloseForm(forms.Form):
    mode = forms.ChoiceField(
        label="组建方式",
        choices=FormationMode.choices,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    formed_on = forms.DateField(
        label="建会日期",
        # A date input takes only ISO dates, whatever the locale prints.
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date", "class": "form-control"}),
    )
    joint_union = forms.ModelChoiceField(
        label="并入联合工会（区域联建、行业统建时选择）",
        queryset=Union.objects.none(),
        required=False,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    union_name = forms.CharField(
        label="工会名称（单独组建时填写，默认为“企业名称+工会委员会”）",
        max_length=128,
        required=False,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    chair = forms.CharField(
        label="工会主席",
        max_length=64,
        required=False,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )

    def __init__(self, *args: Any, joint_unions: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if joint_unions is not None:
            self.fields["joint_union"].queryset = joint_unions  # type: ignore[attr-defined]
        self.fields["formed_on"].initial = timezone.localdate()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        joint_modes = {FormationMode.REGIONAL_JOINT, FormationMode.INDUSTRY_JOINT}
        if data.get("mode") in joint_modes and not data.get("joint_union"):
            self.add_error("joint_union", "区域联建、行业统建须选择并入的联合工会。")
        return data
