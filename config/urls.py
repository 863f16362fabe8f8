from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView

from gonghui.api.api import api
from gonghui.core import views as core_views

urlpatterns = [
    path("", core_views.home, name="home"),
    # Browsers ask for /favicon.ico whatever the page says.
    path("favicon.ico", RedirectView.as_view(url=static("core/favicon.svg"), permanent=True)),
    path("", include("gonghui.core.urls")),
    path("", include("gonghui.accounts.urls")),
    path("orgs/", include("gonghui.orgs.urls")),
    path("members/", include("gonghui.members.urls")),
    path("aid/", include("gonghui.aid.urls")),
    path("reports/", include("gonghui.reports.urls")),
    path("api/v1/", api.urls),
]

handler403 = "gonghui.core.views.error_403"
handler404 = "gonghui.core.views.error_404"
handler500 = "gonghui.core.views.error_500"
