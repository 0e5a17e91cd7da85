"""Dashboard pages for signing in and out, resetting a forgotten password by e-mail,
and changing one's own password."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.decorators import method_decorator

from haat.accounts import lockout, services
from haat.accounts.forms import EmailLoginForm, PasswordChangeForm, StaffPasswordResetForm
from haat.core.context import client_ip
from haat.core.errors import DomainError
from haat.core.forms import attach_domain_error
from haat.core.ratelimit import limit_view
from haat.core.store import store


class LoginView(auth_views.LoginView):
    template_name = "dashboard/auth/login.html"
    authentication_form = EmailLoginForm
    redirect_authenticated_user = True

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        # Locked by Haat's own counters (this address across accounts, or this account
        # across addresses; see accounts.lockout): the lock-out page, before any check.
        if lockout.locked(request, request.POST.get("username", "")):
            response = render(
                request,
                "dashboard/auth/locked_out.html",
                {"username": request.POST.get("username", "")[:254]},
                status=429,
            )
            response["Retry-After"] = "3600"
            return response
        return super().post(request, *args, **kwargs)


class LogoutView(auth_views.LogoutView):
    next_page = "accounts:login"


@method_decorator(
    limit_view(
        ("password_reset_ip", lambda request, _: client_ip(request) or ""),
        ("password_reset_email", lambda request, _: request.POST.get("email", "").lower()[:254]),
        methods=("POST",),
    ),
    name="dispatch",
)
class PasswordResetView(auth_views.PasswordResetView):
    """Always says "check your inbox", whether or not the address is known, so the page
    cannot be used to find out who works here."""

    template_name = "dashboard/auth/password_reset_form.html"
    form_class = StaffPasswordResetForm
    email_template_name = "accounts/email/password_reset_body.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")

    @property
    def extra_email_context(self) -> dict[str, Any]:  # type: ignore[override]
        return {"site_name": store().name}


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "dashboard/auth/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "dashboard/auth/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        services.record_password_reset(user=form.user)
        return response


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "dashboard/auth/password_reset_complete.html"


@login_required
def password_change(request: HttpRequest) -> HttpResponse:
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.change_own_password(
                user=request.user,
                current_password=form.cleaned_data["current_password"],
                new_password=form.cleaned_data["new_password"],
            )
        except DomainError as exc:
            attach_domain_error(form, exc)
        else:
            update_session_auth_hash(request, request.user)  # stay signed in here
            messages.success(request, "Your password has been changed.")
            return redirect("dashboard:home")
    return render(request, "accounts/password_change.html", {"form": form})
