"""Admin API for gateway credentials (write-only secrets) and received webhooks.

Declared in `gateways/frontdoor.py`; `haat/api/api.py` mounts it under /api/v1/admin/.
"""

from datetime import datetime

from django.http import HttpRequest
from django.urls import reverse
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from haat.accounts.roles import Perm
from haat.api.auth import StaffAuth, require
from haat.api.pagination import Paginated
from haat.core.schemas import errors
from haat.gateways import selectors, services
from haat.gateways.selectors import GatewayStatus

admin_router = Router(auth=StaffAuth, tags=["admin: payment gateways"])


class GatewayOut(Schema):
    gateway: str
    source: str = Field(description='"environment", "dashboard" or "none"')
    mode: str = Field(description='"test" or "live", from the key prefix')
    key_id: str
    has_secret: bool
    has_webhook_secret: bool
    enabled: bool
    webhook_url: str
    updated_at: datetime | None


class GatewayIn(Schema):
    """Send only what changes; secrets are write-only and never returned."""

    key_id: str | None = None
    secret: str | None = Field(None, description="Razorpay key secret / Stripe secret key")
    webhook_secret: str | None = None
    enabled: bool | None = None


class WebhookEventOut(Schema):
    id: int
    gateway: str
    event_id: str
    event_type: str
    status: str
    signature_valid: bool
    error: str
    attempts: int
    received_at: datetime
    processed_at: datetime | None


class EventFilters(Schema):
    gateway: str = ""
    status: str = ""


def _out(request: HttpRequest, status: GatewayStatus) -> dict:
    url = request.build_absolute_uri(reverse(f"gateways_public:webhook_{status.gateway}"))
    return {**status.__dict__, "webhook_url": url}


@admin_router.get(
    "gateways",
    response={200: list[GatewayOut], **errors(401, 403, 422)},
    summary="List payment gateways",
)
@paginate(Paginated)
def list_gateways(request: HttpRequest):
    """Razorpay and Stripe: where their credentials come from, mode, whether secrets are set."""
    require(request, Perm.PAYMENTS_MANAGE)
    return [_out(request, s) for s in selectors.gateway_statuses()]


@admin_router.put(
    "gateways/{code}",
    response={200: GatewayOut, **errors(401, 403, 404, 422)},
    summary="Set gateway credentials",
)
def set_gateway(request: HttpRequest, code: str, payload: GatewayIn) -> dict:
    """Blank or missing secrets keep the stored ones. Environment variables, when set,
    still take precedence (see `source`)."""
    require(request, Perm.PAYMENTS_MANAGE)
    services.save_account(gateway=code, **payload.model_dump())
    return _out(request, next(s for s in selectors.gateway_statuses() if s.gateway == code))


@admin_router.get(
    "gateway-webhook-events",
    response={200: list[WebhookEventOut], **errors(401, 403, 422)},
    summary="List received webhooks",
)
@paginate(Paginated)
def list_webhook_events(request: HttpRequest, filters: Query[EventFilters]):
    """Newest first; filter by `gateway` and `status` (received, processed, ignored,
    failed, rejected). Bodies are not returned."""
    require(request, Perm.PAYMENTS_MANAGE)
    return selectors.recent_events(gateway=filters.gateway, status=filters.status)
