"""Pages of 服务阵地: the registry (by kind), a site with its facilities and inspections (and
the form to record one), an inspection photo, the board per union. Sites come in by the
``sites`` sheet. Thin: parse, call, render."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from gonghui.core.attachments import private_file_response
from gonghui.core.middleware import request_actor
from gonghui.core.pages import before_param
from gonghui.core.problems import problems_show
from gonghui.orgs.models import Union
from gonghui.orgs.selectors import MAPS, map_names, union_children, union_choices, union_of_page
from gonghui.sites import selectors
from gonghui.sites.forms import InspectionForm, SiteForm, VisitorsForm
from gonghui.sites.models import SiteKind, checklist_of
from gonghui.sites.permissions import may_edit, require_edit
from gonghui.sites.services import (
    MAX_PHOTOS,
    SiteFields,
    facility_add,
    inspection_record,
    site_create,
    site_photos_add,
    visitors_record,
)


@require_GET
def site_list(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    kind = request.GET.get("kind", "")
    kind = kind if kind in SiteKind.values else ""
    rows, next_before = selectors.site_page(actor=actor, kind=kind, before=before_param(request))
    return render(
        request,
        "sites/list.html",
        {
            "rows": rows,
            "next_before": next_before,
            "kind": kind,
            "kinds": SiteKind.choices,
            "may_edit": may_edit(actor, actor.union),
        },
    )


def site_detail(request: HttpRequest, site_id: int) -> HttpResponse:
    """A site with its facilities, inspection history and visitor counts; its staff record
    an inspection or a day's visitors."""
    actor = request_actor(request)
    site = selectors.access_site(actor=actor, site_id=site_id)
    items = checklist_of(site)
    action = request.POST.get("action", "inspection") if request.method == "POST" else ""
    form = InspectionForm(request.POST if action == "inspection" else None, items=items)
    visitors = VisitorsForm(request.POST if action == "visitors" else None)
    photo_errors: list[str] = []
    site_photo_errors: list[str] = []
    try:
        if action == "inspection" and form.is_valid():
            inspection_record(
                actor=actor,
                site=site,
                inspected_on=form.cleaned_data["inspected_on"],
                inspector=form.cleaned_data["inspector"],
                results=form.results(),
                note=form.cleaned_data["note"],
                photos=request.FILES.getlist("photos"),
            )
            messages.success(request, "已记录检查。")
            return redirect("sites:detail", site_id=site.pk)
        if action == "photos":
            added = site_photos_add(actor=actor, site=site, photos=request.FILES.getlist("photos"))
            messages.success(request, f"已上传照片 {added} 张。")
            return redirect("sites:detail", site_id=site.pk)
        if action == "visitors" and visitors.is_valid():
            visitors_record(actor=actor, site=site, **visitors.cleaned_data)
            messages.success(request, "已登记服务人次。")
            return redirect("sites:detail", site_id=site.pk)
    except ValidationError as exc:
        target = form if action == "inspection" else visitors
        photos = problems_show(target, exc, apart=("photos",)).get("photos", [])
        (site_photo_errors if action == "photos" else photo_errors).extend(photos)
    return render(
        request,
        "sites/detail.html",
        {
            "site": site,
            "facilities": [f.name for f in site.facilities.all()],
            "inspections": selectors.site_inspections(site=site),
            "visitor_days": selectors.site_visitor_days(site=site),
            "photos": list(site.photos.all()),
            "form": form,
            "visitors": visitors,
            "photo_errors": photo_errors,
            "site_photo_errors": site_photo_errors,
            "max_photos": MAX_PHOTOS,
            "may_edit": may_edit(actor, site.union),
        },
        status=400 if request.method == "POST" else 200,
    )


@require_GET
def site_photo(request: HttpRequest, site_photo_id: int) -> FileResponse:
    photo = selectors.access_site_photo(actor=request_actor(request), photo_id=site_photo_id)
    return private_file_response(photo.file, photo.content_type, photo.original_name)


@require_GET
def inspection_photo(request: HttpRequest, inspection_photo_id: int) -> FileResponse:
    photo = selectors.access_inspection_photo(
        actor=request_actor(request), photo_id=inspection_photo_id
    )
    return private_file_response(photo.file, photo.content_type, photo.original_name)


@require_GET
def site_board(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    union = union_of_page(actor=actor, code=request.GET.get("union") or None)
    return render(
        request,
        "sites/board.html",
        {
            "union": union,
            "rows": selectors.site_board(actor=actor, union=union),
            "own_union": actor.union,
            "days": settings.GONGHUI_SITE_INSPECTION_DAYS,
        },
    )


@require_GET
def site_map(request: HttpRequest) -> HttpResponse:
    """The staff map: the sites of a union's subtree as points on the city's offline map,
    by kind, facility and state, with a list beside it; a county drills down."""
    actor = request_actor(request)
    filters = selectors.map_filters(actor=actor, params=request.GET)
    union = filters.union
    city = union if union.level == Union.Level.CITY else None
    children = list(union_children(actor=actor, union=city)) if city is not None else []
    names = map_names(children) if city is not None and MAPS.get(city.code) else {}
    return render(
        request,
        "sites/map.html",
        {
            "filters": filters,
            "kinds": SiteKind.choices,
            "states": selectors.STATES,
            "facilities": selectors.facility_names(union=union),
            "unions": union_choices(actor=actor),
            "rows": selectors.map_sites(actor=actor, filters=filters)[: selectors.MAP_LIST],
            "map_data": {
                "map": MAPS.get(union.code[:4], ""),
                "points": selectors.map_points(actor=actor, filters=filters),
                "regions": {names[c.code]: c.code for c in children if c.code in names},
                "drill": union.level != Union.Level.CITY,
                "site_url": reverse("sites:detail", args=[0]),
            },
        },
    )


@require_GET
def public_map(request: HttpRequest) -> HttpResponse:
    """The public station map (no login): open outdoor-worker stations near the visitor
    (the browser's position, WGS-84, converted) or of a chosen township."""
    from gonghui.sites.geo import visitor_point

    near, problem = visitor_point(
        request.GET.get("lng"), request.GET.get("lat"), request.GET.get("system")
    )
    if problem:
        problem += "请选择乡镇（街道）。"
    townships = selectors.public_townships()
    chosen = next((t for t in townships if t.code == request.GET.get("township")), None)
    return render(
        request,
        "sites/public.html",
        {
            "stations": selectors.public_stations(township=chosen, near=near),
            "townships": townships,
            "chosen": chosen,
            "near": near,
            "problem": problem,
        },
    )


def site_new(request: HttpRequest) -> HttpResponse:
    """Key in one site; without coordinates at hand, a click on the map gives them."""
    actor = request_actor(request)
    union = union_of_page(actor=actor, code=None)
    require_edit(actor, union)
    townships = selectors.townships_of(actor=actor, union=union)
    form = SiteForm(
        request.POST or None,
        townships=townships,
        facilities=selectors.facility_names(union=union),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        fields = SiteFields(
            code=data["code"].strip(),
            name=data["name"].strip(),
            kind=data["kind"],
            union=form.township_by_code[data["township"]],
            address=data["address"],
            lng=data["lng"],
            lat=data["lat"],
            system=data["system"],
            hours=data["hours"],
            facilities=data["facilities"],
            opened_on=data["opened_on"],
            closed_on=data["closed_on"],
        )
        try:
            site = site_create(actor=actor, importing=union, fields=fields)
        except ValidationError as exc:
            problems_show(form, exc, rename={"union": "township"})
        else:
            messages.success(request, f"已登记“{site.name}”。")
            return redirect("sites:detail", site_id=site.pk)
    return render(
        request,
        "sites/form.html",
        {"form": form, "map_data": {"map": MAPS.get(union.code[:4], "")}},
        status=400 if request.method == "POST" else 200,
    )


def facility_list(request: HttpRequest) -> HttpResponse:
    """The facilities a site of the actor's union may list; its staff add their own."""
    actor = request_actor(request)
    union = union_of_page(actor=actor, code=None)
    error = ""
    if request.method == "POST":
        try:
            facility_add(actor=actor, union=union, name=request.POST.get("name", ""))
        except ValidationError as exc:
            error = "；".join(exc.messages)
        else:
            messages.success(request, "已增加设施。")
            return redirect("sites:facilities")
    return render(
        request,
        "sites/facilities.html",
        {
            "facilities": selectors.facility_rows(union=union),
            "may_edit": may_edit(actor, union),
            "error": error,
            "union": union,
        },
        status=400 if error else 200,
    )
