"""Orders API: a customer's order by token (`store_router`), order admin (`admin_router`)."""

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Status
from ninja.pagination import paginate

from haat.accounts.roles import Perm
from haat.api.auth import StaffAuth, StorefrontAuth, require
from haat.api.pagination import Paginated
from haat.core import idempotency
from haat.core.errors import ValidationError
from haat.core.idempotency import Reply
from haat.core.schemas import errors
from haat.orders import money, services
from haat.orders.models import Order
from haat.orders.schemas import (
    AdminOrderOut,
    AvailabilityAnswerOut,
    AvailabilityIn,
    CancelIn,
    OrderListOut,
    OrderQuery,
    PayIn,
    StoreOrderOut,
)
from haat.orders.selectors import (
    OrderFilters,
    order_admin_payload,
    order_by_number,
    order_by_token,
    order_payload,
    order_queryset,
)
from haat.payments import flows
from haat.payments.models import Payment
from haat.payments.schemas import PaymentOut
from haat.payments.types import GatewayCheckout

store_router = Router(auth=StorefrontAuth, tags=["store: orders"])
admin_router = Router(auth=StaffAuth, tags=["admin: orders"])


@store_router.get("orders/{token}", response={200: StoreOrderOut, **errors(401, 404)})
def store_order(request: HttpRequest, token: str) -> Any:
    """The order behind a customer's link token."""
    order = order_by_token(token=token)
    body = order_payload(order, order.lines.all())
    body["pay_url"] = flows.pay_page_url(order)
    return body


@store_router.post(
    "orders/{token}/payments",
    response={201: PaymentOut, 200: PaymentOut, **errors(401, 404, 409, 422)},
)
def start_payment(
    request: HttpRequest, token: str, response: HttpResponse, payload: PayIn | None = None
) -> Any:
    """Open a payment for what the order owes online: after a failed payment (the stock
    is held again) or when the first one could not be opened. 409 `not_payable` /
    `payment_expired` otherwise. An `Idempotency-Key` returns the first reply again (200,
    `Idempotent-Replayed: true`); another body under it is a 422 `idempotency_key_reused`."""
    order = order_by_token(token=token)
    return_url = payload.return_url if payload else ""
    idem = idempotency.idempotent_request(
        scope="payment",
        key=request.headers.get("Idempotency-Key"),
        request={"order": order.token, "return_url": return_url},
        answer=_payment_reply,
    )

    def open_payment() -> tuple[Payment, GatewayCheckout]:
        return flows.retry_payment(order=order, return_url=return_url)

    reply = idempotency.run_once(idem, open_payment) if idem else _payment_reply(open_payment())
    if reply.replayed:
        response["Idempotent-Replayed"] = "true"
    return Status(reply.status, reply.body)


def _payment_reply(opened: tuple[Payment, GatewayCheckout]) -> Reply:
    return Reply(201, flows.payment_payload(*opened))


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
    services.cancel_order(order=order, note=payload.note)
    return order_admin_payload(order_by_number(number))


@admin_router.post(
    "orders/{number}/lines/{line_id}/availability",
    response={200: AvailabilityAnswerOut, **errors(401, 403, 404, 409, 422)},
    by_alias=True,
)
def line_availability(
    request: HttpRequest, number: str, line_id: int, payload: AvailabilityIn
) -> Any:
    """Reserve & pay: can this line be sourced? The last answer cancels the order (nothing
    available) or removes the unavailable lines and sends the customer a payment link."""
    require(request, Perm.ORDERS_MANAGE)
    result = money.confirm_line(
        order=order_by_number(number), line_id=line_id, available=payload.available
    )
    return {
        "outcome": result.outcome,
        "payment_link": result.link_url,
        "order": order_admin_payload(order_by_number(number)),
    }
