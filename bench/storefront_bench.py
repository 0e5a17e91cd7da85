"""Storefront API benchmark: a 10,000-product catalog served by `haat serve`.

    python bench/storefront_bench.py                       # SQLite in a temp data dir
    python bench/storefront_bench.py --database-url postgres://postgres@127.0.0.1/haat_bench

Seeds a fresh database, starts `haat serve --no-worker` on a free port, then drives the
product list (pages, filters, sorts) and product detail endpoints with concurrent clients
and prints requests/s, p50 and p95 per scenario. See bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))

from loadgen import LoadResult, have_wrk, run_load
from seed import seed_catalog

HOST = "127.0.0.1"
LIST = "/api/v1/store/products?currency=INR&page_size=24"


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--database-url", default="", help="PostgreSQL URL; its database is recreated")
    p.add_argument("--products", type=int, default=10_000)
    p.add_argument("--variants", type=int, default=5, help="variants per product")
    p.add_argument("--duration", type=float, default=15, help="seconds per scenario")
    p.add_argument("--warmup", type=float, default=3, help="unmeasured seconds first")
    p.add_argument("--connections", type=int, default=32, help="concurrent clients")
    p.add_argument("--workers", type=int, default=None, help="web processes (haat serve)")
    p.add_argument("--tool", choices=["auto", "wrk", "python"], default="auto")
    p.add_argument(
        "--analyze",
        action="store_true",
        help="run ANALYZE on SQLite after seeding (PostgreSQL: always, as autovacuum would)",
    )
    p.add_argument("--keep", action="store_true", help="keep the temp data dir")
    return p.parse_args()


def main() -> int:
    args = parse_args()
    data_dir = Path(tempfile.mkdtemp(prefix="haat-bench-"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(HAAT_DATA_DIR=str(data_dir), DATABASE_URL=args.database_url)
    env.update(DJANGO_SETTINGS_MODULE="haat.settings", HAAT_LOG_LEVEL="WARNING")
    # Every simulated shopper comes from 127.0.0.1: the per-IP limits would measure
    # themselves. A real sale's traffic comes from many addresses.
    env.update(HAAT_RATE_LIMITS_ENABLED="false")
    os.environ.update(env)
    if args.database_url:
        recreate_postgres_database(args.database_url)
    tool = "wrk" if args.tool == "wrk" or (args.tool == "auto" and have_wrk()) else "python"
    server = None
    try:
        seeded, key = prepare(args)
        port = free_port()
        server = start_server(port, args.workers, env, data_dir)
        headers = {"X-Publishable-Key": key}
        check_responses(port, headers, seeded.active, seeded.slugs[0])
        scenarios = build_scenarios(seeded.slugs, seeded.categories)
        print(
            f"\nLoad: {tool}, {args.connections} connections, {args.duration:g}s per scenario, "
            f"server workers: {args.workers or 'default'}",
            flush=True,
        )
        if args.warmup > 0:  # let every web process import Django and fill its caches
            run_load(
                host=HOST,
                port=port,
                paths=scenarios[1][1] + scenarios[2][1],
                headers=headers,
                seconds=args.warmup,
                connections=args.connections,
                tool=tool,
            )
        results: list[tuple[str, LoadResult]] = []
        for name, paths in scenarios:
            result = run_load(
                host=HOST,
                port=port,
                paths=paths,
                headers=headers,
                seconds=args.duration,
                connections=args.connections,
                tool=tool,
            )
            results.append((name, result))
            print(f"  done: {name}", flush=True)
        report(args, seeded, results, server_rss_mb(server.pid))
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        if args.keep:
            print(f"Data kept in {data_dir}")
        else:
            shutil.rmtree(data_dir, ignore_errors=True)
    return 0


def prepare(args: argparse.Namespace):
    """Migrate, seed and issue a publishable key, in this process."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, connections

    from haat.accounts.api_keys import create_api_key

    print(f"Database: {connection.vendor} ({connection.settings_dict['NAME']})", flush=True)
    call_command("migrate", interactive=False, verbosity=0)
    print(f"Seeding {args.products:,} products x {args.variants} variants…", flush=True)
    seeded = seed_catalog(products=args.products, variants_per_product=args.variants)
    print(
        f"Seeded {seeded.products:,} products ({seeded.active:,} active), "
        f"{seeded.variants:,} variants, {seeded.prices:,} INR prices in {seeded.seconds:.1f}s",
        flush=True,
    )
    if args.analyze or connection.vendor == "postgresql":
        # PostgreSQL's autovacuum gathers planner statistics soon after a bulk load; SQLite
        # has none until someone runs ANALYZE (compare runs with and without --analyze).
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        print("Planner statistics gathered (ANALYZE)", flush=True)
    key = create_api_key(name="bench", kind="publishable").plaintext
    connections.close_all()
    return seeded, key


def recreate_postgres_database(url: str) -> None:
    """Drop and create the database named in `url`; only names containing 'bench'."""
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if "bench" not in name:
        raise SystemExit(f"Refusing to recreate database {name!r}: use a name containing 'bench'.")
    admin_url = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def start_server(port: int, workers: int | None, env: dict, cwd: Path) -> subprocess.Popen:
    haat = shutil.which("haat", path=str(Path(sys.executable).parent)) or "haat"
    command = [haat, "serve", "--no-worker", "--host", HOST, "--port", str(port)]
    if workers:
        command += ["--workers", str(workers)]
    server = subprocess.Popen(command, env=env, cwd=cwd, stdout=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit("haat serve exited; run it by hand to see why")
        try:
            with urllib.request.urlopen(f"http://{HOST}:{port}/health", timeout=2):
                return server
        except OSError:
            time.sleep(0.3)
    server.terminate()
    raise SystemExit("haat serve did not become healthy within 60 s")


def get_json(port: int, path: str, headers: dict[str, str]) -> dict:
    request = urllib.request.Request(f"http://{HOST}:{port}{path}", headers=headers)
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


def check_responses(port: int, headers: dict[str, str], active: int, slug: str) -> None:
    """Fail early (not with a table of 404s) when the endpoints are missing or wrong."""
    listing = get_json(port, LIST, headers)
    if listing["count"] != active or len(listing["items"]) != 24:
        raise SystemExit(f"Unexpected list answer: count {listing['count']} != {active}")
    detail = get_json(port, f"/api/v1/store/products/{slug}?currency=INR", headers)
    if detail["slug"] != slug:
        raise SystemExit("Unexpected detail answer")


def build_scenarios(slugs: list[str], categories: list[str]) -> list[tuple[str, list[str]]]:
    rng = random.Random(7)
    pages = max(1, len(slugs) // 24)
    first_pages = [f"{LIST}&page={rng.randint(1, min(pages, 10))}" for _ in range(200)]
    filters = [
        "",
        "&sort=price_asc",
        "&sort=price_desc",
        "&sort=title",
        "&min_price=500&max_price=1500",
        "&availability=in_stock",
    ]
    mixed = []
    for _ in range(2000):
        category = f"&category={rng.choice(categories)}" if rng.random() < 0.5 else ""
        page = rng.randint(1, 20) if rng.random() < 0.8 else rng.randint(1, pages)
        mixed.append(f"{LIST}&page={page}{category}{rng.choice(filters)}")
    details = [f"/api/v1/store/products/{rng.choice(slugs)}?currency=INR" for _ in range(2000)]
    return [
        ("list: first pages", first_pages),
        ("list: pages + category/price/sort filters", mixed),
        ("detail: random product", details),
    ]


def server_rss_mb(pid: int) -> float:
    """Resident memory of the server and its children (Linux /proc), in MB."""
    total, pids = 0, {pid}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(") ", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[1]) == pid:
            pids.add(int(stat.parent.name))
    for p in pids:
        try:
            total += int(Path(f"/proc/{p}/statm").read_text().split()[1]) * os.sysconf(
                "SC_PAGESIZE"
            )
        except (OSError, IndexError):
            continue
    return total / 1e6


def report(args, seeded, results: list[tuple[str, LoadResult]], rss_mb: float) -> None:
    from django.db import connection

    print(
        f"\nHaat storefront benchmark — {connection.vendor}, {seeded.products:,} products / "
        f"{seeded.variants:,} variants, {os.cpu_count()} CPUs, server RSS {rss_mb:.0f} MB"
    )
    print(f"{'scenario':44} {'req/s':>9} {'p50 ms':>8} {'p95 ms':>8} {'errors':>7}")
    for name, r in results:
        print(f"{name:44} {r.rps:9.1f} {r.p50_ms:8.1f} {r.p95_ms:8.1f} {r.errors:7d}")


if __name__ == "__main__":
    sys.exit(main())
