"""Pages of 活动台账: the list, a new one, one in detail. Thin: parse, call, render."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from gonghui.activities import selectors
from gonghui.activities.forms import ActivityForm
from gonghui.activities.kinds import kinds
from gonghui.activities.permissions import may_edit, require_edit
from gonghui.activities.services import activity_create
from gonghui.core.middleware import request_actor
from gonghui.orgs.selectors import union_of_page


@require_GET
def activity_list(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    before = request.GET.get("before", "")
    rows, next_before = selectors.activity_page(
        actor=actor, before=int(before) if before.isdigit() else None
    )
    labels = {k.key: k.label for k in kinds().values()}
    for row in rows:
        row.kind_label = labels.get(row.kind, row.kind)  # type: ignore[attr-defined]
    return render(
        request,
        "activities/list.html",
        {
            "rows": rows,
            "next_before": next_before,
            "may_edit": may_edit(actor, actor.union),
        },
    )


def activity_new(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    union = union_of_page(actor=actor, code=None)  # one's own union; 404 without one
    require_edit(actor, union)
    form = ActivityForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            enterprise = selectors.enterprise_of_activity(
                actor=actor, union=union, uscc=data["uscc"]
            )
            record = activity_create(
                actor=actor,
                union=union,
                kind=data["kind"],
                title=data["title"],
                held_on=data["held_on"],
                enterprise=enterprise,
                site=data["site"],
                attendance=data["attendance"],
                speakers=data["speakers"],
                extra=form.extra_values(),
            )
        except ValidationError as exc:
            for field, messages_ in exc.message_dict.items():
                name = "uscc" if field == "enterprise" else field
                form.add_error(name if name in form.fields else None, messages_)
        else:
            messages.success(request, f"已录入“{record.title}”。")
            return redirect("activities:detail", activity_id=record.pk)
    return render(request, "activities/form.html", {"form": form})


@require_GET
def activity_detail(request: HttpRequest, activity_id: int) -> HttpResponse:
    record = selectors.access_activity(actor=request_actor(request), activity_id=activity_id)
    kind = kinds().get(record.kind)
    return render(
        request,
        "activities/detail.html",
        {
            "record": record,
            "kind": kind,
            "extras": [(f.header, record.extra.get(f.key)) for f in (kind.extra if kind else ())],
        },
    )
