from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView

from gonghui.api.api import api
from gonghui.core import views as core_views
from gonghui.core.modules import modules_with

urlpatterns = [
    path("", core_views.home, name="home"),
    # Browsers ask for /favicon.ico whatever the page says.
    path("favicon.ico", RedirectView.as_view(url=static("core/favicon.svg"), permanent=True)),
    # Every module's pages, at its mount (``<label>/``; the kernel and accounts at the root),
    # in INSTALLED_APPS order: a new module is found here without editing this file.
    *(path(module.mount, include(f"{module.name}.urls")) for module in modules_with("urls")),
    path("api/v1/", api.urls),
]

handler403 = "gonghui.core.views.error_403"
handler404 = "gonghui.core.views.error_404"
handler500 = "gonghui.core.views.error_500"
