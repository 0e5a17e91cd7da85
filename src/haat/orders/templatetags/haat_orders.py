"""Template helpers for order pages."""

from __future__ import annotations

from babel import Locale
from django import template
from django.conf import settings

from haat.core.money import Money, formatted
from haat.customers.validation import display_phone
from haat.orders.models import Order

register = template.Library()

BADGES = {
    "pending_confirmation": "warning",
    "pending_payment": "warning",
    "payment_failed": "danger",
    "confirmed": "success",
    "processing": "warning",
    "packed": "warning",
    "partially_shipped": "draft",
    "shipped": "draft",
    "out_for_delivery": "draft",
    "partially_delivered": "draft",
    "delivered": "success",
    "return_requested": "warning",
    "returned": "muted",
    "rto": "danger",
    "cancelled": "muted",
}
PAYMENT_BADGES = {
    "pending": "warning",
    "partially_paid": "warning",
    "paid": "success",
    "partially_refunded": "draft",
    "refunded": "muted",
    "failed": "danger",
}


@register.simple_tag
def money(amount: int, currency: str) -> str:
    """Minor units formatted for the store locale (₹1,29,999.00)."""
    return formatted(int(amount), currency, settings.HAAT_LOCALE)


@register.filter
def status_badge(status: str) -> str:
    return BADGES.get(status, "muted")


@register.filter
def payment_badge(status: str) -> str:
    return PAYMENT_BADGES.get(status, "muted")


@register.simple_tag
def major(amount: int, currency: str) -> str:
    """Minor units as a plain decimal for form inputs ("149.00")."""
    return f"{Money(int(amount), currency).to_decimal():f}"


@register.filter
def status_label(status: str) -> str:
    """An order status in the merchant's words ("Awaiting payment", not pending_payment)."""
    try:
        return Order.Status(status).label
    except ValueError:
        return status


@register.filter
def country_name(code: str) -> str:
    """An ISO 3166 country code in words ("India" for IN); unknown codes as they are."""
    territories = Locale.parse(settings.HAAT_LOCALE).territories
    return territories.get(str(code or "").upper(), code)


@register.filter
def phone(stored: str) -> str:
    """A stored (E.164) phone number as people write it: "+91 98450 12345"."""
    return display_phone(stored) if stored else ""
