"""Template filters of the wages pages."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django import template

register = template.Library()


@register.filter
def percent(value: Any) -> str:
    """A rise as a fraction (0.0812) shown as a percentage to the hundredth (8.12%)."""
    if value is None:
        return "—"
    return f"{(Decimal(value) * 100).quantize(Decimal('0.01'), rounding=ROUND_HALF_UP)}%"
