"""Late payments: money captured after the order was cancelled for not being paid in time
(a slow UPI payment). Driven end to end through the test gateway's signed webhook events,
the real webhook task, the real refund task and the real outbox."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from haat.core.models import OutboxEvent
from haat.gateways import crypto, testgateway_events
from haat.gateways.inbox import store_event
from haat.gateways.tasks import process_webhook_event
from haat.gateways.testgateway import payment_event
from haat.inventory.models import StockLevel, StockMovement
from haat.orders import lifecycle
from haat.payments import config, tasks
from haat.payments.models import LatePayment, Payment, PaymentTransaction, Refund
from haat.payments.services import start_online_payment
from tests.checkout.helpers import make_variant
from tests.payments.helpers import make_order

pytestmark = pytest.mark.django_db
RETURN = "https://shop.example.in/thanks"
TASKS = (process_webhook_event, tasks.send_late_refund, tasks.resend_late_refunds)


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """Run `fn` with its on-commit callbacks (enqueues), then every queued webhook and
    late-refund task the way a worker would, until none is left."""

    def run(fn=None):
        with django_capture_on_commit_callbacks(execute=True):
            result = fn() if fn else None
        paths = {t.module_path for t in TASKS}
        while rows := list(
            DBTaskResult.objects.filter(task_path__in=paths).order_by("enqueued_at")
        ):
            for row in rows:
                task = next(t for t in TASKS if t.module_path == row.task_path)
                row.delete()
                with django_capture_on_commit_callbacks(execute=True):
                    task.call(*row.args_kwargs["args"], **row.args_kwargs["kwargs"])
        return result

    return run


def _expired_order(variant, *, quantity=1, unit_amount=129900):
    """An order waiting for payment with an open test-gateway payment, then cancelled by
    the payment clock (the deadline passed)."""
    pay_by = timezone.now() + timedelta(minutes=15)
    order = make_order(variant, quantity=quantity, unit_amount=unit_amount, pay_by=pay_by)
    payment, _ = start_online_payment(order=order, purpose="full", return_url=RETURN)
    order.refresh_from_db()
    assert lifecycle.expire_order(order_id=order.pk, now=order.pay_by + timedelta(seconds=1))
    order.refresh_from_db()
    payment.refresh_from_db()
    assert (order.status, payment.status) == ("cancelled", "expired")
    return order, payment


def _replayed_capture(payment: Payment, event_id: str):
    """The same capture delivered again under another event id (Razorpay sends
    `payment.captured` and `order.paid` for one payment; gateways retry deliveries)."""
    body = testgateway_events.event_body(
        event_id=event_id,
        event_type="payment.captured",
        session_id=payment.gateway_order_id,
        payment_id=f"testpay_{payment.gateway_order_id.removeprefix('test_')}",
        amount=payment.amount,
        currency=payment.currency,
    )
    event, _ = store_event(
        gateway="test",
        event_id=event_id,
        event_type="payment.captured",
        headers={testgateway_events.SIGNATURE_HEADER: crypto.sign_test_event(body)},
        body=body,
    )
    return event


def _events(event_type: str) -> list[dict]:
    return list(OutboxEvent.objects.filter(event_type=event_type).values_list("payload", flat=True))


def test_a_late_capture_is_refunded_once_through_its_gateway_even_when_replayed(
    warehouse, run, staff_client
):
    variant = make_variant(price="1299.00", stock=5)
    order, payment = _expired_order(variant)

    first = run(lambda: payment_event(payment=payment, succeed=True))
    # the same delivery again, the same capture under other event ids, the refund's webhook
    run(lambda: process_webhook_event.call(first.pk))
    run(lambda: _replayed_capture(payment, "testevt_replay_1"))
    run(lambda: _replayed_capture(payment, "testevt_replay_2"))

    order.refresh_from_db()
    assert order.status == "cancelled"  # the setting is off: never revived
    assert (order.amount_paid, order.amount_refunded, order.payment_status) == (
        129900,
        129900,
        "refunded",
    )
    refund = Refund.objects.get(order=order)
    assert (refund.status, refund.amount, refund.payment_id) == ("processed", 129900, payment.pk)
    assert refund.idempotency_key == f"late-payment-{payment.pk}"
    assert refund.gateway_refund_id == f"testrfnd_{refund.pk}"
    kinds = list(
        PaymentTransaction.objects.filter(order=order).values_list("kind", flat=True).order_by("id")
    )
    assert kinds == ["capture", "refund"]
    late = LatePayment.objects.get(order=order)
    assert (late.outcome, late.refund_id, late.attempts) == ("refund", refund.pk, 1)
    [message] = _events("payment.late_refunded")
    assert message["number"] == order.number and message["amount"] == 129900
    assert message["gateway"] == "test" and message["email"] == order.email
    assert message["why"] == "arrived after the order was cancelled"
    assert len(_events("order.paid_while_closed")) == 1

    page = staff_client().get(reverse("orders:order_detail", args=[order.number]))
    html = page.content.decode()
    assert (
        "Payment of ₹1,299.00 arrived after the order was cancelled; refunded automatically."
        in html
    )
    # settled: nothing left for staff
    listing = staff_client().get(reverse("payments:late_payments")).content.decode()
    assert order.number not in listing and "Nothing needs you" in listing


def test_an_unsent_refund_is_listed_with_its_reason_and_staff_can_retry_it(
    warehouse, run, staff_client, settings, django_capture_on_commit_callbacks
):
    variant = make_variant(price="1299.00", stock=5)
    order, payment = _expired_order(variant)
    with django_capture_on_commit_callbacks(execute=True):
        payment_event(payment=payment, succeed=True)
    [row] = DBTaskResult.objects.filter(task_path=process_webhook_event.module_path)
    row.delete()
    with django_capture_on_commit_callbacks(execute=True):
        process_webhook_event.call(*row.args_kwargs["args"])
    settings.HAAT_TEST_GATEWAY_ENABLED = False  # the refund task finds the gateway off
    run()
    late = LatePayment.objects.select_related("refund").get(order=order)
    assert late.refund.status == "pending" and "switched off" in late.refund.failure_reason

    owner = staff_client()
    listing = owner.get(reverse("payments:late_payments"))
    html = listing.content.decode()
    assert order.number in html and "Refund not sent yet" in html
    assert "the automatic refund has not reached the test gateway yet" in html
    assert "Retry refund" in html
    nav = owner.get(reverse("orders:order_list")).content.decode()
    assert "1 late payment needs attention" in nav

    settings.HAAT_TEST_GATEWAY_ENABLED = True
    reply = run(
        lambda: owner.post(reverse("payments:late_payment_retry", args=[late.pk]), follow=True)
    )
    assert "Refund of ₹1,299.00 processed." in reply.content.decode()
    late.refresh_from_db()
    assert late.refund.status == "processed" and late.attempts == 1
    assert Refund.objects.filter(order=order).count() == 1
    assert len(_events("payment.late_refunded")) == 1
    assert "Nothing needs you" in owner.get(reverse("payments:late_payments")).content.decode()
    # nothing to retry any more: a clear refusal, nothing changed
    again = owner.post(reverse("payments:late_payment_retry", args=[late.pk]), follow=True)
    assert "nothing to retry" in again.content.decode()
    assert Refund.objects.filter(order=order).count() == 1


def test_a_refused_refund_is_retried_by_staff_as_a_new_refund(warehouse, run, staff_client):
    variant = make_variant(price="1299.00", stock=5)
    order, payment = _expired_order(variant)
    run(lambda: payment_event(payment=payment, succeed=True))
    late = LatePayment.objects.get(order=order)
    # The gateway later reports the refund failed (e.g. the customer's account closed).
    Refund.objects.filter(pk=late.refund_id).update(
        status=Refund.Status.FAILED, failure_reason="Account closed"
    )
    PaymentTransaction.objects.filter(order=order, kind="refund").delete()
    owner = staff_client()
    html = owner.get(reverse("payments:late_payments")).content.decode()
    assert "Refund failed" in html and "the automatic refund failed (Account closed)" in html
    run(lambda: owner.post(reverse("payments:late_payment_retry", args=[late.pk])))
    late.refresh_from_db()
    assert late.attempts == 2
    assert late.refund.idempotency_key == f"late-payment-{payment.pk}-2"
    assert late.refund.status == "processed"


def test_revived_when_the_store_allows_and_every_line_is_in_stock(warehouse, run, staff_client):
    config.update_settings(data={"revive_late_paid_orders": True})
    variant = make_variant(price="1299.00", stock=3)
    order, payment = _expired_order(variant, quantity=2, unit_amount=129900)
    assert StockLevel.objects.get(variant=variant).reserved == 0  # the hold went back

    run(lambda: payment_event(payment=payment, succeed=True))
    run(lambda: _replayed_capture(payment, "testevt_replay_1"))

    order.refresh_from_db()
    assert (order.status, order.payment_status, order.cancel_reason) == ("confirmed", "paid", "")
    level = StockLevel.objects.get(variant=variant)
    assert (level.on_hand, level.reserved) == (1, 0)  # two units sold to the order
    assert StockMovement.objects.filter(reference=order.number, reason="sale").count() == 1
    assert not Refund.objects.filter(order=order).exists()
    last = order.transitions.order_by("-id").first()
    assert (last.from_status, last.to_status) == ("cancelled", "confirmed")
    assert last.note == (
        "Payment of ₹2,598.00 arrived after the order was cancelled; revived because every "
        "item was still in stock"
    )
    assert len(_events("order.revived")) == 1 and len(_events("order.confirmed")) == 1
    assert _events("payment.late_refunded") == []

    owner = staff_client()
    html = owner.get(reverse("payments:late_payments")).content.decode()
    assert order.number in html and "Order revived" in html
    late = LatePayment.objects.get(order=order)
    owner.post(reverse("payments:late_payment_handled", args=[late.pk]))
    assert "Nothing needs you" in owner.get(reverse("payments:late_payments")).content.decode()
    everything = owner.get(reverse("payments:late_payments") + "?show=all").content.decode()
    assert order.number in everything and "Handled by" in everything


def test_revival_falls_back_to_a_refund_when_the_stock_is_gone(warehouse, run):
    config.update_settings(data={"revive_late_paid_orders": True})
    variant = make_variant(price="1299.00", stock=2)
    order = make_order(
        variant, quantity=2, unit_amount=129900, pay_by=timezone.now() + timedelta(minutes=15)
    )
    payment, _ = start_online_payment(order=order, purpose="full", return_url=RETURN)
    order.refresh_from_db()
    lifecycle.expire_order(order_id=order.pk, now=order.pay_by + timedelta(seconds=1))
    # someone else buys the units back on sale after the cancellation
    make_order(variant, quantity=2, unit_amount=129900)

    run(lambda: payment_event(payment=payment, succeed=True))

    order.refresh_from_db()
    assert order.status == "cancelled" and order.payment_status == "refunded"
    late = LatePayment.objects.get(order=order)
    assert late.outcome == "refund"
    assert late.why == "arrived after the order was cancelled; its stock had sold out meanwhile"
    assert late.refund.status == "processed" and late.refund.amount == 259800
    assert StockLevel.objects.get(variant=variant).reserved == 2  # the other order's hold only
    assert _events("order.revived") == []
    [message] = _events("payment.late_refunded")
    assert message["amount"] == 259800


def test_an_order_staff_cancelled_is_never_revived(warehouse, run):
    config.update_settings(data={"revive_late_paid_orders": True})
    variant = make_variant(price="1299.00", stock=5)
    order = make_order(variant, unit_amount=129900)
    payment, _ = start_online_payment(order=order, purpose="full", return_url=RETURN)
    lifecycle.cancel(order=order, note="Customer asked to cancel")

    run(lambda: payment_event(payment=payment, succeed=True))

    order.refresh_from_db()
    assert order.status == "cancelled" and order.payment_status == "refunded"
    assert LatePayment.objects.get(order=order).outcome == "refund"


def test_the_revival_setting_is_part_of_the_payment_settings_api(admin_api):
    api = admin_api("owner")
    assert api.get("/api/v1/admin/payments/settings").json()["revive_late_paid_orders"] is False
    reply = api.patch("/api/v1/admin/payments/settings", {"revive_late_paid_orders": True})
    assert reply.status_code == 200 and reply.json()["revive_late_paid_orders"] is True
    assert config.get_settings().revive_late_paid_orders is True
    other = api.patch("/api/v1/admin/payments/settings", {"cod_enabled": True})
    assert other.json()["revive_late_paid_orders"] is True  # untouched when not sent


def test_the_payment_settings_page_turns_the_revival_setting_on(staff_client):
    owner = staff_client()
    page = owner.get(reverse("payments:payment_settings")).content.decode()
    assert 'name="revive_late_paid_orders"' in page and "Payments that arrive late" in page
    form = {
        "prepaid_enabled": "on",
        "cod_enabled": "on",
        "test_gateway_enabled": "on",
        "revive_late_paid_orders": "on",
        "partial_cod_percent": "10",
        "reserve_window_hours": "48",
    }
    owner.post(reverse("payments:payment_settings"), form)
    assert config.get_settings().revive_late_paid_orders is True


def test_a_second_payment_for_an_order_already_paid_is_refunded(warehouse, run):
    variant = make_variant(price="1299.00", stock=5)
    order = make_order(variant, unit_amount=129900, pay_by=timezone.now() + timedelta(minutes=15))
    first, _ = start_online_payment(order=order, purpose="full", return_url=RETURN)
    second, _ = start_online_payment(order=order, purpose="full", return_url=RETURN)  # 2nd tab

    run(lambda: payment_event(payment=first, succeed=True))
    run(lambda: payment_event(payment=second, succeed=True))

    order.refresh_from_db()
    assert (order.status, order.amount_paid, order.amount_refunded) == (
        "confirmed",
        259800,
        129900,
    )
    assert order.payment_status == "paid"  # net of the refunded duplicate
    late = LatePayment.objects.get(order=order)
    assert late.payment_id == second.pk and late.why == "arrived after the order was already paid"
    assert late.refund.status == "processed" and late.refund.payment_id == second.pk


def test_the_late_payments_list_reads_a_constant_number_of_queries(warehouse, run, staff_client):
    owner = staff_client()
    url = reverse("payments:late_payments") + "?show=all"

    def late_paid() -> None:
        _, payment = _expired_order(make_variant(price="499.00", stock=2), unit_amount=49900)
        run(lambda: payment_event(payment=payment, succeed=True))

    late_paid()
    owner.get(url)  # warm the session, the badge cache and the settings stamp
    with CaptureQueriesContext(connection) as few:
        assert owner.get(url).status_code == 200
    late_paid()
    late_paid()
    with CaptureQueriesContext(connection) as many:
        html = owner.get(url).content.decode()
    assert html.count('data-testid="late-payment"') == 3
    assert len(many) == len(few) <= 8, [q["sql"] for q in many.captured_queries]


def test_the_admin_api_lists_retries_and_marks_late_payments(
    warehouse, run, admin_api, settings, django_capture_on_commit_callbacks
):
    order, payment = _expired_order(make_variant(price="1299.00", stock=5))
    with django_capture_on_commit_callbacks(execute=True):
        event = payment_event(payment=payment, succeed=True)
    DBTaskResult.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        process_webhook_event.call(event.pk)
    settings.HAAT_TEST_GATEWAY_ENABLED = False  # the refund cannot reach the gateway
    run()
    settings.HAAT_TEST_GATEWAY_ENABLED = True
    api = admin_api("owner")
    base = "/api/v1/admin/payments/late-payments"

    listed = api.get(base).json()
    assert listed["count"] == 1
    [item] = listed["items"]
    assert item["order"] == order.number and item["amount"]["formatted"] == "₹1,299.00"
    assert (item["outcome"], item["state"], item["attempts"]) == ("refund", "refund_unsent", 1)
    assert item["refund"]["status"] == "pending" and item["handled_at"] is None
    assert api.get(base, {"show": "nope"}).status_code == 422
    assert admin_api("support").post(f"{base}/{item['id']}/retry").status_code == 403

    retried = run(lambda: api.post(f"{base}/{item['id']}/retry"))
    assert retried.status_code == 200 and retried.json()["status"] == "processed"
    again = api.post(f"{base}/{item['id']}/retry")
    assert again.status_code == 409 and again.json()["error"]["code"] == "nothing_to_retry"
    assert api.get(base).json()["count"] == 0
    assert api.get(base, {"show": "all"}).json()["items"][0]["state"] == "refunded"

    body = api.get(f"/api/v1/admin/orders/{order.number}").json()
    assert body["money_notices"] == [
        "Payment of ₹1,299.00 arrived after the order was cancelled; refunded automatically."
    ]

    handled = api.post(f"{base}/{item['id']}/handled")
    assert handled.status_code == 200 and handled.json()["handled_at"] is not None
    missing = api.post(f"{base}/999999/handled")
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "late_payment_not_found"


def test_a_payment_after_a_failed_attempt_is_refunded_when_the_stock_is_gone(warehouse, run):
    variant = make_variant(price="1299.00", stock=1)
    order = make_order(variant, unit_amount=129900, pay_by=timezone.now() + timedelta(minutes=15))
    failed, _ = start_online_payment(order=order, purpose="full", return_url=RETURN)
    slow, _ = start_online_payment(order=order, purpose="full", return_url=RETURN)  # 2nd tab
    run(lambda: payment_event(payment=failed, succeed=False))
    order.refresh_from_db()
    assert order.status == "payment_failed"  # its unit is back on sale...
    make_order(variant, unit_amount=129900)  # ...and someone else takes it

    run(lambda: payment_event(payment=slow, succeed=True))

    order.refresh_from_db()
    assert (order.status, order.payment_status) == ("payment_failed", "refunded")
    late = LatePayment.objects.get(order=order)
    assert late.why == "arrived after a failed attempt, when the stock was gone"
    assert late.refund.status == "processed" and late.refund.payment_id == slow.pk
