"""Reads of shipments, shaped for the order page, the admin API and the tracking page."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch

from haat.fulfillment.models import Shipment, ShipmentEvent, ShipmentLine
from haat.orders.models import Order, OrderLine


def shipments_of(order: Order) -> list[Shipment]:
    """The order's shipments with courier, location, lines and history (four queries)."""
    return list(
        Shipment.objects.filter(order=order)
        .select_related("courier", "location")
        .prefetch_related(
            Prefetch("lines", queryset=ShipmentLine.objects.select_related("order_line")),
            Prefetch("events", queryset=ShipmentEvent.objects.order_by("created_at", "id")),
        )
    )


@dataclass(frozen=True)
class LineLeft:
    line: OrderLine
    shipped: int
    left: int


def lines_left(order: Order, shipments: list[Shipment]) -> list[LineLeft]:
    shipped: dict[int, int] = {}
    for s in shipments:
        for sl in s.lines.all():
            shipped[sl.order_line_id] = shipped.get(sl.order_line_id, 0) + sl.quantity
    return [
        LineLeft(line, shipped.get(line.pk, 0), line.quantity - shipped.get(line.pk, 0))
        for line in order.lines.all()
    ]


def shipment_payload(s: Shipment) -> dict:
    return {
        "id": s.pk,
        "status": s.status,
        "status_label": s.get_status_display(),
        "courier": s.courier.code,
        "courier_name": s.courier.name,
        "awb": s.awb,
        "tracking_url": s.tracking_link,
        "location": s.location.name if s.location else None,
        "weight_grams": s.weight_grams,
        "length_cm": s.length_cm,
        "breadth_cm": s.breadth_cm,
        "height_cm": s.height_cm,
        "estimated_delivery": s.estimated_delivery,
        "shipped_at": s.shipped_at,
        "delivered_at": s.delivered_at,
        "created_at": s.created_at,
        "lines": [
            {"order_line_id": sl.order_line_id, "sku": sl.order_line.sku, "quantity": sl.quantity}
            for sl in s.lines.all()
        ],
    }
