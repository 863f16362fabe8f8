from django.urls import path

from gonghui.accounts import api_views, views

app_name = "accounts"
urlpatterns = [
    path("users/", views.user_list, name="user_list"),
    path("users/new/", views.user_create, name="user_create"),
    path("users/pii/", views.pii_list, name="pii_list"),
    path("users/api-clients/", api_views.api_client_list, name="api_client_list"),
    path(
        "users/api-clients/<int:client_id>/rotate/",
        api_views.api_client_rotate_view,
        name="api_client_rotate",
    ),
    path(
        "users/api-clients/<int:client_id>/revoke/",
        api_views.api_client_revoke_view,
        name="api_client_revoke",
    ),
    path("users/<int:user_id>/", views.user_edit, name="user_edit"),
    path("users/<int:user_id>/active/", views.user_active, name="user_active"),
    path("users/<int:user_id>/reset-code/", views.user_reset_code, name="user_reset_code"),
    path("users/<int:user_id>/pii/", views.user_pii, name="user_pii"),
    path("users/credentials/<uuid:token>/", views.credentials, name="credentials"),
    path("accounts/password/", views.password_change, name="password_change"),
    path("accounts/reset/", views.password_reset, name="password_reset"),
]
