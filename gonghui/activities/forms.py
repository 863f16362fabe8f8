"""The activity form: the common fields and every kind's own (the service checks which a kind
needs, with the same sentences as the sheet)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from gonghui.activities.kinds import SPEAKER_TYPES, kinds
from gonghui.activities.models import FOUR_QUESTIONS, JobFair, Partnership
from gonghui.activities.services import MAX_ATTENDANCE
from gonghui.activities.services.followups import Finding, finding_problems

INPUT = {"class": "form-control"}


class ActivityForm(forms.Form):
    kind = forms.ChoiceField(label="类型", widget=forms.Select(attrs={"class": "form-select"}))
    title = forms.CharField(label="活动名称", max_length=128, widget=forms.TextInput(attrs=INPUT))
    held_on = forms.DateField(
        label="活动日期", widget=forms.DateInput(attrs={**INPUT, "type": "date"})
    )
    attendance = forms.IntegerField(
        label="参与人次",
        min_value=0,
        max_value=MAX_ATTENDANCE,
        initial=0,
        widget=forms.NumberInput(attrs=INPUT),
    )
    uscc = forms.CharField(
        label="开展企业统一社会信用代码",
        max_length=18,
        required=False,
        help_text="班前十分钟、思政教师进企业须填写",
        widget=forms.TextInput(attrs=INPUT),
    )
    site = forms.CharField(
        label="地点", max_length=128, required=False, widget=forms.TextInput(attrs=INPUT)
    )
    speakers = forms.CharField(
        label="主讲人", max_length=200, required=False, widget=forms.TextInput(attrs=INPUT)
    )
    speaker_type = forms.ChoiceField(
        label="主讲人类型（宣讲）",
        required=False,
        choices=[("", "—"), *SPEAKER_TYPES],
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    viewers = forms.IntegerField(
        label="观看人次（直播）", required=False, min_value=0, widget=forms.NumberInput(attrs=INPUT)
    )
    school = forms.CharField(
        label="学校（劳模工匠进校园）",
        max_length=64,
        required=False,
        widget=forms.TextInput(attrs=INPUT),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kind: Any = self.fields["kind"]
        kind.choices = [
            ("", "请选择"),
            *((k.key, k.label) for k in kinds().values()),
        ]

    def extra_values(self) -> dict[str, Any]:
        """The kind's own fields as ``Activity.extra`` holds them (blank ones left out)."""
        declared = kinds().get(self.cleaned_data["kind"])
        keys = [f.key for f in declared.extra] if declared else []
        return {k: self.cleaned_data[k] for k in keys if self.cleaned_data.get(k) not in (None, "")}


class JobFairForm(forms.Form):
    title = forms.CharField(label="招聘会名称", max_length=128, widget=forms.TextInput(attrs=INPUT))
    held_on = forms.DateField(
        label="举办日期", widget=forms.DateInput(attrs={**INPUT, "type": "date"})
    )
    mode = forms.ChoiceField(
        label="举办方式",
        choices=JobFair.Mode.choices,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    venue = forms.CharField(
        label="地点或平台", max_length=128, required=False, widget=forms.TextInput(attrs=INPUT)
    )


# --- 大调研, 督导 and follow-up items -------------------------------------------------------

FINDING_ROWS = 5
DATE = {**INPUT, "type": "date"}
SELECT = {"class": "form-select"}


class FindingsForm(forms.Form):
    """A form with up to FINDING_ROWS findings, each a row of 事项, 责任工会, 办结期限, 责任人;
    a row with no 事项 is left out."""

    def findings_fields(self, owners: list[Any]) -> None:
        choices = [("", "请选择"), *((u.code, u.name) for u in owners)]
        self.owner_by_code = {u.code: u for u in owners}
        for i in range(1, FINDING_ROWS + 1):
            self.fields[f"finding_{i}_title"] = forms.CharField(
                label=f"问题{i}",
                max_length=200,
                required=False,
                widget=forms.TextInput(attrs=INPUT),
            )
            self.fields[f"finding_{i}_owner"] = forms.ChoiceField(
                label="责任工会", choices=choices, required=False, widget=forms.Select(attrs=SELECT)
            )
            self.fields[f"finding_{i}_deadline"] = forms.DateField(
                label="办结期限", required=False, widget=forms.DateInput(attrs=DATE)
            )
            self.fields[f"finding_{i}_person"] = forms.CharField(
                label="责任人", max_length=50, required=False, widget=forms.TextInput(attrs=INPUT)
            )

    def finding_rows(self) -> list[list[Any]]:
        """The bound fields of each row, for the template."""
        return [
            [self[f"finding_{i}_{part}"] for part in ("title", "owner", "deadline", "person")]
            for i in range(1, FINDING_ROWS + 1)
        ]

    def findings(self, *, assigned_by: Any) -> list[Finding]:
        """The rows with a 事项 as findings; each row's problems (no union, a deadline before
        today…) are added beside it, with the service's sentences."""
        found = []
        today = timezone.localdate()
        for i in range(1, FINDING_ROWS + 1):
            title = (self.cleaned_data.get(f"finding_{i}_title") or "").strip()
            if not title:
                continue
            owner = self.owner_by_code.get(self.cleaned_data.get(f"finding_{i}_owner") or "")
            if owner is None:
                self.add_error(f"finding_{i}_owner", "请选择责任工会")
                continue
            finding = Finding(
                title=title,
                owner=owner,
                deadline=self.cleaned_data.get(f"finding_{i}_deadline"),
                owner_person=self.cleaned_data.get(f"finding_{i}_person") or "",
            )
            problems = finding_problems(finding, assigned_by=assigned_by, created_on=today)
            for _, message in problems:
                part = "owner" if "责任工会" in message else "deadline"
                self.add_error(f"finding_{i}_{part}", message.removeprefix(f"“{title}”"))
            found.append(finding)
        return found


class ResearchVisitForm(FindingsForm):
    visited_on = forms.DateField(label="调研日期", widget=forms.DateInput(attrs=DATE))
    leaders = forms.CharField(label="带队领导", max_length=200, widget=forms.TextInput(attrs=INPUT))
    uscc = forms.CharField(
        label="调研企业统一社会信用代码",
        max_length=18,
        required=False,
        widget=forms.TextInput(attrs=INPUT),
    )
    place = forms.CharField(
        label="调研地点（无企业时填写）",
        max_length=128,
        required=False,
        widget=forms.TextInput(attrs=INPUT),
    )
    people_met = forms.CharField(
        label="座谈对象", max_length=200, required=False, widget=forms.TextInput(attrs=INPUT)
    )

    def __init__(self, *args: Any, owners: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for key, question in FOUR_QUESTIONS:
            self.fields[f"answer_{key}"] = forms.CharField(
                label=question,
                required=False,
                widget=forms.Textarea(attrs={**INPUT, "rows": 2}),
            )
        self.findings_fields(owners)

    def answer_fields(self) -> list[Any]:
        return [self[f"answer_{key}"] for key, _ in FOUR_QUESTIONS]

    def answers(self) -> dict[str, str]:
        return {key: self.cleaned_data.get(f"answer_{key}") or "" for key, _ in FOUR_QUESTIONS}


class SupervisionForm(FindingsForm):
    target = forms.ChoiceField(label="被督导工会", widget=forms.Select(attrs=SELECT))
    topic = forms.CharField(label="督导事项", max_length=200, widget=forms.TextInput(attrs=INPUT))
    visited_on = forms.DateField(label="督导日期", widget=forms.DateInput(attrs=DATE))
    leaders = forms.CharField(
        label="督导组成员", max_length=200, widget=forms.TextInput(attrs=INPUT)
    )

    def __init__(self, *args: Any, targets: list[Any], owners: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.target_by_code = {u.code: u for u in targets}
        target: Any = self.fields["target"]
        target.choices = [("", "请选择"), *((u.code, u.name) for u in targets)]
        self.findings_fields(owners)

    def target_union(self) -> Any:
        return self.target_by_code.get(self.cleaned_data.get("target") or "")


class FollowUpTaskForm(forms.Form):
    title = forms.CharField(label="任务", max_length=200, widget=forms.TextInput(attrs=INPUT))
    detail = forms.CharField(
        label="具体要求", required=False, widget=forms.Textarea(attrs={**INPUT, "rows": 3})
    )
    owner = forms.ChoiceField(label="责任工会", widget=forms.Select(attrs=SELECT))
    owner_person = forms.CharField(
        label="责任人", max_length=50, required=False, widget=forms.TextInput(attrs=INPUT)
    )
    deadline = forms.DateField(label="办结期限", widget=forms.DateInput(attrs=DATE))

    def __init__(self, *args: Any, owners: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.owner_by_code = {u.code: u for u in owners}
        owner: Any = self.fields["owner"]
        owner.choices = [("", "请选择"), *((u.code, u.name) for u in owners)]

    def finding(self) -> Finding:
        data = self.cleaned_data
        return Finding(
            title=data["title"],
            owner=self.owner_by_code[data["owner"]],
            deadline=data["deadline"],
            owner_person=data["owner_person"],
            detail=data["detail"],
        )


class CompleteForm(forms.Form):
    evidence = forms.CharField(
        label="办理情况", widget=forms.Textarea(attrs={**INPUT, "rows": 4}), required=False
    )


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label="退回理由", max_length=200, required=False, widget=forms.TextInput(attrs=INPUT)
    )


# --- the city's selections -------------------------------------------------------------------


class SelectForm(forms.Form):
    showcase = forms.BooleanField(label="选为优秀活动案例", required=False)
    lead_speaker = forms.BooleanField(label="主讲人选为领讲员", required=False)


class CaseForm(forms.Form):
    title = forms.CharField(label="案例名称", max_length=128, widget=forms.TextInput(attrs=INPUT))
    union = forms.ChoiceField(label="案例工会", widget=forms.Select(attrs=SELECT))
    year = forms.IntegerField(label="年度", widget=forms.NumberInput(attrs=INPUT))
    summary = forms.CharField(label="案例简介", widget=forms.Textarea(attrs={**INPUT, "rows": 6}))
    activities = forms.MultipleChoiceField(
        label="关联的优秀活动案例",
        required=False,
        widget=forms.SelectMultiple(attrs={**SELECT, "size": 6}),
    )

    def __init__(self, *args: Any, unions: list[Any], activities: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.union_by_code = {u.code: u for u in unions}
        self.activity_by_id = {str(a.pk): a for a in activities}
        union: Any = self.fields["union"]
        union.choices = [("", "请选择"), *((u.code, u.name) for u in unions)]
        chosen: Any = self.fields["activities"]
        chosen.choices = [
            (str(a.pk), f"{a.held_on:%Y-%m-%d} {a.title}（{a.union.name}）") for a in activities
        ]
        year: Any = self.fields["year"]
        year.initial = timezone.localdate().year

    def chosen_union(self) -> Any:
        return self.union_by_code[self.cleaned_data["union"]]

    def chosen_activities(self) -> list[Any]:
        return [self.activity_by_id[pk] for pk in self.cleaned_data["activities"]]


class PartnershipForm(forms.Form):
    kind = forms.ChoiceField(
        label="类型",
        choices=[("", "请选择"), *Partnership.Kind.choices],
        widget=forms.Select(attrs=SELECT),
    )
    partner = forms.CharField(
        label="合作地区",
        max_length=64,
        widget=forms.TextInput(attrs={**INPUT, "placeholder": "如 柯坪县"}),
    )
    title = forms.CharField(label="协议名称", max_length=128, widget=forms.TextInput(attrs=INPUT))
    signed_on = forms.DateField(label="签订日期", widget=forms.DateInput(attrs=DATE))
    money = forms.DecimalField(
        label="资金（元）",
        required=False,
        max_digits=12,
        decimal_places=2,
        widget=forms.NumberInput(attrs={**INPUT, "step": "0.01"}),
    )
    base_name = forms.CharField(
        label="疗休养基地名称（疗休养基地填写）",
        max_length=128,
        required=False,
        widget=forms.TextInput(attrs=INPUT),
    )
    items = forms.CharField(
        label="合作事项", required=False, widget=forms.Textarea(attrs={**INPUT, "rows": 4})
    )
