"""Gunicorn, embedded: `haat serve` runs the WSGI app without a separate config file.

Kept apart from the command line so the server settings (worker count, threads, logging)
can be read in one place and reused by anyone who embeds Haat in their own launcher.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from gunicorn.app.base import BaseApplication

# Above this many processes a single machine gains little and PostgreSQL connection counts
# (processes x HAAT_DB_POOL_MAX) grow quickly; scale out with more machines instead.
MAX_DEFAULT_WORKERS = 8
DEFAULT_THREADS = 4


def default_workers() -> int:
    """2 x cores + 1, gunicorn's rule of thumb, capped at MAX_DEFAULT_WORKERS."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return max(1, min(2 * (cores or 1) + 1, MAX_DEFAULT_WORKERS))


def server_options(
    *,
    host: str,
    port: int,
    workers: int | None = None,
    threads: int = DEFAULT_THREADS,
    access_log: bool = False,
    when_ready: Callable[[Any], None] | None = None,
) -> dict[str, Any]:
    """Gunicorn settings for Haat: threaded workers, quiet logs, quick shutdown."""
    bind_host = f"[{host}]" if ":" in host and not host.startswith("[") else host
    options: dict[str, Any] = {
        "bind": f"{bind_host}:{port}",
        "workers": workers or default_workers(),
        "threads": threads,
        "worker_class": "gthread",
        "timeout": 60,
        "graceful_timeout": 10,
        "keepalive": 5,
        "accesslog": "-" if access_log else None,
        "errorlog": "-",
        "loglevel": "warning",
        "proc_name": "haat",
        # Several `haat serve` on one machine (tests, benchmarks) must not share a socket.
        "control_socket_disable": True,
    }
    if when_ready is not None:
        options["when_ready"] = when_ready
    return options


class HaatServer(BaseApplication):
    """Gunicorn application serving `haat.wsgi.application` with the given settings."""

    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        assert self.cfg is not None
        for key, value in self.options.items():
            # Settings unknown to an older gunicorn are skipped rather than fatal.
            if key in self.cfg.settings and value is not None:
                self.cfg.set(key, value)

    def init(self, parser: Any, opts: Any, args: Any) -> None:  # pragma: no cover - unused
        return None

    def load(self) -> Callable[..., Any]:
        from haat.wsgi import application

        return application
