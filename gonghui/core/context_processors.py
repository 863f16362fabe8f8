from typing import Any

from django.http import HttpRequest

from gonghui.core.navigation import AREAS


def gonghui(request: HttpRequest) -> dict[str, Any]:
    return {"nav_areas": AREAS}
