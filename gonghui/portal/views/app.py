"""What makes the portal installable and usable on a weak connection: the web app manifest,
the service worker (served from /m/ so that its scope is the portal) and the page it shows
when the network is gone. All public: a phone fetches them before anyone signs in."""

from __future__ import annotations

import json

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse

# Bumped when the shell's files change, so that phones drop the old cache.
SHELL_VERSION = "3"


def manifest(request: HttpRequest) -> HttpResponse:
    body = {
        "name": "湖工有爱 · 职工服务",
        "short_name": "职工服务",
        "lang": "zh-CN",
        "start_url": reverse("portal:home"),
        "scope": "/m/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#b5121b",
        "icons": [
            {"src": static("portal/icon-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": static("portal/icon-512.png"), "sizes": "512x512", "type": "image/png"},
            {
                "src": static("portal/icon-512.png"),
                "sizes": "512x512",
                "type": "image/png",
                "purpose": "maskable",
            },
        ],
    }
    return HttpResponse(
        json.dumps(body, ensure_ascii=False), content_type="application/manifest+json"
    )


def service_worker(request: HttpRequest) -> HttpResponse:
    shell = [
        reverse("portal:offline"),
        static("vendor/bootstrap/bootstrap.min.css"),
        static("vendor/bootstrap-icons/bootstrap-icons.min.css"),
        static("portal/portal.css"),
        static("portal/portal.js"),
        static("portal/icon-192.png"),
    ]
    response = render(
        request,
        "portal/sw.js",
        {
            "shell": json.dumps(shell),
            "version": SHELL_VERSION,
            "offline": reverse("portal:offline"),
        },
        content_type="text/javascript",
    )
    response["Service-Worker-Allowed"] = "/m/"
    response["Cache-Control"] = "no-cache"
    return response


def offline(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/offline.html")
