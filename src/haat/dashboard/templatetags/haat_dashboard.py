"""Template helpers of the dashboard shell."""

from __future__ import annotations

from babel import Locale
from django import template
from django.conf import settings

from haat.customers.validation import display_phone
from haat.dashboard.navigation import current_url

register = template.Library()


@register.filter(name="nav_current")
def nav_current(nav_items: list[dict], path: str) -> str | None:
    """The URL of the one navigation link that is the current page (navigation.current_url)."""
    return current_url((item["url"] for item in nav_items or ()), path)


@register.filter(name="country_name")
def country_name(code: str) -> str:
    """A country code in words ("India" for IN); an unknown code as it is."""
    territories = Locale.parse(settings.HAAT_LOCALE).territories
    return territories.get(str(code or "").upper(), code)


@register.filter(name="phone")
def phone(stored: str) -> str:
    """A stored (E.164) phone number as people write it: "+91 98450 12345"."""
    return display_phone(stored) if stored else ""
