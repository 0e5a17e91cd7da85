"""Customers with real order histories, built through the real services: orders placed by
the orders service, cash collected by payments, cancellations by the order lifecycle."""

from __future__ import annotations

from haat.catalog.models import Variant
from haat.core.context import Actor, acting_as
from haat.core.money import Money
from haat.customers.services import CustomerRecord, match_or_create_customer, save_addresses
from haat.customers.validation import validate_address
from haat.orders import lifecycle
from haat.orders import services as orders
from haat.orders.models import Order
from haat.payments.cod import record_cod_collected
from tests.checkout.helpers import ADDRESS


def customer(email: str, phone: str, name: str) -> CustomerRecord:
    """A customer with one saved address, as checkout leaves them."""
    who = match_or_create_customer(email=email, phone=phone, name=name)
    address = validate_address({**ADDRESS, "name": name}, default_phone=who.phone)
    save_addresses(customer=who, addresses=[address])
    return who


def order(
    who: CustomerRecord,
    variant: Variant,
    *,
    amount: int = 100000,
    currency: str = "INR",
    payment_type: str = "cod",
    status: str = "confirmed",
) -> Order:
    return orders.create_order(
        customer=who,
        currency=currency,
        email=who.email,
        phone=who.phone,
        name=who.name,
        shipping_address={**ADDRESS, "name": who.name or "A"},
        billing_address={**ADDRESS, "name": who.name or "A"},
        payment_type=payment_type,
        status=status,
        lines=[orders.LineInput(variant.pk, variant.sku, "Kurta", {}, 1, amount)],
    )


def collect(o: Order, reference: str) -> None:
    record_cod_collected(order=o, amount=Money(o.total_amount, o.currency_id), reference=reference)


def cancel(o: Order, note: str, by: Actor | None = None) -> None:
    with acting_as(by or Actor()):
        lifecycle.cancel(order=o, note=note)
