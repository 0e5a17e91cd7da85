"""What the catalog context adds to the front doors: the storefront and admin catalog API,
the catalog pages at /dashboard/catalog/, the Catalog navigation section and the home
page's catalog cards and missing-price warning, and the dashboard search's products (by
title, brand or SKU)."""

from haat.accounts.roles import Perm
from haat.catalog import api, audit_words, dashboard_urls, selectors
from haat.core.registry import (
    ApiRoutes,
    Contribution,
    HomeWidget,
    NavEntry,
    Pages,
    SearchSource,
    register,
)

register(
    Contribution(
        label="catalog",
        api=(ApiRoutes("/store/", api.store_router), ApiRoutes("/admin/", api.admin_router)),
        dashboard=Pages(dashboard_urls, namespace="catalog", prefix="catalog/"),
        nav=(
            NavEntry(
                "Products", "catalog:product_list", Perm.CATALOG_VIEW, "Catalog", "▦", order=300
            ),
            NavEntry(
                "Categories", "catalog:category_list", Perm.CATALOG_VIEW, "Catalog", "☰", order=310
            ),
            NavEntry(
                "Collections",
                "catalog:collection_list",
                Perm.CATALOG_VIEW,
                "Catalog",
                "◈",
                order=320,
            ),
            NavEntry(
                "Import / export",
                "catalog:catalog_import",
                Perm.CATALOG_IMPORT,
                "Catalog",
                "⇅",
                order=330,
            ),
        ),
        widgets=(
            HomeWidget(
                "catalog",
                "catalog/_home_cards.html",
                selectors.home_figures,
                Perm.CATALOG_VIEW,
                order=300,
            ),
            HomeWidget(
                "products_without_price",
                "catalog/_home_unpriced.html",
                selectors.unpriced_product_count,
                Perm.CATALOG_VIEW,
                order=300,
                slot="panels",
            ),
        ),
        audit=audit_words.WORDS,
        search=(
            SearchSource(
                "Products",
                selectors.search_products,
                Perm.CATALOG_VIEW,
                "catalog:product_list",
                order=300,
            ),
        ),
    )
)
