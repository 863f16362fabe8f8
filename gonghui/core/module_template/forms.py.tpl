from __future__ import annotations

from django import forms


class %%Entity%%Form(forms.Form):
    name = forms.CharField(label="名称", max_length=128)
    held_on = forms.DateField(label="日期", widget=forms.DateInput(attrs={"type": "date"}))
