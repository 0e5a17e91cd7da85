"""What notifications does when other contexts report facts: queue the messages the rules
ask for (see `queueing`). One consumer for every event a `Source` knows, so the outbox
delivers each event to it once, and its message rows commit with that delivery."""

from __future__ import annotations

from haat.core.events import Delivery, Event, consumer
from haat.inventory.events import BackInStockNoticeDue
from haat.inventory.services import mark_back_in_stock_notified
from haat.notifications import cod, queueing
from haat.notifications.models import Message
from haat.orders.events import OrderCancelled, OrderConfirmed, OrderPlaced
from haat.payments.events import PaymentCaptured, PaymentLateRefunded, PaymentLinkCreated

# Every event a `sources.Source` describes (a test checks the two lists agree).
_EVENTS = (
    OrderPlaced,
    OrderConfirmed,
    OrderCancelled,
    PaymentCaptured,
    PaymentLinkCreated,
    PaymentLateRefunded,
)


def queue_many(items: list[tuple[Event, Delivery]]) -> None:
    """The batch form of `queue_messages`: a sale day's events planned and inserted with a
    constant number of statements per batch (the dispatcher's fast path), and the COD
    confirmations the batch asks for opened in one more (none when it asks for none)."""
    planned = queueing.plan_many(items)
    queueing.write(planned)
    asked = {
        m.event_id
        for m in planned
        if m.template_key == cod.TEMPLATE_KEY and m.status == Message.Status.QUEUED
    }
    cod.start_many(
        {
            int(delivery.aggregate_id): event.number
            for event, delivery in items
            if isinstance(event, OrderPlaced) and delivery.event_id in asked
        }
    )


@consumer("notifications.queue", *_EVENTS, batch=queue_many)
def queue_messages(event: Event, delivery: Delivery) -> None:
    """Queues the messages the enabled rules ask for: one per (event, channel, recipient),
    rendered from the template in the recipient's language; sending happens in the
    background (`notifications.tasks`). A COD confirmation asked of the customer opens its
    `CodConfirmation` (the clock for "call the customer" starts now)."""
    queue_many([(event, delivery)])


@consumer("notifications.back_in_stock", BackInStockNoticeDue)
def back_in_stock(event: BackInStockNoticeDue, delivery: Delivery) -> None:
    """Writes to a back-in-stock subscriber and only then stamps their subscription
    notified (in the same transaction), so a sign-up with no message (no rule enabled, a
    phone number while only e-mail is wired) waits for the next restock instead of being
    lost. A subscription already stamped (a second restock event) gets nothing more."""
    planned = queueing.plan(event, delivery)
    if not any(m.status == Message.Status.QUEUED for m in planned):
        queueing.write(planned)  # failed ones (a bounced address) are still shown to staff
        return
    if mark_back_in_stock_notified(subscription_id=event.subscription_id):
        queueing.write(planned)
