"""Background work of the inventory context: thin wrappers around services."""

from __future__ import annotations

from datetime import timedelta

from django_tasks import task

from haat.core.periodic import periodic
from haat.inventory.holds import release_expired_holds as release


@periodic(every=timedelta(seconds=30), name="inventory.release_expired_holds")
@task()
def release_expired_holds() -> int:
    """Give back the stock of checkouts that were never paid for. Runs every 30 s; one run
    releases at most 1,000 holds and the next picks up the rest."""
    return release()
