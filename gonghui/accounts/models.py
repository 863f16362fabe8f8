"""What account administration keeps beside the staff user: one-time reset codes, the
history of the personal-data right, and initial-password workbooks waiting to be fetched."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from gonghui.core.scoping import ScopedQuerySet


class UserOwnedQuerySet(ScopedQuerySet):
    """Rows about a staff user belong to that user's union."""

    scope_path_field = "user__union__path"


class PasswordResetCode(models.Model):
    """A one-time code an administrator hands to a user who forgot their password.

    Only its hash is kept; it works once, before it expires, and issuing a new one voids the
    old. No e-mail or SMS is needed: the administrator reads it out or prints it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reset_codes"
    )
    code_hash = models.CharField(max_length=128)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    issued_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    objects = UserOwnedQuerySet.as_manager()

    class Meta:
        verbose_name = "密码重置码"
        verbose_name_plural = "密码重置码"

    def __str__(self) -> str:
        return f"{self.user_id} {self.issued_at:%Y-%m-%d %H:%M}"


class PiiGrant(models.Model):
    """One grant or withdrawal of the personal-data right (pii_access), with its reason."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="账号",
        on_delete=models.CASCADE,
        related_name="pii_grants",
    )
    granted = models.BooleanField("授予")  # False: withdrawn
    reason = models.CharField("理由", max_length=200)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField("时间", auto_now_add=True)

    objects = UserOwnedQuerySet.as_manager()

    class Meta:
        verbose_name = "个人信息权限变更"
        verbose_name_plural = "个人信息权限变更"
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.user_id} {'授予' if self.granted else '撤销'}"


class CredentialDelivery(models.Model):
    """A workbook of initial passwords, kept (mode 0600) in the private folder until its
    creator downloads it, once; the file is deleted as it is handed over."""

    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    union = models.ForeignKey("orgs.Union", on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    file = models.CharField(max_length=200)  # relative to GONGHUI_PRIVATE_ROOT
    accounts = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    downloaded_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "初始密码表"
        verbose_name_plural = "初始密码表"

    def __str__(self) -> str:
        return str(self.token)
