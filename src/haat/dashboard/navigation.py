"""The dashboard's navigation: one list, filtered by the signed-in user's role."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse

from haat.accounts.roles import Perm


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    perm: str | None
    section: str
    icon: str  # a single glyph; keeps the asset bundle free of icon fonts


NAV: list[NavItem] = [
    NavItem("Home", "dashboard:home", None, "", "⌂"),
    NavItem("Orders", "dashboard:order_list", Perm.ORDERS_VIEW, "Sales", "▤"),
    NavItem("COD remittance", "dashboard:cod_remittance", Perm.PAYMENTS_MANAGE, "Sales", "₹"),
    NavItem("Stock", "dashboard:stock_list", Perm.INVENTORY_VIEW, "Inventory", "▤"),
    NavItem("Low stock", "dashboard:low_stock", Perm.INVENTORY_VIEW, "Inventory", "⚠"),
    NavItem("Locations", "dashboard:location_list", Perm.INVENTORY_VIEW, "Inventory", "◎"),
    NavItem("Products", "dashboard:product_list", Perm.CATALOG_VIEW, "Catalog", "▦"),
    NavItem("Categories", "dashboard:category_list", Perm.CATALOG_VIEW, "Catalog", "☰"),
    NavItem("Collections", "dashboard:collection_list", Perm.CATALOG_VIEW, "Catalog", "◈"),
    NavItem("Import / export", "dashboard:catalog_import", Perm.CATALOG_IMPORT, "Catalog", "⇅"),
    NavItem("Payments", "dashboard:payment_settings", Perm.PAYMENTS_MANAGE, "Settings", "¤"),
    NavItem("Gateways", "dashboard:gateway_settings", Perm.PAYMENTS_MANAGE, "Settings", "⇄"),
    NavItem("Payment rules", "dashboard:payment_rules", Perm.PAYMENTS_MANAGE, "Settings", "⚖"),
    NavItem("Currencies", "dashboard:currency_list", Perm.CURRENCIES_MANAGE, "Settings", "¤"),
    NavItem("Staff", "dashboard:staff_list", Perm.STAFF_MANAGE, "Settings", "☺"),
    NavItem("API keys", "dashboard:api_key_list", Perm.API_KEYS_MANAGE, "Settings", "✱"),
    NavItem("Roles", "dashboard:roles", Perm.STAFF_MANAGE, "Settings", "◐"),
    NavItem("Audit log", "dashboard:audit_log", Perm.AUDIT_VIEW, "Settings", "✎"),
]


def nav_for(user) -> list[dict]:
    items = []
    for item in NAV:
        if item.perm and not user.can(item.perm):
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:  # a page whose context is not installed
            continue
        items.append(
            {
                "label": item.label,
                "url": url,
                "section": item.section,
                "icon": item.icon,
                "url_name": item.url_name,
            }
        )
    return items
