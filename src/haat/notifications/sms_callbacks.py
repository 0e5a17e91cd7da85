"""Delivery reports from the SMS providers: verify, store once, move the message forward.

- **Twilio** posts a form to the `StatusCallback` URL the message was sent with, signed in
  `X-Twilio-Signature`: base64 of HMAC-SHA1 (key: the auth token) over the full URL
  followed by every field name and value, sorted by name.
- **MSG91** signs nothing; its delivery-report webhook URL carries a secret token
  (`?token=HAAT_MSG91_WEBHOOK_TOKEN`), compared in constant time. The report is JSON (or a
  form field `data` holding it): `[{"requestId", "report": [{"number", "status", "desc"}]}]`
  with status 1 delivered, 2 failed, 9 NDNC, 16/17/25/26 rejected or blocked, 8 and 5 still on
  the way (codes from MSG91's help pages, not from a published schema).

Every report is stored (`SmsStatusReport`, unique on the hash of its body), so a repeat
changes nothing. Statuses only move forward: a late "sent" never undoes "delivered", and a
"failed" after "delivered" is ignored.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from haat.notifications.models import Channel, Message, SmsStatusReport

logger = logging.getLogger(__name__)

_RANK = {
    Message.Status.QUEUED: 0,
    Message.Status.SENDING: 1,
    Message.Status.SENT: 2,
    Message.Status.DELIVERED: 3,
    Message.Status.READ: 4,
}
TWILIO_STATUS = {
    "sent": Message.Status.SENT,
    "delivered": Message.Status.DELIVERED,
    "read": Message.Status.READ,
    "undelivered": Message.Status.FAILED,
    "failed": Message.Status.FAILED,
}
MSG91_STATUS = {
    "1": Message.Status.DELIVERED,
    "2": Message.Status.FAILED,
    "9": Message.Status.FAILED,
    "16": Message.Status.FAILED,
    "17": Message.Status.FAILED,
    "25": Message.Status.FAILED,
    "26": Message.Status.FAILED,
}


class Unauthorized(Exception):
    pass


@dataclass(frozen=True)
class Report:
    provider_id: str
    status: str  # the provider's word
    outcome: str  # a Message.Status, or "" when it says nothing new
    error: str = ""


# --- verification ---------------------------------------------------------------------------
def twilio_signature(url: str, params: dict[str, str], token: str) -> str:
    data = url + "".join(name + params[name] for name in sorted(params))
    digest = hmac.new(token.encode(), data.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def verify_twilio(*, urls: list[str], params: dict[str, str], signature: str) -> None:
    """Raise Unauthorized unless `signature` matches one of the URLs the callback may have
    been sent to (the configured base URL, or this request's own)."""
    token = settings.HAAT_TWILIO_AUTH_TOKEN
    if not token or not signature:
        raise Unauthorized("The callback is not signed.")
    for url in urls:
        if hmac.compare_digest(twilio_signature(url, params, token), signature):
            return
    raise Unauthorized("The signature does not match.")


def verify_msg91(token: str) -> None:
    expected = settings.HAAT_MSG91_WEBHOOK_TOKEN
    if not expected or not hmac.compare_digest(token.encode(), expected.encode()):
        raise Unauthorized("The webhook token is missing or wrong.")


# --- parsing --------------------------------------------------------------------------------
def parse_twilio(params: dict[str, str]) -> list[Report]:
    sid = params.get("MessageSid") or params.get("SmsSid") or ""
    word = (params.get("MessageStatus") or params.get("SmsStatus") or "").lower()
    outcome = TWILIO_STATUS.get(word, "")
    error = ""
    if outcome == Message.Status.FAILED:
        code = params.get("ErrorCode", "")
        error = f"Twilio reports the SMS {word}" + (f" (error {code})" if code else "") + "."
    return [Report(sid, word, outcome, error)] if sid else []


def parse_msg91(raw: bytes, content_type: str) -> list[Report]:
    text = raw.decode(errors="replace")
    if "application/x-www-form-urlencoded" in content_type:
        text = dict(parse_qsl(text)).get("data", "")
    try:
        data: Any = json.loads(text or "null")
    except ValueError:
        return []
    items = data if isinstance(data, list) else [data] if isinstance(data, dict) else []
    reports = []
    for item in items:
        if not isinstance(item, dict):
            continue
        request_id = str(item.get("requestId") or item.get("request_id") or "")
        for row in item.get("report") or []:
            if not isinstance(row, dict) or not request_id:
                continue
            code = str(row.get("status") or "")
            desc = str(row.get("desc") or "")
            outcome = MSG91_STATUS.get(code, "")
            error = (
                f"MSG91 reports the SMS {desc or 'failed'} (status {code})."
                if (outcome == Message.Status.FAILED)
                else ""
            )
            reports.append(Report(request_id, desc or code, outcome, error))
    return reports


# --- storing and applying -------------------------------------------------------------------
def receive(*, provider: str, raw: bytes, reports: list[Report]) -> tuple[bool, str]:
    """Store the report once and apply it; returns (new, what it did in words)."""
    digest = hashlib.sha256(provider.encode() + b"\0" + raw).hexdigest()
    first = reports[0] if reports else Report("", "", "")
    try:
        with transaction.atomic():
            stored = SmsStatusReport.objects.create(
                provider=provider,
                digest=digest,
                provider_id=first.provider_id[:255],
                status=first.status[:40],
                body=raw.decode(errors="replace")[:20000],
            )
            outcomes = [apply(provider=provider, report=r) for r in reports]
            stored.outcome = ("; ".join(outcomes) or "Nothing to apply.")[:300]
            stored.save(update_fields=["outcome"])
    except IntegrityError:
        return False, "Already received."
    return True, stored.outcome


def apply(*, provider: str, report: Report) -> str:
    """Move the message forward; never back, never out of `failed` into a success."""
    message = (
        Message.objects.select_for_update()
        .filter(channel=Channel.SMS, provider=provider, provider_id=report.provider_id)
        .first()
    )
    if message is None:
        logger.info("%s report for unknown message %s", provider, report.provider_id)
        return f"No message {report.provider_id}."
    if not report.outcome:
        return f"{report.provider_id}: {report.status}, nothing to change."
    now = timezone.now()
    current = _RANK.get(message.status, -1)
    if report.outcome == Message.Status.FAILED:
        if message.status in (Message.Status.DELIVERED, Message.Status.READ, Message.Status.FAILED):
            return f"{report.provider_id}: {report.status} ignored (already {message.status})."
        message.status, message.failed_at, message.error = report.outcome, now, report.error[:1000]
    elif message.status == Message.Status.FAILED or _RANK[report.outcome] <= current:
        return f"{report.provider_id}: {report.status} ignored (already {message.status})."
    else:
        message.status = report.outcome
        if report.outcome in (Message.Status.DELIVERED, Message.Status.READ):
            message.delivered_at = message.delivered_at or now
        if report.outcome == Message.Status.READ:
            message.read_at = message.read_at or now
    message.save(update_fields=["status", "failed_at", "error", "delivered_at", "read_at"])
    return f"{report.provider_id}: {message.status}."
