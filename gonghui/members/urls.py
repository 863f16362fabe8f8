from django.urls import path

from gonghui.members import views, worker_views

app_name = "members"
urlpatterns = [
    path("", views.member_list, name="member_list"),
    path("new/", views.member_new, name="member_new"),
    path("<int:member_id>/", views.member_detail, name="member_detail"),
    path("<int:member_id>/reveal/<str:field>/", views.member_reveal_view, name="member_reveal"),
    path("<int:member_id>/transfer/", views.member_transfer_view, name="member_transfer"),
    path("<int:member_id>/leave/", views.member_leave_view, name="member_leave"),
    path("<int:member_id>/edit/", views.member_edit_view, name="member_edit"),
    path("workers/", worker_views.worker_list, name="worker_list"),
    path("workers/new/", worker_views.worker_new, name="worker_new"),
    path("workers/<int:worker_id>/", worker_views.worker_detail, name="worker_detail"),
    path("workers/<int:worker_id>/edit/", worker_views.worker_edit, name="worker_edit"),
    path("workers/<int:worker_id>/join/", worker_views.worker_join_view, name="worker_join"),
    path("transfers/", views.transfer_list, name="transfer_list"),
    path("transfers/<int:transfer_id>/decide/", views.transfer_decide_view, name="transfer_decide"),
    path("transfers/<int:transfer_id>/cancel/", views.transfer_cancel_view, name="transfer_cancel"),
]
