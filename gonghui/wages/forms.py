from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from gonghui.orgs.models import Union
from gonghui.wages.models import (
    AllocationPurpose,
    AssetKind,
    BudgetCategory,
    BudgetLine,
    DisclosureChannel,
    Lease,
    ReliefKind,
    ReliefReason,
    SpendingKind,
)


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


class BudgetLineForm(_Styled):
    category = forms.ChoiceField(label="支出科目", choices=BudgetCategory.choices)
    name = forms.CharField(label="预算项目", max_length=100, help_text="如：职工文体活动")
    amount = forms.DecimalField(label="预算数（元）", min_value=0, decimal_places=2)


class CloseForm(_Styled):
    closed_on = forms.DateField(
        label="决算关账日期", widget=forms.DateInput(attrs={"type": "date"})
    )


class ExpenditureForm(_Styled):
    line = forms.ModelChoiceField(label="预算项目", queryset=BudgetLine.objects.none())
    spent_on = forms.DateField(label="支出日期", widget=forms.DateInput(attrs={"type": "date"}))
    amount = forms.DecimalField(label="金额（元）", min_value=0, decimal_places=2)
    payee = forms.CharField(label="收款方", max_length=128)
    voucher = forms.CharField(label="凭证号", max_length=32)
    kind = forms.ChoiceField(label="支出类别", choices=SpendingKind.choices, initial="other")
    people = forms.IntegerField(
        label="受益人数", min_value=1, required=False, help_text="按人均标准核算的类别必填"
    )
    summary = forms.CharField(label="摘要", max_length=200, required=False)
    activity_id = forms.TypedChoiceField(
        label="关联活动", required=False, coerce=int, empty_value=None, choices=[]
    )

    def __init__(self, *args: Any, lines: Any, activities: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: forms.ModelChoiceField = self.fields["line"]  # type: ignore[assignment]
        field.queryset = lines
        linked: forms.TypedChoiceField = self.fields["activity_id"]  # type: ignore[assignment]
        linked.choices = [
            ("", "（不关联活动）"),
            *((a.pk, f"{a.held_on:%Y-%m-%d} {a.title}") for a in activities),
        ]
        field.label_from_instance = _line_label  # type: ignore[method-assign]


def _line_label(obj: Any) -> str:
    return f"{obj.budget.year}年 {obj}"


class ExplainForm(_Styled):
    explanation = forms.CharField(
        label="超标准说明", max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class StandardForm(_Styled):
    kind = forms.ChoiceField(
        label="支出类别", choices=[c for c in SpendingKind.choices if c[0] != "other"]
    )
    per_person = forms.DecimalField(
        label="人均上限（元）", min_value=0, decimal_places=2, required=False
    )
    per_event = forms.DecimalField(
        label="单次上限（元）", min_value=0, decimal_places=2, required=False
    )
    effective_from = forms.DateField(
        label="执行日期", widget=forms.DateInput(attrs={"type": "date"})
    )
    basis = forms.CharField(
        label="依据", max_length=100, required=False, help_text="文件名称或文号"
    )


class AllocationForm(_Styled):
    to_union: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label="接收工会", queryset=Union.objects.none()
    )
    allocated_on = forms.DateField(label="拨付日期", widget=forms.DateInput(attrs={"type": "date"}))
    amount = forms.DecimalField(label="金额（元）", min_value=0, decimal_places=2)
    purpose = forms.ChoiceField(label="用途", choices=AllocationPurpose.choices)
    note = forms.CharField(label="说明", max_length=200, required=False)

    def __init__(self, *args: Any, unions: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: forms.ModelChoiceField = self.fields["to_union"]  # type: ignore[assignment]
        field.queryset = unions


class AssetForm(_Styled):
    name = forms.CharField(label="资产名称", max_length=128, help_text="如：湖州市工人文化宫")
    kind = forms.ChoiceField(label="类别", choices=AssetKind.choices)
    address = forms.CharField(label="地址", max_length=200)
    area = forms.DecimalField(label="建筑面积（㎡）", min_value=0, decimal_places=2)
    operator = forms.CharField(label="运营单位", max_length=128, required=False)


class LeaseForm(_Styled):
    premises = forms.CharField(label="出租部位", max_length=128, help_text="如：一楼东侧商铺")
    tenant = forms.CharField(label="承租方", max_length=128)
    starts_on = forms.DateField(label="起租日期", widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(label="到期日期", widget=forms.DateInput(attrs={"type": "date"}))
    rent = forms.DecimalField(label="每期租金（元）", min_value=0, decimal_places=2)
    cycle = forms.TypedChoiceField(
        label="缴租周期", choices=Lease.Cycle.choices, coerce=int, initial=3
    )


class RentForm(_Styled):
    paid_on = forms.DateField(label="收款日期", widget=forms.DateInput(attrs={"type": "date"}))
    amount = forms.DecimalField(label="金额（元）", min_value=0, decimal_places=2)
    receipt = forms.CharField(label="收据号", max_length=32, required=False)
