"""%%title%%: one row per %%entity%%, owned by the union that recorded it."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from gonghui.core.scoping import ScopedQuerySet


class %%Entity%%(models.Model):
    union = models.ForeignKey(
        "orgs.Union", verbose_name="所属工会", on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField("名称", max_length=128)
    held_on = models.DateField("日期")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "%%title%%"
        verbose_name_plural = "%%title%%"
        ordering = ["-held_on", "-id"]
        constraints = [
            # The sheet's natural key: importing the same row again creates nothing.
            models.UniqueConstraint(
                fields=["union", "name", "held_on"], name="%%app%%_%%entity%%_once"
            ),
        ]

    def __str__(self) -> str:
        return self.name
