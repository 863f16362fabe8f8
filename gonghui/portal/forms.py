"""The portal's forms: large inputs for a phone (the mobile stylesheet sizes them), with the
keyboard each field needs (numeric for a phone, text for an ID number ending in X)."""

from __future__ import annotations

from typing import Any

from django import forms

from gonghui.members.models import EmploymentForm, Occupation

BIG = {"class": "form-control form-control-lg"}
BIG_SELECT = {"class": "form-select form-select-lg"}


class SignupForm(forms.Form):
    name = forms.CharField(
        label="姓名", max_length=30, widget=forms.TextInput(attrs={**BIG, "autocomplete": "name"})
    )
    id_number = forms.CharField(
        label="身份证号",
        max_length=40,
        widget=forms.TextInput(attrs={**BIG, "autocomplete": "off", "spellcheck": "false"}),
    )
    phone = forms.CharField(
        label="手机号码",
        max_length=20,
        widget=forms.TextInput(attrs={**BIG, "inputmode": "tel", "autocomplete": "tel"}),
    )
    password = forms.CharField(
        label="设置密码",
        max_length=256,
        help_text="至少 12 位，须含小写字母、大写字母、数字、符号中的三类，不能是常见单词或顺序字符。",
        widget=forms.PasswordInput(attrs={**BIG, "autocomplete": "new-password"}),
    )


class LoginForm(forms.Form):
    phone = forms.CharField(
        label="手机号码",
        max_length=20,
        widget=forms.TextInput(attrs={**BIG, "inputmode": "tel", "autocomplete": "tel"}),
    )
    password = forms.CharField(
        label="密码",
        max_length=256,
        widget=forms.PasswordInput(attrs={**BIG, "autocomplete": "current-password"}),
    )


class ActivateForm(forms.Form):
    code = forms.CharField(
        label="激活码",
        max_length=20,
        widget=forms.TextInput(
            attrs={**BIG, "autocomplete": "one-time-code", "autocapitalize": "characters"}
        ),
    )
    phone = forms.CharField(
        label="手机号码",
        max_length=20,
        widget=forms.TextInput(attrs={**BIG, "inputmode": "tel", "autocomplete": "tel"}),
    )
    password = forms.CharField(
        label="设置密码",
        max_length=256,
        widget=forms.PasswordInput(attrs={**BIG, "autocomplete": "new-password"}),
    )


class JoinForm(forms.Form):
    union = forms.IntegerField(widget=forms.HiddenInput, required=False)
    employer_name = forms.CharField(
        label="工作单位（平台或公司）",
        max_length=128,
        required=False,
        widget=forms.TextInput(attrs=BIG),
    )
    employer_uscc = forms.CharField(
        label="单位统一社会信用代码（知道的话填写）",
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={**BIG, "autocapitalize": "characters"}),
    )
    employment_form = forms.ChoiceField(
        label="就业形态",
        choices=EmploymentForm.choices,
        initial=EmploymentForm.NEW_FORM,
        widget=forms.Select(attrs=BIG_SELECT),
    )
    occupation = forms.ChoiceField(
        label="职业",
        choices=[("", "请选择"), *Occupation.choices],
        required=False,
        widget=forms.Select(attrs=BIG_SELECT),
    )


class VerifyForm(forms.Form):
    token = forms.CharField(
        label="会员卡码",
        max_length=500,
        widget=forms.TextInput(attrs={"class": "form-control", "autocomplete": "off"}),
    )


class EventForm(forms.Form):
    name = forms.CharField(
        label="活动名称",
        max_length=128,
        widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}),
    )
    union = forms.CharField(
        label="举办工会",
        max_length=200,
        help_text="基层工会或乡镇（街道）工会：输入名称或代码，从列表中选择；入会的会员归属该工会",
        widget=forms.TextInput(
            attrs={
                "class": "form-control form-control-sm",
                "list": "destination-options",
                "autocomplete": "off",
                "data-destination": "1",
            }
        ),
    )
    held_on = forms.DateField(
        label="活动日期",
        required=False,
        widget=forms.DateInput(
            format="%Y-%m-%d", attrs={"class": "form-control form-control-sm", "type": "date"}
        ),
    )
    location = forms.CharField(
        label="地点",
        max_length=128,
        required=False,
        widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}),
    )


class ReliefForm(forms.Form):
    """大病救助 from the phone: the year's disease list comes from the policy in force."""

    year = forms.TypedChoiceField(
        label="救助年度", coerce=int, widget=forms.Select(attrs=BIG_SELECT)
    )
    diagnosis = forms.ChoiceField(label="诊断（重大疾病）", widget=forms.Select(attrs=BIG_SELECT))
    self_paid_year = forms.CharField(
        label="本年度个人自付医疗费用（元）",
        max_length=20,
        widget=forms.TextInput(attrs={**BIG, "inputmode": "decimal"}),
    )
    payee_bank = forms.CharField(label="收款银行", max_length=64, widget=forms.TextInput(attrs=BIG))
    payee_account = forms.CharField(
        label="收款账号",
        max_length=40,
        widget=forms.TextInput(attrs={**BIG, "inputmode": "numeric", "autocomplete": "off"}),
    )

    def __init__(self, *args: Any, years: list[int], diseases: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        year, diagnosis = self.fields["year"], self.fields["diagnosis"]
        assert isinstance(year, forms.ChoiceField) and isinstance(diagnosis, forms.ChoiceField)
        year.choices = [(y, f"{y}年") for y in years]
        diagnosis.choices = [("", "请选择"), *[(d, d) for d in diseases]]
