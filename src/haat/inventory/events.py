"""The events inventory emits: holds that lapsed, stock crossing a line, back-in-stock
subscriptions.

A crossing is seen by exactly one transaction (writers lock every stock row of a variant
first), so each event below is written once per crossing.
"""

from __future__ import annotations

from haat.core.events import Event, Part


class ExpiredHold(Part):
    """One hold that lapsed."""

    id: int
    """The hold's id."""
    variant_id: int
    """The variant it held."""
    quantity: int
    """Units it held, now available again."""


class HoldExpired(Event):
    """Holds of one owner (an order, a cart) lapsed and their units went back to stock.
    One event per owner per expiry run; the aggregate is the owner."""

    event_type = "inventory.hold_expired"
    example = {
        "owner_type": "order",
        "owner_id": "42",
        "holds": [{"id": 9, "variant_id": 31, "quantity": 2}],
    }

    owner_type: str
    """What held the stock (`order`)."""
    owner_id: str
    """Its id."""
    holds: list[ExpiredHold]
    """The holds that lapsed."""


class StockCrossing(Event):
    """A variant's available units (on hand less reserved, over all locations) crossed a
    line. The aggregate is the variant (`catalog.variant`)."""

    example = {"variant_id": 31, "sku": "KURTA-M", "available": 4, "previous": 6, "threshold": 5}

    variant_id: int
    """The variant."""
    sku: str
    """Its SKU."""
    available: int
    """Units available after the change."""
    previous: int
    """Units available before it."""
    threshold: int
    """The variant's low-stock threshold (`HAAT_LOW_STOCK_DEFAULT` unless set)."""


class LowStock(StockCrossing):
    """Available units fell to the low-stock threshold or below (but not to zero)."""

    event_type = "inventory.low_stock"


class WentOutOfStock(StockCrossing):
    """Available units fell to zero."""

    event_type = "inventory.out_of_stock"
    example = {**StockCrossing.example, "available": 0}


class BackInStock(StockCrossing):
    """Available units rose from zero."""

    event_type = "inventory.back_in_stock"
    example = {**StockCrossing.example, "available": 6, "previous": 0}


class BackInStockSubscribed(Event):
    """A shopper asked to be told when a variant is back in stock."""

    event_type = "inventory.back_in_stock_subscribed"
    example = {"variant_id": 31, "subscription_id": 12}

    variant_id: int
    """The variant."""
    subscription_id: int
    """The new subscription."""


class BackInStockNoticeDue(Event):
    """A variant a shopper subscribed to is back in stock: tell them. Written for every
    subscription not yet notified; the consumer that queues the message stamps it notified,
    so a later restock writes again to one nobody could tell."""

    event_type = "inventory.back_in_stock_notice_due"
    example = {
        "subscription_id": 12,
        "variant_id": 31,
        "sku": "KURTA-M",
        "email": "asha@example.in",
        "phone": "",
        "available": 6,
    }

    subscription_id: int
    """The subscription."""
    variant_id: int
    """The variant."""
    sku: str
    """Its SKU."""
    email: str
    """Where to write; empty when the shopper gave a phone number only."""
    phone: str
    """Where to message (E.164); empty when the shopper gave an e-mail only."""
    available: int
    """Units available now."""
