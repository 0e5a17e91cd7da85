"""Inventory API: storefront availability and back-in-stock (`store_router`), stock
management for staff (`admin_router`)."""

from __future__ import annotations

from ninja import Router

from haat.api.auth import StaffAuth, StorefrontAuth

store_router = Router(auth=StorefrontAuth, tags=["store: availability"])
admin_router = Router(auth=StaffAuth, tags=["admin: inventory"])
