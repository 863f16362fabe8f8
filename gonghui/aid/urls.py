from gonghui.aid.views import claims, corrections, payouts, plans, relief

app_name = "aid"

# Each area of the app declares its own routes in its views module.
urlpatterns = [
    *plans.urlpatterns,
    *claims.urlpatterns,
    *corrections.urlpatterns,
    *relief.urlpatterns,
    *payouts.urlpatterns,
]
