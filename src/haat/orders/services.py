"""Creating an order with its stock (everything after that is `lifecycle`).

`create_order` runs inside checkout's transaction: it writes the order's rows, then (last,
see `take_order_stock`) sells its stock at once (COD) or holds it for the order until it
is paid or confirmed.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from haat.core import sql
from haat.core.errors import ValidationError
from haat.customers.models import Customer
from haat.inventory.holds import HoldRequest, hold_stock, sell_now
from haat.orders import state
from haat.orders.lifecycle import HOLD_OWNER, record_backorders, record_order_events
from haat.orders.models import Order, OrderLine
from haat.tax.gst import Invoice, TaxLine

MAX_LINES_PER_STATEMENT = 200  # more lines than that: the order and its lines in two


@dataclass(frozen=True)
class PaymentTerms:
    """How the order's total is paid, from `payments.options.payment_options` (checkout).

    `amount_due_online` / `amount_due_on_delivery` None: the natural split (everything
    on delivery for COD, online otherwise), for callers that predate payment types."""

    cod_fee_amount: int = 0
    express_amount: int = 0
    amount_due_online: int | None = None
    amount_due_on_delivery: int | None = None
    express_sourcing: bool = False
    sourcing_due_at: datetime | None = None
    confirm_by: datetime | None = None  # reserve & pay: staff answer by then
    pay_by: datetime | None = None  # waiting for payment: paid by then or cancelled


@dataclass(frozen=True)
class ShippingChoice:
    """The shipping option chosen at checkout: its charge goes in `shipping_amount`."""

    service: str
    label: str
    amount: int
    earliest: date | None = None
    latest: date | None = None


@dataclass(frozen=True)
class LineInput:
    """A line to order; its GST (`line_tax_fields` of the checkout's `tax.gst` line)
    stays zero when none was computed."""

    variant_id: int
    sku: str
    product_title: str
    option_values: dict[str, Any]
    quantity: int
    unit_amount: int
    backordered: int = 0  # units taken beyond stock (pre-order / backorder)
    ships_on: date | None = None  # the date promised for them
    taxable_amount: int = 0
    gst_rate: int = 0
    cess_rate: Decimal = Decimal(0)
    cgst_amount: int = 0
    sgst_amount: int = 0
    igst_amount: int = 0
    cess_amount: int = 0

    @property
    def tax_amount(self) -> int:
        return self.cgst_amount + self.sgst_amount + self.igst_amount + self.cess_amount


def line_tax_fields(taxed: TaxLine) -> dict[str, Any]:
    """A `tax.gst.TaxLine` as `LineInput`'s (and `OrderLine`'s) tax fields."""
    return {
        "taxable_amount": taxed.taxable,
        "gst_rate": taxed.rate,
        "cess_rate": taxed.cess_rate,
        "cgst_amount": taxed.cgst,
        "sgst_amount": taxed.sgst,
        "igst_amount": taxed.igst,
        "cess_amount": taxed.cess,
    }


def create_order(
    *,
    customer: Customer,
    currency: str,
    email: str,
    phone: str,
    name: str,
    shipping_address: dict[str, str],
    billing_address: dict[str, str],
    lines: list[LineInput],
    payment_type: str,
    status: str,
    shipping_amount: int = 0,
    shipping: ShippingChoice | None = None,
    terms: PaymentTerms | None = None,
    hold_until: datetime | None = None,
    take_stock: bool = True,
    tax: Invoice | None = None,
) -> Order:
    """Write the order, its lines and its events, then take its stock (`take_stock`).

    Three INSERTs (order, lines, events) whatever the number of lines. `take_stock=False`
    leaves the stock to the caller, who must call `take_order_stock` last in the same
    transaction (it locks the stock rows until COMMIT: the later, the shorter a flash
    sale's hottest row is locked). Raises OutOfStock (changing nothing) when the stock is
    not there. `tax` is the GST of `lines` (one tax line each, in order, which the lines
    carry: `line_tax_fields`), stored on the order; when prices exclude tax it is added
    to the total.
    """
    if status not in state.INITIAL_STATUSES:
        raise ValidationError(f"An order cannot start as {status}.", details={"field": "status"})
    if not lines:
        raise ValidationError("An order needs at least one line.", details={"field": "lines"})
    subtotal = sum(line.unit_amount * line.quantity for line in lines)
    _check_tax(tax, lines)
    tax_added = tax.tax if tax is not None and not tax.prices_include_tax else 0
    if shipping is not None:
        shipping_amount = shipping.amount
    terms = terms or PaymentTerms()
    total = subtotal + tax_added + shipping_amount + terms.cod_fee_amount + terms.express_amount
    split = _split(total, payment_type, terms)
    values = {
        "token": secrets.token_urlsafe(16),
        "customer_id": customer.pk,
        "currency_id": currency,
        "status": status,
        "payment_type": payment_type,
        "email": email,
        "phone": phone,
        "name": name,
        "shipping_address": shipping_address,
        "billing_address": billing_address,
        "subtotal_amount": subtotal,
        "shipping_amount": shipping_amount,
        "cod_fee_amount": terms.cod_fee_amount,
        "express_amount": terms.express_amount,
        "total_amount": total,
        "amount_due_online": split[0],
        "amount_due_on_delivery": split[1],
        "express_sourcing": terms.express_sourcing,
        "sourcing_due_at": terms.sourcing_due_at,
        "confirm_by": terms.confirm_by,
        "pay_by": terms.pay_by,
        "tax_treatment": str(tax.treatment) if tax is not None else "",
        "place_of_supply": tax.place_of_supply[:100] if tax is not None else "",
        "prices_include_tax": tax.prices_include_tax if tax is not None else True,
        "tax_amount": tax.tax if tax is not None else 0,
        "tax_added_amount": tax_added,
        "shipping_service": shipping.service if shipping else "",
        "shipping_label": shipping.label[:200] if shipping else "",
        "delivery_earliest": shipping.earliest if shipping else None,
        "delivery_latest": shipping.latest if shipping else None,
        "created_at": timezone.now(),
    }
    values["updated_at"] = values["created_at"]
    line_rows = [
        {
            "variant_id": line.variant_id,
            "sku": line.sku,
            "product_title": line.product_title[:200],
            "option_values": line.option_values,
            "quantity": line.quantity,
            "unit_amount": line.unit_amount,
            "line_amount": line.unit_amount * line.quantity,
            "taxable_amount": line.taxable_amount,
            "gst_rate": line.gst_rate,
            "cess_rate": line.cess_rate,
            "cgst_amount": line.cgst_amount,
            "sgst_amount": line.sgst_amount,
            "igst_amount": line.igst_amount,
            "cess_amount": line.cess_amount,
        }
        for line in lines
    ]
    with transaction.atomic(savepoint=False):
        pk = _insert_order(values, line_rows)
        order = Order(id=pk, **values)
        order._state.adding = False
        record_order_events(order, lines, placed=True)
        if take_stock:
            take_order_stock(order=order, lines=lines, hold_until=hold_until)
    return order


def _check_tax(tax: Invoice | None, lines: list[LineInput]) -> None:
    """The order's GST must be its lines': one tax line each, carried by the lines."""
    if tax is None:
        return
    if len(tax.lines) != len(lines) or any(
        line_tax_fields(taxed) != line_tax_fields(_as_tax_line(line))
        for line, taxed in zip(lines, tax.lines, strict=False)
    ):
        raise ValidationError("The lines do not carry the order's tax.", details={"field": "tax"})
    for line, taxed in zip(lines, tax.lines, strict=True):
        if tax.prices_include_tax and taxed.total != line.unit_amount * line.quantity:
            raise ValidationError(
                f"The tax of {line.sku} does not add up to its amount.",
                details={"field": "tax"},
            )


def _as_tax_line(line: LineInput) -> TaxLine:
    return TaxLine(
        taxable=line.taxable_amount,
        rate=line.gst_rate,
        cess_rate=line.cess_rate,
        cgst=line.cgst_amount,
        sgst=line.sgst_amount,
        igst=line.igst_amount,
        cess=line.cess_amount,
    )


def _insert_order(values: dict[str, Any], line_rows: list[dict[str, Any]]) -> int:
    """INSERT the order and its lines; returns the order's id. PostgreSQL does both in
    one statement (the lines read the new id from the order's INSERT); SQLite, which has
    no INSERT inside WITH, in two."""
    if connection.vendor != "postgresql" or len(line_rows) > MAX_LINES_PER_STATEMENT:
        [(pk,)] = sql.insert_rows(Order, [values])
        sql.insert_rows(OrderLine, [{**row, "order_id": pk} for row in line_rows], returning=())
        return pk
    order_sql, params = sql.insert_statement(Order, [values])
    lines_sql, line_params = sql.insert_from(
        OrderLine, line_rows, source="placed", columns={"order_id": "id"}, returning=()
    )
    statement = f"WITH placed AS ({order_sql}), lined AS ({lines_sql}) SELECT id FROM placed"  # noqa: S608
    [(pk,)] = sql.fetch_all(statement, params + line_params)
    return pk


def _split(total: int, payment_type: str, terms: PaymentTerms) -> tuple[int, int]:
    online, later = terms.amount_due_online, terms.amount_due_on_delivery
    if online is None and later is None:
        return (0, total) if payment_type == Order.PaymentType.COD else (total, 0)
    online, later = online or 0, later or 0
    if online < 0 or later < 0 or online + later != total:
        raise ValidationError(
            f"The amounts due online ({online}) and on delivery ({later}) must add up to "
            f"the total ({total}).",
            details={"field": "amount_due_online"},
        )
    return online, later


def take_order_stock(
    *, order: Order, lines: list[LineInput], hold_until: datetime | None = None
) -> list[LineInput]:
    """The stock of a new order's lines: sold at once when the order is confirmed (COD),
    else held for it (owner `order`, id = order pk) until `hold_until` (default: the
    checkout hold), for payment to convert or expiry to release. Lines without a variant
    (made to order) take none. Raises OutOfStock naming every short line. Returns the
    lines, with the units taken beyond stock and their promised date when there are any
    (written on the order's lines too)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("take_order_stock() must run in the order's transaction")
    wanted: dict[int, int] = {}
    for line in lines:
        if line.variant_id is not None:
            wanted[line.variant_id] = wanted.get(line.variant_id, 0) + line.quantity
    if not wanted:
        return lines
    requests = [HoldRequest(variant_id, quantity) for variant_id, quantity in wanted.items()]
    if order.status == Order.Status.CONFIRMED:
        taken = sell_now(
            requests=requests,
            reference=order.number,
            owner_type=HOLD_OWNER,
            owner_id=str(order.pk),
        )
    else:
        taken = hold_stock(
            requests=requests,
            owner_type=HOLD_OWNER,
            owner_id=str(order.pk),
            expires_at=hold_until,
            reference=order.number,
        )
    if not taken.backorders:
        return lines
    return record_backorders(order=order, backorders=taken.backorders, lines=lines)
