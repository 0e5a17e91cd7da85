"""Catalog API: storefront reads (`store_router`) and admin CRUD (`admin_router`)."""

from __future__ import annotations

from ninja import Router

from haat.api.auth import StaffAuth, StorefrontAuth

store_router = Router(auth=StorefrontAuth, tags=["store: catalog"])
admin_router = Router(auth=StaffAuth, tags=["admin: catalog"])
