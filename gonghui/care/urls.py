from django.urls import path

from gonghui.care import views

app_name = "care"

urlpatterns = [
    path("", views.delivery_list, name="list"),
    path("new/", views.delivery_new, name="new"),
    path("<int:delivery_id>/", views.delivery_detail, name="detail"),
    path("items/", views.item_list, name="items"),
    path("items/new/", views.item_new, name="item_new"),
    path("participation/", views.participation_board, name="participation"),
    path("visits/", views.visit_list, name="visits"),
    path("visits/new/", views.visit_new, name="visit_new"),
    path("visits/campaigns/", views.campaign_list, name="campaigns"),
    path("recuperation/", views.batch_list, name="batches"),
    path("recuperation/<int:recuperation_batch_id>/", views.batch_detail, name="batch"),
    path("legal/", views.legal_list, name="legal"),
    path("legal/new/", views.legal_new, name="legal_new"),
    path("legal/<int:legal_case_id>/", views.legal_detail, name="legal_case"),
    path("counseling/", views.counseling_calendar, name="counseling"),
    path("counseling/slots/new/", views.counseling_slot_new, name="counseling_slot_new"),
    path("counseling/slots/<int:slot_id>/", views.counseling_slot, name="counseling_slot"),
    path(
        "counseling/slots/<int:slot_id>/cancel/",
        views.counseling_cancel,
        name="counseling_cancel",
    ),
    path(
        "counseling/slots/<int:slot_id>/no-show/",
        views.counseling_no_show,
        name="counseling_no_show",
    ),
    path(
        "counseling/slots/<int:slot_id>/record/",
        views.counseling_record,
        name="counseling_record",
    ),
    path("counseling/slots/<int:slot_id>/notes/", views.counseling_notes, name="counseling_notes"),
    path("perks/", views.perk_list, name="perks"),
    path("perks/<int:perk_id>/", views.perk_detail, name="perk"),
    path("hardship/", views.hardship_list, name="hardship"),
    path("hardship/new/", views.hardship_new, name="hardship_new"),
    path("hardship/<int:hardship_case_id>/", views.hardship_detail, name="hardship_case"),
    path("hardship/aid/<int:hardship_aid_id>/", views.hardship_aid_detail, name="hardship_aid"),
    path(
        "recuperation/applications/<int:application_id>/",
        views.application_detail,
        name="recuperation_application",
    ),
]
