"""Orders API: a customer's order by token (`store_router`), order admin (`admin_router`)."""

from __future__ import annotations

from ninja import Router

from haat.api.auth import StaffAuth, StorefrontAuth

store_router = Router(auth=StorefrontAuth, tags=["store: orders"])
admin_router = Router(auth=StaffAuth, tags=["admin: orders"])
