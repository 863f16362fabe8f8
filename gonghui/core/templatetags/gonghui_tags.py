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


@register.filter
def money(value: Any) -> str:
    """An amount as every page shows it: thousands separated, two decimals ("12,345.60")."""
    from decimal import Decimal, InvalidOperation

    if value is None or value == "":
        return ""
    try:
        return f"{Decimal(str(value)):,.2f}"
    except InvalidOperation:
        return str(value)
