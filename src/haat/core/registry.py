"""What each context adds to the front doors, so that no front door lists the contexts.

A context declares its contribution in its own `frontdoor.py`, which calls `register()` when
imported; the first front door to ask imports the `frontdoor` module of every installed app
(on the first request, when the URLs load). Not at start-up: a worker that never serves a
page does not load every router, form and view (about 20 MB)::

    register(
        Contribution(
            label="catalog",  # the app label: the contribution counts only while it is installed
            api=(ApiRoutes("/store/", store_router), ApiRoutes("/admin/", admin_router)),
            dashboard=Pages(dashboard_urls, namespace="catalog", prefix="catalog/"),
            nav=(NavEntry("Products", "catalog:product_list", Perm.CATALOG_VIEW, "Catalog", "▦",
                          order=300),),
            widgets=(HomeWidget("catalog", "catalog/_home_cards.html", selectors.home_figures,
                                Perm.CATALOG_VIEW, order=300),),
            audit=audit_words.WORDS,  # phrases for its actions, names for its objects
            search=(SearchSource("Products", selectors.search_products, Perm.CATALOG_VIEW,
                                 "catalog:product_list", order=300),),
        )
    )

The front doors read `contributions()`: the installed contexts' contributions in
INSTALLED_APPS order. `haat/api/api.py` mounts the API routers, `haat/dashboard/urls.py` the
dashboard pages (each under its own URL namespace), `haat/urls.py` the public pages,
`haat/dashboard/navigation.py` the navigation and its badges, the dashboard home the widgets,
the dashboard's search page (`dashboard:search`) the search sources.
Adding a context therefore touches no list but Django's own INSTALLED_APPS.

This module imports no context: contexts import it. Permissions are plain strings here (the
accounts context owns the role matrix); the dashboard checks them with `user.can(perm)`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import KW_ONLY, dataclass
from functools import cache
from types import ModuleType
from typing import Any, Literal

from django.apps import apps
from django.core.exceptions import AppRegistryNotReady, ImproperlyConfigured
from django.utils.module_loading import autodiscover_modules

# Namespaces the front doors use themselves: `dashboard:home`, the API's operations.
RESERVED_NAMESPACES = frozenset({"dashboard", "api"})


@dataclass(frozen=True)
class ApiRoutes:
    """A django-ninja router mounted at `/api/v1/<prefix>` ("/store/" or "/admin/")."""

    prefix: str
    router: Any  # ninja.Router; typed loosely so the kernel does not depend on the API library


@dataclass(frozen=True)
class Pages:
    """A URLconf module (its `urlpatterns`) mounted under a front door at `prefix`, its names
    reversed as `<namespace>:<name>`. Dashboard pages use the context's label as namespace."""

    urls: ModuleType
    namespace: str
    prefix: str = ""


@dataclass(frozen=True)
class Badge:
    """A count shown next to a navigation entry; cached, because it is a hint, not a ledger,
    and every dashboard page shows it."""

    count: Callable[[], int]
    title: Callable[[int], str]  # the tooltip for a count, e.g. "3 variants to restock"
    cache_seconds: int = 30


@dataclass(frozen=True)
class NavEntry:
    """A link in the dashboard's side navigation, shown to users whose role grants `perm`.

    Entries are sorted by `order`; a section is placed where its first entry falls, so a
    context may add an entry to another context's section (payments adds "COD remittance"
    under "Sales"). Bands in use: Sales 100, Inventory 200, Catalog 300, Settings 900.
    """

    label: str
    url_name: str
    perm: str | None
    section: str
    icon: str  # a single glyph; keeps the asset bundle free of icon fonts
    _: KW_ONLY
    order: int
    badge: Badge | None = None


@dataclass(frozen=True)
class HomeWidget:
    """A part of the dashboard home: `template` rendered with `figures` = `selector(user)`,
    only for users whose role grants `perm`. `slot` "cards" puts it among the figure cards,
    "panels" below them; within a slot widgets are sorted by `order`. `name` keys the
    figures in the home page's context (`figures[name]`)."""

    name: str
    template: str
    selector: Callable[[Any], Any]
    perm: str | None
    _: KW_ONLY
    order: int
    slot: Literal["cards", "panels"] = "cards"


@dataclass(frozen=True)
class SearchHit:
    """One result of the dashboard's search: what staff read and where it leads."""

    title: str  # "HT-10042", "Meera Iyer", "Block-print Kurta"
    detail: str  # one line in words: "Confirmed · ₹2,499.00 · 3 Dec 2026"
    url: str


@dataclass(frozen=True)
class SearchSource:
    """One kind of thing the dashboard's search box finds, for users whose role grants
    `perm`: `find(q, limit)` returns at most `limit` hits for the text `q` (in a fixed,
    small number of queries); `more_url_name` is the list that shows every match with
    `?q=`. Results are grouped by `kind`, sorted by `order` (the navigation's bands)."""

    kind: str  # "Orders", "Customers", "Products"
    find: Callable[[str, int], list[SearchHit]]
    perm: str | None
    more_url_name: str
    _: KW_ONLY
    order: int


@dataclass(frozen=True)
class Contribution:
    """Everything one context adds to the front doors."""

    label: str
    api: tuple[ApiRoutes, ...] = ()
    dashboard: Pages | None = None
    public: Pages | None = None  # pages at the site root: webhooks, the pay page
    nav: tuple[NavEntry, ...] = ()
    widgets: tuple[HomeWidget, ...] = ()
    # How the audit log reads this context's actions and names its objects: a
    # `haat.core.audit_words.AuditWords` (typed loosely: the registry imports nothing that
    # reads models). Every action the context records needs a phrase.
    audit: Any = None
    search: tuple[SearchSource, ...] = ()

    def namespaces(self) -> list[str]:
        return [pages.namespace for pages in (self.dashboard, self.public) if pages]


_registry: dict[str, Contribution] = {}


def register(contribution: Contribution) -> Contribution:
    """Add (or replace, on re-import) the contribution of the installed app `label`.

    Refuses a label that is not an installed app's, and a URL namespace, navigation URL,
    widget name or search kind that another context already uses, so a clash fails when
    the URLs load instead of one context silently shadowing another."""
    apps.get_app_config(contribution.label)  # LookupError names the installed apps
    others = [c for c in _registry.values() if c.label != contribution.label]
    _refuse_clash(
        contribution.label,
        "URL namespace",
        contribution.namespaces(),
        RESERVED_NAMESPACES.union(*(c.namespaces() for c in others)),
    )
    _refuse_clash(
        contribution.label,
        "navigation entry",
        [e.url_name for e in contribution.nav],
        {e.url_name for c in others for e in c.nav},
    )
    _refuse_clash(
        contribution.label,
        "home widget",
        [w.name for w in contribution.widgets],
        {w.name for c in others for w in c.widgets},
    )
    if contribution.audit is not None:
        _refuse_clash(
            contribution.label,
            "audit action",
            list(contribution.audit.phrases),
            {a for c in others if c.audit for a in c.audit.phrases},
        )
        _refuse_clash(
            contribution.label,
            "audit object type",
            [k.object_type for k in contribution.audit.kinds],
            {k.object_type for c in others if c.audit for k in c.audit.kinds},
        )
    _refuse_clash(
        contribution.label,
        "search source",
        [s.kind for s in contribution.search],
        {s.kind for c in others for s in c.search},
    )
    _registry[contribution.label] = contribution
    return contribution


def _refuse_clash(
    label: str, kind: str, names: list[str], taken: set[str] | frozenset[str]
) -> None:
    for name in names:
        if name in taken or names.count(name) > 1:
            raise ImproperlyConfigured(f"{label}: the {kind} {name!r} is already taken")


def contributions() -> list[Contribution]:
    """The contributions of the installed apps, in INSTALLED_APPS order (a stable order:
    the API's routes, the URL patterns and the home page follow it).

    Only once every app is ready: the `frontdoor` modules import routers, views and
    selectors, which need every model loaded."""
    if not apps.ready:
        raise AppRegistryNotReady("The front doors are built after every app is ready.")
    configs = list(apps.get_app_configs())
    _discover(tuple(config.name for config in configs))
    return [_registry[config.label] for config in configs if config.label in _registry]


@cache
def _discover(installed: tuple[str, ...]) -> None:
    """Import each installed app's `frontdoor` module, once per set of installed apps."""
    autodiscover_modules("frontdoor")


def nav_entries() -> list[NavEntry]:
    """Every installed context's navigation entries, each section's entries together."""
    entries = sorted((e for c in contributions() for e in c.nav), key=lambda e: e.order)
    section_at: dict[str, int] = {}
    for entry in entries:
        section_at.setdefault(entry.section, entry.order)
    return sorted(entries, key=lambda e: (section_at[e.section], e.order))


def audit_vocabularies() -> list[Any]:
    """Every installed context's audit vocabulary (phrases and object kinds)."""
    return [c.audit for c in contributions() if c.audit is not None]


def home_widgets() -> list[HomeWidget]:
    return sorted((w for c in contributions() for w in c.widgets), key=lambda w: w.order)


def search_sources() -> list[SearchSource]:
    return sorted((s for c in contributions() for s in c.search), key=lambda s: s.order)
