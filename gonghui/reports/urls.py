from gonghui.reports.views import dashboard, dispatch, narrative, programmes, targets

app_name = "reports"

# Each report declares its own routes in its views module.
urlpatterns = [
    *dashboard.urlpatterns,
    *dispatch.urlpatterns,
    *narrative.urlpatterns,
    *programmes.urlpatterns,
    *targets.urlpatterns,
]
