from django.urls import path

from gonghui.wages import funds_views, views

app_name = "wages"

urlpatterns = [
    path("", views.contract_list, name="list"),
    path("<int:contract_id>/", views.contract_detail, name="detail"),
    path("democracy/", views.democracy, name="democracy"),
    path("enterprises/<str:uscc>/congress/new/", views.congress_new, name="congress_new"),
    path("enterprises/<str:uscc>/disclosures/new/", views.disclosure_new, name="disclosure_new"),
    path("relief/", views.relief_list, name="reliefs"),
    path("relief/new/", views.relief_new, name="relief_new"),
    path("relief/<int:dues_relief_id>/", views.relief_detail, name="relief"),
    path("funds/", funds_views.budget, name="budget"),
    path("funds/expenditures/", funds_views.expenditure_list, name="expenditures"),
    path("funds/expenditures/new/", funds_views.expenditure_new, name="expenditure_new"),
    path(
        "funds/expenditures/<int:expenditure_id>/",
        funds_views.expenditure_detail,
        name="expenditure",
    ),
    path("funds/standards/", funds_views.standard_list, name="standards"),
    path("funds/standards/new/", funds_views.standard_new, name="standard_new"),
    path("funds/allocations/", funds_views.allocation_list, name="allocations"),
    path("funds/allocations/new/", funds_views.allocation_new, name="allocation_new"),
    path("funds/assets/", funds_views.asset_list, name="assets"),
    path("funds/assets/new/", funds_views.asset_new, name="asset_new"),
    path("funds/assets/<int:asset_id>/leases/new/", funds_views.lease_new, name="lease_new"),
    path("funds/leases/<int:lease_id>/", funds_views.lease_detail, name="lease"),
]
