"""Real `haat` child processes for tests: a clean environment, a free port, a server
started on the test database and stopped again."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.db import connection

# One web process, no task worker, the database already migrated by the test session.
SERVE = ("serve", "--no-worker", "--no-migrate", "--workers", "1")


def haat_env(data_dir: Path) -> dict[str, str]:
    """A clean environment for a child `haat`: its own data dir, SQLite, no test settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "HAAT_"))}
    env.pop("DATABASE_URL", None)
    env.update(HAAT_DATA_DIR=str(data_dir), PYTHONUNBUFFERED="1")
    return env


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_health(port: int, process: subprocess.Popen, *, deadline: float) -> bytes:
    url = f"http://127.0.0.1:{port}/health"
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"haat serve exited early:\n{process.stdout.read()}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                return response.read()
        except OSError:
            time.sleep(0.2)
    pytest.fail("haat serve did not answer /health in time")


def session_database_url() -> str:
    """The URL of the database this test session runs on (for a child process)."""
    name = connection.settings_dict["NAME"]
    if connection.vendor == "sqlite":
        return f"sqlite:///{Path(name).resolve()}"
    parts = urlsplit(os.environ["HAAT_TEST_DATABASE_URL"])
    return parts._replace(path="/" + name).geturl()


class _Output:
    """Reads a child's output as it comes, so a chatty server never blocks on a full pipe,
    and keeps it for the failure message."""

    def __init__(self, process: subprocess.Popen) -> None:
        self.lines: list[str] = []
        self._thread = threading.Thread(target=self._read, args=(process,), daemon=True)
        self._thread.start()

    def _read(self, process: subprocess.Popen) -> None:
        for line in process.stdout or ():
            self.lines.append(line)

    def text(self) -> str:
        return "".join(self.lines[-200:])


def distinct_free_ports(count: int) -> list[int]:
    """`count` different free ports (sockets held open until all are chosen)."""
    sockets = [socket.socket() for _ in range(count)]
    try:
        for s in sockets:
            s.bind(("127.0.0.1", 0))
        return [s.getsockname()[1] for s in sockets]
    finally:
        for s in sockets:
            s.close()


@contextmanager
def servers(count: int, data_dir: Path, *, timeout: float = 90) -> Iterator[list[int]]:
    """`count` `haat serve --no-worker` processes (one web worker each) on the test
    database, started together; yields their ports once all answer /health, and stops
    them on the way out. A server that does not come up fails the test with its output."""
    env = {**haat_env(data_dir), "DATABASE_URL": session_database_url()}
    ports = distinct_free_ports(count)
    started = [
        subprocess.Popen(
            [sys.executable, "-m", "haat.cli", *SERVE, "--port", str(port)],
            env=env,
            cwd=data_dir,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for port in ports
    ]
    outputs = [_Output(process) for process in started]
    try:
        deadline = time.monotonic() + timeout
        for port, process, output in zip(ports, started, outputs, strict=True):
            if not _answers(port, process, deadline):
                pytest.fail(f"haat serve on port {port} did not come up:\n{output.text()}")
        yield ports
    finally:
        for process in started:
            process.terminate()
        for process in started:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _answers(port: int, process: subprocess.Popen, deadline: float) -> bool:
    url = f"http://127.0.0.1:{port}/health"
    while time.monotonic() < deadline and process.poll() is None:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                return response.status == 200
        except OSError:
            time.sleep(0.2)
    return False
