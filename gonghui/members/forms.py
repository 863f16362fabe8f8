from __future__ import annotations

from django import forms
from django.utils import timezone

from gonghui.members.models import EmploymentForm, LeaveReason, Occupation, SkillGrade

INPUT = {"class": "form-control"}
SELECT = {"class": "form-select"}


def _date(label: str) -> forms.DateField:
    return forms.DateField(
        label=label,
        initial=timezone.localdate,
        widget=forms.DateInput(format="%Y-%m-%d", attrs={**INPUT, "type": "date"}),
    )


class MemberEditForm(forms.Form):
    phone = forms.CharField(
        label="手机号码",
        max_length=20,
        required=False,
        help_text="不修改请留空",
        widget=forms.TextInput({**INPUT, "autocomplete": "off", "inputmode": "tel"}),
    )
    employer_name = forms.CharField(
        label="工作单位", max_length=128, required=False, widget=forms.TextInput(INPUT)
    )
    employer_uscc = forms.CharField(
        label="统一社会信用代码", max_length=24, required=False, widget=forms.TextInput(INPUT)
    )
    employment_form = forms.ChoiceField(
        label="就业形态", choices=EmploymentForm.choices, widget=forms.Select(SELECT)
    )
    occupation = forms.ChoiceField(
        label="职业（新就业形态必填）",
        choices=[("", "—"), *Occupation.choices],
        required=False,
        widget=forms.Select(SELECT),
    )
    skill_grade = forms.TypedChoiceField(
        label="技能等级",
        choices=[("", "—"), *SkillGrade.choices],
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.Select(SELECT),
    )


class MemberLeaveForm(forms.Form):
    reason = forms.ChoiceField(
        label="退会原因",
        choices=[("", "请选择"), *LeaveReason.choices],
        widget=forms.Select(SELECT),
    )
    on = _date("退会日期")


class MemberTransferForm(forms.Form):
    to_union = forms.CharField(
        label="转入工会",
        max_length=200,
        help_text="输入工会名称或代码的一部分，从列表中选择；其他区县的工会须由对方接收",
        widget=forms.TextInput(
            {**INPUT, "list": "destination-options", "autocomplete": "off", "data-destination": "1"}
        ),
    )
    on = _date("转会日期")
    reason = forms.CharField(label="转会原因", max_length=200, widget=forms.TextInput(INPUT))
    employer_name = forms.CharField(
        label="新工作单位", max_length=128, required=False, widget=forms.TextInput(INPUT)
    )
    employer_uscc = forms.CharField(
        label="新单位统一社会信用代码", max_length=24, required=False, widget=forms.TextInput(INPUT)
    )
