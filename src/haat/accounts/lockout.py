"""Sign-in lock-out beyond django-axes' per (e-mail, IP) count.

Axes locks one address out of one account after HAAT_LOGIN_FAILURE_LIMIT wrong passwords.
Alone that lets an attacker with many addresses keep guessing one account (each new IP
gets fresh guesses) and lets one address spray many accounts. So two more counters of
failures run in the cache (`haat.core.ratelimit` scopes):

- `login_account`: failures for one e-mail across all addresses. At the limit the account
  is locked for the rest of the window for everyone, and its owner gets one e-mail saying
  so (a password reset by e-mail lifts the lock).
- `login_ip`: failures from one address across all accounts.
"""

from __future__ import annotations

from django.core.cache import cache
from django.http import HttpRequest

from haat.accounts.models import StaffEmail, User
from haat.accounts.staff_mail import send_staff_email
from haat.core import ratelimit
from haat.core.context import client_ip
from haat.core.store import store


def _account(email: str) -> str:
    return (email or "").strip().lower()[:254]


def locked(request: HttpRequest, email: str) -> bool:
    """True when this address or this account has used up its failed sign-ins."""
    return ratelimit.over("login_ip", client_ip(request) or "") or ratelimit.over(
        "login_account", _account(email)
    )


def record_failure(request: HttpRequest, email: str) -> None:
    """Count one failed sign-in; tell the account's owner when it becomes locked."""
    ratelimit.hit("login_ip", client_ip(request) or "")
    account = _account(email)
    ratelimit.hit("login_account", account)
    rate = ratelimit.rate_for("login_account")
    if rate is not None and ratelimit.count_only("login_account", account) == rate.count:
        _notify_owner(account)


def lift(email: str) -> None:
    """Forget the account's failures (after a password reset by e-mail)."""
    ratelimit.reset("login_account", _account(email))


def _notify_owner(email: str) -> None:
    user = User.objects.filter(email__iexact=email, is_active=True).first()
    # One notice per lock, even when several processes see the limit reached.
    if user is None or not cache.add(f"haat:lockout-notice:{email}", 1, timeout=3600):
        return
    # A mail server that is down must not break the sign-in page: the attempt is recorded
    # (and a failure shown on the E-mail log page) instead of raised.
    send_staff_email(
        kind=StaffEmail.Kind.LOCKOUT_NOTICE,
        to=user.email,
        subject=f"{store().name}: sign-in to your account is locked",
        body=(
            f"Someone entered a wrong password for {email} too many times, from one or "
            "more addresses, so signing in to this account is locked for up to an hour.\n\n"
            "If this was not you, reset your password from the sign-in page: a reset by "
            "e-mail lifts the lock at once."
        ),
    )
