"""Admin API shapes for orders."""

from datetime import date, datetime
from typing import Any

from ninja import Field, Schema
from pydantic import StrictBool

from haat.core.money import money_json
from haat.orders.models import Order


class OrderQuery(Schema):
    status: str = Field(
        "",
        description="pending_confirmation | pending_payment | payment_failed | confirmed | "
        "cancelled",
    )
    q: str = Field("", max_length=100, description="order number, e-mail, phone or name")
    date_from: date | None = None
    date_to: date | None = None


class CancelIn(Schema):
    note: str = Field("", max_length=500)


class AvailabilityIn(Schema):
    available: StrictBool


class PayIn(Schema):
    return_url: str = Field("", max_length=500)


class OrderListOut(Schema):
    number: str
    status: str
    payment_type: str
    payment_status: str
    express_sourcing: bool
    sourcing_due_at: datetime | None
    name: str
    email: str
    phone: str
    customer_id: int
    item_count: int
    total: dict[str, Any]
    created_at: datetime

    @staticmethod
    def resolve_total(obj: Order) -> dict[str, Any]:
        return money_json(obj.total_amount, obj.currency_id)
