"""Order state machine, cancellation and stock, the admin API and the dashboard pages."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from haat.catalog.models import Variant
from haat.core.errors import Conflict
from haat.core.models import AuditLogEntry
from haat.customers.services import match_or_create_customer
from haat.inventory.models import Location, StockHold, StockMovement
from haat.orders import lifecycle, services
from haat.orders.models import Order, OrderTransition, pk_from_number
from haat.orders.selectors import order_stock
from haat.orders.state import TRANSITIONS, can_transition
from tests.checkout.helpers import (
    ADDRESS,
    available,
    checkout_body,
    fill_cart,
    ledger_sum,
    make_variant,
    on_hand,
)

pytestmark = pytest.mark.django_db


def place_cod(store_api, variant, quantity=1, **body) -> dict:
    token = fill_cart(store_api, variant, quantity)
    r = store_api.post(f"/api/v1/store/carts/{token}/checkout", checkout_body(**body))
    assert r.status_code == 201, r.content
    return r.json()


def pending_order(variant, quantity: int) -> Order:
    """An order waiting for payment (the payments issue will create these)."""
    customer = match_or_create_customer(email="a@example.in", phone="9845012345")
    return services.create_order(
        customer=customer,
        currency="INR",
        email=customer.email,
        phone=customer.phone,
        name="A",
        shipping_address=ADDRESS,
        billing_address=ADDRESS,
        payment_type="cod",
        status="pending_payment",
        lines=[services.LineInput(variant.pk, variant.sku, "Kurta", {}, quantity, 1000)],
    )


def test_transitions_table():
    assert can_transition("pending_payment", "confirmed")
    assert can_transition("confirmed", "cancelled")
    assert can_transition("cancelled", "confirmed")  # only a late payment revives one
    assert not can_transition("cancelled", "pending_payment")
    assert not can_transition("confirmed", "pending_payment")
    assert TRANSITIONS["cancelled"] == frozenset({"confirmed"})


def test_order_numbers_are_short_and_map_back():
    assert pk_from_number("HT-10042") == 42 and pk_from_number("10042") == 42
    assert pk_from_number("HT-42") is None and pk_from_number("abc") is None


def test_cancel_confirmed_cod_order_puts_units_back(store_api, warehouse, owner):
    v = make_variant(stock=5)
    body = place_cod(store_api, v, 2)
    assert on_hand(v) == 3
    order = Order.objects.get(token=body["token"])
    lifecycle.cancel(order=order, note="customer changed mind")
    order.refresh_from_db()
    assert order.status == "cancelled"
    assert on_hand(v) == available(v) == ledger_sum(v) == 5
    restock = StockMovement.objects.get(variant=v, reason="cancellation")
    assert restock.quantity == 2 and order.number in restock.note
    assert restock.reference == order.number
    stock = order_stock(order)
    assert [m.quantity for m in stock.sales] == [-2] and stock.restocks == [restock]
    shown = store_api.get(f"/api/v1/store/orders/{order.token}").json()["amounts"]
    assert shown["balance"]["amount"] == 0  # a cancelled order owes nothing, in the API too
    t = OrderTransition.objects.get(order=order)
    assert (t.from_status, t.to_status, t.note) == (
        "confirmed",
        "cancelled",
        "customer changed mind",
    )
    assert AuditLogEntry.objects.filter(action="order.cancel", object_id=str(order.pk)).exists()
    # Cancelling again is an illegal transition and changes nothing.
    with pytest.raises(Conflict) as exc:
        lifecycle.cancel(order=order)
    assert exc.value.code == "illegal_transition"
    assert on_hand(v) == 5 and OrderTransition.objects.filter(order=order).count() == 1


def test_cancel_puts_units_back_after_the_variant_and_location_were_switched_off(
    store_api, warehouse, owner
):
    """Staff retire a variant and close the warehouse; a confirmed order of it is still
    cancellable, and its units go back where they were sold from."""
    v = make_variant(stock=5)
    order = Order.objects.get(token=place_cod(store_api, v, 2)["token"])
    Variant.objects.filter(pk=v.pk).update(is_active=False)
    Location.objects.filter(pk=warehouse.pk).update(is_active=False)
    lifecycle.cancel(order=order, note="out of business")
    assert on_hand(v) == ledger_sum(v) == 5
    restock = StockMovement.objects.get(variant=v, reason="cancellation")
    assert (restock.location_id, restock.quantity, restock.reference) == (
        warehouse.pk,
        2,
        order.number,
    )
    assert AuditLogEntry.objects.filter(
        action="stock.cancellation", object_id=str(order.pk)
    ).exists()


def test_pending_order_holds_stock_and_cancel_releases_it(warehouse):
    v = make_variant(stock=5)
    order = pending_order(v, 3)
    assert available(v) == 2 and on_hand(v) == 5
    assert StockHold.objects.get(status="active").owner_id == str(order.pk)
    lifecycle.cancel(order=order, note="")
    assert available(v) == on_hand(v) == 5
    assert StockHold.objects.get().status == "released"


def test_admin_list_filters_search_and_constant_queries(store_api, admin_api, warehouse):
    v = make_variant(stock=50)
    first = place_cod(store_api, v, 1, email="ravi@example.in", phone="9123456780")
    for i in range(4):
        place_cod(store_api, v, 2, email=f"b{i}@example.in", phone=f"98450{i:05d}")
    api = admin_api("support")
    r = api.get("/api/v1/admin/orders")
    assert r.status_code == 200
    data = r.json()
    assert data["count"] == 5 and data["items"][0]["item_count"] == 2
    assert data["items"][-1]["number"] == first["number"]
    assert data["items"][-1]["total"]["formatted"] == "₹999.00"
    assert api.get("/api/v1/admin/orders", {"q": "ravi"}).json()["count"] == 1
    assert api.get("/api/v1/admin/orders", {"q": first["number"]}).json()["count"] == 1
    assert api.get("/api/v1/admin/orders", {"q": "9123456780"}).json()["count"] == 1
    assert api.get("/api/v1/admin/orders", {"status": "cancelled"}).json()["count"] == 0
    assert api.get("/api/v1/admin/orders", {"status": "nope"}).status_code == 422
    with CaptureQueriesContext(connection) as few:
        api.get("/api/v1/admin/orders", {"page_size": 1})
    with CaptureQueriesContext(connection) as many:
        api.get("/api/v1/admin/orders", {"page_size": 100})
    assert len(few) == len(many)


def test_admin_detail_and_cancel_with_roles(store_api, admin_api, warehouse):
    v = make_variant(stock=5)
    number = place_cod(store_api, v, 1)["number"]
    detail = admin_api("support").get(f"/api/v1/admin/orders/{number}")
    assert detail.status_code == 200
    assert detail.json()["movements"][0]["reason"] == "sale"
    assert admin_api("marketing").get(f"/api/v1/admin/orders/{number}").status_code == 403
    r = admin_api("support").post(f"/api/v1/admin/orders/{number}/cancel", {"note": "x"})
    assert r.status_code == 403 and on_hand(v) == 4
    r = admin_api("fulfilment").post(f"/api/v1/admin/orders/{number}/cancel", {"note": "dup"})
    assert r.status_code == 200 and r.json()["status"] == "cancelled"
    assert on_hand(v) == 5
    r = admin_api("owner").post(f"/api/v1/admin/orders/{number}/cancel", {})
    assert r.status_code == 409 and r.json()["error"]["code"] == "illegal_transition"
    assert admin_api("owner").get("/api/v1/admin/orders/HT-99999").status_code == 404


def test_dashboard_list_detail_and_cancel(store_api, staff_client, warehouse):
    v = make_variant(stock=5)
    number = place_cod(store_api, v, 2)["number"]
    support = staff_client("support")
    page = support.get("/dashboard/orders/")
    assert page.status_code == 200
    html = page.content.decode()
    assert number in html and "badge-success" in html and "₹1,998.00" in html
    assert ">1 line</td>" in html  # counted in SQL: one line of 2 units
    assert number not in support.get("/dashboard/orders/?status=cancelled").content.decode()
    detail = support.get(f"/dashboard/orders/{number}/").content.decode()
    assert "Sale" in detail and "Meera Iyer" in detail and "cancel-order" not in detail
    assert support.post(f"/dashboard/orders/{number}/cancel/", {"note": "x"}).status_code == 403
    assert staff_client("marketing").get("/dashboard/orders/").status_code == 403
    manager = staff_client("manager")
    assert "cancel-order" in manager.get(f"/dashboard/orders/{number}/").content.decode()
    r = manager.post(f"/dashboard/orders/{number}/cancel/", {"note": "Out of area"}, follow=True)
    html = r.content.decode()
    assert "cancelled" in html and "Out of area" in html and "Restock" in html
    assert on_hand(v) == 5
    r = manager.post(f"/dashboard/orders/{number}/cancel/", {"note": ""}, follow=True)
    assert "cannot become cancelled" in r.content.decode()
    assert manager.get("/dashboard/orders/HT-99999/").status_code == 404


def test_cancelling_asks_first_and_says_what_happens(store_api, staff_client, warehouse):
    """The order page links to a confirmation step naming the consequences; only its form
    cancels. Afterwards the cancelled COD order shows nothing due, and its units came back
    with the ledger reason "cancellation"."""
    v = make_variant(stock=5)
    number = place_cod(store_api, v, 2)["number"]
    manager = staff_client("manager")
    page = manager.get(f"/dashboard/orders/{number}/cancel/")
    assert page.status_code == 200
    html = page.content.decode()
    assert f"2 × <code>{v.sku}</code> go back on sale at" in html
    assert "Nothing was paid, so there is nothing to refund." in html
    assert "is no longer asked for: nothing is collected on delivery" in html
    assert Order.objects.get(pk=pk_from_number(number)).status == "confirmed"
    assert on_hand(v) == 3  # looking changes nothing
    too_long = manager.post(f"/dashboard/orders/{number}/cancel/", {"note": "x" * 501})
    assert too_long.status_code == 422 and on_hand(v) == 3
    manager.post(f"/dashboard/orders/{number}/cancel/", {"note": "Customer asked"})
    assert on_hand(v) == 5
    assert StockMovement.objects.filter(variant=v, reason="cancellation").count() == 1
    detail = manager.get(f"/dashboard/orders/{number}/")
    assert detail.context["balance"] == 0
    html = detail.content.decode()
    assert 'data-testid="amount-due">Nothing<' in html and "Due on delivery" not in html
    assert "Order cancelled" in html  # the restock's reason, in words
    assert "Moved from confirmed to cancelled" in html  # statuses in words
    again = manager.get(f"/dashboard/orders/{number}/cancel/", follow=True)
    assert "it cannot be cancelled" in again.content.decode()
