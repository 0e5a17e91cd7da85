"""WhatsApp Cloud API: approved template messages to customers' phones.

A WhatsApp message outside the 24-hour service window must be a template approved at Meta,
so a Haat template for channel `whatsapp` carries its mapping (`Template.provider_template`):
the name and language Meta approved, which variables fill the body's `{{1}}`, `{{2}}`...
in order, and which fill the quick-reply buttons' payloads. `payload()` fixes the values
when the message is written; the adapter posts them to
`POST {HAAT_WHATSAPP_API_URL}/{phone-number-id}/messages` with the access token.

Credentials are settings (environment), not rows: `HAAT_WHATSAPP_PHONE_NUMBER_ID`,
`HAAT_WHATSAPP_ACCESS_TOKEN` (a System User token), `HAAT_WHATSAPP_APP_SECRET` (checks
callbacks) and `HAAT_WHATSAPP_VERIFY_TOKEN` (the webhook handshake). Without the first two,
WhatsApp rules ship off and cannot be switched on (`summary()` says why on the rules page);
a WhatsApp message planned anyway (the settings removed later) is recorded failed with a
sentence saying WhatsApp is not set up.

The Cloud API takes no idempotency key, so the adapter is not `idempotent`: a send cut off
mid-call is marked failed for staff to check instead of being sent twice.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings

from haat.gateways.errors import GatewayError, GatewayUnavailable
from haat.gateways.http import call
from haat.notifications.channels import ChannelError, Outgoing, Sender, register
from haat.notifications.models import Channel

_NAME = re.compile(r"^[a-z0-9_]{1,512}$")  # Meta's template names
_LANGUAGE = re.compile(r"^[a-z]{2,3}(_[A-Z]{2})?$")  # en, en_US, hi
_PARAMETER_MAX = 1024
MAX_BUTTONS = 3
NOT_SET_UP = (
    "WhatsApp is not set up: set HAAT_WHATSAPP_PHONE_NUMBER_ID and HAAT_WHATSAPP_ACCESS_TOKEN "
    "(docs/notifications.md), then send it again."
)


def configured() -> bool:
    return bool(settings.HAAT_WHATSAPP_PHONE_NUMBER_ID and settings.HAAT_WHATSAPP_ACCESS_TOKEN)


def summary() -> str:
    """One sentence for the dashboard: whether WhatsApp can send, or what is missing."""
    if configured():
        return "WhatsApp goes out through the WhatsApp Cloud API."
    return (
        "WhatsApp is not set up: set HAAT_WHATSAPP_PHONE_NUMBER_ID and "
        "HAAT_WHATSAPP_ACCESS_TOKEN (and, for delivery reports and replies, "
        "HAAT_WHATSAPP_APP_SECRET and HAAT_WHATSAPP_VERIFY_TOKEN; see the configuration "
        "guide). WhatsApp rules stay off until then; a cash-on-delivery order is asked to "
        "confirm by e-mail meanwhile."
    )


def check_mapping(mapping: Any, *, allowed: set[str]) -> list[str]:
    """Problems with a WhatsApp template mapping, each a sentence (empty: fine)."""
    if not isinstance(mapping, dict):
        return ["The WhatsApp template must name the approved template and its language."]
    problems = []
    name, language = mapping.get("name"), mapping.get("language")
    if not isinstance(name, str) or not _NAME.match(name):
        problems.append(
            "The WhatsApp template name must be the approved name: lower-case letters, "
            "digits and underscores."
        )
    if not isinstance(language, str) or not _LANGUAGE.match(language):
        problems.append("The WhatsApp language must be a code Meta uses, e.g. en, en_US or hi.")
    for part, label in (("body", "body parameter"), ("buttons", "button")):
        values = mapping.get(part, [])
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            problems.append(f"Each WhatsApp {label} must name a variable.")
            continue
        problems += [
            f"WhatsApp {label} {i} uses the unknown variable {v!r}."
            for i, v in enumerate(values, 1)
            if v not in allowed
        ]
    if isinstance(mapping.get("buttons"), list) and len(mapping["buttons"]) > MAX_BUTTONS:
        problems.append(f"A WhatsApp template has at most {MAX_BUTTONS} quick-reply buttons.")
    unknown = set(mapping) - {"name", "language", "body", "buttons"}
    if unknown:
        problems.append(f"The WhatsApp template has unknown fields: {', '.join(sorted(unknown))}.")
    return problems


def payload(mapping: dict[str, Any], variables: dict[str, Any]) -> dict[str, Any]:
    """The values a message is sent with, fixed when it is written."""
    return {
        "name": mapping["name"],
        "language": mapping["language"],
        "body": [_text(variables.get(v, "")) for v in mapping.get("body", [])],
        "buttons": [str(variables.get(v, "")) for v in mapping.get("buttons", [])],
    }


def _text(value: Any) -> str:
    # Meta refuses new lines, tabs and runs of spaces in a parameter.
    return " ".join(str(value).split())[:_PARAMETER_MAX] or "-"


def request_body(outgoing: Outgoing) -> dict[str, Any]:
    """The Graph API's template message, as the official SDK builds it."""
    fixed = outgoing.payload
    components: list[dict[str, Any]] = []
    if fixed.get("body"):
        components.append(
            {"type": "body", "parameters": [{"type": "text", "text": t} for t in fixed["body"]]}
        )
    components += [
        {
            "type": "button",
            "sub_type": "quick_reply",
            "index": str(index),
            "parameters": [{"type": "payload", "payload": value}],
        }
        for index, value in enumerate(fixed.get("buttons", []))
    ]
    return {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": outgoing.recipient.lstrip("+"),
        "type": "template",
        "template": {
            "name": fixed.get("name", ""),
            "language": {"code": fixed.get("language", "")},
            "components": components,
        },
        # Echoed back on every status callback: finds the message even before its id is saved.
        "biz_opaque_callback_data": outgoing.key,
    }


def _error(body: dict[str, Any]) -> str:
    error = body.get("error") or {}
    details = (error.get("error_data") or {}).get("details") or ""
    return " ".join(str(p) for p in (error.get("message"), details) if p)


class WhatsAppAdapter:
    channel = Channel.WHATSAPP
    provider = "whatsapp"
    idempotent = False  # the Cloud API takes no idempotency key

    @contextmanager
    def open(self) -> Iterator[Sender]:
        yield self._send

    def _send(self, outgoing: Outgoing) -> str:
        if not configured():
            raise ChannelError(NOT_SET_UP, permanent=True)
        if not outgoing.payload.get("name"):
            raise ChannelError(
                "This WhatsApp template is not mapped to a template approved at Meta.",
                permanent=True,
            )
        base = settings.HAAT_WHATSAPP_API_URL.rstrip("/")
        url = f"{base}/{settings.HAAT_WHATSAPP_PHONE_NUMBER_ID}/messages"
        try:
            answer = call(
                "WhatsApp",
                "POST",
                url,
                headers={"Authorization": f"Bearer {settings.HAAT_WHATSAPP_ACCESS_TOKEN}"},
                json_body=request_body(outgoing),
                error_message=_error,
            )
        except GatewayUnavailable as exc:
            raise ChannelError(exc.message) from None
        except GatewayError as exc:
            status = exc.details.get("status")
            # 429 (rate limit) and 401 (a token being rotated) may pass; other 4xx will not.
            raise ChannelError(exc.message, permanent=status not in (401, 429)) from None
        messages = answer.body.get("messages") or [{}]
        wamid = str(messages[0].get("id") or "")
        if not wamid:
            raise ChannelError("WhatsApp accepted the message but returned no message id.")
        return wamid


register(WhatsAppAdapter())
