from typing import Any, cast

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from gonghui.core.models import User
from gonghui.core.navigation import areas_for, badges_for


def _badges(request: HttpRequest) -> dict[str, int]:
    user = request.user
    if not getattr(user, "is_authenticated", False) or getattr(user, "union", None) is None:
        return {}
    return badges_for(cast(User, user))


def gonghui(request: HttpRequest) -> dict[str, Any]:
    # Lazy: pages without the sidebar (the public notice) pay nothing for the counts.
    return {
        "nav_areas": SimpleLazyObject(lambda: areas_for(request.user)),
        "nav_badges": SimpleLazyObject(lambda: _badges(request)),
    }
