"""Orders API: a customer's order by token (`store_router`), order admin (`admin_router`)."""

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router
from ninja.pagination import paginate

from haat.accounts.roles import Perm
from haat.api.auth import StaffAuth, StorefrontAuth, require
from haat.api.pagination import Paginated
from haat.core.errors import ValidationError
from haat.orders import services
from haat.orders.models import Order
from haat.orders.schemas import CancelIn, OrderListOut, OrderQuery
from haat.orders.selectors import (
    OrderFilters,
    order_by_number,
    order_by_token,
    order_payload,
    order_queryset,
    order_stock,
)

store_router = Router(auth=StorefrontAuth, tags=["store: orders"])
admin_router = Router(auth=StaffAuth, tags=["admin: orders"])


@store_router.get("orders/{token}", response=dict)
def store_order(request: HttpRequest, token: str) -> Any:
    """The order behind a customer's link token."""
    order = order_by_token(token=token)
    return order_payload(order, order.lines.all())


@admin_router.get("orders", response=list[OrderListOut])
@paginate(Paginated)
def list_orders(request: HttpRequest, filters: Query[OrderQuery]) -> Any:
    require(request, Perm.ORDERS_VIEW)
    if filters.status and filters.status not in Order.Status.values:
        raise ValidationError(f"Unknown status '{filters.status}'.", details={"field": "status"})
    return order_queryset(
        OrderFilters(filters.status, filters.q, filters.date_from, filters.date_to)
    )


def admin_detail(order: Order) -> dict[str, Any]:
    stock = order_stock(order)
    body = order_payload(order, order.lines.all())
    body.update(
        customer={
            "id": order.customer_id,
            "name": order.customer.name,
            "email": order.customer.email,
            "phone": order.customer.phone,
        },
        history=[
            {
                "from": t.from_status,
                "to": t.to_status,
                "actor": t.actor_label,
                "note": t.note,
                "at": t.created_at.isoformat(),
            }
            for t in order.transitions.all()
        ],
        holds=[
            {
                "variant_id": h.variant_id,
                "location": h.location.code,
                "quantity": h.quantity,
                "status": h.status,
                "expires_at": h.expires_at.isoformat(),
            }
            for h in stock.holds
        ],
        movements=[
            {
                "sku": m.variant.sku,
                "location": m.location.code,
                "quantity": m.quantity,
                "reason": m.reason,
                "at": m.created_at.isoformat(),
            }
            for m in stock.sales + stock.restocks
        ],
    )
    return body


@admin_router.get("orders/{number}", response=dict)
def get_order(request: HttpRequest, number: str) -> Any:
    require(request, Perm.ORDERS_VIEW)
    return admin_detail(order_by_number(number))


@admin_router.post("orders/{number}/cancel", response=dict)
def cancel_order(request: HttpRequest, number: str, payload: CancelIn) -> Any:
    """Cancel: held stock is released; sold units of a confirmed order go back on hand."""
    require(request, Perm.ORDERS_MANAGE)
    order = order_by_number(number)
    services.cancel_order(order=order, note=payload.note)
    return admin_detail(order_by_number(number))
