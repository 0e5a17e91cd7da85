"""API shapes for orders: the admin's queries and bodies, and the replies (the order as its
customer sees it and as staff see it)."""

from datetime import date, datetime
from typing import Any, Literal

from ninja import Field, Schema
from pydantic import ConfigDict, StrictBool, with_config
from typing_extensions import TypedDict

from haat.core.money import money_json
from haat.core.schemas import IsoDatetime, MoneyOut, Out
from haat.orders.models import Order
from haat.tax.schemas import TaxOut


class OrderQuery(Schema):
    status: str = Field(
        "",
        description="pending_confirmation | pending_payment | payment_failed | confirmed | "
        "processing | packed | partially_shipped | shipped | out_for_delivery | "
        "partially_delivered | delivered | return_requested | returned | rto | cancelled",
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


# --- replies ----------------------------------------------------------------------------
@with_config(ConfigDict(extra="allow"))
class AddressOut(TypedDict, total=False):
    """The address as checkout stored it on the order (a TypedDict: passed on as stored)."""

    name: str
    phone: str
    line1: str
    line2: str
    city: str
    state: str
    postal_code: str
    country: str


class OrderLineTaxOut(Out):
    """The line's GST: taxable value after discount, rates and each head's amount (rounded
    at invoice level: the lines add up to the order's `tax`)."""

    taxable: MoneyOut
    rate: int = Field(description="GST rate in percent (0, 5, 12, 18 or 28)")
    cess_rate: str = Field(description='cess in percent, e.g. "12.00"')
    cgst: MoneyOut
    sgst: MoneyOut
    igst: MoneyOut
    cess: MoneyOut


class OrderLineOut(Out):
    sku: str
    product_title: str
    variant_title: str
    option_values: dict[str, Any]
    quantity: int
    unit_price: MoneyOut
    line_total: MoneyOut
    backordered: int = Field(
        0,
        ge=0,
        description="units of `quantity` sold beyond stock (pre-order or backorder): they "
        "ship on `ships_on`, the date promised when the order was placed",
    )
    ships_on: date | None = Field(
        None, description="the date promised for the backordered units (null: none)"
    )
    tax: OrderLineTaxOut


class OrderAmountsOut(Out):
    """pay_now (online) + pay_on_delivery = total; balance = total - paid (refunds aside)."""

    total: MoneyOut
    cod_fee: MoneyOut
    express: MoneyOut
    pay_now: MoneyOut
    pay_on_delivery: MoneyOut
    paid: MoneyOut
    refunded: MoneyOut
    balance: MoneyOut


class ShippingMethodOut(Out):
    service: str = Field(description="standard | express")
    label: str = Field(description='e.g. "Standard delivery · Rest of India"')
    estimated_delivery_earliest: str | None = Field(description="YYYY-MM-DD")
    estimated_delivery_latest: str | None = Field(description="YYYY-MM-DD")


class OrderOut(Out):
    """`orders.selectors.order_payload`: the order as its customer sees it."""

    number: str = Field(description='e.g. "HT-10042"')
    token: str = Field(description="the customer's link token")
    status: str = Field(
        description="pending_confirmation | pending_payment | payment_failed | confirmed | "
        "processing | packed | partially_shipped | shipped | out_for_delivery | "
        "partially_delivered | delivered | return_requested | returned | rto | cancelled"
    )
    payment_type: str = Field(description="prepaid | cod | partial_cod | reserve_and_pay")
    email: str
    phone: str
    name: str
    shipping_address: AddressOut
    billing_address: AddressOut
    currency: str
    lines: list[OrderLineOut]
    subtotal: MoneyOut
    tax: TaxOut = Field(description="the GST, stored at checkout")
    shipping: MoneyOut
    shipping_method: ShippingMethodOut | None = Field(
        description="the shipping option chosen at checkout (null when the store has no "
        "shipping zones)"
    )
    total: MoneyOut
    amounts: OrderAmountsOut
    payment_status: str
    express_sourcing: bool
    sourcing_due_at: IsoDatetime | None
    confirm_by: IsoDatetime | None = Field(description="reserve & pay: availability answered by")
    pay_by: IsoDatetime | None
    cancel_reason: str
    created_at: IsoDatetime


class StoreOrderOut(OrderOut):
    pay_url: str = Field(description="Haat's pay page for the order")
    status_label: str = Field(description='The status as the customer reads it ("Shipped")')
    status_explanation: str = Field(
        description='One sentence for the customer ("Your parcel is with the courier.")'
    )
    tracking_url: str = Field(
        description="The customer's tracking page (/track/<token>); empty without fulfilment"
    )


class OrderPaymentOut(Out):
    id: int
    gateway: str
    purpose: str
    status: str
    amount: MoneyOut
    gateway_order_id: str
    gateway_payment_id: str
    failure_reason: str
    expires_at: IsoDatetime | None
    created_at: IsoDatetime


class OrderTransactionOut(Out):
    id: int
    kind: str
    amount: int = Field(description="minor units")
    currency: str
    gateway: str
    gateway_reference: str
    actor: str
    created_at: IsoDatetime


class OrderRefundOut(Out):
    id: int
    amount: MoneyOut
    status: str
    method: str
    reference: str
    reason: str
    lines: list[dict[str, Any]]
    created_at: IsoDatetime


class OrderCustomerOut(Out):
    id: int
    name: str
    email: str
    phone: str


class TransitionOut(Out):
    """One status change. `from` is a Python keyword: operations returning it dump by
    alias."""

    from_: str = Field(alias="from")
    to: str
    actor: str
    note: str
    at: IsoDatetime


class OrderHoldOut(Out):
    variant_id: int
    location: str
    quantity: int
    status: str
    expires_at: IsoDatetime


class OrderMovementOut(Out):
    sku: str
    location: str
    quantity: int
    reason: str
    at: IsoDatetime


class AdminOrderLineOut(OrderLineOut):
    id: int
    availability: str = Field(description='reserve & pay: "available", "unavailable" or ""')


class AdminOrderOut(OrderOut):
    """`orders.selectors.order_admin_payload`: lines with availability, money, customer,
    status history, holds and stock movements."""

    lines: list[AdminOrderLineOut]  # type: ignore[assignment]
    refundable: MoneyOut
    payments: list[OrderPaymentOut]
    transactions: list[OrderTransactionOut]
    refunds: list[OrderRefundOut]
    money_notices: list[str] = Field(
        description="what staff should read about the order's money, in sentences (e.g. a "
        "payment that arrived after the order was cancelled, refunded automatically)"
    )
    customer: OrderCustomerOut
    history: list[TransitionOut]
    holds: list[OrderHoldOut]
    movements: list[OrderMovementOut]


class AvailabilityAnswerOut(Out):
    outcome: str = Field(description="waiting | cancelled | payment_requested")
    payment_link: str = Field(description='the payment link sent ("" unless requested)')
    order: AdminOrderOut


class AdvanceIn(Schema):
    status: Literal["processing", "packed"] = Field(
        description="The warehouse step the order reached; the shipping statuses follow its "
        "shipments."
    )
    note: str = Field("", max_length=500)


class NoteIn(Schema):
    text: str = Field(min_length=1, max_length=2000)
    visibility: Literal["internal", "customer"] = Field(
        "internal", description="internal: staff only; customer: shown on the tracking page"
    )


class NoteOut(Out):
    id: int
    visibility: str
    text: str
    author: str
    created_at: datetime


class TimelineEntryOut(Out):
    at: datetime
    kind: str = Field(description="status | payment | shipment | note")
    text: str = Field(description="What happened, in the merchant's words")
    who: str
    internal: bool = Field(description="Staff only (never shown to the customer)")
