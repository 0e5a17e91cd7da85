"""The demo store's operations, set up through the same services staff and shoppers use:
locations and stock (every unit has a ledger row), payment settings, the team, and a few
cash-on-delivery orders placed through cart and checkout, then what happened to them (cash
collected, a cancellation) and the support team's notes on the customers.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from haat.accounts.models import User
from haat.accounts.services import create_staff
from haat.catalog.models import Variant
from haat.checkout import carts
from haat.checkout.schemas import AddressIn, CheckoutIn
from haat.checkout.services import checkout
from haat.core.context import Actor, acting_as
from haat.core.errors import DomainError
from haat.core.money import Money
from haat.core.store import update_store
from haat.customers.notes import add_note
from haat.demo import store_data as data
from haat.fulfillment import services as shipments
from haat.inventory import backorders
from haat.inventory.locations import create_location
from haat.inventory.models import Location, StockMovement
from haat.inventory.services import adjust_stock, receive_stock, set_low_stock_threshold
from haat.orders import lifecycle, notes
from haat.orders.models import Order
from haat.payments.cod import record_cod_collected
from haat.payments.config import update_settings
from haat.payments.rules import create_method_rule


@dataclass(frozen=True)
class StockSummary:
    locations: int
    stocked_variants: int
    units: int


def create_locations() -> tuple[Location, Location]:
    """The brand's own warehouse (allocated first) and a partner shop (second)."""
    made = []
    for name, code, kind, priority in (data.WAREHOUSE, data.PARTNER_SHOP):
        made.append(create_location(name=name, code=code, kind=kind, priority=priority))
    return made[0], made[1]


def _plan(sku: str, draw: int) -> tuple[int, int]:
    """(warehouse units, partner-shop units) for one variant."""
    if sku.startswith(data.NEVER_STOCKED_PREFIXES + tuple(data.BEYOND_STOCK)):
        return 0, 0
    if sku in data.SPLIT:
        return data.SPLIT[sku]
    if sku in data.LOW_STOCK:
        return data.LOW_STOCK[sku], 0
    if sku in data.WRITTEN_OFF:
        return data.WRITTEN_OFF[sku], 0
    if sku.startswith(data.PARTNER_ONLY_PREFIXES):
        return 0, draw
    return draw, 0


def stock_variants(warehouse: Location, partner: Location) -> StockSummary:
    """Receive stock for every active variant (see `store_data` for the shape of it)."""
    rng = random.Random(data.STOCK_SEED)  # noqa: S311 - repeatable demo quantities, not secrets
    variants = list(Variant.objects.filter(is_active=True).order_by("sku").values_list("pk", "sku"))
    stocked = units = 0
    for pk, sku in variants:
        draw = rng.randint(*data.STOCK_RANGE)
        own, shop = _plan(sku, draw)
        for location, quantity in ((warehouse, own), (partner, shop)):
            if quantity:
                receive_stock(
                    variant_id=pk,
                    location_id=location.pk,
                    quantity=quantity,
                    note="Opening stock",
                )
        units += own + shop
        if sku in data.WRITTEN_OFF:
            adjust_stock(
                variant_id=pk,
                location_id=warehouse.pk,
                quantity=-data.WRITTEN_OFF[sku],
                reason=StockMovement.Reason.WRITE_OFF,
                note="Damaged in the monsoon leak",
            )
            own = 0
        stocked += bool(own or shop)
    ids = dict(Variant.objects.filter(sku__in=list(data.THRESHOLDS)).values_list("sku", "pk"))
    for sku, threshold in data.THRESHOLDS.items():
        set_low_stock_threshold(variant_id=ids[sku], threshold=threshold)
    _sell_beyond_stock(variants)
    return StockSummary(locations=2, stocked_variants=stocked, units=units)


def _sell_beyond_stock(variants: list[tuple[int, str]]) -> None:
    """The demo's pre-order and made-to-order variants (`store_data.BEYOND_STOCK`)."""
    today = timezone.localdate()
    for pk, sku in variants:
        for prefix, (mode, cap, promise) in data.BEYOND_STOCK.items():
            if sku.startswith(prefix):
                days = promise.get("ships_on_in")
                backorders.set_policy(
                    variant_id=pk,
                    mode=mode,
                    cap=cap,
                    ships_on=today + timedelta(days=days) if days else None,
                    ships_in_days=promise.get("ships_in_days"),
                )


def describe_store() -> None:
    """Kesari Lane's name, legal name, address, GSTIN and support contacts."""
    update_store(data=dict(data.STORE_DETAILS))


def configure_payments() -> None:
    """Prepaid, COD, partial COD and reserve & pay on, with fees and limits per currency;
    cash on delivery (whole or partial) in India only."""
    update_settings(data=dict(data.PAYMENT_SETTINGS))
    for rule in data.PAYMENT_RULES:
        create_method_rule(data=dict(rule))


def add_staff() -> int:
    """The rest of the team, with unusable passwords and no invitation e-mail (their
    `.example` addresses cannot receive mail); they can choose a password via reset."""
    for email, full_name, role in data.STAFF:
        create_staff(email=email, full_name=full_name, role=role, send_invitation=False)
    return len(data.STAFF)


def place_demo_orders(variant_ids: dict[str, int]) -> tuple[int, list[str]]:
    """Cash-on-delivery orders through the storefront's cart and checkout services.

    Each order runs in a savepoint: one that checkout refuses (a rule added later, a
    payment type switched off) is skipped and reported, and the rest of the demo stays.
    Returns (orders placed, messages for the skipped ones).
    """
    placed, skipped = 0, []
    for order in data.ORDERS:
        try:
            with transaction.atomic():
                cart = carts.create_cart(currency="INR")
                for sku, quantity in order.lines:
                    carts.add_line(token=cart.token, variant_id=variant_ids[sku], quantity=quantity)
                placed_order = checkout(token=cart.token, details=_checkout_details(order))
                _move_along(placed_order.order, order)
            placed += 1
        except DomainError as exc:
            skipped.append(f"{order.name}: {exc.message}")
    return placed, skipped


def customer_history() -> None:
    """Cash collected on some orders, a cancellation by the support team and their notes,
    through the same services staff use (a customer without an order, a skipped demo
    order, is passed over)."""
    oldest = {}
    for order in Order.objects.order_by("-created_at", "-id"):
        oldest[order.email] = order
    for email, reference in data.CASH_COLLECTED:
        if email in oldest:
            order = oldest[email]
            record_cod_collected(
                order=order,
                amount=Money(order.total_amount, order.currency_id),
                reference=reference,
            )
    support = User.objects.get(email=data.SUPPORT_EMAIL)
    with acting_as(Actor(user=support, label=support.email)):
        for email, note, reason in data.CANCELLED:
            if email in oldest:
                lifecycle.cancel(order=oldest[email], note=note, reason=reason)
        for email, body in data.NOTES:
            if email in oldest:
                add_note(customer_id=oldest[email].customer_id, body=body)


def _move_along(order: Order, demo: data.DemoOrder) -> None:
    """Take a demo order to its stage the way staff would: processing and packed on the
    order page, then a shipment with the courier's AWB, shipped and perhaps delivered."""
    if demo.stage == "confirmed":
        return
    lifecycle.advance(order=order, to="processing", note="Picking started")
    if demo.stage == "processing":
        return
    lifecycle.advance(order=order, to="packed")
    shipment = shipments.create_shipment(
        order=order,
        courier_code=demo.courier,
        awb=demo.awb,
        parcel=shipments.Parcel(weight_grams=900, length_cm=30, breadth_cm=22, height_cm=8),
        estimated_delivery=timezone.localdate() + timedelta(days=3),
    )
    shipments.move_shipment(order=order, shipment_id=shipment.pk, to="shipped")
    if demo.stage == "delivered":
        shipments.move_shipment(order=order, shipment_id=shipment.pk, to="out_for_delivery")
        shipments.move_shipment(order=order, shipment_id=shipment.pk, to="delivered")
        notes.add_note(
            order=order,
            text="Delivered to the security desk as you asked. Enjoy your order!",
            visibility="customer",
        )


def _checkout_details(order: data.DemoOrder) -> CheckoutIn:
    return CheckoutIn(
        email=order.email,
        phone=order.phone,
        name=order.name,
        shipping_address=AddressIn(
            name=order.name,
            phone=order.phone,
            line1=order.line1,
            city=order.city,
            state=order.state,
            postal_code=order.postal_code,
            country="IN",
        ),
        payment_type="cod",
    )


def order_skus() -> Iterable[str]:
    return {sku for order in data.ORDERS for sku, _ in order.lines}
