"""Receive, adjust, transfer, bulk counts, thresholds, crossings, the ledger command."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from haat.core.errors import Conflict, ValidationError
from haat.core.models import AuditLogEntry, OutboxEvent
from haat.inventory import bulk, services
from haat.inventory.holds import HoldRequest, place_holds, release_holds
from haat.inventory.ledger import ledger_differences
from haat.inventory.locations import delete_location
from haat.inventory.models import StockLevel, StockMovement
from haat.inventory.selectors import available_by_variant, low_stock_count
from tests.inventory.conftest import make_location, make_variant, receive

pytestmark = pytest.mark.django_db


def on_hand(variant, location) -> int:
    return StockLevel.objects.get(variant=variant, location=location).on_hand


def events(kind: str) -> list[OutboxEvent]:
    return list(OutboxEvent.objects.filter(event_type=kind))


def test_receive_writes_ledger_and_audit(warehouse):
    v = make_variant()
    services.receive_stock(variant_id=v.pk, location_id=warehouse.pk, quantity=7, reference="PO-1")
    assert on_hand(v, warehouse) == 7
    m = StockMovement.objects.get()
    assert (m.reason, m.quantity, m.reference) == ("receipt", 7, "PO-1")
    assert AuditLogEntry.objects.filter(action="stock.receive").exists()
    assert ledger_differences() == []


@pytest.mark.parametrize("bad", [0, -3, 2.5, "4", None, True, 10**9])
def test_receive_refuses_bad_quantities(warehouse, bad):
    v = make_variant()
    with pytest.raises(ValidationError) as err:
        services.receive_stock(variant_id=v.pk, location_id=warehouse.pk, quantity=bad)
    assert err.value.details["field"] == "quantity"
    assert StockMovement.objects.count() == 0


def test_unknown_inactive_variant_and_location_are_refused(warehouse):
    v = make_variant()
    with pytest.raises(ValidationError, match="Unknown variant"):
        services.receive_stock(variant_id=123456, location_id=warehouse.pk, quantity=1)
    with pytest.raises(ValidationError, match="Unknown location"):
        services.receive_stock(variant_id=v.pk, location_id=98765, quantity=1)
    v.is_active = False
    v.save()
    with pytest.raises(ValidationError, match="inactive"):
        services.receive_stock(variant_id=v.pk, location_id=warehouse.pk, quantity=1)
    assert StockLevel.objects.count() == 0


def test_adjust_needs_a_note_and_a_matching_sign(warehouse):
    v = make_variant()
    receive(v, warehouse, 5)
    with pytest.raises(ValidationError) as err:
        services.adjust_stock(
            variant_id=v.pk, location_id=warehouse.pk, quantity=-1, reason="adjustment", note="  "
        )
    assert err.value.details["field"] == "note"
    with pytest.raises(ValidationError, match="negative"):
        services.adjust_stock(
            variant_id=v.pk, location_id=warehouse.pk, quantity=2, reason="write_off", note=""
        )
    with pytest.raises(ValidationError) as err:
        services.adjust_stock(
            variant_id=v.pk, location_id=warehouse.pk, quantity=1, reason="sale", note="x"
        )
    assert err.value.details["field"] == "reason"
    services.adjust_stock(
        variant_id=v.pk,
        location_id=warehouse.pk,
        quantity=-2,
        reason="adjustment",
        note="Counted 3",
    )
    services.adjust_stock(
        variant_id=v.pk, location_id=warehouse.pk, quantity=1, reason="rto", note=""
    )
    assert on_hand(v, warehouse) == 4
    assert ledger_differences() == []


def test_adjust_cannot_go_below_reserved(warehouse):
    v = make_variant()
    receive(v, warehouse, 5)
    place_holds(requests=[HoldRequest(v.pk, 4)], owner_type="cart", owner_id="x")
    with pytest.raises(ValidationError, match="reserved"):
        services.adjust_stock(
            variant_id=v.pk, location_id=warehouse.pk, quantity=-2, reason="write_off", note=""
        )
    assert on_hand(v, warehouse) == 5


def test_transfer_moves_both_legs_or_nothing(warehouse, shop):
    v = make_variant()
    receive(v, warehouse, 5)
    place_holds(requests=[HoldRequest(v.pk, 2)], owner_type="cart", owner_id="x")
    with pytest.raises(ValidationError) as err:
        services.transfer_stock(
            variant_id=v.pk, from_location_id=warehouse.pk, to_location_id=shop.pk, quantity=4
        )
    assert err.value.code == "insufficient_stock"
    assert not StockLevel.objects.filter(location=shop).exists()
    services.transfer_stock(
        variant_id=v.pk,
        from_location_id=warehouse.pk,
        to_location_id=shop.pk,
        quantity=3,
        note="to the shop",
    )
    assert (on_hand(v, warehouse), on_hand(v, shop)) == (2, 3)
    legs = sorted(
        StockMovement.objects.filter(reason__startswith="transfer").values_list(
            "reason", "quantity"
        )
    )
    assert legs == [("transfer_in", 3), ("transfer_out", -3)]
    with pytest.raises(ValidationError, match="different"):
        services.transfer_stock(
            variant_id=v.pk, from_location_id=shop.pk, to_location_id=shop.pk, quantity=1
        )


def test_low_out_and_back_in_stock_events_fire_once_per_crossing(warehouse, settings):
    settings.HAAT_LOW_STOCK_DEFAULT = 3
    v = make_variant("TEE-M")
    receive(v, warehouse, 5)
    assert (
        services.subscribe_back_in_stock(variant_id=v.pk, email="A@x.in").already_subscribed
        is False
    )
    assert services.subscribe_back_in_stock(variant_id=v.pk, email="a@x.in").already_subscribed
    services.subscribe_back_in_stock(variant_id=v.pk, phone="98765 43210")
    place_holds(requests=[HoldRequest(v.pk, 1)], owner_type="c", owner_id="1")  # 4: no event
    assert events("inventory.low_stock") == []
    place_holds(requests=[HoldRequest(v.pk, 2)], owner_type="c", owner_id="2")  # 2: low
    place_holds(requests=[HoldRequest(v.pk, 1)], owner_type="c", owner_id="3")  # 1: still low
    assert len(events("inventory.low_stock")) == 1
    assert low_stock_count() == 1
    place_holds(requests=[HoldRequest(v.pk, 1)], owner_type="c", owner_id="4")  # 0: out
    assert len(events("inventory.out_of_stock")) == 1
    release_holds(owner_type="c", owner_id="4", reason="cancelled")  # back to 1
    release_holds(owner_type="c", owner_id="3", reason="cancelled")  # 2: no new event
    assert len(events("inventory.back_in_stock")) == 2  # first receipt, this release
    subs = events("inventory.back_in_stock_notice_due")
    assert sorted((e.payload["email"], e.payload["phone"]) for e in subs) == [
        ("", "+919876543210"),
        ("a@x.in", ""),
    ]
    # Only a queued message stamps a subscription (notifications' consumer): the e-mail
    # one was written to, the phone one was not (no SMS channel), so only it is due again.
    email_sub = next(e for e in subs if e.payload["email"]).payload["subscription_id"]
    assert services.mark_back_in_stock_notified(subscription_id=email_sub) is True
    assert services.mark_back_in_stock_notified(subscription_id=email_sub) is False
    place_holds(requests=[HoldRequest(v.pk, 2)], owner_type="c", owner_id="5")  # 0 again
    receive(v, warehouse, 10)
    assert len(events("inventory.back_in_stock")) == 3
    again = events("inventory.back_in_stock_notice_due")[2:]
    assert [e.payload["phone"] for e in again] == ["+919876543210"]


def test_per_variant_threshold(warehouse):
    v = make_variant()
    receive(v, warehouse, 20)
    services.set_low_stock_threshold(variant_id=v.pk, threshold=15)
    services.adjust_stock(
        variant_id=v.pk, location_id=warehouse.pk, quantity=-6, reason="write_off", note=""
    )
    assert events("inventory.low_stock")[0].payload["threshold"] == 15
    with pytest.raises(ValidationError):
        services.set_low_stock_threshold(variant_id=v.pk, threshold=-1)


def test_bad_contact_is_refused(warehouse):
    v = make_variant()
    with pytest.raises(ValidationError):
        services.subscribe_back_in_stock(variant_id=v.pk, email="not-an-email")
    with pytest.raises(ValidationError):
        services.subscribe_back_in_stock(variant_id=v.pk, phone="12")
    with pytest.raises(ValidationError):
        services.subscribe_back_in_stock(variant_id=v.pk)


def test_bulk_counts_are_all_or_nothing_with_a_row_report(warehouse, shop):
    a, b = make_variant("A-1"), make_variant("B-1")
    receive(a, warehouse, 5)
    report = bulk.set_counts(
        rows=[
            {"sku": "A-1", "location": "main", "on_hand": 8},
            {"sku": "NOPE", "location": "main", "on_hand": 1},
            {"sku": "B-1", "location": "mars", "on_hand": 1},
            {"sku": "B-1", "location": "shop", "on_hand": "x"},
            {"sku": "B-1", "location": "main", "on_hand": -1},
        ],
        note="count",
    )
    assert not report.applied
    assert [r.message for r in report.rows] == [
        "",
        "unknown SKU",
        "unknown location",
        "on_hand must be a whole number",
        "on_hand must be from 0 to 1,000,000",
    ]
    assert on_hand(a, warehouse) == 5
    report = bulk.set_counts(
        rows=[
            {"sku": "A-1", "location": "main", "on_hand": 8},
            {"sku": "B-1", "location": "shop", "on_hand": "3"},
            {"sku": "A-1", "location": "shop", "on_hand": 0},
        ],
        note="",
    )
    assert report.applied
    assert [r.status for r in report.rows] == ["updated", "updated", "unchanged"]
    assert (on_hand(a, warehouse), on_hand(b, shop)) == (8, 3)
    assert ledger_differences() == []


def test_csv_import(warehouse):
    make_variant("A-1")
    good = io.BytesIO(b"sku,location,on_hand\nA-1,main,4\n")
    assert bulk.import_csv(file=good).applied
    assert available_by_variant([StockLevel.objects.get().variant_id]) != {}
    bad = io.BytesIO(b"sku,location,on_hand\nA-1,main,9\nZZZ,main,1\n")
    report = bulk.import_csv(file=bad)
    assert not report.applied
    assert [(r.row, r.status) for r in report.rows] == [(2, "pending"), (3, "error")]
    assert StockLevel.objects.get().on_hand == 4
    with pytest.raises(ValidationError, match="header"):
        bulk.import_csv(file=io.BytesIO(b"sku,qty\nA-1,3\n"))


def test_csv_import_blank_count_leaves_stock_as_it_is(warehouse):
    """A count sheet where only some rows were counted: a blank count is not zero."""
    a, b = make_variant("A-1"), make_variant("B-1")
    receive(b, warehouse, 7)
    sheet = io.BytesIO(b"sku,location,on_hand\nA-1,main,4\nB-1,main, \n")
    report = bulk.import_csv(file=sheet)
    assert report.applied, [(r.row, r.message) for r in report.rows]
    assert [(r.row, r.status) for r in report.rows] == [(2, "updated"), (3, "unchanged")]
    assert report.rows[1].message == "no count given; left as it is"
    assert (on_hand(a, warehouse), on_hand(b, warehouse)) == (4, 7)
    assert ledger_differences() == []
    # A blank count on an unknown SKU is still an error: nothing changes.
    report = bulk.import_csv(file=io.BytesIO(b"sku,location,on_hand\nA-1,main,9\nZZZ,main,\n"))
    assert not report.applied and report.rows[1].message == "unknown SKU"
    assert on_hand(a, warehouse) == 4


def test_location_with_history_cannot_be_deleted(warehouse):
    v = make_variant()
    receive(v, warehouse, 1)
    with pytest.raises(Conflict):
        delete_location(location=warehouse)
    empty = make_location("empty")
    delete_location(location=empty)


def test_verify_stock_ledger_command(warehouse):
    v = make_variant()
    receive(v, warehouse, 5)
    out = io.StringIO()
    call_command("verify_stock_ledger", stdout=out)
    assert "ledger consistent" in out.getvalue()
    with connection.cursor() as cur:
        cur.execute("UPDATE inventory_stocklevel SET on_hand = 9 WHERE variant_id = %s", [v.pk])
    out = io.StringIO()
    with pytest.raises(CommandError) as err:
        call_command("verify_stock_ledger", stdout=out)
    assert err.value.returncode == 1
    assert f"{v.pk}" in out.getvalue() and "4" in out.getvalue().splitlines()[-1]
