from typing import Any

from django import forms

from gonghui.core.models import AuditEvent

INPUT = {"class": "form-control form-control-sm"}


class LoginForm(forms.Form):
    username = forms.CharField(label="用户名", max_length=150)
    password = forms.CharField(label="密码", widget=forms.PasswordInput, max_length=256)


SELECT = {"class": "form-select form-select-sm"}


class AuditFilterForm(forms.Form):
    action = forms.ChoiceField(label="操作", required=False, widget=forms.Select(attrs=SELECT))
    actor_name = forms.ChoiceField(
        label="操作人", required=False, widget=forms.Select(attrs=SELECT)
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

    def __init__(
        self,
        *args: Any,
        actions: list[tuple[str, str]] = (),  # type: ignore[assignment]
        actors: list[tuple[str, str]] = (),  # type: ignore[assignment]
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [("", "全部操作"), *actions]  # type: ignore[attr-defined]
        self.fields["actor_name"].choices = [("", "全部人员"), *actors]  # type: ignore[attr-defined]
