"""The web server `haat serve` runs: Granian, embedded, serving `haat.wsgi.application`.

Granian parses HTTP in Rust and hands each request to a pool of Python threads per
worker process. We measured it against gunicorn's threaded workers on the flash-sale
benchmark (2 cores): about a third more checkouts per second, because gunicorn spends
Python time on every request that Granian does not (see docs/deploy.md).

Kept apart from the command line so the server settings can be read in one place and
reused by anyone who embeds Haat in their own launcher. Any WSGI server can serve
`haat.wsgi:application` instead.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from granian.constants import Interfaces
from granian.log import LogLevels
from granian.server import Server

# Requests are Python-bound (the GIL): about one process per core does best, and a
# few threads each keep a core busy while others wait on the database.
MAX_DEFAULT_WORKERS = 8
DEFAULT_THREADS = 2


def default_workers() -> int:
    """One web process per core, at most MAX_DEFAULT_WORKERS."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return max(1, min(cores or 1, MAX_DEFAULT_WORKERS))


def server_options(
    *,
    host: str,
    port: int,
    workers: int | None = None,
    threads: int = DEFAULT_THREADS,
    access_log: bool = False,
) -> dict[str, Any]:
    """Granian settings for Haat: WSGI, `workers` processes of `threads` threads each."""
    return {
        "target": "haat.wsgi:application",
        "address": host.strip("[]"),
        "port": port,
        "interface": Interfaces.WSGI,
        "workers": workers or default_workers(),
        "blocking_threads": threads,
        "log_level": LogLevels.warning,
        "log_access": access_log,
        "workers_kill_timeout": 10,
    }


def serve(options: dict[str, Any], *, on_ready: Callable[[], None] | None = None) -> None:
    """Serve until SIGINT or SIGTERM, then return. `on_ready` runs once the socket is
    bound, before the workers start."""
    server = Server(**options)
    if on_ready is not None:
        server.on_startup(on_ready)
    server.serve()
