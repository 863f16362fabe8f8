from django.urls import path

from %%package%% import views

app_name = "%%app%%"

urlpatterns = [
    path("", views.%%entity%%_list, name="list"),
    path("new/", views.%%entity%%_new, name="new"),
    path("<int:%%entity%%_id>/", views.%%entity%%_detail, name="detail"),
]
