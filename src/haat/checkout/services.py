"""Checkout: turn an open cart into an order without ever overselling.

1. Validate the contact, addresses and payment type (no database work).
2. (An `Idempotency-Key` already answered returns that answer; see `core.idempotency`.)
3. Read the cart's lines with their live prices in ONE query. A price that changed since
   the line was added is not charged silently: the lines are re-priced and the reply is a
   409 `price_changed` listing `{sku, old, new}`; submitting again then succeeds. (We
   chose refusing over charging-and-reporting because COD orders confirm at once.)
4. A line already short of stock (unlocked read, same query) is a 409 `out_of_stock`
   naming every short line, before anything is written.
5. ONE transaction: customer, addresses, order, lines and events; the cart is marked
   completed with a conditional UPDATE (of two concurrent submits of one cart exactly one
   commits). Last before COMMIT the order takes its stock (`orders.take_order_stock`):
   COD sells it at once, the other types hold it for the order. That step locks the
   stock rows (the hottest rows of a flash sale), so they stay locked for three short
   statements and the commit only; a line short under lock is a 409 `out_of_stock` and
   the whole order rolls back.

6. Prepaid and partial COD: after COMMIT (never inside a transaction) the gateway payment
   for the online part is opened (`payments.flows.start_checkout_payment`) and added to
   the result (and to the reply stored under the `Idempotency-Key`). The payment type is
   checked against `payment_options` first (`checkout.payment`); an unavailable type is a
   422 `payment_type_unavailable` naming the reason, recorded in the audit log.

A crash before COMMIT leaves nothing; a crash after it leaves an order waiting for payment
(its stock held), which the expiry sweep cancels.

The service speaks no HTTP: it takes the typed request (`schemas.CheckoutIn`) and returns
`Placed`, the order with its lines and payment. The front door turns that into its reply,
and an idempotent request carries the front door's `answer`, so the reply stored with the
order (step 5) is the one the front door gives.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from django.db import IntegrityError, transaction

from haat.catalog.error_codes import CatalogError
from haat.checkout import shipping
from haat.checkout.carts import clean_lines, complete_cart, not_purchasable, priced_variants
from haat.checkout.error_codes import CheckoutError
from haat.checkout.payment import CheckoutPlan, PaymentTypeUnavailable, plan_checkout
from haat.checkout.schemas import BuyNowIn, BuyNowLineIn, CheckoutIn
from haat.checkout.selectors import open_cart_lines
from haat.checkout.sql import PricedLine, reprice_lines
from haat.checkout.tax import line_tax, tax_added
from haat.core import idempotency
from haat.core.audit import record_audit
from haat.core.errors import Conflict, DomainError, ValidationError
from haat.core.idempotency import IdempotentRequest, Reply
from haat.core.money import money_json
from haat.customers.services import customer_for_checkout
from haat.customers.validation import (
    AddressData,
    normalize_email,
    normalize_phone,
    validate_address,
)
from haat.gateways.types import GatewayCheckout
from haat.inventory.holds import OutOfStock
from haat.orders.models import Order
from haat.orders.services import (
    LineInput,
    ShippingChoice,
    create_order,
    line_tax_fields,
    take_order_stock,
)
from haat.payments.flows import start_checkout_payment
from haat.payments.models import Payment
from haat.tax.gst import Invoice

PAYMENT_TYPES = frozenset(Order.PaymentType.values)


@dataclass(frozen=True)
class Contact:
    email: str
    phone: str
    name: str
    shipping: AddressData
    billing: AddressData
    payment_type: str
    express_sourcing: bool = False
    return_url: str = ""
    shipping_service: str = ""


@dataclass(frozen=True)
class Placed:
    """An order checkout placed: the order and its lines and, when part of it is paid
    online, the gateway payment opened after COMMIT with what the shopper needs to pay
    it, or why it could not be opened (the order then waits, payable from its pay page)."""

    order: Order
    lines: list[LineInput]
    online: bool
    payment: Payment | None = None
    gateway_checkout: GatewayCheckout | None = None
    payment_error: DomainError | None = None


def validate_contact(details: CheckoutIn) -> Contact:
    """Every field checked before anything is written; errors name the field."""
    payment_type = details.payment_type.strip().lower()
    if not payment_type:
        raise ValidationError("payment_type is required.", details={"field": "payment_type"})
    if payment_type not in PAYMENT_TYPES:
        raise ValidationError(
            f"Payment type '{payment_type}' is not available.",
            code=CheckoutError.PAYMENT_TYPE_UNAVAILABLE,
            details={"field": "payment_type", "available": sorted(PAYMENT_TYPES)},
        )
    email = normalize_email(details.email)
    phone = normalize_phone(details.phone)
    shipping = validate_address(
        details.shipping_address.model_dump(), prefix="shipping_address.", default_phone=phone
    )
    billing = (
        validate_address(
            details.billing_address.model_dump(), prefix="billing_address.", default_phone=phone
        )
        if details.billing_address
        else shipping
    )
    name = " ".join(details.name.split()) or shipping.name
    if len(name) > 200:
        raise ValidationError("name is longer than 200 characters.", details={"field": "name"})
    return_url = details.return_url.strip()
    if return_url and (
        len(return_url) > 500 or not return_url.startswith(("https://", "http://", "/"))
    ):
        raise ValidationError(
            "return_url must be an http(s) URL or a path of at most 500 characters.",
            details={"field": "return_url"},
        )
    return Contact(
        email,
        phone,
        name,
        shipping,
        billing,
        payment_type,
        details.express_sourcing,
        return_url,
        details.shipping_service.strip().lower(),
    )


def checkout(
    *,
    token: str,
    details: CheckoutIn,
    idempotency_request: IdempotentRequest[Placed] | None = None,
) -> Placed | Reply:
    """Check out the cart behind `token`. Returns the order placed; for an idempotent
    request, the reply recorded under its key (the first one when the key was seen with
    the same request; another request under it is a 422)."""
    contact = validate_contact(details)
    try:
        return _complete(token, contact, idempotency_request)
    except PaymentTypeUnavailable as exc:
        _record_refusal(contact, exc, token=token)
        raise
    except (Conflict, IntegrityError):
        # A cart already checked out, or a concurrent duplicate that won the race: with
        # the same key and request, answer with its reply (a 422 for another request).
        replay = idempotency.replay(idempotency_request) if idempotency_request else None
        if replay is None:
            raise
        return replay


def buy_now(
    *, details: BuyNowIn, idempotency_request: IdempotentRequest[Placed] | None = None
) -> Placed | Reply:
    """Place an order for `details.lines` without a cart: the cart checkout's rules and
    result in one request (a flash sale's "buy now"). A line may carry
    `expected_unit_amount`, the price the shopper was shown: a different live price is a
    409 `price_changed`, never a silent charge. An idempotent request seen before gets
    its recorded reply (another request under its key is a 422)."""
    contact = validate_contact(details)
    wanted = clean_lines([(line.variant_id, line.quantity) for line in details.lines])
    if not wanted:
        raise ValidationError("At least one line is needed.", details={"field": "lines"})
    expected = _expected_prices(details.lines)
    replay = idempotency.replay(idempotency_request) if idempotency_request else None
    if replay is not None:
        return replay
    priced = priced_variants(wanted, details.currency)
    _refuse_changed_prices(priced.lines, expected, priced.currency)
    try:
        return _place(
            priced.currency, priced.lines, contact, idempotency_request, priced.settings_stamp
        )
    except PaymentTypeUnavailable as exc:
        _record_refusal(contact, exc)
        raise
    except IntegrityError:
        # A concurrent duplicate with the same key won the race: answer with its reply.
        replay = idempotency.replay(idempotency_request) if idempotency_request else None
        if replay is None:
            raise
        return replay


def _expected_prices(lines: list[BuyNowLineIn]) -> dict[int, int]:
    out = {}
    for i, line in enumerate(lines):
        if line.expected_unit_amount is None:
            continue
        if line.expected_unit_amount < 0:
            raise ValidationError(
                "expected_unit_amount must be a whole number of minor units.",
                details={"field": f"lines[{i}].expected_unit_amount"},
            )
        out[line.variant_id] = line.expected_unit_amount
    return out


def _refuse_changed_prices(
    lines: Sequence[PricedLine], expected: dict[int, int], currency: str
) -> None:
    changes = [
        {
            "sku": line.variant.sku,
            "old": money_json(expected[line.variant.id], currency),
            "new": money_json(line.unit_amount, currency),
        }
        for line in lines
        if line.variant.id in expected and expected[line.variant.id] != line.unit_amount
    ]
    if changes:
        raise Conflict(
            "Prices changed since the shopper saw them; nothing was ordered.",
            code=CheckoutError.PRICE_CHANGED,
            details={"price_changes": changes},
        )


def _record_refusal(contact: Contact, exc: DomainError, *, token: str = "") -> None:
    """Nothing was written for a refused checkout; keep a trace of the attempt (of the
    cart behind `token`, or of a buy-now request without a cart)."""
    with transaction.atomic():
        record_audit(
            action="checkout.refused",
            object_type="checkout.cart" if token else "checkout.buy_now",
            object_id=str(token)[:64],
            object_repr=f"cart {str(token)[:6]}…" if token else "buy now",
            changes={
                "code": exc.code,
                "payment_type": contact.payment_type,
                "reason": exc.message,
                "state": contact.shipping.state,
                "country": contact.shipping.country,
            },
        )


def _shipping(
    currency: str, lines: Sequence[PricedLine], contact: Contact, settings_stamp: int | None
) -> ShippingChoice | None:
    """The chosen shipping option (None while the store has no zones); 422 for a PIN no
    courier reaches, an option not offered, or cash on delivery where the zone or the PIN
    does not take it (`checkout.shipping`)."""
    found = shipping.shipping_quote(
        currency=currency,
        lines=[(line.variant, line.quantity, line.unit_amount) for line in lines],
        address=contact.shipping,
        stamp=settings_stamp,
    )
    if found is None:
        return None
    option = shipping.choose(found, contact.shipping_service)
    if contact.payment_type in shipping.COD_TYPES and not option.cod_allowed:
        raise PaymentTypeUnavailable(
            "Cash on delivery is not offered for this delivery address.",
            details={
                "field": "payment_type",
                "payment_type": contact.payment_type,
                "reason": "no_cod_for_address",
            },
        )
    return shipping.as_choice(option)


def _plan(
    currency: str,
    lines: Sequence[PricedLine],
    contact: Contact,
    settings_stamp: int | None,
    tax: Invoice,
    shipping_amount: int = 0,
) -> CheckoutPlan:
    return plan_checkout(
        payment_type=contact.payment_type,
        express_sourcing=contact.express_sourcing,
        currency=currency,
        lines=[(line.variant, line.quantity) for line in lines],
        subtotal=sum(line.unit_amount * line.quantity for line in lines),
        address=contact.shipping.as_dict(),
        settings_stamp=settings_stamp,
        tax_added=tax_added(tax),
        shipping_amount=shipping_amount,
    )


def _refuse_sold_out(lines: Sequence[PricedLine]) -> None:
    """A line short of stock already (unlocked read) ends the checkout before anything
    is written: in a flash sale most late buyers leave here. A variant that may be sold
    beyond stock counts what its policy has left (read in the same statement). The
    lines that pass are decided again under lock, last in the order's transaction."""
    short = [
        {
            "variant_id": line.variant.id,
            "sku": line.variant.sku,
            "requested": line.quantity,
            "available": max(line.available, 0),
        }
        for line in lines
        if line.max_quantity < line.quantity
    ]
    if short:
        skus = ", ".join(line["sku"] for line in short)
        raise OutOfStock(f"Not enough stock for {skus}.", details={"lines": short})


def _check_lines(currency: str, lines: Sequence[PricedLine]) -> None:
    """Refuse unsellable lines and silently changed prices (re-pricing the cart)."""
    unsellable = [line.variant.sku for line in lines if not line.variant.sellable]
    if unsellable:
        raise ValidationError(
            f"No longer for sale: {', '.join(unsellable)}. Remove them from the cart.",
            code=CatalogError.INACTIVE_VARIANT,
            details={"field": "lines", "skus": unsellable},
        )
    on_hold = [line.variant for line in lines if line.variant.on_hold]
    if on_hold:
        raise not_purchasable(on_hold, field="lines")
    unpriced = [line.variant.sku for line in lines if line.live_amount is None]
    if unpriced:
        raise ValidationError(
            f"No price in {currency} for {', '.join(unpriced)}.",
            code=CheckoutError.NO_PRICE_IN_CURRENCY,
            details={"field": "lines", "skus": unpriced, "currency": currency},
        )
    changed = [line for line in lines if line.live_amount != line.unit_amount]
    if not changed:
        return
    changes = [
        {
            "sku": line.variant.sku,
            "old": money_json(line.unit_amount, currency),
            "new": money_json(line.live_amount, currency),
        }
        for line in changed
    ]
    reprice_lines({line.id: line.live_amount for line in changed})
    raise Conflict(
        "Prices changed since these items were added; the cart now shows the new prices.",
        code=CheckoutError.PRICE_CHANGED,
        details={"price_changes": changes},
    )


def _complete(
    token: str, contact: Contact, idem: IdempotentRequest[Placed] | None
) -> Placed | Reply:
    read = open_cart_lines(token)
    _check_lines(read.cart.currency, read.lines)

    def close_cart(order: Order) -> None:
        if not complete_cart(read.cart, order):
            raise Conflict(
                "This cart has been checked out already.", code=CheckoutError.CART_COMPLETED
            )

    return _place(read.cart.currency, read.lines, contact, idem, read.settings_stamp, close_cart)


def _place(
    currency: str,
    lines: Sequence[PricedLine],
    contact: Contact,
    idem: IdempotentRequest[Placed] | None,
    settings_stamp: int | None,
    on_order: Callable[[Order], None] | None = None,
) -> Placed | Reply:
    """Steps 4-6 of the module docstring for priced, sellable lines; `on_order` runs in
    the order's transaction right after the order is written (the cart's claim).
    `settings_stamp` was read with the lines (see checkout.payment)."""
    chosen = _shipping(currency, lines, contact, settings_stamp)
    tax = line_tax(
        currency,
        lines,
        settings_stamp,
        state=contact.shipping.state,
        country=contact.shipping.country,
    )
    plan = _plan(currency, lines, contact, settings_stamp, tax, chosen.amount if chosen else 0)
    _refuse_sold_out(lines)
    inputs = [
        LineInput(
            variant_id=line.variant.id,
            sku=line.variant.sku,
            product_title=line.variant.product.title,
            option_values=line.variant.option_values,
            quantity=line.quantity,
            unit_amount=line.unit_amount,
            **line_tax_fields(taxed),
        )
        for line, taxed in zip(lines, tax.lines, strict=True)
    ]
    with transaction.atomic():
        customer = customer_for_checkout(
            email=contact.email,
            phone=contact.phone,
            name=contact.name,
            addresses=[contact.shipping, contact.billing],
        )
        order = create_order(
            customer=customer,
            currency=currency,
            email=contact.email,
            phone=contact.phone,
            name=contact.name,
            shipping_address=contact.shipping.as_dict(),
            billing_address=contact.billing.as_dict(),
            lines=inputs,
            payment_type=contact.payment_type,
            status=plan.status,  # COD: confirmed at once
            shipping=chosen,
            terms=plan.terms,
            take_stock=False,  # last, below
            tax=tax,
        )
        if on_order is not None:
            on_order(order)
        placed = Placed(order, inputs, online=plan.online)
        # With the order, so the key is answered exactly when the order exists (the
        # payment is added below, once the order is committed).
        reply = idempotency.record(idem, placed) if idem is not None else None
        # Last before COMMIT: selling (COD) or holding the stock locks its rows until then;
        # OutOfStock here rolls the whole order back.
        taken = take_order_stock(order=order, lines=inputs, hold_until=plan.hold_expires_at)
        if taken is not inputs:  # some units were taken beyond stock: the reply says so
            placed = replace(placed, lines=taken)
            reply = idempotency.update(idem, placed) if idem is not None else None
    if plan.online:
        placed = _open_payment(placed, contact)
        reply = idempotency.update(idem, placed) if idem is not None else None
    return reply if reply is not None else placed


def _open_payment(placed: Placed, contact: Contact) -> Placed:
    """Open the gateway payment for the online part (outside any transaction). A gateway
    that cannot be reached leaves the order waiting: the result says so, and the customer
    can start the payment again from the order's pay page until it expires."""
    try:
        payment, gateway_checkout = start_checkout_payment(
            order=placed.order, return_url=contact.return_url
        )
    except DomainError as exc:
        return replace(placed, payment_error=exc)
    return replace(placed, payment=payment, gateway_checkout=gateway_checkout)
