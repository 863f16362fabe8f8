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


def problems_show(form: Any, exc: ValidationError) -> None:
    """The inverse of ``problems_raise``: a service's refusals beside the form's fields, and
    above the form for fields it does not have."""
    by_field = exc.message_dict if hasattr(exc, "error_dict") else {"": exc.messages}
    for field, errors in by_field.items():
        for error in errors:
            form.add_error(field if field in form.fields else None, error)
