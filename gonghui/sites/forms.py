"""The forms of the sites' pages: a site keyed in (with a map to pick its place), an
inspection (a box per checklist item, ticked: passed), a day's visitors."""

from __future__ import annotations

from typing import Any

from django import forms

from gonghui.sites.geo import GCJ02, SYSTEMS
from gonghui.sites.models import SiteKind
from gonghui.sites.services import hours_parse

INPUT = {"class": "form-control"}


class InspectionForm(forms.Form):
    inspected_on = forms.DateField(
        label="检查日期", widget=forms.DateInput(attrs={**INPUT, "type": "date"})
    )
    inspector = forms.CharField(label="检查人", max_length=50, widget=forms.TextInput(attrs=INPUT))
    note = forms.CharField(
        label="情况说明", required=False, widget=forms.Textarea(attrs={**INPUT, "rows": 3})
    )

    def __init__(self, *args: Any, items: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.items = items
        for n, item in enumerate(items):
            self.fields[f"item_{n}"] = forms.BooleanField(label=item, required=False)

    def item_fields(self) -> list[Any]:
        return [self[f"item_{n}"] for n in range(len(self.items))]

    def results(self) -> dict[str, bool]:
        return {item: bool(self.cleaned_data.get(f"item_{n}")) for n, item in enumerate(self.items)}


class VisitorsForm(forms.Form):
    day = forms.DateField(label="日期", widget=forms.DateInput(attrs={**INPUT, "type": "date"}))
    count = forms.IntegerField(label="服务人次", min_value=0, widget=forms.NumberInput(attrs=INPUT))


class SiteForm(forms.Form):
    """A site keyed in on the page; a click on the map fills 经度 and 纬度 (GCJ-02)."""

    code = forms.CharField(label="站点编号", max_length=32, widget=forms.TextInput(attrs=INPUT))
    name = forms.CharField(label="站点名称", max_length=128, widget=forms.TextInput(attrs=INPUT))
    kind = forms.ChoiceField(label="类型", widget=forms.Select(attrs={"class": "form-select"}))
    township = forms.ChoiceField(
        label="所在乡镇（街道）", widget=forms.Select(attrs={"class": "form-select"})
    )
    address = forms.CharField(
        label="地址", max_length=200, required=False, widget=forms.TextInput(attrs=INPUT)
    )
    lng = forms.DecimalField(
        label="经度",
        max_digits=10,
        decimal_places=6,
        widget=forms.NumberInput(attrs={**INPUT, "step": "0.000001"}),
    )
    lat = forms.DecimalField(
        label="纬度",
        max_digits=10,
        decimal_places=6,
        widget=forms.NumberInput(attrs={**INPUT, "step": "0.000001"}),
    )
    system = forms.ChoiceField(
        label="坐标系",
        choices=SYSTEMS,
        initial=GCJ02,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    hours = forms.CharField(
        label="开放时间",
        max_length=64,
        required=False,
        help_text="如 08:00-20:00、周一至周五 08:30-17:30 或 全天",
        widget=forms.TextInput(attrs=INPUT),
    )
    facilities = forms.MultipleChoiceField(
        label="设施", required=False, widget=forms.CheckboxSelectMultiple
    )
    opened_on = forms.DateField(
        label="启用日期", widget=forms.DateInput(attrs={**INPUT, "type": "date"})
    )
    closed_on = forms.DateField(
        label="停用日期", required=False, widget=forms.DateInput(attrs={**INPUT, "type": "date"})
    )

    def __init__(
        self, *args: Any, townships: list[Any], facilities: list[str], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.township_by_code = {t.code: t for t in townships}
        township: Any = self.fields["township"]
        township.choices = [("", "请选择"), *((t.code, t.name) for t in townships)]
        kind: Any = self.fields["kind"]
        kind.choices = [("", "请选择"), *SiteKind.choices]
        chosen: Any = self.fields["facilities"]
        chosen.choices = [(f, f) for f in facilities]

    def clean_hours(self) -> str:
        try:
            return hours_parse(self.cleaned_data.get("hours") or "")
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from exc
