"""Background work of notifications: sending queued messages.

Woken on commit of every change that queued messages (`schedule_send`, at most one enqueue
per second), and swept every 10 s for retries whose back-off has passed and wake-ups that
were missed.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.core.cache import cache
from django_tasks import task

from haat.core.periodic import periodic
from haat.notifications import cod, sending

logger = logging.getLogger(__name__)

_SCHEDULE_KEY = "haat:notifications:send-scheduled"
SCHEDULE_WINDOW_SECONDS = 1


@periodic(every=timedelta(seconds=10), name="notifications.send_sweep")
@task()
def send_messages() -> int:
    """Send every due message (claims make concurrent runs safe)."""
    return sending.send_due()


def schedule_send() -> None:
    """Ask a worker to send soon. Never raises: the sweep sends what a lost wake-up missed."""
    try:
        if not cache.add(_SCHEDULE_KEY, 1, timeout=SCHEDULE_WINDOW_SECONDS):
            return
        send_messages.enqueue()
    except Exception:
        logger.exception("Could not enqueue message sending; the periodic sweep will run it")


@periodic(every=timedelta(minutes=5), name="notifications.cod_unanswered")
@task()
def cod_unanswered() -> int:
    """COD confirmations past their deadline join the "call the customer" queue."""
    return cod.expire()
