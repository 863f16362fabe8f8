from __future__ import annotations

from typing import Any

from django import forms

from gonghui.skills.models import CareKind, HonourKind, HonourLevel, InnovationStudio, StudioLevel
from gonghui.skills.services.competitions import chains


class CompetitionForm(forms.Form):
    """A competition, typed: the same fields as the competition file of `skills
    load-competition`, given to the same service."""

    code = forms.CharField(
        label="竞赛编号", max_length=32, help_text="字母、数字或 - _ .，如 BYQJ-2023-001"
    )
    name = forms.CharField(label="竞赛名称", max_length=128)
    series = forms.CharField(label="系列赛", max_length=128, required=False)
    trade = forms.CharField(label="工种（职业）", max_length=64)
    chain = forms.ChoiceField(label="产业链", required=False)
    co_organisers = forms.CharField(label="协办单位", max_length=200, required=False)
    date = forms.DateField(label="举办日期", widget=forms.DateInput(attrs={"type": "date"}))
    venue = forms.CharField(label="地点", max_length=128, required=False)
    theory = forms.IntegerField(label="理论成绩权重（%）", min_value=0, max_value=100, initial=30)
    practical = forms.IntegerField(
        label="实操成绩权重（%）", min_value=0, max_value=100, initial=70
    )
    pass_mark = forms.DecimalField(
        label="合格线", min_value=0, max_value=100, decimal_places=2, initial=60
    )
    prize1 = forms.DecimalField(
        label="第一名奖金（元）", min_value=0, decimal_places=2, required=False
    )
    prize2 = forms.DecimalField(
        label="第二名奖金（元）", min_value=0, decimal_places=2, required=False
    )
    prize3 = forms.DecimalField(
        label="第三名奖金（元）", min_value=0, decimal_places=2, required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        chain: forms.ChoiceField = self.fields["chain"]  # type: ignore[assignment]
        chain.choices = [("", "（不属于产业链）"), *((c, c) for c in chains())]
        for field in self.fields.values():
            select = isinstance(field.widget, forms.Select)
            field.widget.attrs.setdefault("class", "form-select" if select else "form-control")

    def file_data(self, union_code: str) -> dict[str, Any]:
        """The competition file these fields make."""
        d = self.cleaned_data
        return {
            "code": d["code"],
            "name": d["name"],
            "series": d["series"],
            "trade": d["trade"],
            "chain": d["chain"],
            "co_organisers": d["co_organisers"],
            "date": d["date"].isoformat(),
            "venue": d["venue"],
            "union": union_code,
            "weights": {"theory": d["theory"], "practical": d["practical"]},
            "pass_mark": str(d["pass_mark"]),
            "prizes": {
                str(n): str(d[f"prize{n}"]) for n in (1, 2, 3) if d[f"prize{n}"] is not None
            },
        }


def _styled(form: forms.Form) -> None:
    for field in form.fields.values():
        select = isinstance(field.widget, forms.Select)
        field.widget.attrs.setdefault("class", "form-select" if select else "form-control")


DATE = forms.DateInput(attrs={"type": "date"})


class MentorshipForm(forms.Form):
    mentor_name = forms.CharField(label="导师姓名", max_length=30)
    mentor_id = forms.CharField(label="导师身份证号", max_length=24)
    apprentice_name = forms.CharField(label="徒弟姓名", max_length=30)
    apprentice_id = forms.CharField(label="徒弟身份证号", max_length=24)
    started_on = forms.DateField(label="结对日期", widget=DATE)
    ended_on = forms.DateField(label="结束日期", widget=DATE, required=False)
    outcome = forms.CharField(label="帮带成效", max_length=300, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _styled(self)


class StudioForm(forms.Form):
    name = forms.CharField(label="工作室名称", max_length=128)
    level = forms.ChoiceField(label="级别", choices=StudioLevel.choices)
    leader_name = forms.CharField(label="领衔人姓名", max_length=30)
    leader_id = forms.CharField(label="领衔人身份证号", max_length=24)
    uscc = forms.CharField(label="所在企业统一社会信用代码", max_length=24, required=False)
    enterprise_name = forms.CharField(label="所在企业", max_length=128, required=False)
    founded_on = forms.DateField(label="命名日期", widget=DATE)
    members_count = forms.IntegerField(label="成员人数", min_value=0, initial=0)
    patents = forms.IntegerField(label="专利（项）", min_value=0, initial=0)
    innovations = forms.IntegerField(label="技术革新（项）", min_value=0, initial=0)
    savings = forms.DecimalField(
        label="创造经济效益（元）", min_value=0, decimal_places=2, initial=0
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _styled(self)


class AllianceForm(forms.Form):
    name = forms.CharField(label="联盟名称", max_length=128)
    industry = forms.CharField(label="行业", max_length=64, required=False)
    founded_on = forms.DateField(label="成立日期", widget=DATE)
    lead_studio = forms.ModelChoiceField(
        label="牵头工作室", queryset=InnovationStudio.objects.none()
    )
    studios = forms.ModelMultipleChoiceField(
        label="成员工作室", queryset=InnovationStudio.objects.none(), required=False
    )

    def __init__(self, *args: Any, studios: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        lead: forms.ModelChoiceField = self.fields["lead_studio"]  # type: ignore[assignment]
        members: forms.ModelMultipleChoiceField = self.fields["studios"]  # type: ignore[assignment]
        lead.queryset = members.queryset = studios
        _styled(self)
        members.widget.attrs["size"] = "8"


class RoundForm(forms.Form):
    """A nomination round, with a places field for each county the union gives places to."""

    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    kind = forms.ChoiceField(label="荣誉", choices=HonourKind.choices)
    level = forms.ChoiceField(label="级别", choices=HonourLevel.choices)
    name = forms.CharField(label="评选名称", max_length=128)
    closes_on = forms.DateField(label="推荐截止日期", widget=DATE)
    frontline_min_pct = forms.IntegerField(
        label="一线职工比例不低于（%）", min_value=0, max_value=100, initial=0
    )
    conditions = forms.CharField(
        label="推荐条件", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args: Any, counties: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.counties = counties
        for county in counties:
            self.fields[f"places_{county.code}"] = forms.IntegerField(
                label=f"{county.name}名额", min_value=0, initial=0
            )
        _styled(self)

    def places(self) -> dict[str, int]:
        return {c.code: self.cleaned_data[f"places_{c.code}"] or 0 for c in self.counties}


class NominationForm(forms.Form):
    name = forms.CharField(label="被推荐人姓名", max_length=30, required=False)
    id_number = forms.CharField(label="被推荐人身份证号", max_length=24, required=False)
    unit_name = forms.CharField(label="单位名称", max_length=128, required=False)
    team_name = forms.CharField(label="班组（团队）名称", max_length=128, required=False)
    frontline = forms.BooleanField(label="一线职工", required=False)
    deeds = forms.CharField(label="主要事迹", widget=forms.Textarea(attrs={"rows": 5}))

    def __init__(self, *args: Any, subject: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if subject != "person":
            for name in ("name", "id_number", "frontline"):
                del self.fields[name]
        if subject != "team":
            del self.fields["team_name"]
        _styled(self)
        if "frontline" in self.fields:
            self.fields["frontline"].widget.attrs["class"] = "form-check-input"


class HonourRecordForm(forms.Form):
    kind = forms.ChoiceField(label="荣誉", choices=HonourKind.choices)
    level = forms.ChoiceField(label="级别", choices=HonourLevel.choices)
    year = forms.IntegerField(label="年度", min_value=1950, max_value=2100)
    granted_on = forms.DateField(label="授予日期", widget=DATE)
    name = forms.CharField(label="获得者姓名（个人）", max_length=30, required=False)
    id_number = forms.CharField(label="身份证号（个人）", max_length=24, required=False)
    unit_name = forms.CharField(label="单位名称", max_length=128, required=False)
    team_name = forms.CharField(label="班组（团队）名称", max_length=128, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _styled(self)


class CareForm(forms.Form):
    kind = forms.ChoiceField(label="事项", choices=CareKind.choices)
    on = forms.DateField(label="日期", widget=DATE)
    note = forms.CharField(label="情况", max_length=300, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _styled(self)


class AllowanceForm(forms.Form):
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    amount = forms.DecimalField(label="金额（元）", min_value=0, decimal_places=2)
    reason = forms.CharField(label="补助事由", max_length=200)
    payee_bank = forms.CharField(label="收款银行", max_length=64)
    account = forms.CharField(label="收款账号", max_length=40)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _styled(self)
