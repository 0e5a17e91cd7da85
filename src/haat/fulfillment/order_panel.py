"""The order page's shipments panel and timeline entries, handed to orders through
`orders.callbacks.register_fulfilment` (orders sits below fulfilment and never imports it)."""

from __future__ import annotations

from typing import Any

from django.middleware.csrf import get_token
from django.template.loader import render_to_string

from haat.accounts.roles import Perm
from haat.fulfillment import couriers, selectors, state
from haat.fulfillment.models import Shipment
from haat.fulfillment.services import SHIPPABLE
from haat.orders.callbacks import TimelineEntry
from haat.orders.models import Order

SS = Shipment.Status
# The next moves staff make from the order page, in the merchant's words.
ACTION_LABELS = {
    SS.SHIPPED: "Mark shipped",
    SS.OUT_FOR_DELIVERY: "Out for delivery",
    SS.DELIVERED: "Mark delivered",
    SS.FAILED_ATTEMPT: "Delivery attempt failed",
    SS.RTO: "Returned to origin",
}


def render_panel(request: Any, order: Order) -> str:
    shipments = selectors.shipments_of(order)
    can_manage = request.user.can(Perm.ORDERS_MANAGE)
    left = selectors.lines_left(order, shipments)
    rows = [
        {
            "shipment": s,
            "actions": [
                (to, ACTION_LABELS[to]) for to in state.allowed(s.status) if to in state.STAFF_MOVES
            ]
            if can_manage
            else [],
        }
        for s in shipments
    ]
    get_token(request)
    return render_to_string(
        "fulfillment/_order_panel.html",
        {
            "order": order,
            "rows": rows,
            "left": [item for item in left if item.left > 0],
            "can_ship": can_manage
            and order.status in SHIPPABLE
            and any(item.left for item in left),
            "couriers": couriers.active_couriers() if can_manage else [],
        },
        request=request,
    )


def _event_text(shipment: Shipment, to: str, note: str) -> str:
    name = f"{shipment.courier.name} {shipment.awb}"
    if to == SS.CREATED:
        units = sum(sl.quantity for sl in shipment.lines.all())
        text = f"Shipment {name} created with {units} unit{'s' if units != 1 else ''}"
    else:
        text = f"Shipment {name}: {SS(to).label.lower()}"
    return text + (f" (“{note}”)" if note else "")


def timeline(order: Order) -> list[TimelineEntry]:
    return [
        TimelineEntry(e.created_at, "shipment", _event_text(s, e.to_status, e.note), e.actor_label)
        for s in selectors.shipments_of(order)
        for e in s.events.all()
    ]
