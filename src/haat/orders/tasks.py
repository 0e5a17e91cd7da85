"""Background work of the orders context: thin wrappers around services."""

from __future__ import annotations

from datetime import timedelta

from django_tasks import task

from haat.core.periodic import periodic


@periodic(every=timedelta(minutes=1), name="orders.expire_overdue")
@task()
def expire_overdue_orders() -> int:
    """Cancel orders whose payment or reserve & pay confirmation deadline passed and give
    their stock back (`payments.flows.expire_overdue`)."""
    from haat.payments.flows import expire_overdue

    return expire_overdue()
