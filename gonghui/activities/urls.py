from django.urls import path

from gonghui.activities import views

app_name = "activities"

urlpatterns = [
    path("", views.activity_list, name="list"),
    path("new/", views.activity_new, name="new"),
    path("<int:activity_id>/", views.activity_detail, name="detail"),
    path("fairs/", views.fair_list, name="fairs"),
    path("fairs/new/", views.fair_new, name="fair_new"),
    path("fairs/<int:fair_id>/", views.fair_detail, name="fair"),
    path("fairs/<int:fair_id>/close/", views.fair_close_view, name="fair_close"),
]
