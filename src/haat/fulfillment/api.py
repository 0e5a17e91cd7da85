"""Admin API for couriers and shipments (`/api/v1/admin/...`). Parse, call the service,
shape the reply; the rules are in `services` and `couriers`."""

from typing import Any

from django.http import HttpRequest
from ninja import Router, Status

from haat.accounts.roles import Perm
from haat.api.auth import StaffAuth, require
from haat.core.schemas import errors
from haat.fulfillment import couriers, selectors, services
from haat.fulfillment.models import Shipment
from haat.fulfillment.schemas import (
    CourierIn,
    CourierOut,
    ShipmentIn,
    ShipmentMoveIn,
    ShipmentOut,
)
from haat.orders.selectors import order_by_number

admin_router = Router(auth=StaffAuth, tags=["admin: shipments"])


def _courier(c: Any) -> dict:
    return {
        "code": c.code,
        "name": c.name,
        "tracking_url": c.tracking_url,
        "awb_pattern": c.awb_pattern,
        "awb_hint": c.awb_hint,
        "built_in": c.built_in,
    }


def _shipment(shipment_id: int, order_status: str) -> dict:
    s = (
        Shipment.objects.select_related("courier", "location")
        .prefetch_related("lines__order_line")
        .get(pk=shipment_id)
    )
    return {**selectors.shipment_payload(s), "order_status": order_status}


@admin_router.get("couriers", response={200: list[CourierOut], **errors(401, 403)})
def list_couriers(request: HttpRequest) -> Any:
    """Active couriers: the seeded five (Shiprocket, Delhivery, Blue Dart, DTDC, India
    Post) and the store's own."""
    require(request, Perm.ORDERS_VIEW)
    return [_courier(c) for c in couriers.active_couriers()]


@admin_router.post("couriers", response={201: CourierOut, **errors(401, 403, 409, 422)})
def create_courier(request: HttpRequest, payload: CourierIn) -> Any:
    """Add the store's own courier, with its tracking link template (`{awb}` marks the
    tracking number) and an optional AWB pattern (a regular expression)."""
    require(request, Perm.ORDERS_MANAGE)
    return Status(201, _courier(couriers.create_courier(**payload.dict())))


@admin_router.get(
    "orders/{number}/shipments", response={200: list[ShipmentOut], **errors(401, 403, 404)}
)
def list_shipments(request: HttpRequest, number: str) -> Any:
    """The order's shipments, oldest first, with lines and tracking links."""
    require(request, Perm.ORDERS_VIEW)
    order = order_by_number(number)
    return [
        {**selectors.shipment_payload(s), "order_status": order.status}
        for s in selectors.shipments_of(order)
    ]


@admin_router.post(
    "orders/{number}/shipments",
    response={201: ShipmentOut, **errors(401, 403, 404, 409, 422)},
)
def create_shipment(request: HttpRequest, number: str, payload: ShipmentIn) -> Any:
    """A parcel of the order with its courier and AWB (checked against the courier's
    shape: 422 `invalid_awb`). Split shipments are allowed; more units than are left to
    ship is a 409 `over_shipped` and nothing is written."""
    require(request, Perm.ORDERS_MANAGE)
    order = order_by_number(number)
    lines = (
        None
        if payload.lines is None
        else [services.LineQuantity(i.order_line_id, i.quantity) for i in payload.lines]
    )
    shipment = services.create_shipment(
        order=order,
        courier_code=payload.courier,
        awb=payload.awb,
        lines=lines,
        location_id=payload.location_id,
        parcel=services.Parcel(
            weight_grams=payload.weight_grams,
            length_cm=payload.length_cm,
            breadth_cm=payload.breadth_cm,
            height_cm=payload.height_cm,
        ),
        estimated_delivery=payload.estimated_delivery,
    )
    return Status(201, _shipment(shipment.pk, order_by_number(number).status))


@admin_router.post(
    "orders/{number}/shipments/{shipment_id}/status",
    response={200: ShipmentOut, **errors(401, 403, 404, 409, 422)},
)
def move_shipment(
    request: HttpRequest, number: str, shipment_id: int, payload: ShipmentMoveIn
) -> Any:
    """Move a shipment (created → shipped → out for delivery → delivered; failed attempt;
    RTO). The order follows: partially shipped, shipped, out for delivery, partially
    delivered, delivered. An illegal move is a 409 whose `details.allowed` lists what is."""
    require(request, Perm.ORDERS_MANAGE)
    order = order_by_number(number)
    services.move_shipment(
        order=order, shipment_id=shipment_id, to=payload.status, note=payload.note
    )
    return _shipment(shipment_id, order.status)
