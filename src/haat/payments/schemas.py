"""API shapes for payments. Amounts are integers in minor units."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from ninja import Field, Schema
from pydantic import StrictBool

from haat.core.money import MAX_MINOR_UNITS, money_json
from haat.core.schemas import MAX_ID, IsoDatetime, MoneyOut, Out, checked_range
from haat.payments import selectors
from haat.payments.config import MAX_RESERVE_WINDOW_HOURS
from haat.payments.models import LatePayment, PaymentTransaction, Refund


class PayIn(Schema):
    return_url: str = Field("", max_length=500)


class AvailabilityIn(Schema):
    available: StrictBool


class SettingsIn(Schema):
    """Only the fields sent are changed. Per-currency maps are {"INR": 14900} (minor units)."""

    prepaid_enabled: bool | None = None
    cod_enabled: bool | None = None
    partial_cod_enabled: bool | None = None
    reserve_and_pay_enabled: bool | None = None
    partial_cod_percent: str | None = Field(None, description='e.g. "10" or "12.5"')
    partial_cod_minimum: dict[str, Any] | None = None
    cod_fee: dict[str, Any] | None = None
    cod_fee_upfront: bool | None = None
    cod_max_order_value: dict[str, Any] | None = None
    express_fee: dict[str, Any] | None = None
    reserve_window_hours: Annotated[int, checked_range(1, MAX_RESERVE_WINDOW_HOURS)] | None = None
    test_gateway_enabled: bool | None = None
    revive_late_paid_orders: bool | None = Field(
        None,
        description="A payment arriving after its order was cancelled for not being paid in "
        "time revives the order when every line's stock can still be taken (otherwise, and "
        "when false, the payment is refunded automatically).",
    )
    currency_gateways: dict[str, Any] | None = None


# Checked by the services with their own codes (`Money` refuses more than MAX_MINOR_UNITS,
# an id that names nothing is refused); the schema shows the same bounds.
Amount = Annotated[int, checked_range(0, MAX_MINOR_UNITS)]
PositiveAmount = Annotated[int, checked_range(1, MAX_MINOR_UNITS)]
RowId = Annotated[int, checked_range(1, MAX_ID)]


class MethodRuleIn(Schema):
    payment_type: str = Field(..., description="prepaid | cod | partial_cod | reserve_and_pay")
    effect: str = Field(..., description="allow | forbid")
    scope: str = Field(..., description="state | country | category | product")
    state_code: str = ""
    country: str = ""
    category_id: RowId | None = None
    product_id: RowId | None = None
    note: str = ""


class MethodRuleOut(Schema):
    id: int
    payment_type: str
    effect: str
    scope: str
    state_code: str
    country: str
    category_id: int | None
    product_id: int | None
    target: str = Field(..., alias="target_label")
    note: str
    created_at: datetime


class PartialCodRuleIn(Schema):
    scope: str = Field(..., description="store | category | product")
    category_id: RowId | None = None
    product_id: RowId | None = None
    currency: str
    percent: str
    minimum_amount: Amount = 0
    min_order_value: Amount = 0
    max_order_value: Amount | None = None


class PartialCodRuleOut(Schema):
    id: int
    scope: str
    category_id: int | None
    product_id: int | None
    currency: str = Field(..., alias="currency_id")
    percent: str
    minimum_amount: int
    min_order_value: int
    max_order_value: int | None

    @staticmethod
    def resolve_percent(obj: Any) -> str:
        return str(obj.percent)


class RefundIn(Schema):
    amount: PositiveAmount | None = Field(
        None, description="minor units; omit to refund lines or all"
    )
    lines: list[dict[str, RowId]] | None = Field(None, description='[{"line_id", "quantity"}]')
    reason: str
    method: str = "gateway"
    reference: str = ""


class CodCollectedIn(Schema):
    amount: PositiveAmount
    reference: str


class RemittanceIn(Schema):
    csv: str = Field(..., description="order_number,amount,reference,remitted_on rows")


class TransactionOut(Schema):
    id: int
    order: str
    kind: str
    amount: int
    currency: str
    gateway: str
    gateway_reference: str
    payment_id: int | None
    actor: str = Field(..., alias="actor_label")
    created_at: datetime

    @staticmethod
    def resolve_order(obj: PaymentTransaction) -> str:
        return obj.order.number


class RefundOut(Schema):
    id: int
    order: str
    amount: dict[str, Any]
    status: str
    method: str
    reference: str
    reason: str
    lines: list[dict[str, Any]]
    gateway_refund_id: str
    failure_reason: str
    created_by: str = Field(..., alias="created_by_label")
    created_at: datetime
    processed_at: datetime | None

    @staticmethod
    def resolve_order(obj: Refund) -> str:
        return obj.order.number

    @staticmethod
    def resolve_amount(obj: Refund) -> dict[str, Any]:
        return money_json(obj.amount, obj.currency)


# --- replies built as dicts -------------------------------------------------------------
class PaymentOut(Out):
    """`payments.flows.payment_payload`: what a storefront needs to send the customer to
    pay."""

    id: int
    gateway: str = Field(description="razorpay | stripe | test")
    purpose: str = Field(description="full | upfront | link")
    amount: MoneyOut
    redirect_url: str = Field(description='a hosted page to send the payer to ("" for none)')
    client_data: dict[str, Any] = Field(description="for the gateway's script, e.g. key_id")
    expires_at: IsoDatetime | None


class PaymentOptionOut(Out):
    type: str = Field(description="prepaid | cod | partial_cod | reserve_and_pay")
    label: str
    available: bool
    reason: str = Field(description='why not, for the shopper ("" when available)')
    pay_now: MoneyOut
    pay_on_delivery: MoneyOut
    fee: MoneyOut
    total: MoneyOut = Field(description="pay_now + pay_on_delivery")


class PaymentOptionsOut(Out):
    currency: str
    subtotal: MoneyOut
    express_fee: MoneyOut
    options: list[PaymentOptionOut]


class PaymentSettingsOut(Out):
    """Amount maps are {"INR": 14900} (minor units per currency)."""

    prepaid_enabled: bool
    cod_enabled: bool
    partial_cod_enabled: bool
    reserve_and_pay_enabled: bool
    cod_fee_upfront: bool
    test_gateway_enabled: bool
    revive_late_paid_orders: bool = Field(
        description="Revive an order paid after it expired, stock permitting (else refund)."
    )
    partial_cod_minimum: dict[str, int]
    cod_fee: dict[str, int]
    cod_max_order_value: dict[str, int]
    express_fee: dict[str, int]
    partial_cod_percent: str = Field(description='e.g. "10.00"')
    reserve_window_hours: int
    currency_gateways: dict[str, str] = Field(description='explicit choices, {"USD": "stripe"}')
    gateways: dict[str, str] = Field(
        description='the gateway taking each enabled currency ("" for none)'
    )
    updated_at: IsoDatetime


class CreatedRefundOut(Out):
    """`payments.selectors.refund_payload`."""

    id: int
    order: str
    amount: MoneyOut
    status: str = Field(description="pending | processed | failed | manual")
    method: str = Field(description="gateway | bank_transfer | upi")
    reference: str
    reason: str
    lines: list[dict[str, Any]]
    gateway_refund_id: str
    failure_reason: str
    created_by: str
    created_at: IsoDatetime
    processed_at: IsoDatetime | None


class CodCollectedOut(Out):
    number: str
    payment_status: str
    amount_paid: MoneyOut
    created: bool = Field(description="false: this reference was recorded before")


class RemittanceSummaryOut(Out):
    recorded: int
    duplicate: int
    mismatch: int
    unknown_order: int
    not_cod: int


class RemittanceRowOut(Out):
    row: int = Field(description="line number in the file (the header is 1)")
    order_number: str
    amount: int
    currency: str
    reference: str
    remitted_on: str
    status: str = Field(description="recorded | duplicate | mismatch | unknown_order | not_cod")
    message: str


class RemittanceOut(Out):
    summary: RemittanceSummaryOut
    rows: list[RemittanceRowOut]


class LatePaymentOut(Schema):
    """A payment captured for an order that could not take it (`payments/late.py`)."""

    id: int
    order: str = Field(description="the order's number")
    amount: MoneyOut
    outcome: str = Field(description="refund | revived")
    state: str = Field(
        description="revived | refunded | refund_failed | refund_sent (the gateway has it, "
        "not confirmed yet) | refund_unsent (the gateway has not answered yet)"
    )
    why: str = Field(description='e.g. "arrived after the order was cancelled"')
    notice: str = Field(description="what happened, in one sentence for staff")
    refund: CreatedRefundOut | None = Field(description="the latest refund attempt")
    attempts: int = Field(description="refunds opened for it")
    created_at: datetime
    handled_at: datetime | None
    handled_by: str = Field(..., alias="handled_by_label")

    @staticmethod
    def resolve_order(obj: LatePayment) -> str:
        return obj.order.number

    @staticmethod
    def resolve_amount(obj: LatePayment) -> dict[str, Any]:
        return money_json(obj.amount, obj.currency)

    @staticmethod
    def resolve_state(obj: LatePayment) -> str:
        return selectors.late_state(obj)

    @staticmethod
    def resolve_notice(obj: LatePayment) -> str:
        return selectors.late_notice(obj)

    @staticmethod
    def resolve_refund(obj: LatePayment) -> dict[str, Any] | None:
        return selectors.refund_payload(obj.refund) if obj.refund else None
