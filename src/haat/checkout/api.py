"""Cart and checkout API for storefronts."""

from __future__ import annotations

from ninja import Router

from haat.api.auth import StorefrontAuth

store_router = Router(auth=StorefrontAuth, tags=["store: cart & checkout"])
