"""Checkout completion costs at most 20 SQL statements, and the count does not grow with
the lines: 10 lines cost what 2 do. One line of a variant stocked at one place costs less
(its stock is one conditional UPDATE instead of a lock and an UPDATE; on PostgreSQL that
statement also inserts the ledger row); stocked at several, one more (that UPDATE finds
two rows and changes nothing, then the locking path). The flash-sale flow's other
requests are held to their budgets too.

With shipping zones (none here) a checkout reads them from a per-process copy kept until
the settings stamp moves, so they cost no statement; a store with a PIN list pays one
statement for the PIN's row (tests/checkout/test_checkout_shipping.py).

Run with real transactions (`transaction=True`) so the statements counted are the ones a
production request sends (BEGIN on SQLite, savepoints of nested services, everything).
"""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from haat.core import tasks as core_tasks
from haat.inventory.services import receive_stock
from tests.checkout.helpers import checkout_body, make_location, make_variant, new_cart

pytestmark = pytest.mark.django_db(transaction=True)
BUDGET = 20


def one_row_saving() -> int:
    """Statements a one-stock-row checkout saves: the lock (and, on PostgreSQL, the
    INSERT, made by the UPDATE's own statement)."""
    return 2 if connection.vendor == "postgresql" else 1


def cart_with(api, variants, quantity=1) -> str:
    token = new_cart(api)
    for v in variants:
        r = api.post(
            f"/api/v1/store/carts/{token}/lines", {"variant_id": v.pk, "quantity": quantity}
        )
        assert r.status_code == 201
    return token


def measure(api, token: str, key: str) -> int:
    # Pin the outbox wake-up window so a task enqueue does not land in one run only.
    cache.set(core_tasks._SCHEDULE_KEY, 1, timeout=60)
    with CaptureQueriesContext(connection) as ctx:
        r = api.post(
            f"/api/v1/store/carts/{token}/checkout",
            checkout_body(),
            headers={"Idempotency-Key": key},
        )
    assert r.status_code == 201, r.content
    return len(ctx.captured_queries)


def test_checkout_query_count_is_constant(store_api, django_assert_max_num_queries):
    location = make_location()
    variants = [make_variant(stock=100, location=location) for _ in range(10)]
    # Twice: the first checkout on a fresh database writes the default payment settings,
    # which moves the settings stamp, so copies it loaded before that (the shipping zones)
    # load again once on the next checkout. After that nothing reloads.
    measure(store_api, cart_with(store_api, variants[:1]), "warm-up")
    measure(store_api, cart_with(store_api, variants[:1]), "warm-up-2")
    one = measure(store_api, cart_with(store_api, variants[:1]), "one-line")
    two = measure(store_api, cart_with(store_api, variants[:2]), "two-lines")
    ten = measure(store_api, cart_with(store_api, variants), "ten-lines")
    print(f"checkout statements: 1 line {one}, 2 lines {two}, 10 lines {ten}")
    assert two == ten and one == ten - one_row_saving(), (one, two, ten)
    token = cart_with(store_api, variants, quantity=2)
    cache.set(core_tasks._SCHEDULE_KEY, 1, timeout=60)
    with django_assert_max_num_queries(BUDGET):
        r = store_api.post(f"/api/v1/store/carts/{token}/checkout", checkout_body())
    assert r.status_code == 201
    assert one <= BUDGET, one


def test_query_count_with_split_allocation(store_api):
    main, shop = make_location("main", 1), make_location("shop", 2)
    variants = [make_variant(stock=1, location=main) for _ in range(10)]
    for v in variants:
        receive_stock(variant_id=v.pk, location_id=shop.pk, quantity=50)
    # Twice: the first checkout on a fresh database writes the default payment settings,
    # which moves the settings stamp, so copies it loaded before that (the shipping zones)
    # load again once on the next checkout. After that nothing reloads.
    measure(store_api, cart_with(store_api, variants[:1]), "warm-up")
    measure(store_api, cart_with(store_api, variants[:1]), "warm-up-2")
    one = measure(store_api, cart_with(store_api, variants[:1], 2), "one")
    two = measure(store_api, cart_with(store_api, variants[:2], 2), "two")
    ten = measure(store_api, cart_with(store_api, variants, 2), "ten")
    assert two == ten and one == ten + 1 <= BUDGET, (one, two, ten)


def test_storefront_key_is_looked_up_once_then_cached(store_api, warehouse):
    variant = make_variant(stock=10, location=warehouse)
    new_cart(store_api)  # first use: finds the key, stamps last_used_at, caches it
    with CaptureQueriesContext(connection) as created:
        token = new_cart(store_api)
    assert not any("accounts_apikey" in q["sql"] for q in created.captured_queries)
    # Creating a cart: the default currency and the INSERT, nothing else.
    assert len(created.captured_queries) == 2, created.captured_queries
    # The reply's GST reads the store details, tax settings and rate book from per-process
    # copies, loaded once per settings change: warm them (an empty cart's read does).
    store_api.get(f"/api/v1/store/carts/{token}")
    with CaptureQueriesContext(connection) as added:
        r = store_api.post(
            f"/api/v1/store/carts/{token}/lines", {"variant_id": variant.pk, "quantity": 1}
        )
    assert r.status_code == 201
    # BEGIN, the cart locked with the variant, its price and the cart's lines, the line
    # upserted, the cart touched, COMMIT; the reply: lines, prices and availability (1).
    assert len(added.captured_queries) <= 6, [q["sql"] for q in added.captured_queries]


PREPAID_BUDGET = 32


def test_prepaid_checkout_stays_within_its_budget(store_api, settings):
    """Prepaid adds the payment option's gateway lookup (1 read: payment settings and rules
    come from the per-process config, checked against the stamp read with the lines) and
    opening the test gateway payment (the Payment row, its order lock and the stored
    reply) after COMMIT; still constant."""
    settings.HAAT_TEST_GATEWAY_ENABLED = True
    location = make_location()
    variants = [make_variant(stock=100, location=location) for _ in range(10)]

    def run(lines, key):
        token = cart_with(store_api, lines)
        cache.set(core_tasks._SCHEDULE_KEY, 1, timeout=60)
        with CaptureQueriesContext(connection) as ctx:
            r = store_api.post(
                f"/api/v1/store/carts/{token}/checkout",
                checkout_body(payment_type="prepaid"),
                headers={"Idempotency-Key": key},
            )
        assert r.status_code == 201, r.content
        assert r.json()["payment"]["redirect_url"]
        return len(ctx.captured_queries)

    run(variants[:1], "warm-up")
    run(variants[:1], "warm-up-2")  # see test_checkout_query_count_is_constant
    one, two = run(variants[:1], "p-one"), run(variants[:2], "p-two")
    ten = run(variants, "p-ten")
    print(f"prepaid checkout statements: 1 line {one}, 2 lines {two}, 10 lines {ten}")
    assert one == ten - one_row_saving() and two == ten <= PREPAID_BUDGET, (one, two, ten)
