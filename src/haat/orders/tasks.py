"""Background work of the orders context: thin wrappers around the lifecycle."""

from __future__ import annotations

from datetime import timedelta

from django_tasks import task

from haat.core.periodic import periodic
from haat.orders.lifecycle import expire_overdue


@periodic(every=timedelta(minutes=1), name="orders.expire_overdue")
@task()
def expire_overdue_orders() -> int:
    """Cancel orders whose payment or reserve & pay confirmation deadline passed and give
    their stock back (`lifecycle.expire_overdue`)."""
    return expire_overdue()
