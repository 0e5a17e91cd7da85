"""Template helpers of the core context."""

from __future__ import annotations

from django import template
from django.conf import settings

from haat.core.money import Money, formatted

register = template.Library()


@register.filter(name="money")
def money_filter(value: object, currency: str = "") -> str:
    """Money in the store's format (₹2,499.00): `{{ price|money }}` for a `Money`,
    `{{ amount|money:currency }}` for minor units; "—" for none."""
    if value is None or value == "":
        return "—"
    if isinstance(value, Money):
        return formatted(value.amount, value.currency, settings.HAAT_LOCALE)
    return formatted(int(value), currency, settings.HAAT_LOCALE)  # type: ignore[call-overload]
