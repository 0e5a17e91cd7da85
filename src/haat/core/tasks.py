"""Background tasks of the core context: thin wrappers around services."""

from __future__ import annotations

from django_tasks import task


@task()
def dispatch_outbox() -> int:
    from haat.core.outbox import dispatch_pending

    return dispatch_pending()
