from django.urls import path

from gonghui.wages import views

app_name = "wages"

urlpatterns = [
    path("", views.contract_list, name="list"),
    path("<int:contract_id>/", views.contract_detail, name="detail"),
]
