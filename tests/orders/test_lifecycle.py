"""The order lifecycle as orders decides it: the money summary payments reports, one
emitter for `order.confirmed` whichever path confirms the order, and the callbacks
payments fills in."""

from __future__ import annotations

import pytest
from django.db import transaction

from haat.core.errors import Conflict
from haat.core.models import OutboxEvent
from haat.gateways import processing, testgateway
from haat.orders import callbacks, lifecycle
from haat.payments.services import start_online_payment
from tests.checkout.helpers import make_variant
from tests.payments.helpers import make_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def variant(warehouse):
    return make_variant(price="1000.00", stock=10)


@pytest.mark.parametrize(
    ("paid", "refunded", "failures", "status"),
    [
        (0, 0, 0, "pending"),
        (0, 0, 2, "failed"),
        (40000, 0, 1, "partially_paid"),
        (100000, 0, 0, "paid"),
        (100000, 30000, 0, "partially_refunded"),
        (100000, 100000, 0, "refunded"),
    ],
)
def test_money_changed_stores_the_totals_and_derives_the_payment_status(
    variant, paid, refunded, failures, status
):
    order = make_order(variant)
    with transaction.atomic():
        lifecycle.money_changed(
            order=lifecycle.lock(order.pk), paid=paid, refunded=refunded, failures=failures
        )
    order.refresh_from_db()
    assert (order.amount_paid, order.amount_refunded, order.payment_status) == (
        paid,
        refunded,
        status,
    )


def test_order_confirmed_has_one_payload_whether_cod_or_paid(variant):
    cod = make_order(variant, payment_type="cod", status="confirmed")
    prepaid = make_order(variant)
    payment, _ = start_online_payment(order=prepaid, purpose="full", return_url="/thanks")
    processing.process_event(testgateway.payment_event(payment=payment, succeed=True).pk)
    confirmed = {
        int(e.aggregate_id): e.payload
        for e in OutboxEvent.objects.filter(event_type="order.confirmed")
    }
    assert set(confirmed) == {cod.pk, prepaid.pk}
    assert confirmed[cod.pk].keys() == confirmed[prepaid.pk].keys()
    assert confirmed[prepaid.pk]["status"] == "confirmed"
    assert confirmed[prepaid.pk]["lines"] == [
        {"variant_id": variant.pk, "sku": variant.sku, "quantity": 1, "unit_amount": 100000}
    ]


def test_payments_fills_in_the_callbacks_orders_declares(variant):
    order = make_order(variant, payment_type="cod", status="confirmed")
    money = callbacks.order_money(order)
    assert (money.refundable, money.can_collect) == (0, True)
    assert callbacks.pay_url(order).endswith(f"/pay/{order.token}")


def test_a_cancelled_order_cannot_be_reopened_for_payment(variant):
    order = make_order(variant)
    lifecycle.cancel(order=order, reason="Changed my mind")
    with pytest.raises(Conflict) as caught:
        lifecycle.reopen_for_payment(order=order)
    assert caught.value.code == "not_payable"
