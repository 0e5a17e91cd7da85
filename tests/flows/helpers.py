"""Driving the flows like a customer and a gateway would: HTTP only."""

from __future__ import annotations

from typing import Any

from django.test import Client

from haat.gateways.models import WebhookEvent
from haat.gateways.tasks import process_webhook_event
from haat.payments.config import update_settings
from tests.checkout.helpers import checkout_body, fill_cart


def enable(**flags: Any) -> None:
    """Payment settings through the service (as the settings page does)."""
    update_settings(data=flags)


def place(
    api,
    variant,
    payment_type: str,
    quantity: int = 1,
    currency: str | None = None,
    key: str | None = None,
    **body: Any,
):
    token = fill_cart(api, variant, quantity, currency)
    headers = {"Idempotency-Key": key} if key else {}
    return token, api.post(
        f"/api/v1/store/carts/{token}/checkout",
        checkout_body(payment_type=payment_type, **body),
        headers=headers,
    )


def settle() -> int:
    """Run the webhook task for every stored event, as a worker would."""
    ran = 0
    for pk in WebhookEvent.objects.filter(status="received", signature_valid=True).values_list(
        "pk", flat=True
    ):
        process_webhook_event.call(pk)
        ran += 1
    return ran


def click(url: str, action: str = "pay", client: Client | None = None):
    """Open a hosted test-gateway page and press a button (with its CSRF token)."""
    client = client or Client(enforce_csrf_checks=True)
    page = client.get(url)
    assert page.status_code == 200, page.content
    token = client.cookies["csrftoken"].value
    response = client.post(url, {"action": action, "csrfmiddlewaretoken": token})
    settle()
    return response


def post_form(url: str, data: dict | None = None, client: Client | None = None):
    """GET a page then POST its form with the CSRF token (a customer's browser)."""
    client = client or Client(enforce_csrf_checks=True)
    client.get(url)
    token = client.cookies["csrftoken"].value
    return client.post(url, {**(data or {}), "csrfmiddlewaretoken": token})
