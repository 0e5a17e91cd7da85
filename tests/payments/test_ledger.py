"""Online payments through the built-in test gateway and the ledger: idempotent replays,
out-of-order events, amount/currency mismatches, failures."""

from __future__ import annotations

import dataclasses

import pytest

from haat.core.errors import Conflict
from haat.core.models import OutboxEvent
from haat.core.money import Money
from haat.gateways import processing, testgateway
from haat.gateways.types import GatewayUpdate, UpdateKind
from haat.inventory.models import StockHold
from haat.orders.models import Order
from haat.payments import cod, config
from haat.payments.models import Payment, PaymentTransaction
from haat.payments.services import UnknownPayment, apply_gateway_update, start_online_payment
from tests.checkout.helpers import available, make_variant, on_hand
from tests.payments.helpers import make_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def variant(warehouse):
    return make_variant(price="1000.00", stock=10)


def started(order: Order, purpose: str = "full") -> Payment:
    payment, checkout = start_online_payment(
        order=order, purpose=purpose, return_url="https://shop.example/thanks"
    )
    assert checkout.gateway == "test" and checkout.gateway_order_id == payment.gateway_order_id
    assert payment.token in checkout.redirect_url
    return payment


def update(payment: Payment, kind: str = UpdateKind.CAPTURED, **changes) -> GatewayUpdate:
    base = GatewayUpdate(
        gateway=payment.gateway,
        kind=kind,
        gateway_order_id=payment.gateway_order_id,
        gateway_payment_id="pay_1",
        amount=payment.amount,
        currency=payment.currency,
        event_id=f"evt_{kind}",
    )
    return dataclasses.replace(base, **changes)


def events(name: str) -> int:
    return OutboxEvent.objects.filter(event_type=name).count()


def test_paid_through_the_test_gateway_page_confirms_and_sells_stock(variant):
    order = make_order(variant, quantity=2)
    assert available(variant) == 8
    payment = started(order)
    assert payment.status == "pending" and payment.amount == order.total_amount == 200000
    event = testgateway.payment_event(payment=payment, succeed=True)
    assert processing.process_event(event.pk) == "processed"
    order.refresh_from_db()
    payment.refresh_from_db()
    assert order.status == "confirmed" and order.payment_status == "paid"
    assert order.amount_paid == 200000 and payment.status == "captured"
    assert on_hand(variant) == 8 and available(variant) == 8
    assert not StockHold.objects.filter(owner_id=str(order.pk), status="active").exists()


def test_same_update_ten_times_has_one_effect(variant):
    order = make_order(variant)
    payment = started(order)
    for _ in range(10):
        apply_gateway_update(update(payment))
    order.refresh_from_db()
    assert PaymentTransaction.objects.filter(order=order, kind="capture").count() == 1
    assert order.amount_paid == order.total_amount and order.status == "confirmed"
    assert events("payment.captured") == 1 and events("order.confirmed") == 1


def test_out_of_order_and_late_failure_change_nothing(variant):
    order = make_order(variant)
    payment = started(order)
    apply_gateway_update(update(payment, UpdateKind.CAPTURED))
    apply_gateway_update(update(payment, UpdateKind.AUTHORIZED))
    apply_gateway_update(update(payment, UpdateKind.FAILED, failure_reason="late"))
    payment.refresh_from_db()
    order.refresh_from_db()
    assert payment.status == "captured"
    assert order.status == "confirmed" and order.payment_status == "paid"
    assert events("payment.failed") == 0
    kinds = sorted(PaymentTransaction.objects.filter(order=order).values_list("kind", flat=True))
    assert kinds == ["authorization", "capture", "failure"]


def test_authorized_then_captured_moves_up(variant):
    order = make_order(variant)
    payment = started(order)
    apply_gateway_update(update(payment, UpdateKind.AUTHORIZED))
    payment.refresh_from_db()
    order.refresh_from_db()
    assert payment.status == "authorized" and order.status == "pending_payment"
    apply_gateway_update(update(payment, UpdateKind.CAPTURED))
    payment.refresh_from_db()
    assert payment.status == "captured"


@pytest.mark.parametrize("change", [{"amount": 100}, {"currency": "USD"}])
def test_amount_or_currency_mismatch_is_recorded_not_applied(variant, change):
    order = make_order(variant)
    payment = started(order)
    for _ in range(3):
        apply_gateway_update(update(payment, **change))
    order.refresh_from_db()
    payment.refresh_from_db()
    assert order.status == "pending_payment" and order.amount_paid == 0
    assert payment.status == "pending"
    rows = PaymentTransaction.objects.filter(order=order)
    assert [r.kind for r in rows] == ["mismatch"]
    assert events("payment.mismatch") == 1 and events("payment.captured") == 0


def test_failure_releases_stock_with_a_reason(variant):
    order = make_order(variant, quantity=3)
    payment = started(order)
    event = testgateway.payment_event(payment=payment, succeed=False)
    processing.process_event(event.pk)
    order.refresh_from_db()
    assert order.status == "payment_failed" and order.payment_status == "failed"
    assert "declined" in order.cancel_reason
    assert available(variant) == 10
    assert events("payment.failed") == 1


def test_unknown_payment_and_unpayable_orders(variant):
    with pytest.raises(UnknownPayment):
        apply_gateway_update(
            GatewayUpdate("test", UpdateKind.CAPTURED, "test_nope", "p", 100, "INR", "e")
        )
    order = make_order(variant, payment_type="cod", status="confirmed")
    with pytest.raises(Conflict):
        start_online_payment(order=order, purpose="full", return_url="/thanks")


def test_no_gateway_for_currency_is_a_clear_conflict(variant):
    config.update_settings(data={"test_gateway_enabled": False})
    order = make_order(variant)
    with pytest.raises(Conflict) as exc:
        start_online_payment(order=order, purpose="full", return_url="/thanks")
    assert exc.value.code == "gateway_not_configured"
    assert not Payment.objects.exists()


def test_cash_is_collectable_only_for_confirmed_cod_orders(variant):
    assert cod.can_collect(make_order(variant, payment_type="cod", status="confirmed"))
    assert not cod.can_collect(make_order(variant, payment_type="cod", status="pending_payment"))
    assert not cod.can_collect(make_order(variant, payment_type="prepaid", status="confirmed"))


def test_partial_cod_advance_then_cash_on_delivery(variant):
    order = make_order(variant, payment_type="partial_cod", due_online=9900)
    payment = started(order, purpose="upfront")
    assert payment.amount == 9900
    apply_gateway_update(update(payment))
    order.refresh_from_db()
    assert order.status == "confirmed" and order.payment_status == "partially_paid"
    assert order.balance_due == Money(90100, "INR")
    assert cod.can_collect(order)  # confirmed, cash still due
    with pytest.raises(Conflict):  # more than the courier should collect
        cod.record_cod_collected(order=order, amount=Money(90101, "INR"), reference="AWB1")
    row, created = cod.record_cod_collected(
        order=order, amount=Money(90100, "INR"), reference="AWB1"
    )
    assert created and row.kind == "cod_collected"
    again = cod.record_cod_collected(order=order, amount=Money(90100, "INR"), reference="AWB1")
    assert again == (None, False)
    order.refresh_from_db()
    assert order.payment_status == "paid" and order.amount_paid == order.total_amount
    assert not cod.can_collect(order)  # nothing left to collect
