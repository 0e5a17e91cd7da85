"""Proof with real concurrent connections: selling beyond stock never passes the cap.

A variant with 5 units on the shelf may sell 10 more beyond stock. Many buyers check
out one unit each at once, each on a connection of its own (tests/concurrency.py):
exactly 15 orders are placed, the shelf ends at zero (never below: the CHECKs hold),
the policy's committed units end at its cap and equal its ledger, and every other
buyer gets a 409 `out_of_stock`. Half the buyers pay online (holds beyond stock) and
half pay on delivery (sold at once), so both paths race for the same allowance.
"""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from haat.inventory import backorders
from haat.inventory.models import BackorderMovement, BackorderPolicy, StockLevel
from haat.orders.models import OrderLine
from tests.checkout.helpers import checkout_body, make_location, make_variant
from tests.concurrency import run_concurrently, thread_budget
from tests.conftest import JsonClient

pytestmark = [pytest.mark.concurrency, pytest.mark.django_db(transaction=True)]
BUYERS, SHELF, CAP = 60, 5, 10


def buy_one(headers: dict, variant_id: int, n: int):
    def job():
        body = checkout_body(
            email=f"buyer{n}@example.in",
            phone=f"+9198450{n:05d}",
            payment_type="prepaid" if n % 2 else "cod",
            lines=[{"variant_id": variant_id, "quantity": 1}],
        )
        r = JsonClient(headers).post("/api/v1/store/checkout", body)
        return r.status_code, r.json()

    return job


def test_concurrent_checkouts_never_pass_the_backorder_cap(store_api, settings):
    settings.HAAT_TEST_GATEWAY_ENABLED = True
    variant = make_variant(stock=SHELF, location=make_location())
    backorders.set_policy(
        variant_id=variant.pk,
        mode="pre_order",
        cap=CAP,
        ships_on=timezone.localdate() + timedelta(days=20),
    )
    results = run_concurrently(
        [buy_one(store_api.headers, variant.pk, n) for n in range(BUYERS)], thread_budget(BUYERS)
    )
    errors = [r for r in results if isinstance(r, Exception)]
    assert not errors, errors[:3]
    statuses = Counter(status for status, _ in results)
    assert statuses == {201: SHELF + CAP, 409: BUYERS - SHELF - CAP}, statuses
    assert {body["error"]["code"] for status, body in results if status == 409} == {"out_of_stock"}
    level = StockLevel.objects.get(variant=variant)
    assert level.on_hand - level.reserved == 0 and level.on_hand >= 0
    policy = BackorderPolicy.objects.get(variant=variant)
    assert policy.committed == CAP
    ledger = BackorderMovement.objects.filter(variant=variant).values_list("quantity", flat=True)
    assert sum(ledger) == CAP and len(ledger) == CAP
    lines = OrderLine.objects.filter(variant=variant)
    assert sum(lines.values_list("backordered", flat=True)) == CAP
    assert sum(lines.values_list("quantity", flat=True)) == SHELF + CAP
    call_command("verify_stock_ledger")
