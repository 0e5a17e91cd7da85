"""The events of a shipment's life; the aggregate is the order (a customer follows the
order, and messages are about it)."""

from __future__ import annotations

from haat.core.events import Event, Part

_SHIPMENT = {
    "number": "HT-10042",
    "token": "q9Jx3dV0b1kZ2m8sTt4w",
    "shipment_id": 7,
    "courier": "delhivery",
    "courier_name": "Delhivery",
    "awb": "12345678901234",
    "tracking_url": "https://www.delhivery.com/track-v2/package/12345678901234",
}


class ShippedLine(Part):
    """Units of one order line in the shipment."""

    sku: str
    """The line's SKU."""
    quantity: int
    """Units in this shipment."""


class ShipmentFacts(Event):
    """Which parcel of which order, and where the customer follows it."""

    number: str
    """Public order number."""
    token: str
    """Token of the order's tracking page (`/track/<token>`)."""
    shipment_id: int
    """The shipment."""
    courier: str
    """Courier code (`delhivery`)."""
    courier_name: str
    """Courier name as the customer reads it."""
    awb: str
    """Tracking number."""
    tracking_url: str
    """The courier's tracking page for this AWB; empty when the courier has none."""


class ShipmentCreated(ShipmentFacts):
    """Staff created a shipment (a parcel with its courier and AWB) for some or all of an
    order's units."""

    event_type = "shipment.created"
    example = {**_SHIPMENT, "lines": [{"sku": "KURTA-M", "quantity": 2}]}

    lines: list[ShippedLine]
    """What the parcel carries."""


class ShipmentOutForDelivery(ShipmentFacts):
    """The parcel is with the delivery agent today."""

    event_type = "shipment.out_for_delivery"
    example = _SHIPMENT


class ShipmentDelivered(ShipmentFacts):
    """The parcel was delivered."""

    event_type = "shipment.delivered"
    example = {**_SHIPMENT, "delivered_at": "2026-12-02T14:05:00+05:30"}

    delivered_at: str
    """When, ISO 8601."""
