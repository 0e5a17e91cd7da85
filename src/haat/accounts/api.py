"""Admin API for staff and API keys."""

from __future__ import annotations

from ninja import Router

from haat.api.auth import StaffAuth

admin_router = Router(auth=StaffAuth, tags=["admin: staff & API keys"])
