"""Template helpers for order pages."""

from __future__ import annotations

from django import template
from django.conf import settings

from haat.core.money import Money

register = template.Library()

BADGES = {"pending_payment": "warning", "confirmed": "success", "cancelled": "muted"}


@register.simple_tag
def money(amount: int, currency: str) -> str:
    """Minor units formatted for the store locale (₹1,29,999.00)."""
    return Money(int(amount), currency).format(settings.HAAT_LOCALE)


@register.filter
def status_badge(status: str) -> str:
    return BADGES.get(status, "muted")
