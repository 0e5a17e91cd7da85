"""How a checkout is paid: the payment type's availability and split, as order terms.

The payment options (haat.payments.options) are the authority on which types a cart may
use and how each splits the total, and checkout asks them for the chosen type only. They
decide by `payment_config()`: the payment settings and rules, kept per process and
reloaded when the settings stamp moved. Checkout reads that stamp with its lines, so a
COD checkout whose settings have not changed reads no payment table at all, and the
first checkout after a change (in any process) is decided by the new settings. The
options a shopper was shown come from the same config, so the fee charged is the fee
shown.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.utils import timezone

from haat.checkout.error_codes import CheckoutError
from haat.core.errors import ValidationError
from haat.core.money import Money
from haat.core.settings_stamp import NOT_READ
from haat.inventory.holds import hold_minutes
from haat.orders.models import Order
from haat.orders.services import PaymentTerms
from haat.payments.config import payment_config
from haat.payments.options import LABELS, Item, PaymentQuote

SOURCING_PROMISE = timedelta(hours=24)
PT = Order.PaymentType
ONLINE_TYPES = frozenset({PT.PREPAID, PT.PARTIAL_COD})


class PaymentTypeUnavailable(ValidationError):
    code = CheckoutError.PAYMENT_TYPE_UNAVAILABLE


@dataclass(frozen=True)
class CheckoutPlan:
    """The order's first status, its payment terms and how long its stock is held."""

    payment_type: str
    status: str
    terms: PaymentTerms
    hold_expires_at: Any  # datetime | None (None: the default checkout hold)

    @property
    def online(self) -> bool:
        return self.payment_type in ONLINE_TYPES


def plan_checkout(
    *,
    payment_type: str,
    express_sourcing: bool,
    currency: str,
    lines: Sequence[tuple[Item, int]],
    subtotal: int,
    address: dict[str, Any],
    settings_stamp: int | None = NOT_READ,
    tax_added: int = 0,
    shipping_amount: int = 0,
) -> CheckoutPlan:
    """The order's terms for `payment_type`; PaymentTypeUnavailable (422) names why not.
    `settings_stamp` is the stamp read with the lines (read here when not given);
    `tax_added` the GST added to the prices (when they exclude tax), paid like them;
    `shipping_amount` (the chosen shipping option's charge) counts in the total split."""
    config = payment_config(stamp=settings_stamp)
    now = timezone.now()
    extras = Money.zero(currency)
    if express_sourcing:
        extras = config.express_fee(currency)
        if not extras:
            raise ValidationError(
                f"Express sourcing is not offered for orders in {currency}.",
                code=CheckoutError.EXPRESS_UNAVAILABLE,
                details={"field": "express_sourcing", "currency": currency},
            )
    quote = PaymentQuote(
        config=config,
        currency=currency,
        lines=lines,
        subtotal=Money(subtotal, currency),
        address=address,
        extras=extras + Money(tax_added + shipping_amount, currency),
    )
    chosen = quote.option(payment_type)
    if not chosen.available:
        raise PaymentTypeUnavailable(
            chosen.reason or f"{LABELS[payment_type]} is not available for this order.",
            details={
                "field": "payment_type",
                "payment_type": payment_type,
                "reason": chosen.reason,
                "available": [o.type for o in quote.options() if o.available],
            },
        )
    pay_now, later, fee = chosen.pay_now, chosen.pay_on_delivery, chosen.fee
    if pay_now + later != quote.base + fee:  # the options guarantee it; never store less
        raise ValidationError("The payment split does not add up.", details={"field": "total"})
    hold_until = None
    confirm_by = pay_by = None
    status = Order.Status.CONFIRMED
    if payment_type == PT.RESERVE_AND_PAY:
        status = Order.Status.PENDING_CONFIRMATION
        confirm_by = hold_until = now + timedelta(hours=config.settings.reserve_window_hours)
    elif payment_type in ONLINE_TYPES:
        status = Order.Status.PENDING_PAYMENT
        pay_by = hold_until = now + timedelta(minutes=hold_minutes())
    terms = PaymentTerms(
        cod_fee_amount=fee.amount,
        express_amount=extras.amount,
        amount_due_online=pay_now.amount,
        amount_due_on_delivery=later.amount,
        express_sourcing=express_sourcing,
        sourcing_due_at=now + SOURCING_PROMISE if express_sourcing else None,
        confirm_by=confirm_by,
        pay_by=pay_by,
    )
    return CheckoutPlan(payment_type, status, terms, hold_until)
