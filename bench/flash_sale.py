"""Flash-sale benchmark: many shoppers buying one hot variant until it sells out.

    python bench/flash_sale.py --database-url postgres://postgres@127.0.0.1/haat_flash_bench

Recreates the database (its name must contain "bench"), seeds one active product with one
variant and `--units` units in stock, starts `haat serve --no-worker` on a free port and
runs `--clients` concurrent HTTP clients (threads with keep-alive connections). Each one
loops, until it gets a 409 out_of_stock, buying 1 unit with COD: by default in one request
(`POST /store/checkout` with the line); with `--flow buynow` creating the cart with its
line, then checking it out; with `--flow 3step` create cart -> add 1 unit -> check out.
Prints completed checkouts per second, p50/p95 of the checkout request, the 409 count,
other errors, and the oversold count (units sold - initial stock; must be <= 0), then
checks on_hand, reserved and the ledger in the database.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from storefront_bench import HOST, free_port, recreate_postgres_database

ADDRESS = {
    "name": "Flash Buyer",
    "line1": "1 MG Road",
    "city": "Bengaluru",
    "state": "Karnataka",
    "postal_code": "560001",
    "country": "IN",
}


FLOW_STEPS = {
    "direct": "one request: POST /store/checkout with the line",
    "buynow": "cart created with its line -> checkout",
    "3step": "cart -> add line -> checkout",
}
FLOWS = tuple(FLOW_STEPS)


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--database-url", required=True, help="PostgreSQL URL; database recreated")
    p.add_argument("--units", type=int, default=2000, help="units of the hot variant")
    p.add_argument("--clients", type=int, default=48, help="concurrent HTTP clients")
    p.add_argument(
        "--customers", type=int, default=20000, help="earlier customers seeded before the sale"
    )
    p.add_argument("--workers", type=int, default=None, help="web processes (haat serve)")
    p.add_argument("--threads", type=int, default=None, help="threads per web process")
    p.add_argument(
        "--flow",
        choices=FLOWS,
        default="direct",
        help="direct: POST /store/checkout with the line, no cart (1 request);\n"
        "buynow: cart created with its line, then checkout (2 requests);\n"
        "3step: create cart, add line, checkout (3 requests)",
    )
    p.add_argument("--keep", action="store_true", help="keep the temp data dir")
    return p.parse_args()


@dataclass
class Tally:
    lock: threading.Lock = field(default_factory=threading.Lock)
    ok_latencies: list[float] = field(default_factory=list)
    conflict_latencies: list[float] = field(default_factory=list)
    out_of_stock: int = 0
    other_errors: dict[str, int] = field(default_factory=dict)
    last_success: float = 0.0


def prepare(units: int, customers: int) -> tuple[str, int]:
    """Migrate, seed the hot variant with stock, `customers` earlier customers (a store
    with a history, its tables analysed as autovacuum would have) and a publishable key."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, connections

    from haat.accounts.api_keys import create_api_key
    from haat.catalog.pricing import PriceInput
    from haat.catalog.services import create_product, create_variant
    from haat.core.money import Money
    from haat.inventory.locations import create_location
    from haat.inventory.services import receive_stock

    print(f"Database: {connection.vendor} ({connection.settings_dict['NAME']})", flush=True)
    call_command("migrate", interactive=False, verbosity=0)
    product = create_product(title="Limited Edition Kurta", status="active")
    variant = create_variant(
        product=product,
        sku="DROP-001",
        prices=[PriceInput(Money.from_decimal("1499.00", "INR"))],
    )
    location = create_location(name="Main warehouse", code="main", priority=1)
    receive_stock(variant_id=variant.pk, location_id=location.pk, quantity=units)
    key = create_api_key(name="flash bench", kind="publishable").plaintext
    with connection.cursor() as cursor:
        # Earlier customers, so that matching a buyer reads an index as on a live store
        # (on an empty, never-analysed table the cached plan would scan it instead).
        cursor.execute(
            "INSERT INTO customers_customer (email, phone, name, created_at, updated_at) "
            "SELECT 'earlier' || n || '@example.in', '+9170' || lpad(n::text, 8, '0'), "
            "'Earlier ' || n, now(), now() FROM generate_series(1, %s) AS n",
            [customers],
        )
        cursor.execute("ANALYZE")
    connections.close_all()
    return key, variant.pk


def shopper(
    port: int, key: str, variant_id: int, n: int, tally: Tally, start: threading.Event, flow: str
):
    conn = http.client.HTTPConnection(HOST, port, timeout=60)
    headers = {"X-Publishable-Key": key, "Content-Type": "application/json"}

    def call(method: str, path: str, body: dict | None = None) -> tuple[int, dict]:
        conn.request(method, path, body=json.dumps(body or {}), headers=headers)
        response = conn.getresponse()
        return response.status, json.loads(response.read() or b"{}")

    start.wait()
    i = 0
    while True:
        i += 1
        line = {"variant_id": variant_id, "quantity": 1}
        body = {
            "email": f"shopper{n}.{i}@example.in",
            "phone": f"+9198{n:03d}{i:05d}"[:13],
            "shipping_address": ADDRESS,
            "payment_type": "cod",
        }
        if flow == "direct":
            began = time.perf_counter()
            status, reply = call("POST", "/api/v1/store/checkout", {**body, "lines": [line]})
            if _tally(tally, status, reply, time.perf_counter() - began):
                break
            continue
        # Buy now: the cart is created with its line; 3step adds the line separately.
        status, cart = call(
            "POST", "/api/v1/store/carts", {} if flow == "3step" else {"lines": [line]}
        )
        if status != 201:
            _error(tally, f"cart {status}")
            continue
        token = cart["token"]
        if flow == "3step":
            status, _ = call("POST", f"/api/v1/store/carts/{token}/lines", line)
            if status != 201:
                _error(tally, f"add line {status}")
                continue
        began = time.perf_counter()
        status, reply = call("POST", f"/api/v1/store/carts/{token}/checkout", body)
        if _tally(tally, status, reply, time.perf_counter() - began):
            break
    conn.close()


def _tally(tally: Tally, status: int, reply: dict, took: float) -> bool:
    """Count one checkout reply; True when the shopper goes home (sold out)."""
    with tally.lock:
        if status == 201:
            tally.ok_latencies.append(took)
            tally.last_success = time.perf_counter()
        elif status == 409 and reply.get("error", {}).get("code") == "out_of_stock":
            tally.conflict_latencies.append(took)
            tally.out_of_stock += 1
        else:
            code = reply.get("error", {}).get("code", "")
            tally.other_errors[f"checkout {status} {code}"] = (
                tally.other_errors.get(f"checkout {status} {code}", 0) + 1
            )
    return status == 409


def _error(tally: Tally, what: str) -> None:
    with tally.lock:
        tally.other_errors[what] = tally.other_errors.get(what, 0) + 1


def _cpu_seconds() -> float:
    """CPU used by this process (the load-generating clients) so far."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1] * 1000


def check_books(variant_id: int, units: int) -> dict[str, int]:
    from django.db import connections
    from django.db.models import Sum

    from haat.inventory.models import StockHold, StockLevel, StockMovement
    from haat.orders.models import Order, OrderLine

    connections.close_all()
    sold = OrderLine.objects.filter(variant_id=variant_id).aggregate(s=Sum("quantity"))["s"] or 0
    level = StockLevel.objects.get(variant_id=variant_id)
    ledger = StockMovement.objects.filter(variant_id=variant_id).aggregate(s=Sum("quantity"))["s"]
    return {
        "orders": Order.objects.count(),
        "sold": sold,
        "oversold": sold - units,
        "on_hand": level.on_hand,
        "reserved": level.reserved,
        "ledger": ledger or 0,
        "active_holds": StockHold.objects.filter(status="active").count(),
    }


def start_server(
    port: int, workers: int | None, threads: int | None, env: dict, cwd: Path
) -> subprocess.Popen:
    """`haat serve --no-worker` on `port`; returns once /health answers."""
    haat = shutil.which("haat", path=str(Path(sys.executable).parent)) or "haat"
    command = [haat, "serve", "--no-worker", "--host", HOST, "--port", str(port)]
    command += ["--workers", str(workers)] if workers else []
    command += ["--threads", str(threads)] if threads else []
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


def main() -> int:
    args = parse_args()
    data_dir = Path(tempfile.mkdtemp(prefix="haat-flash-"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(HAAT_DATA_DIR=str(data_dir), DATABASE_URL=args.database_url)
    env.update(DJANGO_SETTINGS_MODULE="haat.settings", HAAT_LOG_LEVEL="WARNING")
    # Every simulated shopper comes from 127.0.0.1: the per-IP limits would measure
    # themselves. A real sale's traffic comes from many addresses.
    env.update(HAAT_RATE_LIMITS_ENABLED="false")
    os.environ.update(env)
    recreate_postgres_database(args.database_url)
    server = None
    try:
        key, variant_id = prepare(args.units, args.customers)
        port = free_port()
        server = start_server(port, args.workers, args.threads, env, data_dir)
        tally, start = Tally(), threading.Event()
        pool = [
            threading.Thread(
                target=shopper, args=(port, key, variant_id, n, tally, start, args.flow)
            )
            for n in range(args.clients)
        ]
        for t in pool:
            t.start()
        load_at_start = ", ".join(f"{x:.2f}" for x in os.getloadavg())
        began, client_cpu = time.perf_counter(), _cpu_seconds()
        start.set()
        for t in pool:
            t.join()
        ended = time.perf_counter()
        client_cpu = _cpu_seconds() - client_cpu
        load_at_end = ", ".join(f"{x:.2f}" for x in os.getloadavg())
        books = check_books(variant_id, args.units)
        ok = len(tally.ok_latencies)
        selling = (tally.last_success or ended) - began
        print(
            f"\nHaat flash-sale benchmark — PostgreSQL, {os.cpu_count()} CPUs, "
            f"{args.clients} clients, {args.units:,} units, {args.customers:,} earlier customers, "
            "server workers: "
            f"{args.workers or 'default'}, threads: {args.threads or 'default'}, "
            f"flow: {args.flow} ({FLOW_STEPS[args.flow]})"
        )
        print(f"  load average            {load_at_start} (start), {load_at_end} (end)")
        print(
            f"  load generator CPU      {client_cpu:.1f}s "
            f"({client_cpu / ((ended - began) * (os.cpu_count() or 1)) * 100:.0f} % of the machine)"
        )
        print(f"  completed checkouts     {ok:,} in {selling:.2f}s")
        print(f"  checkouts/s             {ok / selling if selling else 0:,.1f}")
        print(
            f"  checkout p50 / p95      {percentile(tally.ok_latencies, 50):.1f} ms / "
            f"{percentile(tally.ok_latencies, 95):.1f} ms"
        )
        print(f"  409 out_of_stock        {tally.out_of_stock}")
        print(f"  other errors            {sum(tally.other_errors.values())} {tally.other_errors}")
        print(f"  oversold                {books['oversold']} (must be <= 0)")
        print(
            f"  stock                   on_hand {books['on_hand']}, reserved {books['reserved']}, "
            f"ledger {books['ledger']}, active holds {books['active_holds']}, "
            f"orders {books['orders']}"
        )
        good = (
            books["oversold"] <= 0
            and books["on_hand"] == books["ledger"]
            and books["on_hand"] + books["sold"] == args.units
        )
        print(f"  books balance           {'yes' if good else 'NO'}")
        return 0 if good else 1
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        if not args.keep:
            shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
