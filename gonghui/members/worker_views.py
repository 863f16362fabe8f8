"""The pages of the registry of workers (登记职工)."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from gonghui.core.middleware import request_actor
from gonghui.core.pages import form_page
from gonghui.core.problems import problems_show
from gonghui.members import selectors
from gonghui.members.extensions import member_panels
from gonghui.members.forms import WorkerEditForm, WorkerForm, WorkerJoinForm
from gonghui.members.models import Occupation
from gonghui.members.permissions import may_edit_members, require_member_editor
from gonghui.members.views import roster_search
from gonghui.members.workers import worker_join, worker_register, worker_update
from gonghui.orgs.selectors import union_choices


def worker_list(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    if actor.union is None:
        return render(request, "orgs/no_scope.html", status=403)
    asked = roster_search(request, where="登记职工", keep=("state", "occupation"))
    if isinstance(asked, HttpResponse):
        return asked
    state = asked.params.get("state", "")
    occupation = asked.params.get("occupation", "")
    workers, next_before = (
        ([], None)
        if asked.error
        else selectors.worker_page(
            actor=actor,
            union=asked.union,
            text=asked.q,
            state=state if state in selectors.WORKER_STATES else "",
            occupation=occupation if occupation in Occupation.values else "",
            before=asked.before,
        )
    )
    carried = "".join(
        f"&{k}={quote(v)}" for k, v in (("state", state), ("occupation", occupation)) if v
    )
    return render(
        request,
        "members/worker_list.html",
        {
            "union": asked.union,
            "workers": workers,
            "next_before": None if asked.kind else next_before,
            "q": "" if asked.kind else asked.q,
            "search_error": asked.error,
            "unions": union_choices(actor=actor),
            "states": selectors.WORKER_STATES,
            "state": state,
            "occupations": Occupation.choices,
            "occupation": occupation,
            "carried": carried,
            "may_edit": may_edit_members(actor),
        },
        status=429 if asked.error and asked.kind and request.method == "POST" else 200,
    )


def _in_scope_union(actor: Any, ref: str) -> Any:
    try:
        return selectors.holding_union_named(actor=actor, ref=ref)
    except ValidationError as exc:
        raise ValidationError({"union": exc.messages}) from exc


def worker_new(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    require_member_editor(actor)
    own = actor.union
    initial = (
        {"union": own.code} if own is not None and own.level in ("township", "grassroots") else {}
    )
    form = WorkerForm(request.POST or None, initial=initial)
    saved: list[Any] = []

    def save(data: dict[str, Any]) -> None:
        union = _in_scope_union(actor, data.pop("union"))
        saved.append(worker_register(actor=actor, union=union, **data))

    page = form_page(
        request,
        form,
        save,
        title="登记职工",
        back="members:worker_list",
        template="members/worker_form.html",
    )
    if page is not None:
        return page
    messages.success(request, f"已登记{saved[0].name}。")
    return redirect("members:worker_detail", worker_id=saved[0].pk)


def worker_detail(request: HttpRequest, worker_id: int) -> HttpResponse:
    actor = request_actor(request)
    worker = selectors.access_worker(actor=actor, worker_id=worker_id)
    join_form = WorkerJoinForm(initial={"union": worker.union.code})
    return render(
        request,
        "members/worker_detail.html",
        {
            "worker": worker,
            "join_form": join_form,
            "may_edit": may_edit_members(actor),
            "panels": [
                {"template": p.template, **p.context(actor, worker)}
                for p in member_panels("worker")
            ],
        },
    )


def worker_edit(request: HttpRequest, worker_id: int) -> HttpResponse:
    actor = request_actor(request)
    worker = selectors.access_worker(actor=actor, worker_id=worker_id)
    require_member_editor(actor)
    initial = {
        "employer_name": worker.employer_name,
        "employer_uscc": worker.employer_uscc,
        "employment_form": worker.employment_form,
        "occupation": worker.occupation,
        "platform": worker.platform,
    }
    form = WorkerEditForm(request.POST or None, initial=initial)
    page = form_page(
        request,
        form,
        lambda data: worker_update(actor=actor, worker=worker, **data),
        title=f"修改登记职工：{worker.name}",
        back="members:worker_detail",
        back_args=(worker.pk,),
        template="members/worker_form.html",
    )
    if page is not None:
        return page
    messages.success(request, "登记信息已修改。")
    return redirect("members:worker_detail", worker_id=worker.pk)


def worker_join_view(request: HttpRequest, worker_id: int) -> HttpResponse:
    actor = request_actor(request)
    worker = selectors.access_worker(actor=actor, worker_id=worker_id)
    require_member_editor(actor)
    form = WorkerJoinForm(request.POST or None, initial={"union": worker.union.code})
    if request.method == "POST" and form.is_valid():
        try:
            union = _in_scope_union(actor, form.cleaned_data["union"])
            member = worker_join(
                actor=actor, worker=worker, union=union, join_date=form.cleaned_data["join_date"]
            )
        except ValidationError as exc:
            problems_show(form, exc)
        else:
            messages.success(request, f"{worker.name}已加入{member.union.name}。")
            return redirect("members:member_detail", member_id=member.pk)
    return render(
        request,
        "members/worker_detail.html",
        {"worker": worker, "join_form": form, "may_edit": True},
        status=400 if form.errors else 200,
    )
