"""GST at checkout: the cart and its payment options show it, the order and its lines store
it (CGST + SGST within the store's state, IGST across states), prices including it by
default or with it added on top, rounded at invoice level, and none on exports."""

from __future__ import annotations

import pytest

from haat.catalog.taxonomy import create_category
from haat.core.store import update_store
from haat.orders.models import Order
from haat.tax import services as tax
from tests.checkout.helpers import ADDRESS, checkout_body, make_variant, new_cart

pytestmark = pytest.mark.django_db
KARNATAKA = ADDRESS  # the helpers' address is in Karnataka
MAHARASHTRA = {**ADDRESS, "city": "Pune", "state": "Maharashtra", "postal_code": "411001"}


@pytest.fixture(autouse=True)
def _store_in_maharashtra(db):
    update_store(
        data={"name": "Kesari Lane", "country": "IN", "state": "Maharashtra",
              "gstin": "27AAPFU0939F1ZV", "time_zone": "Asia/Kolkata"}
    )  # fmt: skip


@pytest.fixture
def kurta_and_mug(db):
    """A kurta at ₹1,050.00 in Apparel (5 %), a mug at ₹590.00 at the default (18 %)."""
    apparel = create_category(name="Apparel")
    tax.set_category_rate(category_id=apparel.id, rate=5)
    kurta = make_variant(price="1050.00", stock=10, category_ids=[apparel.id])
    mug = make_variant(price="590.00", stock=10, title="Clay mug")
    return kurta, mug


def _cart(api, lines, currency=None) -> str:
    token = new_cart(api, currency)
    for variant, quantity in lines:
        r = api.post(
            f"/api/v1/store/carts/{token}/lines", {"variant_id": variant.pk, "quantity": quantity}
        )
        assert r.status_code == 201, r.content
    return token


def _amount(body, *path):
    for key in path:
        body = body[key]
    return body["amount"]


def test_inter_state_checkout_stores_igst_per_line(store_api, kurta_and_mug):
    kurta, mug = kurta_and_mug
    token = _cart(store_api, [(kurta, 2), (mug, 1)])
    cart = store_api.get(f"/api/v1/store/carts/{token}").json()
    # Before an address the store's own state applies: CGST + SGST, included in the total.
    assert cart["tax"]["treatment"] == "intra_state" and cart["tax"]["prices_include_tax"]
    assert _amount(cart, "tax", "amount") == 10000 + 9000
    assert _amount(cart, "total") == _amount(cart, "subtotal") == 269000
    options = store_api.get(
        f"/api/v1/store/carts/{token}/payment-options", {"state": "KA", "country": "IN"}
    ).json()
    assert options["tax"]["treatment"] == "inter_state"
    assert _amount(options, "tax", "igst") == 19000

    reply = store_api.post(f"/api/v1/store/carts/{token}/checkout", checkout_body())
    assert reply.status_code == 201, reply.content
    body = reply.json()
    assert body["tax"]["treatment"] == "inter_state"
    assert body["tax"]["place_of_supply"] == "Karnataka"
    assert [(_amount(x, "tax", "taxable"), _amount(x, "tax", "igst")) for x in body["lines"]] == [
        (200000, 10000),
        (50000, 9000),
    ]
    assert [x["tax"]["rate"] for x in body["lines"]] == [5, 18]
    order = Order.objects.get(token=body["token"])
    assert (order.tax_amount, order.tax_added_amount, order.total_amount) == (19000, 0, 269000)
    lines = list(order.lines.all())
    assert [(x.taxable_amount, x.igst_amount, x.cgst_amount) for x in lines] == [
        (200000, 10000, 0),
        (50000, 9000, 0),
    ]
    assert all(x.taxable_amount + x.tax_amount == x.line_amount for x in lines)


def test_intra_state_checkout_splits_cgst_and_sgst(store_api, kurta_and_mug):
    kurta, _ = kurta_and_mug
    token = _cart(store_api, [(kurta, 1)])
    body = store_api.post(
        f"/api/v1/store/carts/{token}/checkout", checkout_body(shipping_address=MAHARASHTRA)
    ).json()
    assert body["tax"]["treatment"] == "intra_state"
    (line,) = Order.objects.get(token=body["token"]).lines.all()
    assert (line.taxable_amount, line.cgst_amount, line.sgst_amount, line.igst_amount) == (
        100000,
        2500,
        2500,
        0,
    )


def test_exclusive_prices_add_gst_to_what_is_paid(store_api, kurta_and_mug):
    kurta, mug = kurta_and_mug
    tax.update_tax_settings(prices_include_tax=False, default_rate=18)
    token = _cart(store_api, [(kurta, 2), (mug, 1)])
    cart = store_api.get(f"/api/v1/store/carts/{token}").json()
    # ₹2,100.00 at 5 % and ₹590.00 at 18 %: ₹105.00 + ₹106.20 added.
    assert _amount(cart, "tax", "added") == 10500 + 10620
    assert _amount(cart, "total") == 269000 + 21120
    options = store_api.get(
        f"/api/v1/store/carts/{token}/payment-options", {"state": "KA", "country": "IN"}
    ).json()
    cod = next(o for o in options["options"] if o["type"] == "cod")
    assert cod["pay_on_delivery"]["amount"] + cod["pay_now"]["amount"] == (
        269000 + 21120 + cod["fee"]["amount"]
    )
    body = store_api.post(f"/api/v1/store/carts/{token}/checkout", checkout_body()).json()
    order = Order.objects.get(token=body["token"])
    assert order.subtotal_amount == 269000 and order.tax_added_amount == order.tax_amount == 21120
    assert order.total_amount == 269000 + 21120 + order.cod_fee_amount
    assert order.amount_due_on_delivery + order.amount_due_online == order.total_amount
    assert [x.taxable_amount for x in order.lines.all()] == [210000, 59000]


def test_invoice_level_rounding_keeps_lines_and_order_in_agreement(store_api):
    # Three ₹1.00 items at 18 % inclusive: 15.25 paise of IGST each, 45.76 in all -> ₹0.46.
    variants = [make_variant(price="1.00", stock=5) for _ in range(3)]
    token = _cart(store_api, [(v, 1) for v in variants])
    body = store_api.post(f"/api/v1/store/carts/{token}/checkout", checkout_body()).json()
    order = Order.objects.get(token=body["token"])
    lines = list(order.lines.all())
    assert order.tax_amount == 46 == sum(x.igst_amount for x in lines)
    assert sorted(x.igst_amount for x in lines) == [15, 15, 16]
    assert sum(x.taxable_amount for x in lines) + order.tax_amount == order.subtotal_amount


def test_orders_in_other_currencies_and_abroad_are_exports(store_api, currencies):
    currencies("USD")
    shirt = make_variant(price="999.00", currency_prices={"USD": "25.00"}, stock=5)
    token = _cart(store_api, [(shirt, 1)], currency="USD")
    cart = store_api.get(f"/api/v1/store/carts/{token}").json()
    assert cart["tax"]["treatment"] == "export" and "no GST" in cart["tax"]["note"]
    body = store_api.post(
        f"/api/v1/store/carts/{token}/checkout", checkout_body(payment_type="prepaid")
    ).json()
    order = Order.objects.get(token=body["token"])
    assert (order.tax_treatment, order.tax_amount) == ("export", 0)
    assert order.lines.get().taxable_amount == 2500
    # INR, delivered to Singapore: also an export.
    token = _cart(store_api, [(shirt, 1)])
    options = store_api.get(
        f"/api/v1/store/carts/{token}/payment-options", {"state": "", "country": "SG"}
    ).json()
    assert options["tax"]["treatment"] == "export" and _amount(options, "tax", "amount") == 0


def test_buy_now_charges_gst_too(store_api, kurta_and_mug):
    kurta, _ = kurta_and_mug
    reply = store_api.post(
        "/api/v1/store/checkout",
        checkout_body(lines=[{"variant_id": kurta.pk, "quantity": 1}]),
    )
    assert reply.status_code == 201, reply.content
    assert _amount(reply.json(), "tax", "igst") == 5000
    assert Order.objects.get(token=reply.json()["token"]).tax_treatment == "inter_state"


def test_order_page_shows_the_gst_in_words(store_api, staff_client, kurta_and_mug):
    kurta, mug = kurta_and_mug
    token = _cart(store_api, [(kurta, 2), (mug, 1)])
    number = store_api.post(f"/api/v1/store/carts/{token}/checkout", checkout_body()).json()[
        "number"
    ]
    page = staff_client("owner").get(f"/dashboard/orders/{number}/").content.decode()
    assert "5 % GST" in page and "18 % GST" in page
    assert "Includes IGST (delivery to Karnataka)" in page and "₹190.00" in page
