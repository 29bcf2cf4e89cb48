from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from cases import errors, home, language
from gistcare.views import healthz

handler400 = errors.bad_request
handler403 = errors.permission_denied
handler404 = errors.page_not_found
handler500 = errors.server_error

urlpatterns = [
    path("", home.home, name="home"),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/setlang/", language.set_language, name="set_language"),
    path(
        "accounts/password_change/",
        auth_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "accounts/password_change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("", include("cases.records.urls")),
    path("", include("cases.interop.urls")),
    path("", include("cases.audit.urls")),
    path("api/v1/", include("cases.api.urls")),
    path("api/v1/", include("cases.interop.urls_api")),
    path("", include("cases.mdt.urls")),
    path("", include("cases.course.urls")),
    path("followups/", include("cases.followups.urls")),
    path("admin/", admin.site.urls),
    path("healthz/", healthz, name="healthz"),
]

# Password reset by email; off (PASSWORD_RESET=false) when no real mail server is configured (cases/checks.py).
if settings.GISTCARE_PASSWORD_RESET:
    urlpatterns += [
        path("accounts/password_reset/", auth_views.PasswordResetView.as_view(), name="password_reset"),
        path(
            "accounts/password_reset/done/",
            auth_views.PasswordResetDoneView.as_view(),
            name="password_reset_done",
        ),
        path(
            "accounts/reset/<uidb64>/<token>/",
            auth_views.PasswordResetConfirmView.as_view(),
            name="password_reset_confirm",
        ),
        path(
            "accounts/reset/done/",
            auth_views.PasswordResetCompleteView.as_view(),
            name="password_reset_complete",
        ),
    ]
