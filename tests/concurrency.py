"""Running jobs on many threads at once, each thread with its own database connection.

The concurrency proofs want one connection per concurrent buyer (200 for the checkout
proof). PostgreSQL's `max_connections` bounds that: `thread_budget()` takes as many as the
server can spare, and `.ci/run` raises the server's limit so CI runs the full number.
SQLite serialises writers, so a few threads prove the same thing there.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from django.db import connection, connections

SQLITE_THREADS = 10
# Connections left for the test's own connection, the live server and anything else.
HEADROOM = 10


def thread_budget(wanted: int) -> int:
    """`wanted` threads, or as many as the database can serve at once."""
    if connection.vendor != "postgresql":
        return min(wanted, SQLITE_THREADS)
    with connection.cursor() as cursor:
        cursor.execute("SHOW max_connections")
        limit = int(cursor.fetchone()[0])
        cursor.execute("SELECT count(*) FROM pg_stat_activity")
        in_use = int(cursor.fetchone()[0])
    return max(2, min(wanted, limit - in_use - HEADROOM))


def run_concurrently(jobs: list[Callable[[], Any]], threads: int) -> list[Any]:
    """Run `jobs` on `threads` threads released together by a barrier; each thread runs
    its share back to back. Results (or the exception raised) by job index."""
    results: list[Any] = [None] * len(jobs)
    barrier = threading.Barrier(threads)

    def worker(slot: int) -> None:
        try:
            barrier.wait(timeout=60)
            for i in range(slot, len(jobs), threads):
                try:
                    results[i] = jobs[i]()
                except Exception as exc:  # reported by the caller's assertions
                    results[i] = exc
        finally:
            connections.close_all()

    pool = [threading.Thread(target=worker, args=(s,)) for s in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join(timeout=600)
    assert not any(t.is_alive() for t in pool), "a thread hung"
    return results
