"""Where Haat's e-mail goes, said in words, and the backend used when nobody said.

Without e-mail settings Django sends by SMTP to localhost:25, which a laptop or the demo does
not run: every invitation and password reset failed, and only a log line said so. So when no
e-mail setting is given (`EMAIL_URL`, `EMAIL_BACKEND`, `EMAIL_HOST`), settings choose
`LocalFileBackend`: each message becomes one `.eml` file under `HAAT_EMAIL_DIR` (any mail
program opens it), and a log line names the file and the links inside, so a password-reset
link is one click away in the terminal. `haat serve`, the E-mail log page and
`haat manage check --deploy` say where mail goes, so a live store does not stay on files.
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Sequence
from pathlib import Path

from django.conf import settings
from django.core import checks
from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone

logger = logging.getLogger("haat.mail")

LOCAL_BACKEND = "haat.core.mail_delivery.LocalFileBackend"
# Backends that keep messages on this machine: nobody receives them.
_KEPT_HERE = {
    LOCAL_BACKEND: "saved as files",
    "django.core.mail.backends.console.EmailBackend": "printed to the console",
    "django.core.mail.backends.filebased.EmailBackend": "saved as files",
    "django.core.mail.backends.dummy.EmailBackend": "thrown away",
}
_LINK = re.compile(r"https?://\S+")


class LocalFileBackend(BaseEmailBackend):
    """Writes each message to `HAAT_EMAIL_DIR/<time>-<id>.eml` and logs where."""

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        directory = Path(settings.HAAT_EMAIL_DIR)
        # The messages hold one-time sign-in links: only this user may read them.
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        written = 0
        for message in email_messages:
            stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
            path = directory / f"{stamp}-{uuid.uuid4().hex[:8]}.eml"
            path.write_bytes(message.message().as_bytes(linesep="\n"))
            links = _LINK.findall(str(message.body))
            logger.info(
                "E-mail %r to %s saved in %s%s",
                message.subject,
                ", ".join(message.recipients()),
                path,
                "".join(f"\n  link: {link}" for link in links),
            )
            written += 1
        return written


def kept_locally(backend: str | None = None) -> bool:
    """True when mail stays on this machine (files, console), so nobody receives it."""
    return (backend or settings.EMAIL_BACKEND) in _KEPT_HERE


def kept_where() -> str:
    """Where mail kept on this machine goes ("saved as files in /x/mail"), or ""."""
    backend = settings.EMAIL_BACKEND
    if backend == LOCAL_BACKEND:
        return f"saved as files in {settings.HAAT_EMAIL_DIR}"
    if backend == "django.core.mail.backends.filebased.EmailBackend":
        return f"saved as files in {settings.EMAIL_FILE_PATH}"
    return _KEPT_HERE.get(backend, "")


def delivery_summary() -> str:
    """Where e-mail goes, in one phrase: "saved as files in /x/mail (not sent)", "SMTP
    server smtp.example.in:587", "Resend (anymail)"."""
    backend = settings.EMAIL_BACKEND
    if kept_locally(backend):
        return f"{kept_where()} (not sent)"
    if backend == "django.core.mail.backends.smtp.EmailBackend":
        return f"SMTP server {settings.EMAIL_HOST}:{settings.EMAIL_PORT}"
    if backend.startswith("anymail.backends."):
        return f"{backend.split('.')[2].capitalize()} (anymail)"
    return backend


@checks.register("haat", deploy=True)
def check_email_configured(app_configs: object = None, **kwargs: object) -> list[checks.Warning]:
    """`haat manage check --deploy`: a live store whose e-mail stays on the server."""
    if not kept_locally():
        return []
    return [
        checks.Warning(
            f"E-mail is not set up: messages are {delivery_summary()}, so staff invitations, "
            "password resets and lock-out notices reach nobody.",
            hint="Set EMAIL_URL (e.g. smtp+tls://user:password@smtp.example.in:587) or "
            "EMAIL_BACKEND with an anymail provider; see docs/configuration.md.",
            id="haat.W001",
        )
    ]
