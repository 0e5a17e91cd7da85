"""Staff roles and the permission matrix: the one place that says who may do what.

The API (`haat.api.auth.require`) and the dashboard (`haat.dashboard.access.require`)
both ask `has_permission(role, perm)`.
"""

from __future__ import annotations

from django.db import models


class Role(models.TextChoices):
    OWNER = "owner", "Owner"
    MANAGER = "manager", "Manager"
    FULFILMENT = "fulfilment", "Fulfilment"
    MARKETING = "marketing", "Marketing"
    SUPPORT = "support", "Support"


class Perm(models.TextChoices):
    CATALOG_VIEW = "catalog.view", "View catalog"
    CATALOG_EDIT = "catalog.edit", "Create and edit products, categories, collections"
    CATALOG_IMPORT = "catalog.import", "Import and export catalog CSV"
    PRICES_EDIT = "prices.edit", "Change prices"
    CURRENCIES_MANAGE = "currencies.manage", "Enable currencies, set the default"
    STORE_MANAGE = "store.manage", "Store details: name, address, GSTIN, logo, time zone"
    STAFF_MANAGE = "staff.manage", "Invite staff and change roles"
    API_KEYS_MANAGE = "api_keys.manage", "Create and revoke API keys"
    AUDIT_VIEW = "audit.view", "Read the audit log"
    INVENTORY_VIEW = "inventory.view", "See stock levels, holds and the ledger"
    INVENTORY_ADJUST = "inventory.adjust", "Receive, adjust and transfer stock"
    ORDERS_VIEW = "orders.view", "See orders"
    ORDERS_MANAGE = "orders.manage", "Change orders (confirm, cancel)"
    CUSTOMERS_VIEW = "customers.view", "See customers: contact details, orders, notes"
    CUSTOMERS_EDIT = "customers.edit", "Add notes to customers"
    PAYMENTS_MANAGE = "payments.manage", "Payment settings, payment rules, COD remittances"
    REFUNDS_CREATE = "refunds.create", "Refund customers"
    TAX_MANAGE = "tax.manage", "GST rates and whether prices include tax"
    SHIPPING_MANAGE = "shipping.manage", "Shipping zones, rates, serviceable PIN codes, Shiprocket"


_ALL = frozenset(Perm)

PERMISSIONS: dict[str, frozenset[str]] = {
    Role.OWNER: _ALL,
    Role.MANAGER: _ALL - {Perm.STAFF_MANAGE, Perm.API_KEYS_MANAGE},
    Role.MARKETING: frozenset(
        {Perm.CATALOG_VIEW, Perm.CATALOG_EDIT, Perm.PRICES_EDIT, Perm.INVENTORY_VIEW}
    ),
    Role.FULFILMENT: frozenset(
        {
            Perm.CATALOG_VIEW,
            Perm.INVENTORY_VIEW,
            Perm.INVENTORY_ADJUST,
            Perm.ORDERS_VIEW,
            Perm.ORDERS_MANAGE,
            Perm.CUSTOMERS_VIEW,
        }
    ),
    Role.SUPPORT: frozenset(
        {
            Perm.CATALOG_VIEW,
            Perm.INVENTORY_VIEW,
            Perm.ORDERS_VIEW,
            Perm.CUSTOMERS_VIEW,
            Perm.CUSTOMERS_EDIT,
        }
    ),
}


ROLE_SUMMARIES: dict[str, str] = {
    Role.OWNER: "Everything, including staff, roles and API keys.",
    Role.MANAGER: "Runs the store day to day; cannot manage staff or API keys.",
    Role.FULFILMENT: "Picks, packs and ships; reads the catalog.",
    Role.MARKETING: "Catalog content and prices, discounts and campaigns.",
    Role.SUPPORT: "Helps customers: their profiles, orders and notes; reads the catalog.",
}


def has_permission(role: str | None, perm: str) -> bool:
    return perm in PERMISSIONS.get(role or "", frozenset())


def permissions_for(role: str | None) -> list[str]:
    """The role's permissions as plain strings, in the order `Perm` declares them."""
    granted = PERMISSIONS.get(role or "", frozenset())
    return [str(p.value) for p in Perm if p in granted]
