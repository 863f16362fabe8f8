from django.urls import path

from gonghui.orgs import views

app_name = "orgs"
urlpatterns = [
    path("unions/", views.union_tree, name="union_tree"),
    path("unions/pick/", views.union_pick, name="union_pick"),
    path("unions/destinations/", views.union_destination_pick, name="union_destination_pick"),
    path("unions/<str:union_code>/", views.union_detail, name="union_detail"),
    path(
        "unions/<str:union_code>/rebuild-counts/",
        views.union_counts_rebuild_start,
        name="union_counts_rebuild",
    ),
    path("enterprises/<str:uscc>/", views.enterprise_detail, name="enterprise_detail"),
    path("formation/", views.formation_worklist, name="formation_worklist"),
    path("formation/export/", views.formation_export, name="formation_export"),
    path("formation/<int:task_id>/close/", views.formation_close_view, name="formation_close"),
]
