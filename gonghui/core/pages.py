"""What every module's thin views share: a form run through its service (the service's
refusals shown beside the fields), and the keyset page parameter of the ledgers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from gonghui.core.problems import problems_show


def before_param(request: HttpRequest) -> int | None:
    """The keyset page's ``before`` id (the ledgers list newest first)."""
    before = request.GET.get("before", "")
    return int(before) if before.isdigit() else None


def form_page(
    request: HttpRequest,
    form: Any,
    save: Callable[[dict[str, Any]], Any],
    *,
    title: str,
    back: str,
    back_args: tuple[Any, ...] = (),
    template: str = "core/simple_form.html",
    extra: dict[str, Any] | None = None,
) -> HttpResponse | None:
    """Run a form through its service; None when it was saved (the caller redirects)."""
    if request.method == "POST" and form.is_valid():
        try:
            save(form.cleaned_data)
        except ValidationError as exc:
            problems_show(form, exc)
        else:
            return None
    context = {"form": form, "title": title, "back": back, "back_args": back_args}
    return render(request, template, {**context, **(extra or {})})
