"""Pages of 技能竞赛: the list, a new one, one with its ranking; publishing the ranking and
granting the titles. Thin: parse, call, render."""

from __future__ import annotations

from urllib.parse import quote

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from gonghui.core.middleware import request_actor
from gonghui.core.pages import before_param, form_page
from gonghui.orgs.selectors import union_of_page
from gonghui.skills import selectors
from gonghui.skills.certificates import certificate_docx, certificate_of
from gonghui.skills.forms import AllianceForm, CompetitionForm, MentorshipForm, StudioForm
from gonghui.skills.models import TitleKind
from gonghui.skills.permissions import may_edit, require_edit
from gonghui.skills.services import competition_load, competition_publish, competition_ranking
from gonghui.skills.services.competitions import competition_titles_grant
from gonghui.skills.services.studios import alliance_create, mentorship_create, studio_create


@require_GET
def competition_list(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    rows, next_before = selectors.competition_page(actor=actor, before=before_param(request))
    return render(
        request,
        "skills/list.html",
        {"rows": rows, "next_before": next_before, "may_edit": may_edit(actor, actor.union)},
    )


def competition_new(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    union = union_of_page(actor=actor, code=None)  # one's own union; 404 without one
    require_edit(actor, union)
    form = CompetitionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            loaded = competition_load(actor=actor, data=form.file_data(union.code))
        except ValidationError as exc:
            # The service names the file's keys; a page has no field for some of them.
            form.add_error(None, "；".join(exc.messages))
        else:
            messages.success(request, f"已录入竞赛“{loaded.competition.name}”。")
            return redirect("skills:detail", competition_id=loaded.competition.pk)
    return render(request, "skills/form.html", {"form": form})


@require_GET
def competition_detail(request: HttpRequest, competition_id: int) -> HttpResponse:
    actor = request_actor(request)
    competition = selectors.access_competition(actor=actor, competition_id=competition_id)
    ranking = competition_ranking(competition)
    titles = selectors.competition_titles(competition)
    return render(
        request,
        "skills/detail.html",
        {
            "record": competition,
            "ranking": ranking,
            "titles": titles,
            "proposed": sum(1 for _, r in ranking if r.title),
            "may_edit": may_edit(actor, competition.union),
        },
    )


@require_POST
def competition_publish_view(request: HttpRequest, competition_id: int) -> HttpResponse:
    actor = request_actor(request)
    competition = selectors.access_competition(actor=actor, competition_id=competition_id)
    try:
        count = competition_publish(actor=actor, competition=competition)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, f"已公布 {count} 名选手的名次。")
    return redirect("skills:detail", competition_id=competition.pk)


@require_POST
def competition_grant_view(request: HttpRequest, competition_id: int) -> HttpResponse:
    actor = request_actor(request)
    competition = selectors.access_competition(actor=actor, competition_id=competition_id)
    try:
        titles = competition_titles_grant(actor=actor, competition=competition)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, f"已授予 {len(titles)} 人湖州市技术能手称号。")
    return redirect("skills:detail", competition_id=competition.pk)


@require_GET
def title_list(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    kind = request.GET.get("kind", "")
    kind = kind if kind in TitleKind.values else ""
    rows, next_before = selectors.title_page(actor=actor, kind=kind, before=before_param(request))
    return render(
        request,
        "skills/title_list.html",
        {"rows": rows, "next_before": next_before, "kind": kind, "kinds": TitleKind.choices},
    )


@require_GET
def title_certificate(request: HttpRequest, title_id: int) -> HttpResponse:
    title = selectors.access_title(actor=request_actor(request), title_id=title_id)
    return render(request, "skills/certificate.html", {"title": title, "c": certificate_of(title)})


@require_GET
def title_certificate_docx(request: HttpRequest, title_id: int) -> HttpResponse:
    title = selectors.access_title(actor=request_actor(request), title_id=title_id)
    response = HttpResponse(
        certificate_docx(title),
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    name = quote(f"证书-{title.certificate_no}-{title.talent.name}.docx")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{name}"
    return response


@require_GET
def promotion_list(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    rows, next_before = selectors.promotion_page(actor=actor, before=before_param(request))
    return render(
        request,
        "skills/promotion_list.html",
        {"rows": rows, "next_before": next_before, "may_edit": may_edit(actor, actor.union)},
    )


@require_GET
def talent_detail(request: HttpRequest, talent_id: int) -> HttpResponse:
    talent = selectors.access_talent(actor=request_actor(request), talent_id=talent_id)
    return render(
        request,
        "skills/talent_detail.html",
        {"talent": talent, **selectors.talent_history(talent)},
    )


@require_GET
def mentorship_list(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    rows, next_before = selectors.mentorship_page(actor=actor, before=before_param(request))
    return render(
        request,
        "skills/mentorship_list.html",
        {"rows": rows, "next_before": next_before, "may_edit": may_edit(actor, actor.union)},
    )


def mentorship_new(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    union = union_of_page(actor=actor, code=None)
    require_edit(actor, union)
    form = MentorshipForm(request.POST or None)
    page = form_page(
        request,
        form,
        lambda data: mentorship_create(actor=actor, union=union, **data),
        title="登记导师帮带",
        back="skills:mentorships",
    )
    if page is not None:
        return page
    messages.success(request, "已登记导师帮带。")
    return redirect("skills:mentorships")


@require_GET
def studio_list(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    return render(
        request,
        "skills/studio_list.html",
        {
            "studios": selectors.studio_list(actor=actor)[:500],
            "alliances": selectors.alliance_list(actor=actor)[:100],
            "may_edit": may_edit(actor, actor.union),
        },
    )


def studio_new(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    union = union_of_page(actor=actor, code=None)
    require_edit(actor, union)
    form = StudioForm(request.POST or None)
    page = form_page(
        request,
        form,
        lambda data: studio_create(actor=actor, union=union, **data),
        title="登记劳模工匠创新工作室",
        back="skills:studios",
    )
    if page is not None:
        return page
    messages.success(request, "已登记创新工作室。")
    return redirect("skills:studios")


def alliance_new(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    union = union_of_page(actor=actor, code=None)
    require_edit(actor, union)
    form = AllianceForm(request.POST or None, studios=selectors.studio_list(actor=actor))
    page = form_page(
        request,
        form,
        lambda data: alliance_create(
            actor=actor,
            union=union,
            name=data["name"],
            industry=data["industry"],
            founded_on=data["founded_on"],
            lead_studio=data["lead_studio"],
            studios=list(data["studios"]),
        ),
        title="登记创新工作室联盟",
        back="skills:studios",
    )
    if page is not None:
        return page
    messages.success(request, "已登记创新工作室联盟。")
    return redirect("skills:studios")
