from django.urls import path

from gonghui.sites import views

app_name = "sites"

urlpatterns = [
    path("", views.site_list, name="list"),
    path("new/", views.site_new, name="new"),
    path("facilities/", views.facility_list, name="facilities"),
    path("<int:site_id>/", views.site_detail, name="detail"),
    path("board/", views.site_board, name="board"),
    path("photos/<int:site_photo_id>/", views.site_photo, name="photo"),
    path("map/", views.site_map, name="map"),
    # No login (core.middleware.PUBLIC_PREFIXES): what anyone may see of open stations.
    path("public/", views.public_map, name="public"),
    path(
        "inspections/photos/<int:inspection_photo_id>/",
        views.inspection_photo,
        name="inspection_photo",
    ),
]
