"""The order's transition table, every pair: each legal move writes one history row
(who, from, to, note); each illegal one is a 409 naming the allowed moves and changes
nothing. Plus the status the shipments call for, and the customer's words for each status."""

from __future__ import annotations

import itertools

import pytest
from django.db import transaction

from haat.core.errors import Conflict, ValidationError
from haat.orders import lifecycle, state
from haat.orders.models import Order, OrderTransition

pytestmark = pytest.mark.django_db
S = Order.Status


def test_every_pair_of_statuses_is_either_a_recorded_move_or_a_409(cod_order):
    legal = illegal = 0
    for a, b in itertools.product(S.values, S.values):
        Order.objects.filter(pk=cod_order.pk).update(status=a)
        before = OrderTransition.objects.filter(order=cod_order).count()
        if state.can_transition(a, b):
            with transaction.atomic():
                lifecycle._transition(cod_order, b, note=f"{a}->{b}")
            row = OrderTransition.objects.filter(order=cod_order).last()
            assert (row.from_status, row.to_status, row.note) == (a, b, f"{a}->{b}")
            assert Order.objects.get(pk=cod_order.pk).status == b
            legal += 1
        else:
            with pytest.raises(Conflict) as err, transaction.atomic():
                lifecycle._transition(cod_order, b)
            assert err.value.code == "illegal_transition"
            assert err.value.http_status == 409
            assert err.value.details["allowed"] == state.allowed(a)
            assert Order.objects.get(pk=cod_order.pk).status == a
            assert OrderTransition.objects.filter(order=cod_order).count() == before
            illegal += 1
    assert legal == sum(len(v) for v in state.TRANSITIONS.values())
    assert legal + illegal == len(S.values) ** 2


def test_the_table_names_every_status_and_every_status_has_customer_words():
    assert set(state.TRANSITIONS) == set(S.values)
    for status in S.values:
        words = state.CUSTOMER[status]
        assert words.label and words.explanation.endswith((".", "!"))


def test_staff_advance_records_actor_note_and_event(cod_order):
    from haat.core.models import OutboxEvent

    lifecycle.advance(order=cod_order, to="processing", note="Picking")
    lifecycle.advance(order=cod_order, to="packed")
    cod_order.refresh_from_db()
    assert cod_order.status == "packed"
    rows = list(cod_order.transitions.values_list("from_status", "to_status", "note"))
    assert rows[-2:] == [("confirmed", "processing", "Picking"), ("processing", "packed", "")]
    payloads = [e.payload for e in OutboxEvent.objects.filter(event_type="order.status_changed")]
    assert [(p["from_status"], p["to_status"]) for p in payloads] == [
        ("confirmed", "processing"),
        ("processing", "packed"),
    ]


def test_advance_refuses_shipping_statuses_and_illegal_moves(cod_order):
    with pytest.raises(ValidationError):
        lifecycle.advance(order=cod_order, to="shipped")
    lifecycle.advance(order=cod_order, to="packed")
    with pytest.raises(Conflict) as err:
        lifecycle.advance(order=cod_order, to="processing")
    assert "It can become: " in err.value.message
    assert err.value.details["allowed"] == ["cancelled", "partially_shipped", "shipped"]


def test_cancelling_a_packed_order_puts_its_stock_back(cod_order):
    from haat.inventory.models import StockMovement

    lifecycle.advance(order=cod_order, to="packed")
    lifecycle.cancel(order=cod_order, note="Customer changed mind")
    back = StockMovement.objects.filter(reference=cod_order.number, reason="cancellation")
    assert sum(back.values_list("quantity", flat=True)) == 3


@pytest.mark.parametrize(
    ("units", "status"),
    [
        (state.Units(3, 0, 0, 0), None),
        (state.Units(3, 1, 0, 0), S.PARTIALLY_SHIPPED),
        (state.Units(3, 3, 0, 0), S.SHIPPED),
        (state.Units(3, 3, 3, 0), S.OUT_FOR_DELIVERY),
        (state.Units(3, 3, 1, 0), S.OUT_FOR_DELIVERY),
        (state.Units(3, 1, 1, 0), S.PARTIALLY_SHIPPED),
        (state.Units(3, 3, 0, 1), S.PARTIALLY_DELIVERED),
        (state.Units(3, 2, 0, 1), S.PARTIALLY_DELIVERED),
        (state.Units(3, 3, 0, 3), S.DELIVERED),
        (state.Units(3, 3, 0, 0, 3), S.RTO),
    ],
)
def test_the_status_shipments_call_for(units, status):
    assert state.shipping_status(units) == status
