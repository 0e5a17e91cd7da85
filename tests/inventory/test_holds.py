"""Holds: allocation, all-or-nothing, conversion, release, expiry, query budget."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from haat.core.errors import ValidationError
from haat.core.models import OutboxEvent
from haat.inventory.holds import (
    HoldRequest,
    OutOfStock,
    convert_holds,
    place_holds,
    release_expired_holds,
    release_holds,
    sell_stock,
)
from haat.inventory.ledger import ledger_differences
from haat.inventory.models import StockHold, StockLevel, StockMovement
from haat.inventory.selectors import available_by_variant
from tests.inventory.conftest import make_variant, receive

pytestmark = pytest.mark.django_db


def level(variant, location) -> StockLevel:
    return StockLevel.objects.get(variant=variant, location=location)


def test_whole_line_goes_to_highest_priority_location_that_can_take_it(warehouse, shop):
    v = make_variant()
    receive(v, warehouse, 2)
    receive(v, shop, 10)
    holds = place_holds(requests=[HoldRequest(v.pk, 3)], owner_type="cart", owner_id="a")
    assert [(h.location_id, h.quantity) for h in holds] == [(shop.pk, 3)]
    holds = place_holds(requests=[HoldRequest(v.pk, 2)], owner_type="cart", owner_id="b")
    assert [(h.location_id, h.quantity) for h in holds] == [(warehouse.pk, 2)]


def test_line_is_split_in_priority_order_when_no_location_has_enough(warehouse, shop):
    v = make_variant()
    receive(v, warehouse, 4)
    receive(v, shop, 4)
    holds = place_holds(requests=[HoldRequest(v.pk, 6)], owner_type="cart", owner_id="a")
    assert [(h.location_id, h.quantity) for h in holds] == [(warehouse.pk, 4), (shop.pk, 2)]
    assert level(v, warehouse).reserved == 4
    assert level(v, shop).reserved == 2
    assert available_by_variant([v.pk]) == {v.pk: 2}


def test_all_or_nothing_names_every_short_line(warehouse):
    a, b, c = make_variant("A"), make_variant("B"), make_variant("C")
    receive(a, warehouse, 5)
    receive(b, warehouse, 1)
    with pytest.raises(OutOfStock) as err:
        place_holds(
            requests=[HoldRequest(a.pk, 2), HoldRequest(b.pk, 3), HoldRequest(c.pk, 1)],
            owner_type="cart",
            owner_id="x",
        )
    assert err.value.code == "out_of_stock"
    assert err.value.http_status == 409
    assert err.value.details["lines"] == [
        {"variant_id": b.pk, "sku": "B", "requested": 3, "available": 1},
        {"variant_id": c.pk, "sku": "C", "requested": 1, "available": 0},
    ]
    assert StockHold.objects.count() == 0
    assert level(a, warehouse).reserved == 0


def test_inactive_location_is_not_allocated(warehouse, shop):
    v = make_variant()
    receive(v, shop, 5)
    shop.is_active = False
    shop.save()
    with pytest.raises(OutOfStock):
        place_holds(requests=[HoldRequest(v.pk, 1)], owner_type="cart", owner_id="x")


@pytest.mark.parametrize(
    ("quantity", "field"),
    [
        (0, "lines[0].quantity"),
        (-1, "lines[0].quantity"),
        (1.5, "lines[0].quantity"),
        ("2", "lines[0].quantity"),
        (True, "lines[0].quantity"),
        (10_001, "lines[0].quantity"),
    ],
)
def test_bad_quantities_are_refused(warehouse, quantity, field):
    v = make_variant()
    receive(v, warehouse, 5)
    with pytest.raises(ValidationError) as err:
        place_holds(requests=[HoldRequest(v.pk, quantity)], owner_type="cart", owner_id="x")
    assert err.value.details["field"] == field
    assert level(v, warehouse).reserved == 0


def test_unknown_and_inactive_variants_are_refused(warehouse):
    v = make_variant()
    receive(v, warehouse, 5)
    with pytest.raises(ValidationError) as err:
        place_holds(requests=[HoldRequest(999_999, 1)], owner_type="cart", owner_id="x")
    assert err.value.code == "unknown_variant"
    v.is_active = False
    v.save()
    with pytest.raises(ValidationError) as err:
        place_holds(requests=[HoldRequest(v.pk, 1)], owner_type="cart", owner_id="x")
    assert err.value.code == "inactive_variant"
    assert StockHold.objects.count() == 0


def test_convert_makes_a_sale_once(warehouse):
    v = make_variant()
    receive(v, warehouse, 5)
    place_holds(requests=[HoldRequest(v.pk, 2)], owner_type="order", owner_id="7")
    convert_holds(owner_type="order", owner_id="7", reference="HT-10007")
    convert_holds(owner_type="order", owner_id="7", reference="HT-10007")
    lvl = level(v, warehouse)
    assert (lvl.on_hand, lvl.reserved) == (3, 0)
    sale = StockMovement.objects.get(reason="sale")
    assert (sale.quantity, sale.reference) == (-2, "HT-10007")
    assert StockHold.objects.get().status == "converted"
    assert ledger_differences() == []


def test_release_gives_stock_back_once(warehouse):
    v = make_variant()
    receive(v, warehouse, 5)
    place_holds(requests=[HoldRequest(v.pk, 5)], owner_type="order", owner_id="9")
    assert release_holds(owner_type="order", owner_id="9", reason="payment_failed") == 1
    assert release_holds(owner_type="order", owner_id="9", reason="payment_failed") == 0
    lvl = level(v, warehouse)
    assert (lvl.on_hand, lvl.reserved) == (5, 0)
    hold = StockHold.objects.get()
    assert (hold.status, hold.release_reason) == ("released", "payment_failed")


def test_expired_holds_are_released_with_one_event_per_owner(warehouse):
    v, w = make_variant(), make_variant()
    receive(v, warehouse, 5)
    receive(w, warehouse, 5)
    place_holds(
        requests=[HoldRequest(v.pk, 1), HoldRequest(w.pk, 2)], owner_type="cart", owner_id="old"
    )
    place_holds(
        requests=[HoldRequest(v.pk, 1)],
        owner_type="cart",
        owner_id="new",
        expires_at=timezone.now() + timedelta(hours=2),
    )
    assert release_expired_holds() == 0
    released = release_expired_holds(now=timezone.now() + timedelta(minutes=16))
    assert released == 2
    assert available_by_variant([v.pk, w.pk]) == {v.pk: 4, w.pk: 5}
    events = OutboxEvent.objects.filter(event_type="inventory.hold_expired")
    assert [(e.aggregate_id, len(e.payload["holds"])) for e in events] == [("old", 2)]
    assert StockHold.objects.filter(status="active").get().owner_id == "new"


def test_hold_expiry_defaults_to_setting(warehouse, settings):
    settings.HAAT_HOLD_MINUTES = 3
    v = make_variant()
    receive(v, warehouse, 1)
    (hold,) = place_holds(requests=[HoldRequest(v.pk, 1)], owner_type="cart", owner_id="x")
    delta = hold.expires_at - timezone.now()
    assert timedelta(minutes=2, seconds=50) < delta <= timedelta(minutes=3)


def test_place_holds_costs_the_same_queries_for_2_and_10_lines(warehouse, shop):
    variants = [make_variant() for _ in range(10)]
    for v in variants:
        receive(v, warehouse, 50)
        receive(v, shop, 50)
    with CaptureQueriesContext(connection) as one:
        place_holds(requests=[HoldRequest(variants[0].pk, 1)], owner_type="c", owner_id="1")
    with CaptureQueriesContext(connection) as two:
        place_holds(
            requests=[HoldRequest(v.pk, 30) for v in variants[:2]], owner_type="c", owner_id="2"
        )
    with CaptureQueriesContext(connection) as ten:
        place_holds(
            requests=[HoldRequest(v.pk, 60) for v in variants], owner_type="c", owner_id="3"
        )
    assert StockHold.objects.filter(owner_id="3").count() == 20  # split lines
    assert len(two) == len(ten) <= 5, [q["sql"] for q in ten.captured_queries]
    # One line of a variant stocked at two places: the one-row UPDATE finds two rows and
    # changes nothing, then the locking path: one statement more, never more than that.
    assert len(one) == len(ten) + 1, [q["sql"] for q in one.captured_queries]


def test_sell_stock_sells_by_priority_with_a_sale_movement_per_location(warehouse, shop):
    v = make_variant()
    receive(v, warehouse, 1)
    receive(v, shop, 5)
    movements = sell_stock(requests=[HoldRequest(v.pk, 3)], reference="HT-10001")
    # The warehouse (priority 1) cannot take the line whole: the shop can.
    assert (level(v, shop).on_hand, level(v, shop).reserved) == (2, 0)
    assert level(v, warehouse).on_hand == 1
    sales = StockMovement.objects.filter(reason="sale", reference="HT-10001")
    assert [(m.location_id, m.quantity) for m in sales] == [(shop.pk, -3)]
    assert [(m.pk, m.quantity) for m in movements] == [(sales[0].pk, -3)]
    assert not StockHold.objects.exists()
    assert ledger_differences() == []


def test_sell_stock_splits_a_line_no_single_location_can_take(warehouse, shop):
    v = make_variant()
    receive(v, warehouse, 2)
    receive(v, shop, 2)
    sell_stock(requests=[HoldRequest(v.pk, 3)], reference="HT-10004")
    sales = StockMovement.objects.filter(reason="sale").order_by("location__priority")
    assert [(m.location_id, m.quantity) for m in sales] == [(warehouse.pk, -2), (shop.pk, -1)]
    assert available_by_variant([v.pk]) == {v.pk: 1}


def test_sell_stock_is_all_or_nothing_and_leaves_the_callers_transaction_usable(warehouse):
    v, w = make_variant("V"), make_variant("W")
    receive(v, warehouse, 5)
    receive(w, warehouse, 1)
    held = place_holds(requests=[HoldRequest(w.pk, 1)], owner_type="order", owner_id="9")
    with transaction.atomic():
        with pytest.raises(OutOfStock) as err:
            sell_stock(requests=[HoldRequest(v.pk, 1), HoldRequest(w.pk, 1)], reference="HT-1")
        # Held units are not for sale; the refusal wrote nothing, the transaction goes on.
        assert err.value.details["lines"] == [
            {"variant_id": w.pk, "sku": "W", "requested": 1, "available": 0}
        ]
        assert StockHold.objects.get().pk == held[0].pk
    assert not StockMovement.objects.filter(reason="sale").exists()
    assert available_by_variant([v.pk, w.pk]) == {v.pk: 5, w.pk: 0}


def _statements(ctx) -> list[str]:
    """SQL sent, without the test's own savepoints; FOR UPDATE only where supported."""
    return [q["sql"] for q in ctx.captured_queries if "SAVEPOINT" not in q["sql"]]


def _locks(sql: str) -> bool:
    sql = sql.lstrip()
    selects_levels = sql.startswith("SELECT") and "inventory_stocklevel" in sql.split("JOIN")[0]
    return selects_levels and ("FOR UPDATE" in sql or not connection.features.has_select_for_update)


def test_one_stock_row_is_taken_with_one_conditional_update(warehouse):
    """One line of a variant stocked at one location: the conditional UPDATE (whose row
    count decides) and the INSERT of the hold or ledger row, which PostgreSQL runs as one
    statement; inside a caller's transaction, no savepoint."""
    v = make_variant()
    receive(v, warehouse, 5)
    combined = connection.vendor == "postgresql"
    with CaptureQueriesContext(connection) as placed:
        place_holds(requests=[HoldRequest(v.pk, 1)], owner_type="c", owner_id="3")
    sql = [s.lstrip() for s in _statements(placed)]
    assert len(sql) == (1 if combined else 2), sql
    assert "UPDATE inventory_stocklevel" in sql[0], sql
    assert 'INSERT INTO "inventory_stockhold"' in sql[-1], sql
    with transaction.atomic(), CaptureQueriesContext(connection) as sold:
        movements = sell_stock(requests=[HoldRequest(v.pk, 2)], reference="HT-10003")
    assert not any("SAVEPOINT" in q["sql"] for q in sold.captured_queries)
    sql = _statements(sold)
    assert len(sql) == (1 if combined else 2), sql
    assert 'INSERT INTO "inventory_stockmovement"' in sql[-1], sql
    assert (level(v, warehouse).on_hand, level(v, warehouse).reserved) == (3, 1)
    sale = StockMovement.objects.get(reason="sale")
    assert [(m.pk, m.location_id, m.quantity) for m in movements] == [(sale.pk, warehouse.pk, -2)]
    assert (sale.reference, sale.actor_label) == ("HT-10003", movements[0].actor_label)
    hold = StockHold.objects.get()
    assert (hold.owner_type, hold.owner_id, hold.quantity, hold.status) == ("c", "3", 1, "active")
    assert ledger_differences() == []


def test_several_rows_are_locked_first_in_one_statement_then_written_twice(warehouse):
    v, w = make_variant(), make_variant()
    receive(v, warehouse, 5)
    receive(w, warehouse, 5)
    with CaptureQueriesContext(connection) as placed:
        place_holds(
            requests=[HoldRequest(v.pk, 1), HoldRequest(w.pk, 1)], owner_type="c", owner_id="4"
        )
    sql = _statements(placed)
    assert _locks(sql[0]) and len(sql) == 3, sql
    assert sql[1].startswith("UPDATE inventory_stocklevel"), sql


@pytest.mark.parametrize("case", ["two_locations", "short", "inactive_location"])
def test_the_one_row_update_falls_back_to_the_locking_path(warehouse, shop, case):
    """The conditional UPDATE changes nothing when its guards fail; the locking path then
    decides exactly (allocation by priority, or OutOfStock with what is available)."""
    v = make_variant("SOLO")
    receive(v, warehouse, 2)
    if case == "two_locations":
        receive(v, shop, 5)
        holds = place_holds(requests=[HoldRequest(v.pk, 4)], owner_type="c", owner_id="5")
        assert [(h.location_id, h.quantity) for h in holds] == [(shop.pk, 4)]
        return
    if case == "inactive_location":
        warehouse.is_active = False
        warehouse.save()
    with pytest.raises(OutOfStock) as err:
        sell_stock(requests=[HoldRequest(v.pk, 3)], reference="HT-10005")
    expected = 0 if case == "inactive_location" else 2
    assert err.value.details["lines"] == [
        {"variant_id": v.pk, "sku": "SOLO", "requested": 3, "available": expected}
    ]
    assert (
        level(v, warehouse).on_hand == 2
        and not StockMovement.objects.filter(reason="sale").exists()
    )
