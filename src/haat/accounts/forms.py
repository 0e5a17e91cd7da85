"""Dashboard forms. They only shape input; the rules live in `services`."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django import forms
from django.contrib.auth import authenticate
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.template import loader

from haat.accounts import lockout
from haat.accounts.models import ApiKey, StaffEmail, User
from haat.accounts.roles import Role
from haat.accounts.staff_mail import send_staff_email


class EmailLoginForm(AuthenticationForm):
    """Sign in with e-mail. The field is still called `username` (Django's login form).

    Credentials go to `authenticate()` under both `username` and `email`, so django-axes
    finds the e-mail whichever of the two `AXES_USERNAME_FORM_FIELD` names (its default is
    the user model's USERNAME_FIELD, `email`); the address is lower-cased so "A@x.in" and
    "a@x.in" share one failure count.
    """

    username = forms.EmailField(
        label="E-mail",
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )

    def clean(self) -> dict[str, Any]:
        email = (self.cleaned_data.get("username") or "").strip().lower()
        password = self.cleaned_data.get("password")
        if email and password:
            self.cleaned_data["username"] = email
            self.user_cache = authenticate(
                self.request, username=email, email=email, password=password
            )
            if self.user_cache is None:
                lockout.record_failure(self.request, email)
                raise self.get_invalid_login_error()
            self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data


class StaffPasswordResetForm(PasswordResetForm):
    """Also reaches staff who were invited but never chose a password (their password is
    unusable, which Django's form would skip): every staff member signs in with one.

    Sends through `send_staff_email`, so each attempt is recorded; `sent` holds the records
    of this request's attempts (none when the address is unknown)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.sent: list[StaffEmail] = []

    def get_users(self, email: str) -> Iterator[User]:
        return iter(User.objects.filter(email__iexact=(email or "").strip(), is_active=True))

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        html = None
        if html_email_template_name is not None:
            html = loader.render_to_string(html_email_template_name, context)
        self.sent.append(
            send_staff_email(
                kind=StaffEmail.Kind.PASSWORD_RESET,
                to=to_email,
                subject=loader.render_to_string(subject_template_name, context),
                body=loader.render_to_string(email_template_name, context),
                html=html,
            )
        )


class StaffCreateForm(forms.Form):
    email = forms.EmailField(label="E-mail", max_length=254)
    full_name = forms.CharField(label="Full name", max_length=150, required=False)
    role = forms.ChoiceField(label="Role", choices=Role.choices, initial=Role.SUPPORT)


class StaffEditForm(forms.Form):
    full_name = forms.CharField(label="Full name", max_length=150, required=False)
    role = forms.ChoiceField(label="Role", choices=Role.choices)


class PasswordChangeForm(forms.Form):
    current_password = forms.CharField(
        label="Current password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    new_password = forms.CharField(
        label="New password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    new_password_again = forms.CharField(
        label="New password again",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("new_password") != data.get("new_password_again"):
            self.add_error("new_password_again", "The two new passwords differ.")
        return data


class ApiKeyCreateForm(forms.Form):
    name = forms.CharField(label="Name", max_length=100, help_text="Who or what uses this key.")
    kind = forms.ChoiceField(label="Kind", choices=ApiKey.Kind.choices, initial=ApiKey.Kind.SECRET)
    role = forms.ChoiceField(
        label="Role (secret keys)",
        choices=[("", "—"), *Role.choices],
        required=False,
        help_text="A secret key acts with this role's permissions.",
    )
