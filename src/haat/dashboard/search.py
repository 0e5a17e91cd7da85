"""The dashboard's search box: one query, asked of every installed context's search
sources (`haat.core.registry.search_sources`) that the user's role may use, so a role
that cannot see orders never gets orders. The dashboard knows no context: orders finds
orders and customers, catalog finds products."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from django.urls import reverse

from haat.core.registry import SearchHit, search_sources

PER_KIND = 8  # hits shown per kind; the kind's list shows the rest
MIN_LENGTH = 2  # one character would match nearly everything
MAX_LENGTH = 100


@dataclass(frozen=True)
class SearchGroup:
    kind: str
    hits: list[SearchHit]
    more_url: str  # the kind's own list, filtered by the query
    has_more: bool


def clean_query(raw: str | None) -> str:
    return " ".join((raw or "").split())[:MAX_LENGTH]


def search_kinds(user) -> str:
    """What the search box finds for this user, in words ("orders, customers, products")."""
    return ", ".join(s.kind.lower() for s in search_sources() if not s.perm or user.can(s.perm))


def search_for(user, q: str) -> list[SearchGroup]:
    """The groups with at least one hit, in the navigation's order."""
    if len(q) < MIN_LENGTH:
        return []
    groups = []
    for source in search_sources():
        if source.perm and not user.can(source.perm):
            continue
        hits = source.find(q, PER_KIND + 1)
        if hits:
            more = f"{reverse(source.more_url_name)}?{urlencode({'q': q})}"
            groups.append(SearchGroup(source.kind, hits[:PER_KIND], more, len(hits) > PER_KIND))
    return groups
