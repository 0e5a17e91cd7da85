"""The background worker: django-tasks-db's worker loop plus the periodic scheduler.

`haat worker` and the worker that `haat serve` starts both call `run_worker()`. Run as
many as you like on as many machines as you like: task rows are claimed with
`SELECT ... FOR UPDATE SKIP LOCKED` by django-tasks-db, and periodic work is claimed per
interval through `PeriodicRun` (see haat.core.periodic), so nothing runs twice.
"""

from __future__ import annotations

import logging
import threading

from django.db import close_old_connections, connections
from django.utils.crypto import get_random_string
from django_tasks_db.compat import DEFAULT_TASK_BACKEND_ALIAS, DEFAULT_TASK_QUEUE_NAME
from django_tasks_db.management.commands.db_worker import Worker

from haat.core.periodic import run_due

logger = logging.getLogger(__name__)


class SchedulerThread(threading.Thread):
    """Calls `run_due()` every `interval` seconds until `stop` is set."""

    def __init__(self, *, interval: float, stop: threading.Event) -> None:
        super().__init__(name="haat-scheduler", daemon=True)
        self.interval = interval
        self.stop = stop

    def run(self) -> None:
        try:
            while not self.stop.is_set():
                close_old_connections()
                try:
                    run_due()
                except Exception:
                    # The database may be briefly unreachable; try again next tick.
                    logger.exception("Periodic scheduler tick failed")
                self.stop.wait(self.interval)
        finally:
            connections.close_all()


def run_worker(
    *, queues: list[str] | None = None, scheduler: bool = True, interval: float = 1.0
) -> None:
    """Process tasks from `queues` (default: the default queue; `["*"]` for all) until
    SIGINT/SIGTERM, with the periodic scheduler ticking in a thread when `scheduler`."""
    queue_names = list(queues) if queues else [DEFAULT_TASK_QUEUE_NAME]
    worker = Worker(
        queue_names=queue_names,
        interval=interval,
        batch=False,
        backend_name=DEFAULT_TASK_BACKEND_ALIAS,
        startup_delay=True,  # avoids a thundering herd when many workers start together
        max_tasks=None,
        worker_id=get_random_string(32),
        excluded_queue_names=[],
    )
    stop = threading.Event()
    ticker = SchedulerThread(interval=max(interval, 0.2), stop=stop) if scheduler else None
    if threading.current_thread() is threading.main_thread():
        worker.configure_signals()  # graceful stop; signals can only be set on the main thread
    logger.info("Worker %s on queues %s (scheduler %s)", worker.worker_id, queue_names, scheduler)
    if ticker is not None:
        ticker.start()
    try:
        worker.run()
    finally:
        stop.set()
        if ticker is not None:
            ticker.join(timeout=10)
