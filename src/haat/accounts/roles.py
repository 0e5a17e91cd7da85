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
    STAFF_MANAGE = "staff.manage", "Invite staff and change roles"
    API_KEYS_MANAGE = "api_keys.manage", "Create and revoke API keys"
    AUDIT_VIEW = "audit.view", "Read the audit log"


_ALL = frozenset(Perm)

PERMISSIONS: dict[str, frozenset[str]] = {
    Role.OWNER: _ALL,
    Role.MANAGER: _ALL - {Perm.STAFF_MANAGE, Perm.API_KEYS_MANAGE},
    Role.MARKETING: frozenset({Perm.CATALOG_VIEW, Perm.CATALOG_EDIT, Perm.PRICES_EDIT}),
    Role.FULFILMENT: frozenset({Perm.CATALOG_VIEW}),
    Role.SUPPORT: frozenset({Perm.CATALOG_VIEW}),
}


def has_permission(role: str | None, perm: str) -> bool:
    return perm in PERMISSIONS.get(role or "", frozenset())
