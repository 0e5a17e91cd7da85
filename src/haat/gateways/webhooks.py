"""Webhook endpoints for Razorpay and Stripe: verify, store, answer 200 fast.

No gateway call and no payment logic runs here; `inbox.receive` stores the event and a
worker applies it. A bad or missing signature is answered 400 (and recorded).
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from haat.core.error_codes import CoreError
from haat.core.errors import DomainError
from haat.gateways import inbox
from haat.gateways.errors import InvalidSignature


def _receive(request: HttpRequest, gateway: str) -> JsonResponse:
    body = _read_capped(request)
    if body is None:
        error = CoreError.PAYLOAD_TOO_LARGE
        message = f"Webhook bodies are at most {settings.HAAT_WEBHOOK_MAX_BYTES} bytes."
        return JsonResponse(
            {"error": {"code": error, "message": message, "details": {}}}, status=413
        )
    try:
        event, created = inbox.receive(gateway=gateway, body=body, headers=dict(request.headers))
    except InvalidSignature as exc:
        return JsonResponse(exc.as_body(), status=400)
    except DomainError as exc:  # e.g. stored secrets unreadable: let the gateway retry
        return JsonResponse(exc.as_body(), status=503)
    return JsonResponse({"status": "stored" if created else "duplicate", "id": event.event_id})


def _read_capped(request: HttpRequest) -> bytes | None:
    """The raw body, or None when it is over HAAT_WEBHOOK_MAX_BYTES: a declared length is
    refused before anything is read, an undeclared one after reading one byte too many."""
    limit = settings.HAAT_WEBHOOK_MAX_BYTES
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > limit:
        return None
    body = request.read(limit + 1)
    return None if len(body) > limit else body


@csrf_exempt
@require_POST
def razorpay_webhook(request: HttpRequest) -> JsonResponse:
    return _receive(request, "razorpay")


@csrf_exempt
@require_POST
def stripe_webhook(request: HttpRequest) -> JsonResponse:
    return _receive(request, "stripe")
