"""API shapes for customers seen through their orders (`orders/customer_api.py`)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ninja import Field, Schema

from haat.core.money import money_json
from haat.core.schemas import IsoDatetime, MoneyOut, Out
from haat.customers.models import Customer
from haat.customers.notes import MAX_NOTE_LENGTH


class CustomerQuery(Schema):
    q: str = Field(
        "",
        max_length=100,
        description="name or e-mail (any part), e-mail prefix when it holds '@', or a phone "
        "number written any way (normalised as checkout does, matched exactly)",
    )


class CustomerListOut(Schema):
    """A row of the customers list (`orders.customer_selectors.CustomerRows`)."""

    id: int
    name: str
    email: str
    phone: str = Field(description="E.164")
    order_count: int = Field(description="orders placed, whatever became of them")
    spent: list[MoneyOut] = Field(
        description="per currency: confirmed orders' totals less refunds (cancelled and "
        "unpaid orders are not counted)"
    )
    last_order_at: datetime | None
    created_at: datetime

    @staticmethod
    def resolve_spent(obj: Customer) -> list[dict[str, Any]]:
        return [money_json(m.amount, m.currency) for m in obj.spent]


class CustomerAddressOut(Out):
    name: str
    phone: str
    line1: str
    line2: str
    city: str
    state: str
    postal_code: str
    country: str = Field(description="ISO 3166-1 alpha-2")


class CustomerNoteOut(Out):
    id: int
    body: str
    author: str = Field(description="the staff member's name, or the API key's label")
    created_at: IsoDatetime


class CustomerOrderOut(Out):
    number: str = Field(description='e.g. "HT-10042"')
    status: str
    status_label: str = Field(description='in words, e.g. "Pending payment"')
    payment_type: str
    total: MoneyOut
    created_at: IsoDatetime


class CodOrderOut(Out):
    number: str
    total: MoneyOut
    outcome: str = Field(description='in words, e.g. "Cash collected", "₹499.00 due on delivery"')
    created_at: IsoDatetime


class CodHistoryOut(Out):
    orders: int = Field(description="cash-on-delivery orders (whole or partial)")
    collected: int
    awaiting_delivery: int
    cancelled: int
    recent: list[CodOrderOut] = Field(description="the newest 50, newest first")


class CancellationOut(Out):
    number: str
    at: IsoDatetime
    by: str = Field(description='a staff member, or "Automatically" (payment deadline passed)')
    reason: str
    paid: MoneyOut = Field(description="paid or collected on the order")
    refunded: MoneyOut


class CustomerOut(Out):
    """`orders.customer_selectors.profile_payload`: the customer's profile."""

    id: int
    name: str
    email: str
    phone: str
    created_at: IsoDatetime
    order_count: int
    spent: list[MoneyOut] = Field(description="per currency, as in the list")
    addresses: list[CustomerAddressOut]
    notes: list[CustomerNoteOut] = Field(description="newest first")
    orders: list[CustomerOrderOut] = Field(description="the newest 50, newest first")
    cod: CodHistoryOut
    cancelled_count: int
    cancellations: list[CancellationOut] = Field(description="the newest 50, newest first")


class NoteIn(Schema):
    body: str = Field(min_length=1, max_length=MAX_NOTE_LENGTH)
