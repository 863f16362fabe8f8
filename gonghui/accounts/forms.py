from __future__ import annotations

from django import forms

from gonghui.core.models import Role

INPUT = {"class": "form-control"}
SELECT = {"class": "form-select"}


class UserForm(forms.Form):
    display_name = forms.CharField(label="姓名", max_length=64, widget=forms.TextInput(INPUT))
    union = forms.CharField(
        label="所属工会",
        max_length=200,
        help_text="输入工会名称或代码的一部分，从列表中选择",
        widget=forms.TextInput(
            {**INPUT, "list": "union-options", "autocomplete": "off", "data-union-picker": "1"}
        ),
    )
    role = forms.ChoiceField(label="角色", choices=Role.choices, widget=forms.Select(SELECT))
    phone = forms.CharField(
        label="手机号码", max_length=20, required=False, widget=forms.TextInput(INPUT)
    )


class UserCreateForm(UserForm):
    username = forms.CharField(
        label="账号",
        max_length=30,
        help_text="3～30 位英文字母、数字或 _ . -，用于登录",
        widget=forms.TextInput({**INPUT, "autocomplete": "off"}),
    )
    field_order = ["username", "display_name", "union", "role", "phone"]


class PiiForm(forms.Form):
    reason = forms.CharField(
        label="理由",
        max_length=200,
        widget=forms.TextInput({**INPUT, "placeholder": "例如：负责大病救助审核，需核对身份证号"}),
    )


class PasswordChangeForm(forms.Form):
    old_password = forms.CharField(
        label="原密码", widget=forms.PasswordInput({**INPUT, "autocomplete": "current-password"})
    )
    new_password = forms.CharField(
        label="新密码",
        help_text="至少 12 位，含小写字母、大写字母、数字、符号中的三类",
        widget=forms.PasswordInput({**INPUT, "autocomplete": "new-password"}),
    )
    new_password2 = forms.CharField(
        label="再次输入新密码",
        widget=forms.PasswordInput({**INPUT, "autocomplete": "new-password"}),
    )

    def clean(self) -> dict:
        data = super().clean() or {}
        if data.get("new_password") and data.get("new_password") != data.get("new_password2"):
            self.add_error("new_password2", "两次输入的新密码不一致。")
        return data


class ResetRedeemForm(forms.Form):
    username = forms.CharField(
        label="账号", max_length=150, widget=forms.TextInput({**INPUT, "autocomplete": "username"})
    )
    code = forms.CharField(
        label="重置码",
        max_length=32,
        help_text="管理员提供的 10 位重置码",
        widget=forms.TextInput({**INPUT, "autocomplete": "off"}),
    )
    new_password = forms.CharField(
        label="新密码",
        help_text="至少 12 位，含小写字母、大写字母、数字、符号中的三类",
        widget=forms.PasswordInput({**INPUT, "autocomplete": "new-password"}),
    )
    new_password2 = forms.CharField(
        label="再次输入新密码",
        widget=forms.PasswordInput({**INPUT, "autocomplete": "new-password"}),
    )

    def clean(self) -> dict:
        data = super().clean() or {}
        if data.get("new_password") and data.get("new_password") != data.get("new_password2"):
            self.add_error("new_password2", "两次输入的新密码不一致。")
        return data
