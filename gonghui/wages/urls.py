from django.urls import path

from gonghui.wages import views

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
]
