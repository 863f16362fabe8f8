"""The forms of the care pages (Chinese labels; the services give the refusals)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from gonghui.care.models import (
    AidKind,
    BookingTopic,
    CampaignKind,
    Eligibility,
    LegalKind,
    LegalOutcome,
    PerkRule,
    ServiceItem,
    Unit,
    VisitCampaign,
)
from gonghui.members.models import Occupation
from gonghui.members.people import GROUPS

INPUT = {"class": "form-control"}
SELECT = {"class": "form-select"}


def _date(label: str, required: bool = True) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        initial=timezone.localdate if required else None,
        widget=forms.DateInput(format="%Y-%m-%d", attrs={**INPUT, "type": "date"}),
    )


class ItemForm(forms.Form):
    name = forms.CharField(label="项目名称", max_length=64, widget=forms.TextInput(INPUT))
    eligibility = forms.ChoiceField(
        label="服务对象", choices=Eligibility.choices, widget=forms.Select(SELECT)
    )
    occupations = forms.MultipleChoiceField(
        label="指定职业（服务对象为指定职业时）",
        choices=Occupation.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    unit = forms.ChoiceField(label="计量单位", choices=Unit.choices, widget=forms.Select(SELECT))
    valid_from = _date("有效期起", required=False)
    valid_to = _date("有效期止", required=False)
    description = forms.CharField(
        label="说明", max_length=255, required=False, widget=forms.TextInput(INPUT)
    )


class DeliveryForm(forms.Form):
    name = forms.CharField(label="姓名", max_length=30, widget=forms.TextInput(INPUT))
    id_number = forms.CharField(
        label="身份证号", max_length=20, widget=forms.TextInput({**INPUT, "autocomplete": "off"})
    )
    item = forms.ModelChoiceField(
        label="服务项目", queryset=ServiceItem.objects.none(), widget=forms.Select(SELECT)
    )
    on = _date("服务日期")
    quantity = forms.DecimalField(
        label="数量", min_value=0, decimal_places=1, initial=1, widget=forms.NumberInput(INPUT)
    )
    cost = forms.DecimalField(
        label="费用（元）",
        min_value=0,
        decimal_places=2,
        initial=0,
        widget=forms.NumberInput(INPUT),
    )
    place = forms.CharField(
        label="服务地点", max_length=128, required=False, widget=forms.TextInput(INPUT)
    )
    enterprise_uscc = forms.CharField(
        label="服务企业统一社会信用代码",
        max_length=24,
        required=False,
        widget=forms.TextInput(INPUT),
    )
    reference = forms.CharField(
        label="业务编号",
        max_length=64,
        required=False,
        help_text="同一人同日同项目多次服务时填写以区分",
        widget=forms.TextInput(INPUT),
    )
    frontline = forms.BooleanField(label="一线职工", required=False)

    def __init__(self, *args: Any, items: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: forms.ModelChoiceField = self.fields["item"]  # type: ignore[assignment]
        field.queryset = items


GROUP_CHOICES = [(key, group.label) for key, group in GROUPS.items()]


class CampaignForm(forms.Form):
    name = forms.CharField(label="活动名称", max_length=128, widget=forms.TextInput(INPUT))
    kind = forms.ChoiceField(
        label="类别", choices=CampaignKind.choices, widget=forms.Select(SELECT)
    )
    start = _date("开始日期")
    end = _date("结束日期")


class VisitForm(forms.Form):
    name = forms.CharField(label="姓名", max_length=30, widget=forms.TextInput(INPUT))
    id_number = forms.CharField(
        label="身份证号", max_length=20, widget=forms.TextInput({**INPUT, "autocomplete": "off"})
    )
    on = _date("走访日期")
    campaign = forms.ModelChoiceField(
        label="走访慰问活动",
        queryset=VisitCampaign.objects.none(),
        required=False,
        empty_label="（不属于某项活动）",
        widget=forms.Select(SELECT),
    )
    household = forms.BooleanField(label="入户慰问家庭", required=False)
    visitors = forms.CharField(
        label="走访人员", max_length=128, required=False, widget=forms.TextInput(INPUT)
    )
    cash = forms.DecimalField(
        label="慰问金（元）",
        min_value=0,
        decimal_places=2,
        initial=0,
        widget=forms.NumberInput(INPUT),
    )
    goods_value = forms.DecimalField(
        label="慰问品价值（元）",
        min_value=0,
        decimal_places=2,
        initial=0,
        widget=forms.NumberInput(INPUT),
    )
    goods = forms.CharField(
        label="慰问品", max_length=128, required=False, widget=forms.TextInput(INPUT)
    )
    note = forms.CharField(
        label="备注", max_length=255, required=False, widget=forms.TextInput(INPUT)
    )

    def __init__(self, *args: Any, campaigns: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: forms.ModelChoiceField = self.fields["campaign"]  # type: ignore[assignment]
        field.queryset = campaigns


class HardshipForm(forms.Form):
    name = forms.CharField(label="姓名", max_length=30, widget=forms.TextInput(INPUT))
    id_number = forms.CharField(
        label="身份证号", max_length=20, widget=forms.TextInput({**INPUT, "autocomplete": "off"})
    )
    household_size = forms.IntegerField(
        label="家庭人口", min_value=1, max_value=20, widget=forms.NumberInput(INPUT)
    )
    income_per_head = forms.DecimalField(
        label="家庭月人均收入（元）", min_value=0, decimal_places=2, widget=forms.NumberInput(INPUT)
    )
    sudden = forms.BooleanField(label="意外致困（突发事件）", required=False)
    cause = forms.CharField(label="致困原因", max_length=255, widget=forms.TextInput(INPUT))
    opened_on = _date("建档日期")


class HardshipReviewForm(forms.Form):
    household_size = forms.IntegerField(
        label="家庭人口", min_value=1, max_value=20, widget=forms.NumberInput(INPUT)
    )
    income_per_head = forms.DecimalField(
        label="家庭月人均收入（元）", min_value=0, decimal_places=2, widget=forms.NumberInput(INPUT)
    )
    sudden = forms.BooleanField(label="意外致困", required=False)
    on = _date("年审日期")


class HardshipCloseForm(forms.Form):
    reason = forms.CharField(label="销档原因", max_length=255, widget=forms.TextInput(INPUT))
    on = _date("销档日期")


class AidForm(forms.Form):
    kind = forms.ChoiceField(label="帮扶类别", choices=AidKind.choices, widget=forms.Select(SELECT))
    amount = forms.DecimalField(
        label="帮扶金额（元）", min_value=0, decimal_places=2, widget=forms.NumberInput(INPUT)
    )
    reason = forms.CharField(label="申请事由", max_length=255, widget=forms.TextInput(INPUT))
    payee_bank = forms.CharField(label="收款银行", max_length=64, widget=forms.TextInput(INPUT))
    payee_account = forms.CharField(
        label="收款账号", max_length=40, widget=forms.TextInput({**INPUT, "autocomplete": "off"})
    )


class PovertyLineForm(forms.Form):
    amount = forms.DecimalField(
        label="低保标准（元/人·月）", min_value=0, decimal_places=2, widget=forms.NumberInput(INPUT)
    )
    valid_from = _date("执行日期")


class PerkForm(forms.Form):
    item = forms.ModelChoiceField(
        label="X项服务", queryset=ServiceItem.objects.none(), widget=forms.Select(SELECT)
    )
    rule = forms.ChoiceField(
        label="发放规则", choices=PerkRule.choices, widget=forms.Select(SELECT)
    )
    benefit_day = forms.IntegerField(
        label="惠享日（每月几日，规则为惠享日时）",
        min_value=1,
        max_value=28,
        required=False,
        widget=forms.NumberInput(INPUT),
    )
    occupations = forms.MultipleChoiceField(
        label="指定职业（规则为指定职业时）",
        choices=Occupation.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    value = forms.DecimalField(
        label="每人价值（元）",
        min_value=0,
        decimal_places=2,
        initial=0,
        widget=forms.NumberInput(INPUT),
    )

    def __init__(self, *args: Any, items: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: forms.ModelChoiceField = self.fields["item"]  # type: ignore[assignment]
        field.queryset = items


class PerkDeliverForm(forms.Form):
    on = _date("发放日期")


class LegalForm(forms.Form):
    name = forms.CharField(label="姓名", max_length=30, widget=forms.TextInput(INPUT))
    id_number = forms.CharField(
        label="身份证号", max_length=20, widget=forms.TextInput({**INPUT, "autocomplete": "off"})
    )
    kind = forms.ChoiceField(label="类别", choices=LegalKind.choices, widget=forms.Select(SELECT))
    opened_on = _date("受理日期")
    summary = forms.CharField(label="案情摘要", max_length=255, widget=forms.TextInput(INPUT))
    employer_name = forms.CharField(
        label="对方单位", max_length=128, required=False, widget=forms.TextInput(INPUT)
    )
    amount_claimed = forms.DecimalField(
        label="涉及金额（元）",
        min_value=0,
        decimal_places=2,
        initial=0,
        widget=forms.NumberInput(INPUT),
    )


class LegalCloseForm(forms.Form):
    outcome = forms.ChoiceField(
        label="结果", choices=LegalOutcome.choices, widget=forms.Select(SELECT)
    )
    closed_on = _date("结案日期")
    amount_recovered = forms.DecimalField(
        label="挽回金额（元）",
        min_value=0,
        decimal_places=2,
        initial=0,
        widget=forms.NumberInput(INPUT),
    )


class SlotForm(forms.Form):
    station = forms.TypedChoiceField(label="咨询站", coerce=int, widget=forms.Select(SELECT))
    counselor = forms.TypedChoiceField(label="咨询师", coerce=int, widget=forms.Select(SELECT))
    day = _date("日期")
    at = forms.TimeField(
        label="开始时间",
        widget=forms.TimeInput(format="%H:%M", attrs={**INPUT, "type": "time"}),
    )
    minutes = forms.IntegerField(
        label="时长（分钟）",
        initial=50,
        min_value=10,
        max_value=240,
        widget=forms.NumberInput(INPUT),
    )
    weeks = forms.IntegerField(
        label="每周重复（周数，1 为不重复）",
        initial=1,
        min_value=1,
        max_value=12,
        widget=forms.NumberInput(INPUT),
    )

    def __init__(
        self,
        *args: Any,
        stations: list[tuple[int, str]],
        counselors: list[tuple[int, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["station"].choices = stations  # type: ignore[attr-defined]
        self.fields["counselor"].choices = counselors  # type: ignore[attr-defined]


class BookingForm(forms.Form):
    name = forms.CharField(label="姓名", max_length=30, widget=forms.TextInput(INPUT))
    id_number = forms.CharField(
        label="身份证号", max_length=20, widget=forms.TextInput({**INPUT, "autocomplete": "off"})
    )
    topic = forms.ChoiceField(
        label="咨询主题", choices=BookingTopic.choices, widget=forms.Select(SELECT)
    )


class CancelForm(forms.Form):
    reason = forms.CharField(label="取消原因", max_length=128, widget=forms.TextInput(INPUT))


class SessionForm(forms.Form):
    minutes = forms.IntegerField(
        label="实际时长（分钟）",
        initial=50,
        min_value=1,
        max_value=480,
        widget=forms.NumberInput(INPUT),
    )
    notes = forms.CharField(
        label="咨询记录（只有您本人可以查看）",
        required=False,
        max_length=4000,
        widget=forms.Textarea({**INPUT, "rows": 6}),
    )
    follow_up = forms.BooleanField(
        label="需要跟进", required=False, widget=forms.CheckboxInput({"class": "form-check-input"})
    )
