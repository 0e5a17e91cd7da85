"""The `haat` command: serve, demo, worker, createstaff, keys and Django's own commands.

`haat serve` is the one command a person needs on a laptop: it prepares the database,
starts a background-task worker next to the web server and serves with Granian
(`haat.server`).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import subprocess
import sys
from collections.abc import Sequence
from typing import Any

PROG = "haat"
# Sub-commands whose arguments belong to another parser (Django's) and pass through as-is.
PASSTHROUGH = {"manage", "createstaff", "keys"}


def setup_django() -> None:
    """Configure Django with Haat's settings unless the caller chose other settings."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "haat.settings")
    import django

    django.setup()


def prepare_database(*, verbosity: int = 0) -> None:
    """Apply migrations and collect static files: idempotent, quick when nothing changed."""
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=verbosity)
    call_command("collectstatic", interactive=False, verbosity=verbosity)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Haat: commerce backend for direct-to-consumer brands.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    serve = sub.add_parser("serve", help="prepare the database and serve the web app")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on")
    serve.add_argument("--port", type=int, default=8000, help="port to listen on")
    serve.add_argument(
        "--workers", type=_positive, default=None, help="web processes (default: one per core)"
    )
    serve.add_argument("--threads", type=_positive, default=None, help="threads per process")
    serve.add_argument(
        "--no-worker", action="store_true", help="do not start a background-task worker"
    )
    serve.add_argument(
        "--demo", action="store_true", help="load demo data first when the catalog is empty"
    )
    serve.add_argument(
        "--no-migrate",
        action="store_true",
        help="skip migrate and collectstatic (run them once per deploy instead)",
    )
    serve.add_argument("--access-log", action="store_true", help="log every request to stdout")

    sub.add_parser("demo", help="load the demo store (an empty catalog only)")

    worker = sub.add_parser("worker", help="run a background-task worker")
    worker.add_argument(
        "--queue",
        dest="queues",
        action="append",
        metavar="NAME",
        help="queue to take tasks from (repeatable; default: all)",
    )
    worker.add_argument(
        "--no-scheduler",
        action="store_true",
        help="do not run periodic work in this worker (when another worker does)",
    )

    sub.add_parser(
        "createstaff", help="create a staff user (--email, --role, --password, --no-input)"
    )
    sub.add_parser(
        "keys",
        help="list API keys (publishable keys in full); `keys create --name …`, `keys revoke ID`",
    )
    sub.add_parser("manage", help="run any Django management command, e.g. `haat manage check`")
    return parser


def _positive(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return number


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    if args_list and args_list[0] in PASSTHROUGH:
        return _passthrough(args_list[0], args_list[1:])
    args = build_parser().parse_args(args_list)
    handler = {
        "serve": cmd_serve,
        "demo": cmd_demo,
        "worker": cmd_worker,
    }[args.command]
    return handler(args)


def _passthrough(command: str, rest: list[str]) -> int:
    setup_django()
    if command == "manage":
        from django.core.management import execute_from_command_line

        execute_from_command_line([f"{PROG} manage", *rest])
        return 0
    from django.core.management import call_command
    from django.core.management.base import CommandError

    try:
        call_command(command, *rest)
    except CommandError as exc:
        print(f"{PROG} {command}: {exc}", file=sys.stderr)
        return 1
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    setup_django()
    prepare_database()
    from haat.core.errors import DomainError
    from haat.demo import load_demo

    try:
        load_demo(stdout=sys.stdout)
    except DomainError as exc:
        print(exc.message, file=sys.stderr)
        return 1
    return 0


def cmd_worker(args: argparse.Namespace) -> int:
    setup_django()
    from haat.core.worker import run_worker

    with contextlib.suppress(KeyboardInterrupt):
        run_worker(queues=args.queues, scheduler=not args.no_scheduler)
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    # Links in e-mails and payment links point here unless HAAT_BASE_URL says otherwise
    # (settings read it; the web processes and the worker inherit it).
    os.environ["HAAT_SERVE_ADDRESS"] = serve_address(args.host, args.port)
    setup_django()
    if not args.no_migrate:
        print("Preparing the database and static files…", flush=True)
        prepare_database()
    if args.demo:
        _load_demo_if_empty()

    release_database_connections()
    from haat.server import DEFAULT_THREADS, serve, server_options

    options = server_options(
        host=args.host,
        port=args.port,
        workers=args.workers,
        threads=args.threads or DEFAULT_THREADS,
        access_log=args.access_log,
    )
    worker = None if args.no_worker else start_worker_process()
    from haat.core.mail_delivery import delivery_summary

    ready = _announce(
        args.host, args.port, with_worker=not args.no_worker, email=delivery_summary()
    )
    try:
        serve(options, on_ready=ready)
    except SystemExit as exc:  # the server exits this way when a worker failed
        return exc.code if isinstance(exc.code, int) else 0
    finally:
        if worker is not None:
            stop_process(worker)
    return 0


def release_database_connections() -> None:
    """Close connections and PostgreSQL pools opened while preparing, before the server
    forks its workers.

    A pool inherited by forked web processes would hand the same server socket to several
    processes at once, and their queries would read each other's results.
    """
    from django.db import connections

    for conn in connections.all(initialized_only=True):
        conn.close()
        pools = getattr(conn, "_connection_pools", {})
        if conn.alias in pools:
            conn.close_pool()


def _load_demo_if_empty() -> None:
    from haat.demo import catalog_is_empty, load_demo

    if catalog_is_empty():
        load_demo(stdout=sys.stdout)
    else:
        print(
            "Demo data already loaded (the catalog has products), so nothing was changed.\n"
            "Forgot the owner password? Reset it with "
            "`haat manage changepassword <email>`, or add a new owner with "
            "`haat createstaff --role owner`. The storefront's publishable key: `haat keys`.",
            flush=True,
        )


def serve_address(host: str, port: int) -> str:
    """This server's address as a browser on this machine reaches it (a wildcard host is
    shown as 127.0.0.1, an IPv6 host in brackets)."""
    shown = "127.0.0.1" if host in {"0.0.0.0", "::", ""} else host  # noqa: S104
    if ":" in shown and not shown.startswith("["):
        shown = f"[{shown}]"
    return f"http://{shown}:{port}"


def _announce(host: str, port: int, *, with_worker: bool, email: str = "") -> Any:
    """What to print once the server listens; `email` says where e-mail goes (files on a
    laptop, so a password-reset link can be found)."""
    base = serve_address(host, port)

    def when_ready() -> None:
        lines = [
            "",
            f"Haat is running at {base}/",
            f"  Dashboard   {base}/dashboard/",
            f"  API docs    {base}/api/v1/docs",
            f"  Health      {base}/health",
            "  Background  " + ("worker running" if with_worker else "no worker (--no-worker)"),
            *([f"  E-mail      {email}"] if email else []),
            "Press Ctrl-C to stop.",
            "",
        ]
        print("\n".join(lines), flush=True)

    return when_ready


def start_worker_process() -> subprocess.Popen[bytes]:
    """`haat worker` as a child; on Linux it also dies if this process is killed hard."""
    return subprocess.Popen(
        [sys.executable, "-m", "haat.cli", "worker"],
        env=dict(os.environ),
        preexec_fn=_die_with_parent if sys.platform.startswith("linux") else None,
    )


def _die_with_parent() -> None:
    import ctypes

    pr_set_pdeathsig = 1
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)


def stop_process(process: subprocess.Popen[bytes], *, timeout: float = 10) -> None:
    """Ask a child to stop (SIGTERM), then insist (SIGKILL) after `timeout` seconds."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    except ChildProcessError:  # already reaped by a SIGCHLD handler
        pass


if __name__ == "__main__":
    sys.exit(main())
