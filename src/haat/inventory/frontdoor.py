"""What the inventory context adds to the front doors: the availability and stock API, the
stock pages at /dashboard/inventory/, the Inventory navigation section with its low-stock
badge, and the home page's stock card."""

from django.template.defaultfilters import pluralize

from haat.accounts.roles import Perm
from haat.core.registry import (
    ApiRoutes,
    Badge,
    Contribution,
    HomeWidget,
    NavEntry,
    Pages,
    register,
)
from haat.inventory import api, audit_words, dashboard_urls, selectors


def _to_restock(count: int) -> str:
    return f"{count} variant{pluralize(count)} to restock"


register(
    Contribution(
        label="inventory",
        api=(ApiRoutes("/store/", api.store_router), ApiRoutes("/admin/", api.admin_router)),
        dashboard=Pages(dashboard_urls, namespace="inventory", prefix="inventory/"),
        nav=(
            NavEntry(
                "Stock", "inventory:stock_list", Perm.INVENTORY_VIEW, "Inventory", "▤", order=200
            ),
            NavEntry(
                "Low stock",
                "inventory:low_stock",
                Perm.INVENTORY_VIEW,
                "Inventory",
                "⚠",
                order=210,
                badge=Badge(selectors.low_stock_count, _to_restock),
            ),
            NavEntry(
                "Locations",
                "inventory:location_list",
                Perm.INVENTORY_VIEW,
                "Inventory",
                "◎",
                order=220,
            ),
        ),
        widgets=(
            HomeWidget(
                "stock",
                "inventory/_home_cards.html",
                selectors.home_figures,
                Perm.INVENTORY_VIEW,
                order=200,
            ),
        ),
        audit=audit_words.WORDS,
    )
)
