"""Dashboard pages for signing in and out, resetting a forgotten password by e-mail,
and changing one's own password."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.decorators import method_decorator

from haat.accounts import lockout, selectors, services
from haat.accounts.forms import EmailLoginForm, PasswordChangeForm, StaffPasswordResetForm
from haat.core.context import client_ip
from haat.core.errors import DomainError
from haat.core.forms import attach_domain_error
from haat.core.mail_delivery import kept_locally, kept_where
from haat.core.ratelimit import limit_view
from haat.core.store import store

FAILED_TEMPLATE = "dashboard/auth/password_reset_failed.html"


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
    """Says "check your inbox" whether or not the address is known, so the page cannot be
    used to find out who works here. When the mail server refused the message it says so
    instead of claiming success; to keep the answer independent of the address, an unknown
    address gets the same answer while the last staff e-mail of the past hour failed."""

    template_name = "dashboard/auth/password_reset_form.html"
    form_class = StaffPasswordResetForm
    email_template_name = "accounts/email/password_reset_body.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")

    @property
    def extra_email_context(self) -> dict[str, Any]:  # type: ignore[override]
        return {"site_name": store().name}

    def form_valid(self, form: StaffPasswordResetForm) -> HttpResponse:
        response = super().form_valid(form)
        failed = any(sent.failed for sent in form.sent) or (
            not form.sent and selectors.mail_is_failing()
        )
        if failed:
            return render(request=self.request, template_name=FAILED_TEMPLATE, status=503)
        return response


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "dashboard/auth/password_reset_done.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        # Whether this server sends e-mail at all is a setting, the same for every address.
        context = super().get_context_data(**kwargs)
        context["mail_kept_locally"] = kept_locally()
        context["mail_kept_where"] = "" if settings.PRODUCTION else kept_where()
        return context


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
