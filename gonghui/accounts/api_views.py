"""Pages for API clients: the list with the form that issues one, rotating a token and
revoking a client. A token is shown once, on the page that issued it. Thin: the core's
api_clients service decides."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from gonghui.accounts.permissions import require_admin
from gonghui.core import api_clients as svc
from gonghui.core.middleware import request_actor
from gonghui.core.models import ApiClient
from gonghui.core.scoping import access
from gonghui.orgs.selectors import union_from_ref


def _page(request: HttpRequest, **context: object) -> HttpResponse:
    actor = request_actor(request)
    clients = ApiClient.objects.visible_to(actor).select_related("union")
    areas = [(key, label) for key, (label, _) in svc.API_AREAS.items()]
    return render(
        request,
        "accounts/api_clients.html",
        {"clients": clients, "areas": areas, **context},
        status=400 if context.get("errors") else 200,
    )


def api_client_list(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    require_admin(actor)
    if request.method != "POST":
        return _page(request)
    values = {
        "name": request.POST.get("name", "").strip()[:64],
        "union": request.POST.get("union", "").strip()[:64],
    }
    permissions = {
        key: request.POST.get(f"area_{key}", "")
        for key in svc.API_AREAS
        if request.POST.get(f"area_{key}", "") in ("read", "write")
    }
    try:
        union = union_from_ref(actor=actor, ref=values["union"]) if values["union"] else actor.union
        if union is None:
            raise ValidationError("找不到该工会，或不在您的管辖范围内。")
        client, token = svc.api_client_create(
            actor=actor, name=values["name"], union=union, permissions=permissions
        )
    except ValidationError as exc:
        return _page(request, errors=exc.messages, values=values, chosen=permissions)
    return _page(request, issued=client, token=token)


@require_POST
def api_client_rotate_view(request: HttpRequest, client_id: int) -> HttpResponse:
    actor = request_actor(request)
    # Scope first: a client outside it does not exist for this person (404), then the role.
    client = access(ApiClient.objects.select_related("union"), actor=actor, pk=client_id)
    require_admin(actor)
    try:
        token = svc.api_client_rotate(actor=actor, client=client)
    except ValidationError as exc:
        return _page(request, errors=exc.messages)
    return _page(request, issued=client, token=token, rotated=True)


@require_POST
def api_client_revoke_view(request: HttpRequest, client_id: int) -> HttpResponse:
    actor = request_actor(request)
    # Scope first: a client outside it does not exist for this person (404), then the role.
    client = access(ApiClient.objects.select_related("union"), actor=actor, pk=client_id)
    require_admin(actor)
    svc.api_client_revoke(actor=actor, client=client)
    return redirect("accounts:api_client_list")
