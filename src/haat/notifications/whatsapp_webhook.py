"""The WhatsApp Cloud API webhook at /webhooks/whatsapp.

GET is Meta's verification handshake: `hub.mode=subscribe` and `hub.verify_token` equal to
`HAAT_WHATSAPP_VERIFY_TOKEN` answer the `hub.challenge`; anything else is 403.

POST must carry `X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw body with
HAAT_WHATSAPP_APP_SECRET>` (checked on the raw bytes with `compare_digest`; unsigned or
forged: 401, nothing stored). A signed body is stored (`WhatsAppCallback`, unique on its
hash, so a replay is answered "duplicate" and changes nothing), then applied:

- statuses (`sent`, `delivered`, `read`, `failed`, in any order) move the message they
  name forward, never back; a status for a message Haat did not send, or for another
  phone number, is recorded in the callback's outcome and ignored;
- an inbound "STOP" withdraws the sender's WhatsApp consent, "START" restores order updates;
- a COD confirmation button reply (signed payload, from the order's own phone) confirms or
  cancels the order (`cod.answer`).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from haat.notifications import cod, consent, phones
from haat.notifications.error_codes import NotificationError
from haat.notifications.models import Channel, Message, Purpose, WhatsAppCallback
from haat.orders.models import Order, pk_from_number

logger = logging.getLogger(__name__)

RANK = {
    Message.Status.QUEUED: 0,
    Message.Status.SENDING: 1,
    Message.Status.SENT: 2,
    Message.Status.DELIVERED: 3,
    Message.Status.READ: 4,
}


def _error(code: NotificationError, message: str, status: int) -> JsonResponse:
    return JsonResponse({"error": {"code": code, "message": message, "details": {}}}, status=status)


def signature_valid(body: bytes, header: str, secret: str) -> bool:
    if not secret or not header.startswith("sha256="):
        return False
    expected = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, header.removeprefix("sha256=").strip().lower())


@csrf_exempt
@require_http_methods(["GET", "POST"])
def whatsapp_webhook(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return _handshake(request)
    limit = settings.HAAT_WEBHOOK_MAX_BYTES
    body = request.read(limit + 1)
    if len(body) > limit:
        return _error(
            NotificationError.WHATSAPP_CALLBACK_INVALID, "The callback is too large.", 413
        )
    secret = settings.HAAT_WHATSAPP_APP_SECRET
    if not secret:
        return _error(
            NotificationError.WHATSAPP_NOT_SET_UP,
            "WhatsApp callbacks are refused: HAAT_WHATSAPP_APP_SECRET is not set.",
            503,
        )
    if not signature_valid(body, request.headers.get("X-Hub-Signature-256", ""), secret):
        logger.warning("WhatsApp callback with a missing or wrong signature refused")
        return _error(
            NotificationError.WHATSAPP_SIGNATURE_INVALID,
            "The X-Hub-Signature-256 header is missing or does not match the body.",
            401,
        )
    callback, created = _store(body)
    if not created and callback.status != WhatsAppCallback.Status.RECEIVED:
        return JsonResponse({"status": "duplicate"})
    try:
        payload = json.loads(body)
        if not isinstance(payload, dict):
            raise ValueError("not an object")
    except ValueError:
        _finish(callback, WhatsAppCallback.Status.FAILED, "The body is not a JSON object.")
        return _error(
            NotificationError.WHATSAPP_CALLBACK_INVALID, "The body is not a JSON object.", 400
        )
    outcome = apply(payload)
    _finish(callback, WhatsAppCallback.Status.PROCESSED, " ".join(outcome) or "Nothing to do.")
    return JsonResponse({"status": "processed", "outcome": outcome})


def _handshake(request: HttpRequest) -> HttpResponse:
    token = settings.HAAT_WHATSAPP_VERIFY_TOKEN
    given = request.GET.get("hub.verify_token", "")
    if (
        token
        and request.GET.get("hub.mode") == "subscribe"
        and hmac.compare_digest(token.encode(), given.encode())
    ):
        return HttpResponse(request.GET.get("hub.challenge", ""), content_type="text/plain")
    return _error(
        NotificationError.WHATSAPP_SIGNATURE_INVALID,
        "The verify token does not match HAAT_WHATSAPP_VERIFY_TOKEN.",
        403,
    )


def _store(body: bytes) -> tuple[WhatsAppCallback, bool]:
    digest = hashlib.sha256(body).hexdigest()
    try:
        with transaction.atomic():
            return WhatsAppCallback.objects.create(digest=digest, body=body), True
    except IntegrityError:
        return WhatsAppCallback.objects.get(digest=digest), False


def _finish(callback: WhatsAppCallback, status: str, outcome: str) -> None:
    WhatsAppCallback.objects.filter(pk=callback.pk).update(
        status=status, outcome=outcome[:4000], processed_at=timezone.now()
    )


def apply(payload: dict[str, Any]) -> list[str]:
    """Apply every status and inbound message of a (verified) callback; what happened, in
    words, one sentence each."""
    outcome: list[str] = []
    ours = settings.HAAT_WHATSAPP_PHONE_NUMBER_ID
    for entry in _list(payload.get("entry")):
        for change in _list(entry.get("changes") if isinstance(entry, dict) else None):
            value = change.get("value") if isinstance(change, dict) else None
            if not isinstance(value, dict):
                continue
            number_id = str((value.get("metadata") or {}).get("phone_number_id") or "")
            if ours and number_id and number_id != ours:
                outcome.append(f"Ignored: a callback for another phone number ({number_id}).")
                continue
            outcome += [_status(s) for s in _list(value.get("statuses"))]
            outcome += [_inbound(m) for m in _list(value.get("messages"))]
    return outcome


def _list(value: Any) -> list[Any]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _when(raw: Any) -> datetime:
    try:
        return datetime.fromtimestamp(int(raw), tz=UTC)
    except (TypeError, ValueError, OverflowError, OSError):
        return timezone.now()


def _status(status: dict[str, Any]) -> str:
    wamid, kind = str(status.get("id") or ""), str(status.get("status") or "")
    key = str(status.get("biz_opaque_callback_data") or "")
    if kind not in ("sent", "delivered", "read", "failed") or not wamid:
        return f"Ignored: an unknown status {kind!r}."
    with transaction.atomic():
        found = Message.objects.select_for_update().filter(channel=Channel.WHATSAPP)
        message = found.filter(provider_id=wamid).first() or (
            found.filter(key=key, provider_id="").first() if key else None
        )
        if message is None:
            return f"Ignored: status {kind} for a message Haat did not send ({wamid})."
        at, fields = _when(status.get("timestamp")), {"provider_id": wamid}
        if kind == "failed":
            if RANK.get(message.status, -1) >= RANK[Message.Status.DELIVERED]:
                return f"Ignored: failed after delivery for message {message.pk}."
            errors = _list(status.get("errors"))
            why = "; ".join(
                f"{e.get('title') or e.get('message') or 'error'} ({e.get('code')})" for e in errors
            )
            fields |= {
                "status": Message.Status.FAILED,
                "failed_at": at,
                "error": f"WhatsApp could not deliver it: {why or 'no reason given'}."[:1000],
            }
        else:
            target = Message.Status(kind)
            if (
                message.status == Message.Status.FAILED
                or RANK.get(message.status, -1) >= RANK[target]
            ):
                return f"Kept: message {message.pk} is already {message.status}."
            fields["status"] = target
            # A "read" may arrive without (or before) its "delivered": reading implies it.
            fields["sent_at"] = message.sent_at or at
            if target in (Message.Status.DELIVERED, Message.Status.READ):
                fields["delivered_at"] = message.delivered_at or at
            if target == Message.Status.READ:
                fields["read_at"] = at
        Message.objects.filter(pk=message.pk).update(**fields)
    return f"Message {message.pk} is now {fields.get('status', message.status)}."


def _inbound(message: dict[str, Any]) -> str:
    sender = str(message.get("from") or "")
    try:
        phone = phones.e164(f"+{sender.lstrip('+')}")
    except phones.InvalidPhone:
        return f"Ignored: a message from an invalid number ({sender!r})."
    kind = message.get("type")
    if kind == "text":
        words = " ".join(str((message.get("text") or {}).get("body") or "").split()).upper()
        if words in consent.STOP_WORDS:
            for purpose in (Purpose.MARKETING, Purpose.TRANSACTIONAL):
                consent.record(
                    channel=Channel.WHATSAPP,
                    address=phone,
                    purpose=purpose,
                    granted=False,
                    source="whatsapp_stop",
                    detail=f"The customer wrote {words!r} on WhatsApp.",
                )
            return f"{phone} opted out of WhatsApp messages."
        if words in consent.START_WORDS:
            consent.record(
                channel=Channel.WHATSAPP,
                address=phone,
                purpose=Purpose.TRANSACTIONAL,
                granted=True,
                source="whatsapp_start",
                detail=f"The customer wrote {words!r} on WhatsApp.",
            )
            return f"{phone} gets order updates on WhatsApp again."
        return "Kept: a text message (no reply is automated)."
    if kind == "button":
        reply = str((message.get("button") or {}).get("payload") or "")
    elif kind == "interactive":
        reply = str(((message.get("interactive") or {}).get("button_reply") or {}).get("id") or "")
    else:
        return f"Kept: a {kind} message (no reply is automated)."
    return _button(reply, phone)


def _button(reply: str, phone: str) -> str:
    parsed = cod.parse(reply)
    if parsed is None:
        return "Ignored: a button reply with a missing or forged signature."
    number, action = parsed
    order = Order.objects.filter(pk=pk_from_number(number) or 0).only("phone").first()
    if order is None:
        return f"Ignored: a button reply for an unknown order {number}."
    try:
        same = phones.e164(order.phone) == phone
    except phones.InvalidPhone:
        same = False
    if not same:
        return f"Ignored: a button reply for order {number} from another phone number."
    return cod.answer(order_number=number, action=action, source="whatsapp_button").words
