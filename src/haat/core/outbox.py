"""Dispatching outbox events to their consumers (see haat.core.events)."""

from __future__ import annotations


def schedule_dispatch() -> None:
    """Ask a worker to dispatch soon. Called on commit of any transaction with events."""
    from haat.core.tasks import dispatch_outbox

    dispatch_outbox.enqueue()
