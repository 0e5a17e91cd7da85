"""Template helpers of the dashboard shell."""

from __future__ import annotations

from django import template

from haat.dashboard.navigation import current_url

register = template.Library()


@register.filter(name="nav_current")
def nav_current(nav_items: list[dict], path: str) -> str | None:
    """The URL of the one navigation link that is the current page (navigation.current_url)."""
    return current_url((item["url"] for item in nav_items or ()), path)
