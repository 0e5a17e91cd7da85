"""Catalog API: storefront reads (`store_router`) and admin CRUD (`admin_router`).

`catalog/frontdoor.py` declares these two for `haat.api.api` to mount; the endpoints live
in `api_store`, `api_admin`, `api_admin_taxonomy` and `api_admin_images`, with shared shapes
in `schemas`.
"""

from __future__ import annotations

from haat.catalog.api_admin import admin_router
from haat.catalog.api_admin_images import images_router
from haat.catalog.api_admin_taxonomy import taxonomy_router
from haat.catalog.api_store import store_router

admin_router.add_router("", taxonomy_router)
admin_router.add_router("", images_router)

__all__ = ["admin_router", "store_router"]
