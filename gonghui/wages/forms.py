from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from gonghui.wages.models import DisclosureChannel, ReliefKind, ReliefReason


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


class ReliefForm(_Styled):
    uscc = forms.CharField(label="企业统一社会信用代码", max_length=18)
    kind = forms.ChoiceField(label="缓减方式", choices=ReliefKind.choices)
    period_from = forms.CharField(
        label="起始月份", widget=forms.DateInput(attrs={"type": "month"}), help_text="如 2023-01"
    )
    period_to = forms.CharField(
        label="截止月份", widget=forms.DateInput(attrs={"type": "month"}), help_text="如 2023-06"
    )
    payroll = forms.DecimalField(label="该期间工资总额（元）", min_value=0, decimal_places=2)
    amount = forms.DecimalField(
        label="缓减金额（元）",
        min_value=0,
        decimal_places=2,
        required=False,
        help_text="空白为应缴经费（工资总额的 2%）全额",
    )
    due_on = forms.DateField(
        label="缓缴到期日",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="缓缴必填，减免不填",
    )
    reason = forms.ChoiceField(label="原因", choices=ReliefReason.choices)
    reason_note = forms.CharField(label="原因说明", max_length=200, required=False)
    policy = forms.CharField(label="政策依据", max_length=100, required=False)

    def clean_period_from(self) -> date:
        return self._month(self.cleaned_data["period_from"], last=False)

    def clean_period_to(self) -> date:
        return self._month(self.cleaned_data["period_to"], last=True)

    @staticmethod
    def _month(value: str, *, last: bool) -> date:
        from gonghui.wages.sheets.relief import month_first, month_last

        try:
            return month_last(value) if last else month_first(value)
        except ValidationError as exc:
            raise forms.ValidationError(exc.messages[0]) from None


class SettleForm(_Styled):
    settled_on = forms.DateField(label="补缴日期", widget=forms.DateInput(attrs={"type": "date"}))
