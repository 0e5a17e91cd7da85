"""Webhook endpoints for Razorpay and Stripe: verify, store, answer 200 fast.

No gateway call and no payment logic runs here; `inbox.receive` stores the event and a
worker applies it. A bad or missing signature is answered 400 (and recorded).
"""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from haat.core.errors import DomainError
from haat.gateways import inbox
from haat.gateways.errors import InvalidSignature


def _receive(request: HttpRequest, gateway: str) -> JsonResponse:
    try:
        event, created = inbox.receive(
            gateway=gateway, body=request.body, headers=dict(request.headers)
        )
    except InvalidSignature as exc:
        return JsonResponse(exc.as_body(), status=400)
    except DomainError as exc:  # e.g. stored secrets unreadable: let the gateway retry
        return JsonResponse(exc.as_body(), status=503)
    return JsonResponse({"status": "stored" if created else "duplicate", "id": event.event_id})


@csrf_exempt
@require_POST
def razorpay_webhook(request: HttpRequest) -> JsonResponse:
    return _receive(request, "razorpay")


@csrf_exempt
@require_POST
def stripe_webhook(request: HttpRequest) -> JsonResponse:
    return _receive(request, "stripe")
