from django.urls import path

from gonghui.activities import followup_views, views

app_name = "activities"

urlpatterns = [
    path("", views.activity_list, name="list"),
    path("new/", views.activity_new, name="new"),
    path("<int:activity_id>/", views.activity_detail, name="detail"),
    path("photos/<int:photo_id>/", views.activity_photo, name="photo"),
    path("showcase/", views.showcase_gallery, name="showcase"),
    path("showcase/new/", views.case_new, name="case_new"),
    path("showcase/<int:case_id>/", views.case_detail, name="case"),
    path("showcase/<int:case_id>/cover/", views.case_cover, name="case_cover"),
    path("fairs/", views.fair_list, name="fairs"),
    path("fairs/new/", views.fair_new, name="fair_new"),
    path("fairs/<int:fair_id>/", views.fair_detail, name="fair"),
    path("fairs/<int:fair_id>/close/", views.fair_close_view, name="fair_close"),
    path("partnerships/", views.partnership_list, name="partnerships"),
    path("partnerships/new/", views.partnership_new, name="partnership_new"),
    path("partnerships/<int:partnership_id>/", views.partnership_detail, name="partnership"),
    path("research/", followup_views.research_list, name="research_list"),
    path("research/new/", followup_views.research_new, name="research_new"),
    path("research/<int:research_id>/", followup_views.research_detail, name="research"),
    path("supervision/", followup_views.supervision_list, name="supervision_list"),
    path("supervision/new/", followup_views.supervision_new, name="supervision_new"),
    path(
        "supervision/<int:supervision_id>/", followup_views.supervision_detail, name="supervision"
    ),
    path("followups/", followup_views.followup_inbox, name="followups"),
    path("followups/board/", followup_views.followup_board, name="followup_board"),
    path("followups/new/", followup_views.followup_new, name="followup_new"),
    path("followups/<int:followup_id>/", followup_views.followup_detail, name="followup"),
    path("followups/files/<int:file_id>/", followup_views.followup_file, name="followup_file"),
]
