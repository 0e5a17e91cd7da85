"""The dashboard's navigation: the home link, then every installed context's entries
(`haat.core.registry.nav_entries`), filtered by the signed-in user's role, with badges."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.cache import cache
from django.urls import reverse

from haat.core.registry import NavEntry, nav_entries

HOME = NavEntry("Home", "dashboard:home", None, "", "⌂", order=0)


def nav_for(user) -> list[dict]:
    items = []
    for entry in [HOME, *nav_entries()]:
        if entry.perm and not user.can(entry.perm):
            continue
        item = {
            "label": entry.label,
            "url": reverse(entry.url_name),
            "section": entry.section,
            "icon": entry.icon,
            "url_name": entry.url_name,
        }
        if entry.badge:
            count = cache.get_or_set(
                f"dashboard:badge:{entry.url_name}", entry.badge.count, entry.badge.cache_seconds
            )
            item.update(badge=count, badge_title=entry.badge.title(count))
        items.append(item)
    return items


def current_url(urls: Iterable[str], path: str, *, home: str = "/dashboard/") -> str | None:
    """The navigation link for the page at `path`: the longest link `path` starts with, so
    /dashboard/payments/rules/ is "Payment rules", not also "Payments" above it. Home
    counts only on itself, since every dashboard address starts with it."""
    path = path if path.endswith("/") else f"{path}/"
    matches = [u for u in urls if path == u or (u != home and path.startswith(u))]
    return max(matches, key=len, default=None)
