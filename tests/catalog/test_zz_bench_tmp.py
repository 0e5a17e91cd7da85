import random
import statistics
import time

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from haat.accounts.api_keys import create_api_key
from haat.accounts.models import ApiKey
from haat.catalog.models import Category, Product, ProductPriceRange, Variant, VariantPrice
from haat.core.models import Currency

pytestmark = pytest.mark.django_db


def seed():
    Currency.objects.filter(code="USD").update(enabled=True)
    cats = [Category.objects.create(name=f"C{i}", slug=f"c{i}") for i in range(20)]
    avail = [c.value for c in Product.Availability]
    now = timezone.now()
    products = Product.objects.bulk_create(
        [
            Product(
                title=f"Product {i}", slug=f"p-{i}", brand=f"Brand {i % 50}",
                description="Hand made cotton item " * 5, status="active" if i % 10 else "draft",
                availability=avail[i % 5],
            )
            for i in range(10_000)
        ],
        batch_size=2000,
    )
    through = Product.categories.through
    through.objects.bulk_create(
        [through(product_id=p.id, category_id=cats[p.id % 20].id) for p in products], batch_size=5000
    )
    variants = Variant.objects.bulk_create(
        [Variant(product_id=p.id, sku=f"S-{p.id}-{j}", option_values={"Size": str(j)}, position=j)
         for p in products for j in range(5)],
        batch_size=5000,
    )
    rng = random.Random(1)
    prices, ranges = [], {}
    for v in variants:
        for cur in ("INR", "USD"):
            amt = rng.randint(10_000, 500_000)
            prices.append(VariantPrice(variant_id=v.id, currency_id=cur, amount=amt,
                                       compare_at_amount=amt + 5000 if v.position == 0 else None))
            lo, hi = ranges.get((v.product_id, cur), (amt, amt))
            ranges[(v.product_id, cur)] = (min(lo, amt), max(hi, amt))
    VariantPrice.objects.bulk_create(prices, batch_size=5000)
    ProductPriceRange.objects.bulk_create(
        [ProductPriceRange(product_id=p, currency_id=c, min_amount=lo, max_amount=hi)
         for (p, c), (lo, hi) in ranges.items()], batch_size=5000)
    connection.cursor().execute("ANALYZE") if connection.vendor == "postgresql" else None


def test_bench():
    seed()
    key = create_api_key(name="sf", kind=ApiKey.Kind.PUBLISHABLE).plaintext
    client = Client(headers={"X-Publishable-Key": key})
    cases = [
        {}, {"sort": "price_asc"}, {"sort": "price_desc", "currency": "USD"}, {"sort": "title"},
        {"category": "c3"}, {"min_price": "1000", "max_price": "2000", "sort": "price_asc"},
        {"availability": "pre_order"}, {"q": "product 99"}, {"page": 50},
        {"page_size": 100},
    ]
    for name_params in cases:
        times = []
        for _ in range(40):
            t = time.perf_counter()
            r = client.get("/api/v1/store/products", name_params)
            times.append((time.perf_counter() - t) * 1000)
            assert r.status_code == 200
        times.sort()
        print(f"{str(name_params):60} p50 {statistics.median(times):6.1f} ms  p95 {times[int(len(times)*0.95)-1]:6.1f} ms  count {r.json()['count']}")
    times = []
    for i in range(40):
        t = time.perf_counter()
        r = client.get(f"/api/v1/store/products/p-{i * 7 + 1}")
        times.append((time.perf_counter() - t) * 1000)
    times.sort()
    print(f"{'detail':60} p50 {statistics.median(times):6.1f} ms  p95 {times[int(len(times)*0.95)-1]:6.1f} ms")


def test_profile():
    seed()
    import cProfile, pstats
    key = create_api_key(name="sf", kind=ApiKey.Kind.PUBLISHABLE).plaintext
    client = Client(headers={"X-Publishable-Key": key})
    client.get("/api/v1/store/products")
    timings = []

    def wrapper(execute, sql, params, many, context):
        t = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            timings.append(((time.perf_counter() - t) * 1000, sql[:120]))

    for params in ({}, {"category": "c3"}, {"q": "product 99"}):
        timings.clear()
        with connection.execute_wrapper(wrapper):
            t = time.perf_counter()
            client.get("/api/v1/store/products", params)
            total = (time.perf_counter() - t) * 1000
        print(params, f"total {total:.1f}")
        for ms, sql in timings:
            print(f"   {ms:6.1f} {sql}")
    pr = cProfile.Profile()
    pr.enable()
    for _ in range(10):
        client.get("/api/v1/store/products")
    pr.disable()
    pstats.Stats(pr).sort_stats("cumulative").print_stats(35)


def test_explain():
    seed()
    from django.test.utils import CaptureQueriesContext
    key = create_api_key(name="sf", kind=ApiKey.Kind.PUBLISHABLE).plaintext
    client = Client(headers={"X-Publishable-Key": key})
    client.get("/api/v1/store/products")
    cases = [{}, {"sort": "price_asc"}, {"sort": "title"}, {"category": "c3"},
             {"min_price": "1000", "max_price": "2000", "sort": "price_asc"},
             {"availability": "pre_order"}, {"q": "product 99"}, {"page": 50}, {"page_size": 100}]
    for params in cases:
        cpu = []
        for _ in range(15):
            t = time.process_time()
            client.get("/api/v1/store/products", params)
            cpu.append((time.process_time() - t) * 1000)
        with CaptureQueriesContext(connection) as ctx:
            client.get("/api/v1/store/products", params)
        sql_ms = []
        with connection.cursor() as cur:
            for q in ctx.captured_queries:
                if q["sql"].startswith(("SELECT", "UPDATE")) and "apikey" not in q["sql"]:
                    best = 1e9
                    for _ in range(5):
                        cur.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + q["sql"])
                        plan = cur.fetchone()[0]
                        plan = plan if isinstance(plan, list) else __import__("json").loads(plan)
                        best = min(best, plan[0]["Execution Time"] + plan[0]["Planning Time"])
                    sql_ms.append(round(best, 2))
        cpu.sort()
        print(f"{str(params):62} python-cpu p50 {statistics.median(cpu):5.1f} p95 {cpu[13]:5.1f} ms | sql {sum(sql_ms):5.1f} ms {sql_ms}")


def test_plan():
    seed()
    from django.test.utils import CaptureQueriesContext
    key = create_api_key(name="sf", kind=ApiKey.Kind.PUBLISHABLE).plaintext
    client = Client(headers={"X-Publishable-Key": key})
    client.get("/api/v1/store/products")
    for params in ({}, {"page_size": 100}):
        with CaptureQueriesContext(connection) as ctx:
            client.get("/api/v1/store/products", params)
        with connection.cursor() as cur:
            for q in ctx.captured_queries:
                if "COUNT" in q["sql"] or "p_compare" in q["sql"]:
                    cur.execute("EXPLAIN ANALYZE " + q["sql"])
                    print(q["sql"][:2000])
                    print("\n".join(r[0] for r in cur.fetchall()))
    import cProfile, pstats
    pr = cProfile.Profile()
    pr.enable()
    for _ in range(20):
        client.get("/api/v1/store/products")
    pr.disable()
    pstats.Stats(pr).sort_stats("tottime").print_stats(25)
