"""How a checkout is paid: the payment type's availability and split, as order terms.

`payment_options` (haat.payments) is the authority on which types a cart may use and how
each splits the total. It reads the payment settings and rules (five statements), which
a COD checkout in a flash sale cannot afford (its budget is 20 statements). So a small
digest of the settings COD depends on is cached (`cod_digest`, dropped by signals on any
change of PaymentSettings or PaymentMethodRule, else after DIGEST_TTL): when it shows COD
switched on, no COD rule at all and no COD maximum exceeded, payment_options could only
answer "available, everything on delivery plus the COD fee", and that is the answer.
Every other case asks payment_options. With a cache shared by all web processes (Redis)
a change is seen at once; with per-process memory within DIGEST_TTL.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.core.cache import cache
from django.utils import timezone

from haat.catalog.models import Variant
from haat.core.errors import ValidationError
from haat.core.money import Money
from haat.inventory.holds import hold_minutes
from haat.orders.models import Order
from haat.orders.services import PaymentTerms
from haat.payments import selectors as payment_selectors
from haat.payments.config import get_settings
from haat.payments.options import LABELS, payment_options

DIGEST_KEY = "haat:checkout:cod-digest:v1"
DIGEST_TTL = 60
SOURCING_PROMISE = timedelta(hours=24)
PT = Order.PaymentType
ONLINE_TYPES = frozenset({PT.PREPAID, PT.PARTIAL_COD})


class PaymentTypeUnavailable(ValidationError):
    code = "payment_type_unavailable"


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


def cod_digest() -> dict[str, Any]:
    """The payment settings COD availability depends on (cached; see module docstring)."""
    digest = cache.get(DIGEST_KEY)
    if digest is None:
        cfg = get_settings()
        digest = {
            "cod_enabled": cfg.cod_enabled,
            "cod_rules": payment_selectors.method_rules().filter(payment_type=PT.COD).exists(),
            "cod_fee": dict(cfg.cod_fee),
            "cod_max": dict(cfg.cod_max_order_value),
            "express_fee": dict(cfg.express_fee),
            "reserve_window_hours": cfg.reserve_window_hours,
        }
        cache.set(DIGEST_KEY, digest, DIGEST_TTL)
    return digest


def forget_digest(**_: Any) -> None:
    """Signal receiver: payment settings or rules changed."""
    cache.delete(DIGEST_KEY)


def express_fee(currency: str) -> Money:
    return Money(int(cod_digest()["express_fee"].get(currency, 0)), currency)


def plan_checkout(
    *,
    payment_type: str,
    express_sourcing: bool,
    currency: str,
    lines: list[tuple[Variant, int]],
    subtotal: int,
    address: dict[str, Any],
) -> CheckoutPlan:
    """The order's terms for `payment_type`; PaymentTypeUnavailable (422) names why not."""
    now = timezone.now()
    extras = Money.zero(currency)
    if express_sourcing:
        extras = express_fee(currency)
        if not extras:
            raise ValidationError(
                f"Express sourcing is not offered for orders in {currency}.",
                code="express_unavailable",
                details={"field": "express_sourcing", "currency": currency},
            )
    base = Money(subtotal, currency) + extras
    pay_now, later, fee = _fast_cod(payment_type, base) or _from_options(
        payment_type, currency, lines, Money(subtotal, currency), address, extras
    )
    if pay_now + later != base + fee:  # payment_options guarantees it; never store less
        raise ValidationError("The payment split does not add up.", details={"field": "total"})
    hold_until = None
    confirm_by = pay_by = None
    status = Order.Status.CONFIRMED
    if payment_type == PT.RESERVE_AND_PAY:
        status = Order.Status.PENDING_CONFIRMATION
        hours = int(cod_digest()["reserve_window_hours"])
        confirm_by = hold_until = now + timedelta(hours=hours)
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


def _fast_cod(payment_type: str, base: Money) -> tuple[Money, Money, Money] | None:
    if payment_type != PT.COD:
        return None
    digest = cod_digest()
    limit = int(digest["cod_max"].get(base.currency, 0))
    if not digest["cod_enabled"] or digest["cod_rules"] or (limit and base.amount > limit):
        return None
    fee = Money(int(digest["cod_fee"].get(base.currency, 0)), base.currency)
    return Money.zero(base.currency), base + fee, fee


def _from_options(
    payment_type: str,
    currency: str,
    lines: list[tuple[Variant, int]],
    subtotal: Money,
    address: dict[str, Any],
    extras: Money,
) -> tuple[Money, Money, Money]:
    options = payment_options(
        currency=currency, lines=lines, subtotal=subtotal, address=address, extras=extras
    )
    chosen = next(o for o in options if o.type == payment_type)
    if not chosen.available:
        raise PaymentTypeUnavailable(
            chosen.reason or f"{LABELS[payment_type]} is not available for this order.",
            details={
                "field": "payment_type",
                "payment_type": payment_type,
                "reason": chosen.reason,
                "available": [o.type for o in options if o.available],
            },
        )
    return chosen.pay_now, chosen.pay_on_delivery, chosen.fee
