from gonghui.reports.views import dashboard, dispatch, narrative, targets

app_name = "reports"

# Each report declares its own routes in its views module.
urlpatterns = [
    *dashboard.urlpatterns,
    *dispatch.urlpatterns,
    *narrative.urlpatterns,
    *targets.urlpatterns,
]
