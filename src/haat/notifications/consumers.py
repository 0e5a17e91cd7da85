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


@consumer("notifications.queue", *_EVENTS)
def queue_messages(event: Event, delivery: Delivery) -> None:
    """Queues the messages the enabled rules ask for: one per (event, channel, recipient),
    rendered from the template in the recipient's language; sending happens in the
    background (`notifications.tasks`). A COD confirmation asked of the customer opens its
    `CodConfirmation` (the clock for "call the customer" starts now)."""
    planned = queueing.plan(event, delivery)
    queueing.write(planned)
    if isinstance(event, OrderPlaced) and any(
        m.template_key == cod.TEMPLATE_KEY and m.status == Message.Status.QUEUED for m in planned
    ):
        cod.start(order_id=int(delivery.aggregate_id), order_number=event.number)


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
