"""Reads of notifications for the dashboard and the API."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Count, QuerySet
from django.utils import timezone

from haat.notifications.models import CodConfirmation, Message, Rule, Template
from haat.notifications.sources import SOURCES, allowed_variables
from haat.orders.models import Order

STATUSES = [s.value for s in Message.Status]


def messages(*, status: str = "", order: str = "", q: str = "") -> QuerySet[Message]:
    """Newest first; `status` one of `Message.Status`, `order` an order number, `q` part
    of the recipient's address."""
    rows = Message.objects.all().defer("body_html")
    if status:
        rows = rows.filter(status=status)
    if order:
        rows = rows.filter(order_number=order.strip().upper())
    if q:
        rows = rows.filter(recipient__icontains=q.strip())
    return rows


def message(message_id: int) -> Message | None:
    return (
        Message.objects.select_related("template", "rule", "resent_by")
        .filter(pk=message_id)
        .first()
    )


def status_counts() -> dict[str, int]:
    found = dict(Message.objects.values_list("status").annotate(n=Count("id")).order_by())
    return {s: found.get(s, 0) for s in STATUSES}


def failed_recently() -> int:
    """Messages that failed in the last three days: the navigation badge."""
    since = timezone.now() - timedelta(days=3)
    return Message.objects.filter(status=Message.Status.FAILED, failed_at__gte=since).count()


def rules() -> list[Rule]:
    return list(Rule.objects.order_by("event_type", "id"))


def templates(*, key: str = "") -> QuerySet[Template]:
    rows = Template.objects.all()
    return rows.filter(key=key) if key else rows


def event_label(event_type: str) -> str:
    found = SOURCES.get(event_type)
    return found.label if found else event_type


@dataclass(frozen=True)
class Variable:
    name: str
    meaning: str


def variables(event_type: str) -> list[Variable]:
    return [Variable(n, m) for n, m in allowed_variables(event_type).items()]


def cod_to_call() -> int:
    """COD orders whose customer did not answer in time (the dashboard badge)."""
    return CodConfirmation.objects.filter(status=CodConfirmation.Status.NO_ANSWER).count()


@dataclass(frozen=True)
class CodRow:
    row: CodConfirmation
    order: Order | None


def cod_queue(*, show: str = "") -> list[CodRow]:
    """The "call the customer" queue (or, `show="all"`, the latest 200 confirmations), with
    their orders in one more query."""
    rows = CodConfirmation.objects.all()
    if show == "all":
        rows = rows.order_by("-created_at")[:200]
    else:
        rows = rows.filter(status=CodConfirmation.Status.NO_ANSWER)[:200]
    found = list(rows)
    orders = Order.objects.in_bulk([r.order_id for r in found])
    return [CodRow(r, orders.get(r.order_id)) for r in found]


def cod_rates() -> dict[str, int]:
    """How many confirmations ended each way (the confirmation rate, for analytics)."""
    found = dict(CodConfirmation.objects.values_list("status").annotate(n=Count("id")).order_by())
    return {s.value: found.get(s.value, 0) for s in CodConfirmation.Status}
