"""Orders API: a customer's order by token (`store_router`), order admin (`admin_router`).
Paying for an order and the money actions on it are in the payments API."""

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Status
from ninja.pagination import paginate

from haat.accounts.roles import Perm
from haat.api.auth import StaffAuth, StorefrontAuth, require
from haat.api.pagination import Paginated
from haat.core.errors import ValidationError
from haat.core.schemas import errors
from haat.orders import callbacks, lifecycle, notes, state, timeline
from haat.orders.models import Order
from haat.orders.schemas import (
    AdminOrderOut,
    AdvanceIn,
    CancelIn,
    NoteIn,
    NoteOut,
    OrderListOut,
    OrderQuery,
    StoreOrderOut,
    TimelineEntryOut,
)
from haat.orders.selectors import (
    OrderFilters,
    order_admin_payload,
    order_by_number,
    order_by_token,
    order_payload,
    order_queryset,
)

store_router = Router(auth=StorefrontAuth, tags=["store: orders"])
admin_router = Router(auth=StaffAuth, tags=["admin: orders"])


@store_router.get("orders/{token}", response={200: StoreOrderOut, **errors(401, 404)})
def store_order(request: HttpRequest, token: str) -> Any:
    """The order behind a customer's link token."""
    order = order_by_token(token=token)
    body = order_payload(order, order.lines.all())
    body["pay_url"] = callbacks.pay_url(order)
    words = state.CUSTOMER[order.status]
    body["status_label"], body["status_explanation"] = words.label, words.explanation
    body["tracking_url"] = callbacks.tracking_url(order)
    return body


@admin_router.get("orders", response={200: list[OrderListOut], **errors(401, 403, 422)})
@paginate(Paginated)
def list_orders(request: HttpRequest, filters: Query[OrderQuery]) -> Any:
    """Orders, newest first. Filter by status, free text (number, e-mail, phone, name) and date
    range in the store's time zone."""
    require(request, Perm.ORDERS_VIEW)
    if filters.status and filters.status not in Order.Status.values:
        raise ValidationError(f"Unknown status '{filters.status}'.", details={"field": "status"})
    return order_queryset(
        OrderFilters(filters.status, filters.q, filters.date_from, filters.date_to)
    )


@admin_router.get(
    "orders/{number}", response={200: AdminOrderOut, **errors(401, 403, 404)}, by_alias=True
)
def get_order(request: HttpRequest, number: str) -> Any:
    """One order by its number (`HT-10042`): lines, amounts, payment status, status history."""
    require(request, Perm.ORDERS_VIEW)
    return order_admin_payload(order_by_number(number))


@admin_router.post(
    "orders/{number}/cancel",
    response={200: AdminOrderOut, **errors(401, 403, 404, 409, 422)},
    by_alias=True,
)
def cancel_order(request: HttpRequest, number: str, payload: CancelIn) -> Any:
    """Cancel: held stock is released; sold units of a confirmed order go back on hand."""
    require(request, Perm.ORDERS_MANAGE)
    order = order_by_number(number)
    lifecycle.cancel(order=order, note=payload.note)
    return order_admin_payload(order_by_number(number))


@admin_router.post(
    "orders/{number}/status",
    response={200: AdminOrderOut, **errors(401, 403, 404, 409, 422)},
    by_alias=True,
)
def advance_order(request: HttpRequest, number: str, payload: AdvanceIn) -> Any:
    """Mark a confirmed order processing or packed. Shipping statuses follow its shipments
    (`POST /admin/orders/{number}/shipments`); an illegal move is a 409 whose
    `details.allowed` lists the statuses the order can move to."""
    require(request, Perm.ORDERS_MANAGE)
    lifecycle.advance(order=order_by_number(number), to=payload.status, note=payload.note)
    return order_admin_payload(order_by_number(number))


@admin_router.post("orders/{number}/notes", response={201: NoteOut, **errors(401, 403, 404, 422)})
def add_order_note(request: HttpRequest, number: str, payload: NoteIn) -> Any:
    """A note on the order: internal (staff only) or shown to the customer on the tracking
    page, with its author and time."""
    require(request, Perm.ORDERS_MANAGE)
    note = notes.add_note(
        order=order_by_number(number), text=payload.text, visibility=payload.visibility
    )
    body = {
        "id": note.pk,
        "visibility": note.visibility,
        "text": note.text,
        "author": note.author_label,
        "created_at": note.created_at,
    }
    return Status(201, body)


@admin_router.get(
    "orders/{number}/timeline", response={200: list[TimelineEntryOut], **errors(401, 403, 404)}
)
def order_timeline(request: HttpRequest, number: str) -> Any:
    """Everything that happened to the order, oldest first: status changes, payments,
    shipments and notes, in the merchant's words."""
    require(request, Perm.ORDERS_VIEW)
    return timeline.timeline_payload(timeline.order_timeline(order_by_number(number)))
