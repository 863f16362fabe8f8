from __future__ import annotations

from typing import Any

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


def _union_ref(label: str, help_text: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=200,
        help_text=help_text,
        widget=forms.TextInput(
            {**INPUT, "list": "destination-options", "autocomplete": "off", "data-destination": "1"}
        ),
    )


class WorkerForm(forms.Form):
    """Registering a worker (登记职工); the edit form drops the identity fields."""

    name = forms.CharField(label="姓名", max_length=30, widget=forms.TextInput(INPUT))
    id_number = forms.CharField(
        label="身份证号",
        max_length=20,
        widget=forms.TextInput({**INPUT, "autocomplete": "off"}),
    )
    union = _union_ref("登记工会", "基层工会或乡镇（街道）工会：输入名称或代码，从列表中选择")
    phone = forms.CharField(
        label="手机号码",
        max_length=20,
        required=False,
        widget=forms.TextInput({**INPUT, "autocomplete": "off", "inputmode": "tel"}),
    )
    employment_form = forms.ChoiceField(
        label="就业形态",
        choices=EmploymentForm.choices,
        initial=EmploymentForm.NEW_FORM,
        widget=forms.Select(SELECT),
    )
    occupation = forms.ChoiceField(
        label="职业（新就业形态必填）",
        choices=[("", "—"), *Occupation.choices],
        required=False,
        widget=forms.Select(SELECT),
    )
    platform = forms.CharField(
        label="平台", max_length=64, required=False, widget=forms.TextInput(INPUT)
    )
    employer_name = forms.CharField(
        label="工作单位", max_length=128, required=False, widget=forms.TextInput(INPUT)
    )
    employer_uscc = forms.CharField(
        label="统一社会信用代码", max_length=24, required=False, widget=forms.TextInput(INPUT)
    )
    registered_on = _date("登记日期")


class MemberJoinForm(WorkerForm):
    """One person joining, keyed in by the office (入会登记): the registry's fields with the
    join date instead of the platform and registration date."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("platform", "registered_on"):
            del self.fields[name]
        self.fields["union"].label = "加入工会"
        self.fields["employment_form"].initial = EmploymentForm.STANDARD
        self.fields["join_date"] = _date("入会日期")


class WorkerEditForm(WorkerForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("name", "id_number", "union", "registered_on"):
            del self.fields[name]
        self.fields["phone"].help_text = "不修改请留空"


class WorkerJoinForm(forms.Form):
    union = _union_ref("加入工会", "基层工会或乡镇（街道）工会")
    join_date = _date("入会日期")
