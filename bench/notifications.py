"""Notifications benchmark: a sale day's order events to e-mails, through two workers.

    python bench/notifications.py                      # SQLite in a temp dir, 10,000 events
    python bench/notifications.py --events 2000        # smaller
    python bench/notifications.py --database-url postgres://postgres@127.0.0.1/haat_notify_bench

Sets up a fresh database (a PostgreSQL one is dropped and created again: its name must
contain "bench"), places `--orders` real orders through the orders service, then writes
`--events` `order.placed` events to the outbox (one per event id, so each is its own
message) and starts `--workers` worker processes. Each worker loops over what a `haat worker`
runs for this pipeline: `dispatch_pending()` (the outbox consumer plans, renders and inserts
the messages) and `send_due()` (claim, SMTP call, record). The provider is a local SMTP
server (aiosmtpd) in this process that records every Message-ID it accepts.

Prints the load average, messages per second from the workers' start to the last message
accepted by the provider, the duplicates (a Message-ID accepted twice) and the losses
(events without an accepted message), and the statuses in the database.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from storefront_bench import HOST, free_port, recreate_postgres_database


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--events", type=int, default=10_000, help="order events to queue")
    p.add_argument("--orders", type=int, default=50, help="real orders the events are about")
    p.add_argument("--workers", type=int, default=2, help="worker processes")
    p.add_argument("--database-url", default="", help="PostgreSQL URL (recreated); else SQLite")
    p.add_argument("--timeout", type=float, default=900, help="give up after this many seconds")
    p.add_argument("--keep", action="store_true", help="keep the temp data dir")
    p.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    return p.parse_args()


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "haat.settings")
    import django

    django.setup()


def run_worker() -> int:
    """One worker process: dispatch and send until the parent stops us."""
    setup_django()
    from django.db import connection

    from haat.core.dispatch import dispatch_pending
    from haat.notifications.sending import send_due

    # Count every statement this worker sends (load-independent cost of the pipeline).
    statements = [0]

    def count(execute, sql, params, many, context):
        statements[0] += 1
        return execute(sql, params, many, context)

    connection.execute_wrappers.append(count)
    tally = Path(os.environ["HAAT_DATA_DIR"]) / f"statements-{os.getpid()}"

    # Start together, after Django has loaded: the clock measures work, not start-up.
    go = Path(os.environ["HAAT_DATA_DIR"]) / "go"
    (go.parent / f"ready-{os.getpid()}").touch()
    while not go.exists():
        time.sleep(0.01)
    idle_since = None
    while True:
        work = dispatch_pending(batch_size=200) + send_due(limit=100, rounds=4)
        if work:
            idle_since = None
            tally.write_text(str(statements[0]))
            continue
        idle_since = idle_since or time.monotonic()
        if time.monotonic() - idle_since > 120:
            return 0
        time.sleep(0.05)


def seed(events: int, orders: int) -> None:
    from django.core.management import call_command
    from django.db import transaction

    call_command("migrate", verbosity=0)
    from haat.catalog.models import Product, Variant
    from haat.core import settings_stamp
    from haat.core.outbox import emit_all
    from haat.customers.services import match_or_create_customer
    from haat.inventory.models import Location
    from haat.inventory.services import receive_stock
    from haat.notifications.models import Rule
    from haat.orders import services as order_services
    from haat.orders.events import OrderPlaced
    from haat.orders.models import Order

    # Only the customer's order notice by e-mail: one message per event makes the count
    # exact (the COD question, on by default for these COD orders, would be a second).
    Rule.objects.exclude(
        event_type="order.placed", audience="customer", channel="email", template_key="order_placed"
    ).update(enabled=False)
    settings_stamp.bump()  # a bulk update sends no signal
    product = Product.objects.create(title="Indigo kurta", slug="indigo-kurta", status="active")
    variant = Variant.objects.create(product=product, sku="KURTA-M", option_values={"Size": "M"})
    location = Location.objects.create(name="Main", code="main", priority=10)
    receive_stock(variant_id=variant.pk, location_id=location.pk, quantity=orders * 2 + 10)
    address = {
        "name": "Asha",
        "line1": "1 MG Road",
        "city": "Bengaluru",
        "state": "Karnataka",
        "postal_code": "560001",
        "country": "IN",
    }
    placed: list[Order] = []
    for i in range(orders):
        customer = match_or_create_customer(email=f"buyer{i}@example.in", phone=f"98450{i:05d}")
        placed.append(
            order_services.create_order(
                customer=customer,
                currency="INR",
                email=customer.email,
                phone=customer.phone,
                name=f"Buyer {i}",
                shipping_address=address,
                billing_address=address,
                payment_type="cod",
                status="confirmed",
                lines=[
                    order_services.LineInput(variant.pk, variant.sku, "Indigo kurta", {}, 1, 129900)
                ],
            )
        )
    from haat.core.dispatch import dispatch_pending
    from haat.notifications.models import Message

    while dispatch_pending(batch_size=500):  # the orders' own events, before the clock
        pass
    Message.objects.all().delete()
    started = time.monotonic()
    for start in range(0, events, 1000):
        with transaction.atomic():
            emit_all(
                (
                    OrderPlaced(
                        number=o.number,
                        token=o.token,
                        status="confirmed",
                        payment_type="cod",
                        currency="INR",
                        total_amount=o.total_amount,
                        customer_id=o.customer_id,
                        email=o.email,
                        lines=[],
                    ),
                    o,
                )
                for o in (placed[i % orders] for i in range(start, min(events, start + 1000)))
            )
    print(f"queued {events:,} order events in {time.monotonic() - started:.1f} s")


def main() -> int:
    args = parse_args()
    if args.worker:
        return run_worker()
    data_dir = Path(tempfile.mkdtemp(prefix="haat-notify-bench-"))
    from aiosmtpd.controller import Controller

    accepted: Counter[str] = Counter()

    class Provider:
        async def handle_DATA(self, server, session, envelope):
            for line in envelope.content.split(b"\n", 40)[:40]:
                if line.lower().startswith(b"message-id:"):
                    accepted[line.split(b":", 1)[1].strip().decode()] += 1
                    break
            return "250 OK"

    port = free_port()
    smtp = Controller(Provider(), hostname=HOST, port=port)
    smtp.start()
    env = {
        **os.environ,
        "HAAT_DATA_DIR": str(data_dir),
        "DATABASE_URL": args.database_url,
        "EMAIL_URL": f"smtp://{HOST}:{port}",
        "HAAT_BASE_URL": "https://shop.example.in",
        "DJANGO_SETTINGS_MODULE": "haat.settings",
    }
    os.environ.update(env)
    if args.database_url:
        recreate_postgres_database(args.database_url)
    workers: list[subprocess.Popen] = []
    try:
        setup_django()
        seed(args.events, args.orders)
        workers = [
            subprocess.Popen([sys.executable, __file__, "--worker"], env=env)
            for _ in range(args.workers)
        ]
        while len(list(data_dir.glob("ready-*"))) < args.workers:
            time.sleep(0.05)
        load_start = os.getloadavg()
        started = time.monotonic()
        (data_dir / "go").touch()
        last_count, last_change = 0, time.monotonic()
        while len(accepted) < args.events and time.monotonic() - started < args.timeout:
            time.sleep(0.2)
            if len(accepted) != last_count:
                last_count, last_change = len(accepted), time.monotonic()
            elif time.monotonic() - last_change > 60:
                break  # nothing moved for a minute
        elapsed = time.monotonic() - started
        from haat.notifications.models import Message

        statuses = Counter(Message.objects.values_list("status", flat=True))
        sent_keys = Message.objects.count()
        time.sleep(0.5)  # the workers' last tally
        statements = sum(int(f.read_text() or 0) for f in data_dir.glob("statements-*"))
    finally:
        for w in workers:
            w.terminate()
        for w in workers:
            w.wait(timeout=30)
        smtp.stop()
        if not args.keep:
            shutil.rmtree(data_dir, ignore_errors=True)
    duplicates = sum(n - 1 for n in accepted.values() if n > 1)
    losses = args.events - len(accepted)
    engine = "PostgreSQL" if args.database_url else "SQLite"
    print(f"database: {engine}; workers: {args.workers}; cores: {os.cpu_count()}")
    print(f"load average at start: {load_start[0]:.2f}, at end: {os.getloadavg()[0]:.2f}")
    print(f"messages accepted by the provider: {len(accepted):,} of {args.events:,}")
    print(f"messages per second (event -> provider): {len(accepted) / elapsed:,.0f}")
    print(f"elapsed: {elapsed:.1f} s")
    per_message = statements / max(len(accepted), 1)
    print(f"statements per message (workers' SQL, all of it): {per_message:.2f}")
    print(f"duplicates: {duplicates}; losses: {losses}")
    print(f"message rows: {sent_keys:,} {dict(statuses)}")
    return 0 if duplicates == 0 and losses == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
