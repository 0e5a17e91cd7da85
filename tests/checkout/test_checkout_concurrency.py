"""Proof with real concurrent connections: checkout never oversells.

Every thread has its own database connection (closed when it ends) and waits on a
barrier, so the checkouts really overlap. Each job goes through the HTTP API with
Django's test Client: create a cart, add one unit, check out with COD. On PostgreSQL
there is one thread per checkout when the server allows 200 connections (CI raises the
limit), otherwise as many as it can spare, each running its share back to back; SQLite
serialises writers (IMMEDIATE transactions) and runs the same 200 checkouts on 10
threads. The assertions are the same.
"""

from __future__ import annotations

import os
from collections import Counter

import pytest
from django.db import connection

from haat.inventory.models import StockHold, StockLevel, StockMovement
from haat.inventory.services import receive_stock
from haat.orders.models import Order, OrderLine
from tests.checkout.helpers import checkout_body, make_location, make_variant
from tests.concurrency import run_concurrently, thread_budget
from tests.conftest import JsonClient

pytestmark = [pytest.mark.concurrency, pytest.mark.django_db(transaction=True)]
CHECKOUTS, UNITS = 200, 50


def buy_one(headers: dict, variant_id: int, n: int):
    def job():
        api = JsonClient(headers)
        token = api.post("/api/v1/store/carts", {}).json()["token"]
        r = api.post(
            f"/api/v1/store/carts/{token}/lines", {"variant_id": variant_id, "quantity": 1}
        )
        assert r.status_code == 201, r.content
        body = checkout_body(email=f"buyer{n}@example.in", phone=f"+9198450{n:05d}")
        r = api.post(f"/api/v1/store/carts/{token}/checkout", body)
        return r.status_code, r.json()

    return job


def test_200_concurrent_checkouts_against_50_units(store_api):
    if connection.vendor == "postgresql" and os.environ.get("CI"):
        # CI raises max_connections so every buyer has a connection of its own.
        assert thread_budget(CHECKOUTS) == CHECKOUTS
    variant = make_variant(stock=UNITS, location=make_location())
    results = run_concurrently(
        [buy_one(store_api.headers, variant.pk, n) for n in range(CHECKOUTS)],
        thread_budget(CHECKOUTS),
    )
    errors = [r for r in results if isinstance(r, Exception)]
    assert not errors, errors[:3]
    statuses = Counter(status for status, _ in results)
    assert statuses == {201: UNITS, 409: CHECKOUTS - UNITS}, statuses
    assert {body["error"]["code"] for status, body in results if status == 409} == {"out_of_stock"}
    assert Order.objects.count() == UNITS
    assert sum(OrderLine.objects.values_list("quantity", flat=True)) == UNITS
    level = StockLevel.objects.get(variant=variant)
    assert (level.on_hand, level.reserved) == (0, 0)
    ledger = sum(StockMovement.objects.filter(variant=variant).values_list("quantity", flat=True))
    assert ledger == level.on_hand == 0
    assert StockMovement.objects.filter(variant=variant, reason="sale").count() == UNITS
    assert not StockHold.objects.filter(status="active").exists()


def test_concurrent_duplicate_submits_with_one_key_make_one_order(store_api):
    variant = make_variant(stock=100, location=make_location())
    token = store_api.post("/api/v1/store/carts", {}).json()["token"]
    store_api.post(f"/api/v1/store/carts/{token}/lines", {"variant_id": variant.pk, "quantity": 2})
    headers = {**store_api.headers, "Idempotency-Key": "double-click"}

    def submit():
        r = JsonClient(headers).post(f"/api/v1/store/carts/{token}/checkout", checkout_body())
        return r.status_code, r.json()

    n = 8 if connection.vendor == "postgresql" else 4
    results = run_concurrently([submit] * n, n)
    assert not [r for r in results if isinstance(r, Exception)], results
    assert {status for status, _ in results} == {201}, results
    assert len({body["number"] for _, body in results}) == 1
    assert Order.objects.count() == 1
    level = StockLevel.objects.get(variant=variant)
    assert (level.on_hand, level.reserved) == (98, 0)


@pytest.mark.parametrize("places", [1, 2], ids=["one-stock-row", "two-locations"])
def test_concurrent_one_request_buys_never_oversell(store_api, places):
    """`POST /store/checkout` with everyone buying at once: stocked at one place the
    units go through the one-row conditional UPDATE, at two through the locking path."""
    buyers, units = 120, 40
    variant = make_variant(stock=units - 10 * (places - 1), location=make_location("main", 1))
    if places == 2:
        shop = make_location("shop", 2)
        receive_stock(variant_id=variant.pk, location_id=shop.pk, quantity=10)

    def job(n: int):
        def buy():
            body = {
                **checkout_body(email=f"fan{n}@example.in", phone=f"+9198451{n:05d}"),
                "lines": [{"variant_id": variant.pk, "quantity": 1}],
            }
            r = JsonClient(store_api.headers).post("/api/v1/store/checkout", body)
            return r.status_code, r.json()

        return buy

    results = run_concurrently([job(n) for n in range(buyers)], thread_budget(buyers))
    errors = [r for r in results if isinstance(r, Exception)]
    assert not errors, errors[:3]
    statuses = Counter(status for status, _ in results)
    assert statuses == {201: units, 409: buyers - units}, statuses
    assert {body["error"]["code"] for status, body in results if status == 409} == {"out_of_stock"}
    assert sum(OrderLine.objects.values_list("quantity", flat=True)) == units
    levels = StockLevel.objects.filter(variant=variant)
    assert {(lvl.on_hand, lvl.reserved) for lvl in levels} == {(0, 0)}
    sales = StockMovement.objects.filter(variant=variant, reason="sale")
    assert sum(sales.values_list("quantity", flat=True)) == -units
    assert (
        sum(StockMovement.objects.filter(variant=variant).values_list("quantity", flat=True)) == 0
    )
