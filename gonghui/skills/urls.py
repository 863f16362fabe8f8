from django.urls import path

from gonghui.skills import views

app_name = "skills"

urlpatterns = [
    path("", views.competition_list, name="list"),
    path("new/", views.competition_new, name="new"),
    path("<int:competition_id>/", views.competition_detail, name="detail"),
    path("<int:competition_id>/publish/", views.competition_publish_view, name="publish"),
    path("<int:competition_id>/grant/", views.competition_grant_view, name="grant"),
]
