"""Customers list, profile and the dashboard's search on a store with many customers.

    python bench/customers_bench.py --database-url postgres://postgres@127.0.0.1/haat_customers_bench

Recreates the database (its name must contain "bench"; SQLite in a temporary data
directory without --database-url), seeds `--customers` customers with `--orders` orders
each (bulk inserts; a tenth of the orders cancelled, a third cash on delivery), analyses
the tables, then times the reads the pages make (the selectors, not HTTP): the list's
first and a deep page, each kind of search, and one profile. Prints the median and p95 in
milliseconds of `--runs` runs, and the number of queries each makes.
"""

from __future__ import annotations

import argparse
import os
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from storefront_bench import recreate_postgres_database


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--database-url", default="")
    p.add_argument("--customers", type=int, default=50_000)
    p.add_argument("--orders", type=int, default=3, help="orders per customer")
    p.add_argument("--runs", type=int, default=30)
    return p.parse_args()


def seed(customers: int, per: int) -> None:
    from django.db import connection

    from haat.customers.models import Customer
    from haat.orders.models import Order

    first = ["Priya", "Karthik", "Ananya", "Rohan", "Meera", "Arjun", "Zoya", "Rahul", "Asha"]
    last = ["Sharma", "Raghavan", "Bose", "Gupta", "Iyer", "Mehta", "Khan", "Verma", "Nair"]
    rows = [
        Customer(
            email=f"user{i}@example.in",
            phone=f"+9198{i:08d}",
            name=f"{first[i % 9]} {last[(i // 9) % 9]} {i}",
        )
        for i in range(customers)
    ]
    Customer.objects.bulk_create(rows, batch_size=5000)
    ids = list(Customer.objects.order_by("pk").values_list("pk", flat=True))
    address = {"name": "A", "line1": "1 Road", "city": "Pune", "postal_code": "411001",
               "country": "IN"}  # fmt: skip
    orders = []
    for n, pk in enumerate(ids):
        for k in range(per):
            total = 50000 + 1000 * ((n + k) % 50)
            cod = (n + k) % 3 == 0
            orders.append(
                Order(
                    token=secrets.token_hex(16),
                    customer_id=pk,
                    currency_id="INR",
                    status="cancelled" if (n + k) % 10 == 0 else "confirmed",
                    payment_type="cod" if cod else "prepaid",
                    email=f"user{n}@example.in",
                    phone=f"+9198{n:08d}",
                    name="A",
                    shipping_address=address,
                    billing_address=address,
                    subtotal_amount=total,
                    total_amount=total,
                    amount_due_online=0 if cod else total,
                    amount_due_on_delivery=total if cod else 0,
                    amount_paid=0 if cod else total,
                )
            )
    Order.objects.bulk_create(orders, batch_size=5000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE" if connection.vendor == "postgresql" else "PRAGMA optimize")


def timed(label: str, fn, runs: int) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        fn()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
    print(
        f"{label:<42} median {statistics.median(times):7.1f} ms   p95 {p95:7.1f} ms   "
        f"{len(ctx.captured_queries)} queries"
    )


def main() -> None:
    args = parse_args()
    data_dir = tempfile.mkdtemp(prefix="haat-customers-bench-")
    os.environ["HAAT_DATA_DIR"] = data_dir
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "haat.settings")
    if args.database_url:
        recreate_postgres_database(args.database_url)
        os.environ["DATABASE_URL"] = args.database_url
    import django

    django.setup()
    from django.core.management import call_command
    from django.core.paginator import Paginator

    from haat.customers.models import Customer
    from haat.orders.customer_selectors import (
        CustomerRows,
        customer_profile,
        search_customers,
        search_orders,
    )

    call_command("migrate", verbosity=0)
    start = time.perf_counter()
    seed(args.customers, args.orders)
    vendor = django.db.connection.vendor
    print(
        f"{vendor}: {args.customers} customers, {args.customers * args.orders} orders "
        f"seeded in {time.perf_counter() - start:.0f} s"
    )
    some = Customer.objects.order_by("pk")[args.customers // 2]
    n = args.customers // 2

    def page(q: str, number: int):
        return lambda: list(Paginator(CustomerRows(q), 50).get_page(number).object_list)

    timed("list: first page of 50", page("", 1), args.runs)
    timed("list: page 500", page("", 500), args.runs)
    timed("list: name 'sharma' (substring)", page("sharma", 1), args.runs)
    timed(f"list: e-mail prefix 'user{n}@'", page(f"user{n}@", 1), args.runs)
    timed(f"list: phone '98 {n:08d}' (normalised)", page(f"98 {n:08d}", 1), args.runs)
    timed("search: customers 'iyer'", lambda: search_customers("iyer", 9), args.runs)
    timed("search: order number HT-10042", lambda: search_orders("HT-10042", 9), args.runs)
    timed("profile: one customer", lambda: customer_profile(some.pk), args.runs)


if __name__ == "__main__":
    main()
