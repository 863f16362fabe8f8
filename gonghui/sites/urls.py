from django.urls import path

from gonghui.sites import views

app_name = "sites"

urlpatterns = [
    path("", views.site_list, name="list"),
    path("<int:site_id>/", views.site_detail, name="detail"),
    path("board/", views.site_board, name="board"),
    path("map/", views.site_map, name="map"),
    # No login (core.middleware.PUBLIC_PREFIXES): what anyone may see of open stations.
    path("public/", views.public_map, name="public"),
    path(
        "inspections/photos/<int:inspection_photo_id>/",
        views.inspection_photo,
        name="inspection_photo",
    ),
]
