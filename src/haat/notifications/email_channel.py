"""E-mail to customers and staff, through whatever backend settings chose (`EMAIL_URL`,
an anymail provider, or `.eml` files on a laptop: `haat.core.mail_delivery`).

Each message carries a `Message-ID` derived from its key, so the provider id of an SMTP
message is known before the call, and anymail's tracking webhooks (which report the ESP's
own id, read back from `anymail_status`) find their record. The HTML part is the store's
layout (name, logo, accent colour) around the rendered text, escaped and with its links
made clickable; the text part is the rendered text itself.
"""

from __future__ import annotations

import hashlib
import smtplib
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.template.loader import render_to_string
from django.utils.html import escape, linebreaks, urlize

from haat.accounts.staff_mail import describe_failure
from haat.core.store import store
from haat.notifications.channels import ChannelError, Outgoing, Sender, register
from haat.notifications.models import Channel

DEFAULT_ACCENT = "#9a3412"


def message_id(key: str) -> str:
    """A stable RFC 5322 Message-ID for a message key."""
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    host = urlsplit(str(getattr(settings, "HAAT_BASE_URL", ""))).hostname or "haat.local"
    return f"<{digest}@{host}>"


def html_body(*, subject: str, text: str) -> str:
    """The store's e-mail layout around `text` (escaped; links and paragraphs kept)."""
    details = store()
    base = str(getattr(settings, "HAAT_BASE_URL", "") or "").rstrip("/")
    logo = details.logo_url
    if logo and logo.startswith("/"):
        logo = f"{base}{logo}"
    return render_to_string(
        "notifications/email.html",
        {
            "subject": subject,
            "content": linebreaks(urlize(escape(text), autoescape=False), autoescape=False),
            "store": details,
            "logo_url": logo,
            "accent": getattr(settings, "HAAT_EMAIL_ACCENT_COLOUR", "") or DEFAULT_ACCENT,
        },
    )


class EmailAdapter:
    channel = Channel.EMAIL
    provider = "email"
    # SMTP has no idempotency key: a send cut off mid-way is not retried (see channels.py).
    idempotent = False

    @contextmanager
    def open(self) -> Iterator[Sender]:
        connection = get_connection(fail_silently=False)
        try:
            connection.open()
        except Exception as exc:
            raise ChannelError(describe_failure(exc)) from exc
        try:
            yield lambda outgoing: self._send(connection, outgoing)
        finally:
            with suppress(Exception):  # a connection the server already dropped
                connection.close()

    def _send(self, connection: object, outgoing: Outgoing) -> str:
        mid = message_id(outgoing.key)
        email = EmailMultiAlternatives(
            outgoing.subject,
            outgoing.body_text,
            None,
            [outgoing.recipient],
            connection=connection,
            headers={
                **outgoing.payload.get("headers", {}),  # List-Unsubscribe on marketing
                "Message-ID": mid,
                "X-Haat-Message": outgoing.key,
            },
        )
        if outgoing.body_html:
            email.attach_alternative(outgoing.body_html, "text/html")
        # anymail backends: the key rides along as metadata (shown in the ESP's logs).
        email.metadata = {"haat_message": outgoing.key}  # type: ignore[attr-defined]
        try:
            email.send()
        except smtplib.SMTPRecipientsRefused as exc:
            raise ChannelError(describe_failure(exc), permanent=True) from exc
        except Exception as exc:
            raise ChannelError(describe_failure(exc)) from exc
        status = getattr(email, "anymail_status", None)
        return (getattr(status, "message_id", None) or mid) if status else mid


register(EmailAdapter())
