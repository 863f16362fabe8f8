from __future__ import annotations

import functools
import ipaddress
from collections.abc import Callable
from typing import Any, cast

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.contrib.sessions.middleware import SessionMiddleware as DjangoSessionMiddleware
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render

from gonghui.core.audit import current_ip
from gonghui.core.models import User
from gonghui.core.roles import CONFINED

# Paths anyone may open: the login page, setting a password with a one-time reset code,
# static files, the health check, and the public notices (公示, masked), which workers must
# be able to read.
PUBLIC_PREFIXES = (
    "/accounts/login/",
    "/accounts/reset/",
    "/static/",
    "/favicon.ico",
    "/healthz",
    "/notice/",
    "/sites/public/",  # the public station map (gonghui.sites)
    # The workers' portal (gonghui.portal): signing up, logging in, activating an account,
    # and what a phone fetches to install it and to open it offline.
    "/m/login/",
    "/m/signup/",
    "/m/activate/",
    "/m/manifest.webmanifest",
    "/m/sw.js",
    "/m/offline/",
)

# Where a visitor who is not signed in is sent, by path: the workers' portal has its own
# login page (by phone); everything else uses settings.LOGIN_URL.
LOGIN_PAGES = {"/m/": "/m/login/"}


# What every signed-in user reaches, whatever their role: signing out, their own password.
OWN_ACCOUNT_PREFIXES = ("/accounts/logout/", "/accounts/password/")


def confined_response(request: HttpRequest, allowed: list[str]) -> HttpResponse | None:
    """For a role confined to some pages (core.roles.CONFINED): the home page leads to the
    first of them and every other page is refused; None lets the request through."""
    if request.path.startswith((*allowed, *OWN_ACCOUNT_PREFIXES)):
        return None
    if request.path == "/" and allowed:
        return redirect(allowed[0])
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "您的角色无权使用此接口。"}, status=403)
    return render(request, "403.html", {"message": "您的角色无权打开此页面。"}, status=403)


def passive(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Marks a view a page calls by itself (progress polling): it does not renew the session,
    so an open page does not keep an idle user signed in, and it writes nothing to the
    database (on SQLite a write would wait for a running import's lock)."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        request.gonghui_passive = True  # type: ignore[attr-defined]
        return view(request, *args, **kwargs)

    return wrapped


class SessionMiddleware(DjangoSessionMiddleware):
    """Django's session middleware, except that passive requests leave the session as it is."""

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        session = getattr(request, "session", None)
        if (
            getattr(request, "gonghui_passive", False)
            and session is not None
            and not session.modified
        ):
            return response
        return super().process_response(request, response)


# Scripts from our own files only (no inline script, no eval); styles may be inline (the
# progress bars' widths); images may be data: URLs (Bootstrap's form icons).
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


class ResponseHeadersMiddleware:
    """The Content-Security-Policy on every response, and ``Cache-Control: no-store`` on
    every response to a signed-in user: their pages carry personal data that a shared
    computer's cache or a proxy must not keep. (Static files, served before this, keep
    their long caching.)"""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            response["Cache-Control"] = "no-store"
        return response


def client_ip(request: HttpRequest) -> str | None:
    """The client's address: behind GONGHUI_TRUSTED_PROXIES proxies, the one the farthest
    of them saw, counted from the right of X-Forwarded-For (each proxy appends what it saw;
    anything further left came from the client and may be forged)."""
    remote = request.META.get("REMOTE_ADDR")
    proxies = settings.GONGHUI_TRUSTED_PROXIES
    if proxies <= 0:
        return remote
    hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    hops = [h for h in hops if h]
    if len(hops) < proxies:
        return remote  # the request did not come through every proxy
    candidate = hops[-proxies]
    try:
        ipaddress.ip_address(candidate)
    except ValueError:
        return remote
    return candidate


def request_actor(request: HttpRequest) -> User:
    """The staff user of a request that got past LoginRequiredMiddleware."""
    return cast(User, request.user)


class LoginRequiredMiddleware:
    """Every page and API route needs a logged-in staff user, unless listed as public.

    Deny by default, so that a route added later cannot be forgotten. It also records the
    client address for the audit log of the request.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = current_ip.set(client_ip(request))
        try:
            bearer = request.META.get("HTTP_AUTHORIZATION", "")
            if request.path.startswith("/api/") and bearer.startswith("Bearer "):
                from gonghui.core.api_clients import ApiRefused, api_authenticate

                try:
                    request.user = api_authenticate(  # type: ignore[assignment]
                        token=bearer.removeprefix("Bearer ").strip(),
                        method=request.method or "GET",
                        path=request.path,
                    )
                except ApiRefused as refused:
                    return JsonResponse({"detail": refused.message}, status=refused.status)
                # A token is no cookie a forged page could send: no CSRF check applies.
                request._dont_enforce_csrf_checks = True  # type: ignore[attr-defined]
                return self.get_response(request)
            if not request.path.startswith(PUBLIC_PREFIXES) and not request.user.is_authenticated:
                if request.path.startswith("/api/"):
                    return JsonResponse({"detail": "请先登录。"}, status=401)
                login_url = next(
                    (url for prefix, url in LOGIN_PAGES.items() if request.path.startswith(prefix)),
                    None,
                )
                return redirect_to_login(request.get_full_path(), login_url)
            confined = CONFINED.get(getattr(request.user, "role", ""))
            if confined is not None and not request.path.startswith(PUBLIC_PREFIXES):
                elsewhere = confined_response(request, confined)
                if elsewhere is not None:
                    return elsewhere
            return self.get_response(request)
        finally:
            current_ip.reset(token)
