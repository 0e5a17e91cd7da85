"""What each event tells a message: who it is for, what the template may say, and the facts
rules test (payment type, order value, language).

One `Source` per event type. Wiring a new event (a shipment created, delivered) is one
`Source` here, one default rule and its templates in `defaults.py`, and nothing else: the
consumer, rendering, sending, pages and API read this table.

Variables are documented here (the template editor lists them) and a preview renders the
`sample` values, built from the event class's own `example` payload.
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.conf import settings

from haat.catalog.models import Variant, option_title
from haat.core.money import formatted
from haat.core.store import store
from haat.notifications import cod
from haat.orders.models import Order, pk_from_number
from haat.payments.flows import pay_page_url


@dataclass(frozen=True)
class Facts:
    """One event, ready for rules and templates."""

    variables: dict[str, Any]
    email: str = ""
    phone: str = ""
    name: str = ""
    order_number: str = ""
    payment_type: str = ""
    total_amount: int | None = None
    currency: str = ""


@dataclass(frozen=True)
class Source:
    event_type: str  # the consumer (consumers.py) subscribes to its class
    label: str  # how the dashboard names the event
    variables: dict[str, str]  # name -> what it holds (besides the store's, see COMMON)
    build: Callable[[Any], Facts]
    sample: dict[str, Any] = field(default_factory=dict)


COMMON = {
    "store_name": "The store's name.",
    "store_support_email": "The store's support e-mail (may be empty).",
    "store_support_phone": "The store's support phone (may be empty).",
}

ORDER = {
    "customer_name": "The customer's name (or their e-mail when they gave none).",
    "order_number": "The order number, e.g. HT-10042.",
    "order_total": "What the order costs, e.g. ₹2,598.00.",
    "payment_type": "How it is paid, in words (Prepaid, Cash on delivery...).",
    "order_url": "The customer's page for the order (pay, see its state).",
    "lines": "What was ordered: a list; each has title, quantity and amount.",
}

SAMPLE_ORDER = {
    "customer_name": "Asha Verma",
    "order_number": "HT-10042",
    "order_total": "₹2,598.00",
    "payment_type": "Prepaid",
    "order_url": "https://shop.example.in/pay/q9Jx3dV0b1kZ2m8sTt4w",
    "lines": [{"title": "Indigo kurta (M)", "quantity": 2, "amount": "₹2,598.00"}],
}


COD = {
    "confirm_reply": "The signed payload of the Confirm button (WhatsApp COD confirmation).",
    "cancel_reply": "The signed payload of the Cancel button (WhatsApp COD confirmation).",
    "confirm_url": "A page where the customer confirms or cancels a COD order (e-mail).",
}


def _cod_variables(number: str) -> dict[str, Any]:
    return {
        "confirm_reply": cod.reply(number, cod.CONFIRM),
        "cancel_reply": cod.reply(number, cod.CANCEL),
        "confirm_url": cod.page_url(number),
    }


def money(amount: int, currency: str) -> str:
    return formatted(amount, currency, settings.HAAT_LOCALE)


def common() -> dict[str, Any]:
    details = store()
    return {
        "store_name": details.name,
        "store_support_email": details.support_email,
        "store_support_phone": details.support_phone,
    }


# The orders of a batch of events, read in two statements by `facts_for` (not two per event).
_preloaded: ContextVar[dict[int, Order] | None] = ContextVar("notify_orders", default=None)


def _order(number: str) -> Order | None:
    pk = pk_from_number(number)
    if not pk:
        return None
    preloaded = _preloaded.get()
    if preloaded is not None and pk in preloaded:
        return preloaded[pk]
    return Order.objects.prefetch_related("lines").filter(pk=pk).first()


def facts_for(events: list[Any]) -> list[Facts]:
    """`Source.build` of each event (each must have a source), the orders they are about
    read together: one statement for the orders and one for their lines."""
    pks = {pk for e in events if (pk := pk_from_number(getattr(e, "number", "") or ""))}
    orders = Order.objects.prefetch_related("lines").filter(pk__in=pks) if pks else []
    token = _preloaded.set({order.pk: order for order in orders})
    try:
        return [SOURCES[e.event_type].build(e) for e in events]
    finally:
        _preloaded.reset(token)


def _order_facts(number: str, extra: dict[str, Any] | None = None) -> Facts:
    order = _order(number)
    if order is None:  # deleted since (test data clean-up): nothing to say to anyone
        return Facts(variables={**common(), **(extra or {}), "order_number": number})
    code = order.currency_id
    lines = [
        {
            "title": line.product_title
            + (f" ({option_title(line.option_values)})" if line.option_values else ""),
            "quantity": line.quantity,
            "amount": money(line.line_amount, code),
        }
        for line in order.lines.all()
    ]
    variables = {
        **common(),
        "customer_name": order.name or order.email,
        "order_number": order.number,
        "order_total": money(order.total_amount, code),
        "payment_type": str(Order.PaymentType(order.payment_type).label),
        "order_url": pay_page_url(order),
        "lines": lines,
        **(extra or {}),
    }
    return Facts(
        variables=variables,
        email=order.email,
        phone=order.phone,
        name=order.name,
        order_number=order.number,
        payment_type=order.payment_type,
        total_amount=order.total_amount,
        currency=code,
    )


def _when(value: datetime | None) -> str:
    return value.strftime("%d %b %Y, %H:%M") if value else ""


SOURCES: dict[str, Source] = {
    s.event_type: s
    for s in (
        Source(
            "order.placed",
            "Order placed",
            {**ORDER, **COD},
            lambda e: _order_facts(e.number, _cod_variables(e.number)),
            {
                **SAMPLE_ORDER,
                "confirm_reply": "HT-10042:confirm:sample",
                "cancel_reply": "HT-10042:cancel:sample",
                "confirm_url": "https://shop.example.in/cod/HT-10042:page:sample",
            },
        ),
        Source(
            "order.confirmed",
            "Order confirmed",
            ORDER,
            lambda e: _order_facts(e.number),
            SAMPLE_ORDER,
        ),
        Source(
            "order.cancelled",
            "Order cancelled",
            {**ORDER, "reason": "Why it was cancelled, as the customer reads it (may be empty)."},
            lambda e: _order_facts(e.number, {"reason": e.reason}),
            {**SAMPLE_ORDER, "reason": "Payment not completed in time"},
        ),
        Source(
            "payment.captured",
            "Payment received",
            {**ORDER, "amount": "The amount received, e.g. ₹2,598.00."},
            lambda e: _order_facts(e.number, {"amount": money(e.amount, e.currency)}),
            {**SAMPLE_ORDER, "amount": "₹2,598.00"},
        ),
        Source(
            "payment.link_created",
            "Payment link (reserve & pay, balance due)",
            {
                **ORDER,
                "amount": "What the link asks for, e.g. ₹2,598.00.",
                "link_url": "The payment link.",
                "pay_by": "When the order stops waiting for the money (may be empty).",
            },
            lambda e: _order_facts(
                e.number,
                {
                    "amount": money(e.amount, e.currency),
                    "link_url": e.url,
                    "pay_by": _when(e.expires_at),
                },
            ),
            {
                **SAMPLE_ORDER,
                "amount": "₹2,598.00",
                "link_url": "https://rzp.io/i/Xy12",
                "pay_by": "02 Oct 2025, 18:30",
            },
        ),
        Source(
            "payment.late_refunded",
            "Late payment refunded",
            {
                **ORDER,
                "amount": "The amount refunded, e.g. ₹1,299.00.",
                "why": "Why the payment could not be kept, in words.",
            },
            lambda e: _order_facts(e.number, {"amount": money(e.amount, e.currency), "why": e.why}),
            {
                **SAMPLE_ORDER,
                "amount": "₹1,299.00",
                "why": "arrived after the order was cancelled",
            },
        ),
        Source(
            "inventory.back_in_stock_notice_due",
            "Back in stock",
            {
                "product_name": "The product (and its options) that is back.",
                "product_url": "Where to buy it (the storefront, when HAAT_STOREFRONT_URL is set).",
                "sku": "Its SKU.",
            },
            lambda e: _back_in_stock(e),
            {
                "product_name": "Indigo kurta (M)",
                "product_url": "https://shop.example.in/products/indigo-kurta",
                "sku": "KURTA-M",
            },
        ),
    )
}


def _back_in_stock(event: Any) -> Facts:
    variant = Variant.objects.select_related("product").filter(pk=event.variant_id).first()
    name, slug = event.sku, ""
    if variant is not None:
        options = option_title(variant.option_values) if variant.option_values else ""
        name = variant.product.title + (f" ({options})" if options else "")
        slug = variant.product.slug
    base = str(getattr(settings, "HAAT_STOREFRONT_URL", "") or "").rstrip("/")
    return Facts(
        variables={
            **common(),
            "product_name": name,
            "product_url": f"{base}/products/{slug}" if base and slug else "",
            "sku": event.sku,
        },
        email=event.email,
        phone=event.phone,
    )


def source(event_type: str) -> Source | None:
    return SOURCES.get(event_type)


def allowed_variables(event_type: str) -> dict[str, str]:
    found = SOURCES.get(event_type)
    return {**COMMON, **(found.variables if found else {})}


def sample_variables(event_type: str) -> dict[str, Any]:
    found = SOURCES.get(event_type)
    sample = {
        "store_name": store().name,
        "store_support_email": store().support_email or "help@example.in",
        "store_support_phone": store().support_phone or "+91 98123 45678",
    }
    return {**sample, **(found.sample if found else {})}
