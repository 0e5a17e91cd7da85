"""Admin API for currencies and the audit log."""

from __future__ import annotations

from ninja import Router

from haat.api.auth import StaffAuth

admin_router = Router(auth=StaffAuth, tags=["admin: currencies & audit"])
