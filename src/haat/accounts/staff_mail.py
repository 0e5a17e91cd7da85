"""The one way Haat sends e-mail to staff: send, then record the attempt (`StaffEmail`).

Invitations, password resets and lock-out notices used to catch a mail server's refusal
and only log it, so the dashboard said "we e-mailed them" while nothing left. Each attempt
is now a row (recipient, subject, kind, sent/failed, the error) that the E-mail log page
lists and whose failures the navigation counts; callers get the row back and tell the person
in front of them when it failed. The row is written after the attempt, outside any
transaction, so a failure is recorded even when the caller's work rolls back.
"""

from __future__ import annotations

import logging
import smtplib
import socket
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.utils import timezone

from haat.accounts.models import StaffEmail
from haat.core.mail_delivery import delivery_summary, kept_locally

logger = logging.getLogger(__name__)

_MAX_ERROR = 500


def send_staff_email(
    *, kind: StaffEmail.Kind, to: str, subject: str, body: str, html: str | None = None
) -> StaffEmail:
    """Send one plain-text (optionally also HTML) e-mail to `to` and record the outcome.

    Never raises for a mail failure: the caller reads `.failed` on the returned row."""
    subject = " ".join(subject.split())[:200]
    message = EmailMultiAlternatives(subject, body, None, [to])
    if html is not None:
        message.attach_alternative(html, "text/html")
    error = ""
    try:
        message.send()
    except Exception as exc:  # any backend (SMTP, anymail HTTP APIs) can fail its own way
        error = describe_failure(exc)[:_MAX_ERROR]
        logger.warning("Could not send the %s e-mail to %s: %s", kind, to, error)
    if error:
        status = StaffEmail.Status.FAILED
    elif kept_locally():
        status = StaffEmail.Status.KEPT_LOCALLY
    else:
        status = StaffEmail.Status.SENT
    # Its own transaction (savepoint inside another): the record stands on its own.
    with transaction.atomic():
        return StaffEmail.objects.create(
            kind=kind,
            to=to[:254],
            subject=subject,
            status=status,
            error=error,
            delivery=delivery_summary()[:300],
        )


def describe_failure(exc: BaseException) -> str:
    """A sentence an owner can act on, with the library's own words after it."""
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        lead = "The mail server refused the user name or password"
    elif isinstance(exc, smtplib.SMTPRecipientsRefused):
        lead = "The mail server refused the recipient's address"
    elif isinstance(exc, smtplib.SMTPSenderRefused):
        lead = "The mail server refused the sender address (DEFAULT_FROM_EMAIL)"
    elif isinstance(exc, ConnectionRefusedError):
        lead = "Nothing answered at the mail server's address and port"
    elif isinstance(exc, TimeoutError):
        lead = "The mail server did not answer in time"
    elif isinstance(exc, socket.gaierror):
        lead = "The mail server's host name could not be found"
    elif isinstance(exc, smtplib.SMTPException | OSError):
        lead = "The mail server did not accept the message"
    else:
        lead = "The e-mail service did not accept the message"
    detail = str(exc).strip() or type(exc).__name__
    return f"{lead}: {detail}"


def prune_staff_emails() -> int:
    """Delete records older than HAAT_EMAIL_LOG_DAYS (daily, `accounts.tasks`)."""
    cutoff = timezone.now() - timedelta(days=settings.HAAT_EMAIL_LOG_DAYS)
    deleted, _ = StaffEmail.objects.filter(created_at__lt=cutoff).delete()
    return deleted
