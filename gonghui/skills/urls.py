from django.urls import path

from gonghui.skills import honour_views, views

app_name = "skills"

urlpatterns = [
    path("", views.competition_list, name="list"),
    path("new/", views.competition_new, name="new"),
    path("<int:competition_id>/", views.competition_detail, name="detail"),
    path("<int:competition_id>/publish/", views.competition_publish_view, name="publish"),
    path("<int:competition_id>/grant/", views.competition_grant_view, name="grant"),
    path("titles/", views.title_list, name="titles"),
    path("titles/<int:title_id>/certificate/", views.title_certificate, name="certificate"),
    path(
        "titles/<int:title_id>/certificate.docx",
        views.title_certificate_docx,
        name="certificate_docx",
    ),
    path("promotions/", views.promotion_list, name="promotions"),
    path("talents/<int:talent_id>/", views.talent_detail, name="talent"),
    path("mentorships/", views.mentorship_list, name="mentorships"),
    path("mentorships/new/", views.mentorship_new, name="mentorship_new"),
    path("studios/", views.studio_list, name="studios"),
    path("studios/new/", views.studio_new, name="studio_new"),
    path("studios/alliances/new/", views.alliance_new, name="alliance_new"),
    path("honours/", honour_views.honour_list, name="honours"),
    path("honours/new/", honour_views.honour_new, name="honour_new"),
    path("honours/<int:honour_id>/", honour_views.honour_detail, name="honour"),
    path(
        "honours/allowances/<int:allowance_id>/",
        honour_views.allowance_detail,
        name="allowance",
    ),
    path("honours/rounds/", honour_views.round_list, name="rounds"),
    path("honours/rounds/new/", honour_views.round_new, name="round_new"),
    path("honours/rounds/<int:round_id>/", honour_views.round_detail, name="round"),
    path("honours/rounds/<int:round_id>/nominate/", honour_views.nominate, name="nominate"),
    path(
        "honours/nominations/<int:nomination_id>/",
        honour_views.nomination_detail,
        name="nomination",
    ),
]
