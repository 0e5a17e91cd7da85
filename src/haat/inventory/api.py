"""Inventory API: storefront availability and back-in-stock (`store_router`), stock
management for staff (`admin_router`, endpoints in `api_admin`)."""

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import Field

from haat.api.auth import StaffAuth, StorefrontAuth
from haat.core.errors import ValidationError
from haat.core.schemas import ErrorOut
from haat.inventory import selectors, services
from haat.inventory.schemas import AvailabilityOut, BackInStockIn, BackInStockOut

store_router = Router(auth=StorefrontAuth, tags=["store: availability"])
admin_router = Router(auth=StaffAuth, tags=["admin: inventory"])

ERRORS: dict[int, Any] = {401: ErrorOut, 404: ErrorOut, 422: ErrorOut}


class IdsQuery(Schema):
    ids: str = Field(..., max_length=2000, description="comma-separated variant ids, max 100")


def parse_ids(raw: str) -> list[int]:
    parts = [p.strip() for p in raw.split(",") if p.strip()]
    if not parts or not all(p.isdigit() and len(p) < 19 for p in parts):
        raise ValidationError("ids must be comma-separated variant ids.", details={"field": "ids"})
    if len(parts) > 100:
        raise ValidationError("At most 100 ids at once.", details={"field": "ids"})
    return list(dict.fromkeys(int(p) for p in parts))


@store_router.get("variants/availability", response={200: list[AvailabilityOut], **ERRORS})
def availability(request: HttpRequest, query: Query[IdsQuery]) -> list[Any]:
    """Stock status per variant, for product pages and add-to-cart buttons. Unknown ids
    are left out of the answer."""
    ids = parse_ids(query.ids)
    found = selectors.availability_status(ids)
    return [found[i].as_dict() for i in ids if i in found]


@store_router.post("back-in-stock", response={200: BackInStockOut, 201: BackInStockOut, **ERRORS})
def back_in_stock(request: HttpRequest, payload: BackInStockIn) -> Status:
    """ "Notify me when back in stock", by e-mail or phone (Indian numbers without +91
    are accepted). A repeat is 200 with `already_subscribed: true`."""
    result = services.subscribe_back_in_stock(
        variant_id=payload.variant_id, email=payload.email, phone=payload.phone
    )
    status = 200 if result.already_subscribed else 201
    return Status(status, {"subscribed": True, "already_subscribed": result.already_subscribed})


from haat.inventory import api_admin  # noqa: E402,F401  (registers the admin endpoints)
