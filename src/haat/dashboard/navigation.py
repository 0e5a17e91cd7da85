"""The dashboard's navigation: the home link, then every installed context's entries
(`haat.core.registry.nav_entries`), filtered by the signed-in user's role, with badges."""

from __future__ import annotations

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
