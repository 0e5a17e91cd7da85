"""The customer's tracking page, `/track/<order token>`.

It reuses the order's existing token (the one in the customer's order link and
`/pay/<token>`): 24+ random URL-safe characters, unguessable, already the customer's key
to this order, and the page shows nothing that link does not already reach. A second token
would mean a second secret to leak or rotate for the same order. The page shows the
order's progress, dates, the courier's link and customer-visible notes, the delivery city
and PIN code; never the name, phone, e-mail or street address. Unknown tokens get a 404
page; hits are rate-limited per client IP (`track_ip`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.views.decorators.http import require_GET

from haat.core.context import client_ip
from haat.core.ratelimit import limit_view
from haat.fulfillment import selectors
from haat.fulfillment.models import Shipment
from haat.orders import state as order_state
from haat.orders.models import Order, OrderNote

S = Order.Status
SS = Shipment.Status


@dataclass(frozen=True)
class Step:
    title: str
    state: str  # done | current | upcoming
    at: datetime | None = None
    expected: date | None = None


# Which steps an order in each status has completed (0 = order received).
_REACHED = {
    S.CONFIRMED: 0,
    S.PROCESSING: 1,
    S.PACKED: 1,
    S.PARTIALLY_SHIPPED: 1,
    S.SHIPPED: 2,
    S.PARTIALLY_DELIVERED: 2,
    S.OUT_FOR_DELIVERY: 3,
    S.DELIVERED: 4,
    S.RETURN_REQUESTED: 4,
    S.RETURNED: 4,
}
TITLES = ("Order received", "Packing", "Shipped", "Out for delivery", "Delivered")


def steps(order: Order, shipments: list[Shipment]) -> list[Step]:
    reached_at: dict[str, datetime] = {}
    for t in order.transitions.all():
        reached_at.setdefault(t.to_status, t.created_at)
    shipped = [s.shipped_at for s in shipments if s.shipped_at]
    delivered = [s.delivered_at for s in shipments if s.delivered_at]
    ofd = [
        e.created_at
        for s in shipments
        for e in s.events.all()
        if e.to_status == SS.OUT_FOR_DELIVERY
    ]
    etas = [s.estimated_delivery for s in shipments if s.estimated_delivery]
    at = (
        reached_at.get(S.CONFIRMED, order.created_at),
        reached_at.get(S.PROCESSING) or reached_at.get(S.PACKED),
        min(shipped) if shipped else None,
        min(ofd) if ofd else None,
        max(delivered) if delivered and order.status == S.DELIVERED else None,
    )
    reached = _REACHED.get(order.status, -1)
    out = []
    for i, title in enumerate(TITLES):
        if i < reached or (i == reached and i == len(TITLES) - 1):
            mark = "done"
        elif i == reached:
            mark = "current" if i else "done"
        else:
            mark = "upcoming"
        expected = max(etas) if i == 4 and etas and mark != "done" else None
        out.append(Step(title, mark, at[i] if mark != "upcoming" else None, expected))
    return out


def tracking_url(order: Order) -> str:
    """The tracking page's address (absolute: it goes into e-mails and messages)."""
    base = str(getattr(settings, "HAAT_BASE_URL", "") or "").rstrip("/")
    return f"{base}{reverse('tracking:track', args=[order.token])}"


@limit_view(("track_ip", lambda request, _: client_ip(request) or ""))
@require_GET
def track_page(request: HttpRequest, token: str) -> HttpResponse:
    order = (
        Order.objects.filter(token=str(token)[:32]).prefetch_related("lines").first()
        if token
        else None
    )
    if order is None:
        return render(request, "fulfillment/track_missing.html", status=404)
    shipments = [s for s in selectors.shipments_of(order) if s.status != SS.CANCELLED]
    address = order.shipping_address or {}
    context = {
        "order": order,
        "status": order_state.CUSTOMER.get(order.status),
        "steps": steps(order, shipments) if order.status in _REACHED else [],
        "shipments": shipments,
        "lines": list(order.lines.all()),
        "notes": list(
            order.notes.filter(visibility=OrderNote.Visibility.CUSTOMER).order_by("-created_at")
        ),
        "destination": ", ".join(
            str(v) for v in (address.get("city"), address.get("postal_code")) if v
        ),
    }
    response = render(request, "fulfillment/track.html", context)
    response["Referrer-Policy"] = "no-referrer"  # the token must not leak to courier sites
    return response


# Mounted at the site root as `tracking:` (fulfillment/frontdoor.py).
urlpatterns = [path("track/<str:token>", track_page, name="track")]
