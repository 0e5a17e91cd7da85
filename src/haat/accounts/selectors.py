"""Reads for the staff and API-key pages and endpoints."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from django.db.models import F, Q, QuerySet
from django.utils import timezone

from haat.accounts.models import ApiKey, StaffEmail, User
from haat.core.errors import NotFound


def staff_list(*, q: str = "", role: str = "", status: str = "") -> QuerySet[User]:
    """Staff filtered by text (name or e-mail), role and status ("active"/"inactive")."""
    users = User.objects.all().order_by("-is_active", "email")
    q = (q or "").strip()
    if q:
        users = users.filter(Q(email__icontains=q) | Q(full_name__icontains=q))
    if role:
        users = users.filter(role=role)
    if status == "active":
        users = users.filter(is_active=True)
    elif status == "inactive":
        users = users.filter(is_active=False)
    return users


def names_by_email(emails: Iterable[str]) -> dict[str, str]:
    """Staff names for the e-mails rows recorded as their actor (one query); an e-mail
    with no staff member, or a member with no name, is left out."""
    wanted = {e for e in emails if e and "@" in e}
    if not wanted:
        return {}
    rows = User.objects.filter(email__in=wanted).exclude(full_name="")
    return dict(rows.values_list("email", "full_name"))


def get_staff(user_id: int) -> User:
    user = User.objects.filter(pk=user_id).first()
    if user is None:
        raise NotFound("No such staff member.", details={"id": user_id})
    return user


def api_key_list(*, kind: str = "", include_revoked: bool = True) -> QuerySet[ApiKey]:
    """Keys newest first, with their creator in the same query; never the hash."""
    keys = ApiKey.objects.select_related("created_by").defer("key_hash")
    if kind:
        keys = keys.filter(kind=kind)
    if not include_revoked:
        keys = keys.filter(revoked_at__isnull=True)
    return keys.order_by(F("revoked_at").asc(nulls_first=True), "-created_at")


def get_api_key(key_id: int) -> ApiKey:
    key = ApiKey.objects.select_related("created_by").defer("key_hash").filter(pk=key_id).first()
    if key is None:
        raise NotFound("No such API key.", details={"id": key_id})
    return key


def staff_email_log(*, failed_only: bool = False) -> QuerySet[StaffEmail]:
    """Staff e-mails, newest first (the E-mail log page)."""
    sent = StaffEmail.objects.all()
    if failed_only:
        sent = sent.filter(status=StaffEmail.Status.FAILED)
    return sent.order_by("-created_at", "-id")


def latest_staff_email(*, to: str, kind: str) -> StaffEmail | None:
    emails = StaffEmail.objects.filter(to__iexact=to, kind=kind)
    return emails.order_by("-created_at", "-id").first()


def failed_staff_emails(*, hours: int = 24) -> int:
    """How many staff e-mails failed in the last `hours` (the navigation badge)."""
    since = timezone.now() - timedelta(hours=hours)
    return StaffEmail.objects.filter(status=StaffEmail.Status.FAILED, created_at__gte=since).count()


def mail_is_failing(*, minutes: int = 60) -> bool:
    """True when the last staff e-mail of the past `minutes` failed: the mail server is
    probably down, whoever the next message is for."""
    since = timezone.now() - timedelta(minutes=minutes)
    last = StaffEmail.objects.filter(created_at__gte=since).order_by("-created_at", "-id").first()
    return last is not None and last.failed
