"""Two staff ship the same line at the same moment: real threads, each with its own
database connection (tests/concurrency.py). The order lock makes the second see the
first's units, so together they never ship more than was ordered."""

from __future__ import annotations

import pytest
from django.db import connection

from haat.core.errors import Conflict
from haat.fulfillment import services
from haat.fulfillment.models import ShipmentLine
from tests.checkout.helpers import make_location, make_variant
from tests.concurrency import run_concurrently
from tests.payments.helpers import make_order

pytestmark = [pytest.mark.concurrency, pytest.mark.django_db(transaction=True)]


def test_two_staff_shipping_the_same_line_at_once_never_ship_more_than_ordered():
    if connection.vendor != "postgresql":
        pytest.skip("row locks are PostgreSQL's; SQLite serialises every writer")
    make_location("main", priority=10)
    variant = make_variant(price="500.00", stock=10)
    order = make_order(variant, quantity=3, payment_type="cod", status="confirmed")
    line = order.lines.get().pk

    def ship(awb: str):
        return services.create_shipment(
            order=order,
            courier_code="dtdc",
            awb=awb,
            lines=[services.LineQuantity(line, 2)],
        )

    for _ in range(3):  # a few rounds: each time exactly one of the two wins
        ShipmentLine.objects.all().delete()
        results = run_concurrently([lambda: ship("D10000001"), lambda: ship("D10000002")], 2)
        ok = [r for r in results if not isinstance(r, Exception)]
        refused = [r for r in results if isinstance(r, Exception)]
        assert len(ok) == 1 and len(refused) == 1, results
        assert isinstance(refused[0], Conflict) and refused[0].code == "over_shipped"
        assert sum(ShipmentLine.objects.values_list("quantity", flat=True)) == 2
        ok[0].delete()
