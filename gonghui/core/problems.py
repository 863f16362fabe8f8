"""A service's refusals: every problem of what was typed, as (field, Chinese message) pairs,
raised at once as one ValidationError ({field: [messages]}) that a form puts beside its fields
and a sheet beside its cells."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError


def problems_raise(problems: Sequence[tuple[str, str]]) -> None:
    """Raise the problems, if there are any, as one ValidationError by field."""
    if not problems:
        return
    errors: dict[str, list[str]] = {}
    for field, message in problems:
        errors.setdefault(field, []).append(message)
    raise ValidationError(errors)


def problems_show(
    form: Any,
    exc: ValidationError,
    *,
    rename: dict[str, str] | None = None,
    apart: tuple[str, ...] = (),
) -> dict[str, list[str]]:
    """The inverse of ``problems_raise``: a service's refusals beside the form's fields
    (``rename`` maps a service's field to the form's: enterprise → uscc), and above the form
    for fields it does not have. Refusals of the fields in ``apart`` (uploaded photos, shown
    by their own widget) are returned instead, by field."""
    by_field = exc.message_dict if hasattr(exc, "error_dict") else {"": exc.messages}
    kept: dict[str, list[str]] = {}
    for field, errors in by_field.items():
        if field in apart:
            kept.setdefault(field, []).extend(errors)
            continue
        name = (rename or {}).get(field, field)
        for error in errors:
            form.add_error(name if name in form.fields else None, error)
    return kept
