"""Pages of honours: the registry, nomination rounds with their places, nominating, and a
nomination with the workflow panel (the reviewers work from the engine's inbox). Thin."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from gonghui.core.middleware import request_actor
from gonghui.core.pages import before_param, form_page
from gonghui.core.problems import problems_show
from gonghui.core.workflow.views import panel_context
from gonghui.orgs.selectors import union_of_page
from gonghui.skills import selectors
from gonghui.skills.forms import (
    AllowanceForm,
    CareForm,
    HonourRecordForm,
    NominationForm,
    RoundForm,
)
from gonghui.skills.models import HonourKind, HonourLevel
from gonghui.skills.permissions import may_edit, require_edit
from gonghui.skills.services.honours import (
    allowance_create,
    care_record,
    honour_record,
    may_nominate,
    nomination_create,
    places_board,
    round_counties,
    round_create,
)
from gonghui.skills.workflows import ALLOWANCE, NOMINATION


@require_GET
def honour_list(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    kind = request.GET.get("kind", "")
    level = request.GET.get("level", "")
    kind = kind if kind in HonourKind.values else ""
    level = level if level in HonourLevel.values else ""
    rows, next_before = selectors.honour_page(
        actor=actor, kind=kind, level=level, before=before_param(request)
    )
    return render(
        request,
        "skills/honour_list.html",
        {
            "rows": rows,
            "next_before": next_before,
            "kind": kind,
            "level": level,
            "kinds": HonourKind.choices,
            "levels": HonourLevel.choices,
            "may_edit": may_edit(actor, actor.union),
        },
    )


def honour_new(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    union = union_of_page(actor=actor, code=None)
    require_edit(actor, union)
    form = HonourRecordForm(request.POST or None)
    page = form_page(
        request,
        form,
        lambda data: honour_record(actor=actor, union=union, **data),
        title="登记已获荣誉",
        back="skills:honours",
    )
    if page is not None:
        return page
    messages.success(request, "已登记到荣誉名录。")
    return redirect("skills:honours")


@require_GET
def round_list(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    union = actor.union
    return render(
        request,
        "skills/round_list.html",
        {
            "rows": selectors.round_list(actor=actor)[:200],
            "may_organise": union is not None
            and union.level in ("city", "county")
            and may_edit(actor, union),
        },
    )


def round_new(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    union = union_of_page(actor=actor, code=None)
    require_edit(actor, union)
    form = RoundForm(request.POST or None, counties=round_counties(union))
    page = form_page(
        request,
        form,
        lambda data: round_create(
            actor=actor,
            union=union,
            year=data["year"],
            kind=data["kind"],
            level=data["level"],
            name=data["name"],
            closes_on=data["closes_on"],
            places=form.places(),
            conditions=data["conditions"],
            frontline_min_pct=data["frontline_min_pct"],
        ),
        title="建立荣誉评选",
        back="skills:rounds",
    )
    if page is not None:
        return page
    messages.success(request, "已建立荣誉评选。")
    return redirect("skills:rounds")


@require_GET
def round_detail(request: HttpRequest, round_id: int) -> HttpResponse:
    actor = request_actor(request)
    round_ = selectors.access_round(actor=actor, round_id=round_id)
    union = actor.union
    return render(
        request,
        "skills/round_detail.html",
        {
            "round": round_,
            "board": places_board(round_),
            "nominations": selectors.round_nominations(actor=actor, round_=round_)[:500],
            "may_nominate": union is not None
            and may_nominate(actor, union)
            and may_edit(actor, union),
        },
    )


def nominate(request: HttpRequest, round_id: int) -> HttpResponse:
    actor = request_actor(request)
    round_ = selectors.access_round(actor=actor, round_id=round_id)
    union = union_of_page(actor=actor, code=None)
    require_edit(actor, union)
    form = NominationForm(request.POST or None, subject=round_.subject)
    made: list[object] = []
    page = form_page(
        request,
        form,
        lambda data: made.append(
            nomination_create(actor=actor, union=union, round_=round_, **data)
        ),
        title=f"推荐：{round_.name}",
        back="skills:rounds",
    )
    if page is not None:
        return page
    messages.success(request, "已提交推荐，等待审核。")
    return redirect("skills:nomination", nomination_id=made[0].pk)  # type: ignore[attr-defined]


@require_GET
def nomination_detail(request: HttpRequest, nomination_id: int) -> HttpResponse:
    item = selectors.access_nomination(actor=request_actor(request), nomination_id=nomination_id)
    return render(
        request,
        "skills/nomination_detail.html",
        {"item": item, **panel_context(request, NOMINATION, item)},
    )


def honour_detail(request: HttpRequest, honour_id: int) -> HttpResponse:
    """An honour with its care: visits and health checks recorded here, allowances applied
    for here and reviewed through the engine."""
    actor = request_actor(request)
    honour = selectors.access_honour(actor=actor, honour_id=honour_id)
    editable = may_edit(actor, honour.union)
    care_form = CareForm(request.POST if request.POST.get("form") == "care" else None)
    allowance_form = AllowanceForm(
        request.POST if request.POST.get("form") == "allowance" else None
    )
    if request.method == "POST":
        require_edit(actor, honour.union)
        form = care_form if request.POST.get("form") == "care" else allowance_form
        saved: list[Any] = []
        if form.is_valid():
            try:
                if form is care_form:
                    saved.append(care_record(actor=actor, honour=honour, **form.cleaned_data))
                else:
                    saved.append(allowance_create(actor=actor, honour=honour, **form.cleaned_data))
            except ValidationError as exc:
                problems_show(form, exc)
        if saved:
            if form is care_form:
                messages.success(request, "已登记。")
                return redirect("skills:honour", honour_id=honour.pk)
            messages.success(request, "已提交补助申请，等待审核。")
            return redirect("skills:allowance", allowance_id=saved[0].pk)
    return render(
        request,
        "skills/honour_detail.html",
        {
            "honour": honour,
            "may_edit": editable,
            "care_form": care_form,
            "allowance_form": allowance_form,
            **selectors.honour_care_history(honour),
        },
    )


@require_GET
def allowance_detail(request: HttpRequest, allowance_id: int) -> HttpResponse:
    item = selectors.access_allowance(actor=request_actor(request), allowance_id=allowance_id)
    return render(
        request,
        "skills/allowance_detail.html",
        {"item": item, **panel_context(request, ALLOWANCE, item)},
    )
