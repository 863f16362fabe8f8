from django.urls import re_path
from django.views.generic import RedirectView

from gonghui.aid.views import claims, corrections, plans, relief

app_name = "aid"

# Each area of the app declares its own routes in its views module.
urlpatterns = [
    *plans.urlpatterns,
    *claims.urlpatterns,
    *corrections.urlpatterns,
    *relief.urlpatterns,
    # Payout batches are the workflow engine's (/payouts/) since they pay any type; old
    # bookmarks still arrive.
    re_path(
        r"^payouts/(?P<rest>.*)$",
        RedirectView.as_view(url="/payouts/%(rest)s", permanent=True, query_string=True),
    ),
]
