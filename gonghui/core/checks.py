"""Deployment checks added to `manage.py check --deploy`."""

from typing import Any

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def secrets_from_environment(app_configs: Any, **kwargs: Any) -> list[Warning]:
    if settings.DEBUG or settings.GONGHUI_SECRETS_FROM_ENV:
        return []
    return [
        Warning(
            "SECRET_KEY, GONGHUI_DATA_KEY or GONGHUI_INDEX_KEY is not set in the environment "
            "and was read from var/secrets.json.",
            hint="Set all three in the environment of every app server and task worker; "
            "they must be identical everywhere and kept outside the repository.",
            id="gonghui.W001",
        )
    ]
