from typing import Any

from django import template

register = template.Library()


@register.filter
def get_item(mapping: Any, key: str) -> Any:
    """``mapping|get_item:key`` for keys known only at render time (sidebar badges)."""
    try:
        return mapping[key]
    except (KeyError, TypeError):
        return None
