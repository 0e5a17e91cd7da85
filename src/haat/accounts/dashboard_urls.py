"""Sign-in, password, staff, role and API-key pages under /dashboard/ as `accounts:`
(accounts/frontdoor.py)."""

from django.urls import path

from haat.accounts import api_key_views, mail_log_views, staff_views, views

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("password-reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path("password-reset/sent/", views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "password-reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password-reset/done/",
        views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("account/password/", views.password_change, name="password_change"),
    path("settings/staff/", staff_views.staff_list, name="staff_list"),
    path("settings/staff/new/", staff_views.staff_create, name="staff_create"),
    path("settings/staff/<int:user_id>/", staff_views.staff_edit, name="staff_edit"),
    path(
        "settings/staff/<int:user_id>/deactivate/",
        staff_views.staff_deactivate,
        name="staff_deactivate",
    ),
    path(
        "settings/staff/<int:user_id>/reactivate/",
        staff_views.staff_reactivate,
        name="staff_reactivate",
    ),
    path(
        "settings/staff/<int:user_id>/invite/",
        staff_views.staff_resend_invite,
        name="staff_resend_invite",
    ),
    path("settings/roles/", staff_views.roles, name="roles"),
    path("settings/email-log/", mail_log_views.email_log, name="email_log"),
    path("settings/api-keys/", api_key_views.api_key_list, name="api_key_list"),
    path("settings/api-keys/new/", api_key_views.api_key_create, name="api_key_create"),
    path(
        "settings/api-keys/<int:key_id>/revoke/",
        api_key_views.api_key_revoke,
        name="api_key_revoke",
    ),
    path(
        "settings/api-keys/<int:key_id>/replace/",
        api_key_views.api_key_replace,
        name="api_key_replace",
    ),
]
