from django import forms

from gonghui.core.models import AuditEvent

INPUT = {"class": "form-control form-control-sm"}


class LoginForm(forms.Form):
    username = forms.CharField(label="用户名", max_length=150)
    password = forms.CharField(label="密码", widget=forms.PasswordInput, max_length=256)


class AuditFilterForm(forms.Form):
    action = forms.CharField(label="操作", required=False, widget=forms.TextInput(attrs=INPUT))
    actor_name = forms.CharField(
        label="操作人账号", required=False, widget=forms.TextInput(attrs=INPUT)
    )
    outcome = forms.ChoiceField(
        label="结果",
        required=False,
        choices=[("", "全部"), *AuditEvent.Outcome.choices],
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )
    date_from = forms.DateField(
        label="起始日期", required=False, widget=forms.DateInput(attrs={**INPUT, "type": "date"})
    )
    date_to = forms.DateField(
        label="截止日期", required=False, widget=forms.DateInput(attrs={**INPUT, "type": "date"})
    )
