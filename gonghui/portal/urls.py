"""The portal's two trees of pages: the workers' own under /m/ (mobile-first, installable),
and the union office's under /portal/."""

from django.urls import path

from gonghui.portal.views import app, apply, staff, worker

app_name = "portal"

urlpatterns = [
    path("m/", worker.home, name="home"),
    path("m/login/", worker.login_view, name="login"),
    path("m/logout/", worker.logout_view, name="logout"),
    path("m/signup/", worker.signup, name="signup"),
    path("m/activate/", worker.activate, name="activate"),
    path("m/join/", worker.join, name="join"),
    path("m/applications/", worker.applications, name="applications"),
    path("m/applications/join/<int:join_id>/", worker.my_join, name="my_join"),
    path("m/apply/aid/", apply.apply_aid, name="apply_aid"),
    path("m/applications/aid/<int:claim_id>/", apply.my_claim, name="my_claim"),
    path("m/apply/relief/", apply.apply_relief, name="apply_relief"),
    path("m/applications/relief/<int:relief_id>/", apply.my_relief, name="my_relief"),
    path("m/apply/recuperation/", apply.apply_recuperation, name="apply_recuperation"),
    path(
        "m/applications/recuperation/<int:application_id>/",
        apply.my_recuperation,
        name="my_recuperation",
    ),
    path("m/legal/", apply.legal, name="legal"),
    path("m/counseling/", apply.counseling, name="counseling"),
    path("m/near/", apply.near, name="near"),
    path("m/card/", worker.member_card, name="card"),
    path("m/messages/", worker.inbox, name="messages"),
    path("m/me/", worker.me, name="me"),
    path("m/manifest.webmanifest", app.manifest, name="manifest"),
    path("m/sw.js", app.service_worker, name="service_worker"),
    path("m/offline/", app.offline, name="offline"),
    path("portal/joins/", staff.joins, name="joins"),
    path("portal/joins/<int:join_id>/", staff.join_detail, name="join_detail"),
    path("portal/events/", staff.events, name="events"),
    path("portal/events/<int:event_id>/", staff.event_detail, name="event_detail"),
    path("portal/codes/new/", staff.code_issue, name="code_issue"),
    path("portal/card/verify/", staff.card_verify, name="card_verify"),
]
