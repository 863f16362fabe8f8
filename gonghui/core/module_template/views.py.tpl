"""Pages of %%title%%: the list, a new one, one in detail. Thin: parse, call, render."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from %%package%% import selectors
from %%package%%.forms import %%Entity%%Form
from %%package%%.permissions import may_edit, require_edit
from %%package%%.services import %%entity%%_create
from gonghui.core.middleware import request_actor


@require_GET
def %%entity%%_list(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    before = request.GET.get("before", "")
    rows, next_before = selectors.%%entity%%_page(
        actor=actor, before=int(before) if before.isdigit() else None
    )
    return render(
        request,
        "%%app%%/list.html",
        {"rows": rows, "next_before": next_before, "may_edit": may_edit(actor, actor.union)},
    )


def %%entity%%_new(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    require_edit(actor, actor.union)
    form = %%Entity%%Form(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            record = %%entity%%_create(actor=actor, union=actor.union, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"已录入“{record.name}”。")
            return redirect("%%app%%:detail", %%entity%%_id=record.pk)
    return render(request, "%%app%%/form.html", {"form": form})


@require_GET
def %%entity%%_detail(request: HttpRequest, %%entity%%_id: int) -> HttpResponse:
    record = selectors.access_%%entity%%(actor=request_actor(request), %%entity%%_id=%%entity%%_id)
    return render(request, "%%app%%/detail.html", {"record": record})
