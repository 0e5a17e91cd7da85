"""Refunds (never above what was paid, idempotent, gateway or manual) and COD remittance."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from haat.core.errors import Conflict, ValidationError
from haat.core.models import AuditLogEntry, OutboxEvent
from haat.core.money import Money
from haat.gateways.types import GatewayUpdate, UpdateKind
from haat.payments import cod
from haat.payments.models import PaymentTransaction, Refund
from haat.payments.refunds import refund_order
from haat.payments.services import apply_gateway_update, start_online_payment
from tests.checkout.helpers import make_variant
from tests.payments.helpers import make_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def variant(warehouse):
    return make_variant(price="1000.00", stock=10)


def paid_order(variant, quantity: int = 2):
    order = make_order(variant, quantity=quantity)
    payment, _ = start_online_payment(order=order, purpose="full", return_url="/thanks")
    apply_gateway_update(
        GatewayUpdate(
            "test",
            UpdateKind.CAPTURED,
            payment.gateway_order_id,
            f"testpay_{payment.pk}",
            payment.amount,
            "INR",
            f"evt_{payment.pk}",
        )
    )
    order.refresh_from_db()
    return order


def test_gateway_refund_is_processed_and_idempotent(variant):
    order = paid_order(variant)
    refund = refund_order(
        order=order, amount=Money(50000, "INR"), reason="Damaged", idempotency_key="rf-1"
    )
    assert refund.status == "processed" and refund.gateway_refund_id == f"testrfnd_{refund.pk}"
    again = refund_order(
        order=order, amount=Money(50000, "INR"), reason="Damaged", idempotency_key="rf-1"
    )
    assert again.pk == refund.pk
    order.refresh_from_db()
    assert order.amount_refunded == 50000 and order.payment_status == "partially_refunded"
    assert PaymentTransaction.objects.filter(order=order, kind="refund").count() == 1
    assert OutboxEvent.objects.filter(event_type="payment.refund_processed").count() == 1
    assert AuditLogEntry.objects.filter(action="payments.refund").count() == 1
    # the gateway's own webhook for the same refund changes nothing
    apply_gateway_update(
        GatewayUpdate(
            "test",
            UpdateKind.REFUND_PROCESSED,
            refund.payment.gateway_order_id,
            refund.payment.gateway_payment_id,
            50000,
            "INR",
            "evt_refund",
            gateway_refund_id=refund.gateway_refund_id,
        )
    )
    order.refresh_from_db()
    assert order.amount_refunded == 50000


def test_refund_above_paid_is_refused_and_changes_nothing(variant):
    order = paid_order(variant)
    with pytest.raises(Conflict) as exc:
        refund_order(
            order=order, amount=Money(200001, "INR"), reason="Too much", idempotency_key="rf-x"
        )
    assert exc.value.code == "refund_exceeds_paid"
    refund_order(order=order, amount=Money(150000, "INR"), reason="Part", idempotency_key="a")
    with pytest.raises(Conflict):
        refund_order(order=order, amount=Money(50001, "INR"), reason="Rest+1", idempotency_key="b")
    last = refund_order(order=order, reason="Rest", idempotency_key="c")  # everything left
    assert last.amount == 50000
    order.refresh_from_db()
    assert order.payment_status == "refunded" and order.amount_refunded == order.amount_paid
    assert Refund.objects.count() == 2


def test_refund_by_lines(variant):
    order = paid_order(variant, quantity=2)
    line = order.lines.get()
    refund = refund_order(
        order=order, lines=[(line.pk, 1)], reason="One back", idempotency_key="l1"
    )
    assert refund.amount == 100000 and refund.lines[0]["quantity"] == 1
    with pytest.raises(ValidationError) as exc:
        refund_order(order=order, lines=[(line.pk, 2)], reason="Too many", idempotency_key="l2")
    assert exc.value.details["field"] == "lines[0].quantity"


def test_unpaid_cod_order_cannot_be_refunded_and_manual_needs_reference(variant):
    order = make_order(variant, payment_type="cod", status="confirmed")
    with pytest.raises(Conflict):
        refund_order(order=order, reason="x", idempotency_key="k1")
    cod.record_cod_collected(order=order, amount=order.total, reference="AWB-9")
    order.refresh_from_db()
    with pytest.raises(Conflict) as exc:  # COD cash cannot go back through a gateway
        refund_order(order=order, amount=Money(100, "INR"), reason="x", idempotency_key="k2")
    assert exc.value.code == "refund_method_unavailable"
    with pytest.raises(ValidationError) as exc:
        refund_order(order=order, reason="x", idempotency_key="k3", method="upi")
    assert exc.value.details["field"] == "reference"
    refund = refund_order(
        order=order, reason="Returned", idempotency_key="k4", method="upi", reference="UPI-77"
    )
    assert refund.status == "manual" and refund.amount == order.total_amount
    order.refresh_from_db()
    assert order.payment_status == "refunded"


def test_key_reused_for_another_order_is_refused(variant):
    first, second = paid_order(variant, 1), paid_order(variant, 1)
    refund_order(order=first, reason="x", idempotency_key="same")
    with pytest.raises(ValidationError) as err:
        refund_order(order=second, reason="x", idempotency_key="same")
    assert (err.value.code, err.value.http_status) == ("idempotency_key_reused", 422)
    assert list(Refund.objects.values_list("order_id", flat=True)) == [first.pk]


def test_remittance_import_reconciles_per_row(variant):
    due = make_order(variant, payment_type="cod", status="confirmed")
    short = make_order(variant, payment_type="cod", status="confirmed")
    prepaid = paid_order(variant, 1)
    csv_text = (
        "order_number,amount,reference,remitted_on\n"
        f"{due.number},1000.00,R1,2025-01-31\n"
        f"{short.number},999.00,R2,2025-01-31\n"
        f"{prepaid.number},1000.00,R3,2025-01-31\n"
        "HT-99999,10.00,R4,2025-01-31\n"
    )
    report = cod.import_cod_remittance(csv_text=csv_text)
    assert [r.status for r in report.rows] == ["recorded", "mismatch", "not_cod", "unknown_order"]
    assert cod.import_cod_remittance(csv_text=csv_text).rows[0].status == "duplicate"
    due.refresh_from_db()
    short.refresh_from_db()
    assert due.payment_status == "paid" and short.payment_status == "pending"


def test_a_re_uploaded_remittance_file_costs_the_same_queries_for_1_or_5_rows(variant):
    def remit(orders):
        return "order_number,amount,reference,remitted_on\n" + "".join(
            f"{o.number},1000.00,RR{o.pk},2025-01-31\n" for o in orders
        )

    orders = [make_order(variant, payment_type="cod", status="confirmed") for _ in range(5)]
    cod.import_cod_remittance(csv_text=remit(orders))  # recorded once
    counts = []
    for some in (orders[:1], orders):
        with CaptureQueriesContext(connection) as ctx:
            report = cod.import_cod_remittance(csv_text=remit(some))
        assert {r.status for r in report.rows} == {"duplicate"}
        counts.append(len(ctx))
    assert counts[0] == counts[1], counts


def test_malformed_remittance_changes_nothing(variant):
    order = make_order(variant, payment_type="cod", status="confirmed")
    bad = (
        "order_number,amount,reference,remitted_on\n"
        f"{order.number},1000.00,R1,2025-01-31\n"
        f"{order.number},10.001,R2,2025-01-31\n"
        f"{order.number},1000.00,R1,31/01/2025\n"
    )
    with pytest.raises(ValidationError) as exc:
        cod.import_cod_remittance(csv_text=bad)
    assert [e["row"] for e in exc.value.details["rows"]] == [3, 4]
    assert not PaymentTransaction.objects.exists()
    with pytest.raises(ValidationError):
        cod.import_cod_remittance(csv_text="order,amount\nHT-1,1\n")
