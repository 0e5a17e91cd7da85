"""E-mails to staff: the "set your password" invitation and the password-reset message
(sent through `staff_mail.send_staff_email`, which records each attempt).

Both carry a one-time link built with Django's token generator, so the link stops working
once the password is set (the token covers the password hash) or after
`PASSWORD_RESET_TIMEOUT`.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from haat.accounts.models import StaffEmail, User
from haat.accounts.staff_mail import send_staff_email
from haat.core.store import store

DEFAULT_BASE_URL = "http://localhost:8000"


def base_url(explicit: str | None = None) -> str:
    """Where links in e-mails point: the request's origin, else HAAT_BASE_URL."""
    url = explicit or settings.HAAT_BASE_URL or DEFAULT_BASE_URL
    return url.rstrip("/")


def password_link(user: User, *, origin: str | None = None) -> str:
    """An absolute, one-time link to the page where `user` sets a new password."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    path = reverse("accounts:password_reset_confirm", kwargs={"uidb64": uid, "token": token})
    return base_url(origin) + path


def send_set_password_email(
    user: User, *, invited_by: User | None = None, origin: str | None = None
) -> StaffEmail:
    """Invite a new staff member to choose a password. The returned record says whether the
    mail server took it (the account exists either way; the owner can resend)."""
    context = {
        "user": user,
        "invited_by": invited_by,
        "link": password_link(user, origin=origin),
        "store_name": store().name,
        "role": user.get_role_display(),
    }
    return send_staff_email(
        kind=StaffEmail.Kind.INVITATION,
        to=user.email,
        subject=render_to_string("accounts/email/set_password_subject.txt", context),
        body=render_to_string("accounts/email/set_password_body.txt", context),
    )
