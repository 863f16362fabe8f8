from django.urls import path

from gonghui.core import sheet_views, views
from gonghui.core.workflow import payout_views
from gonghui.core.workflow import views as workflow_views

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("accounts/login/", views.login_view, name="login"),
    path("accounts/logout/", views.logout_view, name="logout"),
    path("area/<slug:area_slug>/", views.area, name="area"),
    path("audit/", views.audit, name="audit"),
    path("jobs/", views.jobs, name="jobs"),
    path("jobs/<int:job_id>/", views.job_detail, name="job_detail"),
    path("jobs/<int:job_id>/progress/", views.job_progress, name="job_progress"),
    path("jobs/<int:job_id>/retry/", views.job_retry_view, name="job_retry"),
    path("jobs/<int:job_id>/result/", views.job_result, name="job_result"),
    path("jobs/<int:job_id>/commit/", sheet_views.sheet_commit, name="sheet_commit"),
    path("sheets/<str:sheet_name>/", sheet_views.sheet_home, name="sheet_home"),
    path("sheets/<str:sheet_name>/template/", sheet_views.sheet_template, name="sheet_template"),
    path("sheets/<str:sheet_name>/export/", sheet_views.sheet_export, name="sheet_export"),
    path("workflow/inbox/", workflow_views.inbox_view, name="workflow_inbox"),
    path("workflow/inbox/bulk/", workflow_views.inbox_bulk_view, name="workflow_inbox_bulk"),
    path(
        "workflow/<str:workflow_key>/<int:item_id>/transition/",
        workflow_views.transition_view,
        name="workflow_transition",
    ),
    path("notice/<str:union_code>/", workflow_views.notice_view, name="workflow_notice"),
    path(
        "notice/<str:union_code>/print/",
        workflow_views.notice_print_view,
        name="workflow_notice_print",
    ),
    path(
        "workflow/notice-settings/",
        workflow_views.notice_settings_view,
        name="workflow_notice_settings",
    ),
    *payout_views.urlpatterns,
]
