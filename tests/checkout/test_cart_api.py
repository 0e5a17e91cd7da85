"""Storefront cart API: lines, currency, prices, availability and every bad input."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from haat.accounts.api_keys import revoke_api_key
from haat.accounts.models import ApiKey
from haat.catalog import services as catalog
from haat.catalog.pricing import PriceInput, set_variant_prices
from haat.checkout.models import Cart, CartLine
from haat.core.money import Money
from tests.checkout.helpers import fill_cart, make_variant, new_cart

pytestmark = pytest.mark.django_db
BASE = "/api/v1/store/carts"


def lines_state(token: str) -> list[tuple[int, int, int]]:
    return list(
        CartLine.objects.filter(cart__token=token)
        .order_by("id")
        .values_list("variant_id", "quantity", "unit_amount")
    )


def test_create_cart_defaults_to_store_currency_and_token_is_unguessable(store_api):
    r = store_api.post(BASE, {})
    assert r.status_code == 201
    body = r.json()
    assert body["currency"] == "INR"
    assert len(body["token"]) >= 32
    assert body["lines"] == [] and body["total"]["amount"] == 0
    assert store_api.post(BASE, {}).json()["token"] != body["token"]


def test_lines_prices_totals_and_availability(store_api, warehouse):
    v = make_variant(price="1299.50", stock=3)
    token = fill_cart(store_api, v, 2)
    body = store_api.get(f"{BASE}/{token}").json()
    (line,) = body["lines"]
    assert line["sku"] == v.sku and line["quantity"] == 2
    assert line["unit_price"] == {"amount": 129950, "currency": "INR", "formatted": "₹1,299.50"}
    assert line["line_total"]["amount"] == 259900
    assert line["availability"]["status"] == "low_stock"
    assert line["availability"]["available"] == 3 and line["availability"]["enough"] is True
    assert body["subtotal"]["amount"] == body["total"]["amount"] == 259900
    assert body["total"]["formatted"] == "₹2,599.00"


def test_adding_same_variant_increases_quantity(store_api, warehouse):
    v = make_variant(stock=10)
    token = fill_cart(store_api, v, 2)
    r = store_api.post(f"{BASE}/{token}/lines", {"variant_id": v.pk, "quantity": 3})
    assert r.status_code == 201
    assert [line["quantity"] for line in r.json()["lines"]] == [5]


def test_update_and_remove_line(store_api, warehouse):
    v, w = make_variant(stock=5), make_variant(stock=5)
    token = fill_cart(store_api, v, 1)
    store_api.post(f"{BASE}/{token}/lines", {"variant_id": w.pk, "quantity": 1})
    line_id = CartLine.objects.get(cart__token=token, variant=v).pk
    r = store_api.patch(f"{BASE}/{token}/lines/{line_id}", {"quantity": 4})
    assert r.status_code == 200
    assert {ln["sku"]: ln["quantity"] for ln in r.json()["lines"]} == {v.sku: 4, w.sku: 1}
    r = store_api.delete(f"{BASE}/{token}/lines/{line_id}")
    assert r.status_code == 200
    assert [ln["sku"] for ln in r.json()["lines"]] == [w.sku]


def test_switching_currency_reprices_lines(store_api, currencies, warehouse):
    currencies("USD")
    v = make_variant(price="999.00", currency_prices={"USD": "14.99"}, stock=2)
    token = fill_cart(store_api, v, 2)
    r = store_api.patch(f"{BASE}/{token}", {"currency": "usd"})
    assert r.status_code == 200
    body = r.json()
    assert body["currency"] == "USD"
    assert body["total"] == {"amount": 2998, "currency": "USD", "formatted": "$29.98"}
    assert lines_state(token) == [(v.pk, 2, 1499)]


def test_currency_without_price_for_a_line_changes_nothing(store_api, currencies, warehouse):
    currencies("EUR")
    v = make_variant(stock=2)
    token = fill_cart(store_api, v, 1)
    r = store_api.patch(f"{BASE}/{token}", {"currency": "EUR"})
    assert r.status_code == 422
    assert r.json()["error"]["code"] == "no_price_in_currency"
    assert r.json()["error"]["details"]["skus"] == [v.sku]
    assert Cart.objects.get(token=token).currency_id == "INR"


@pytest.mark.parametrize(
    ("code", "error"), [("EUR", "currency_disabled"), ("XYZ", "unknown_currency")]
)
def test_disabled_or_unknown_currency_is_refused(store_api, code, error):
    r = store_api.post(BASE, {"currency": code})
    assert r.status_code == 422
    assert r.json()["error"]["code"] == error
    assert r.json()["error"]["details"]["field"] == "currency"
    assert Cart.objects.count() == 0


def test_variant_without_price_in_cart_currency_cannot_be_added(store_api, currencies, warehouse):
    currencies("USD")
    v = make_variant(stock=2)
    token = new_cart(store_api, "USD")
    r = store_api.post(f"{BASE}/{token}/lines", {"variant_id": v.pk, "quantity": 1})
    assert r.status_code == 422
    assert r.json()["error"]["code"] == "no_price_in_currency"
    assert lines_state(token) == []


@pytest.mark.parametrize("quantity", [0, -1, 1.5, "2", True, 1001, 10**12, None])
def test_bad_quantities_change_nothing(store_api, warehouse, quantity):
    v = make_variant(stock=5)
    token = fill_cart(store_api, v, 1)
    line_id = CartLine.objects.get(cart__token=token).pk
    before = lines_state(token)
    r = store_api.post(f"{BASE}/{token}/lines", {"variant_id": v.pk, "quantity": quantity})
    assert r.status_code == 422, r.content
    assert "quantity" in r.content.decode()
    r = store_api.patch(f"{BASE}/{token}/lines/{line_id}", {"quantity": quantity})
    assert r.status_code == 422
    assert lines_state(token) == before


def test_quantity_total_over_limit_changes_nothing(store_api, warehouse):
    v = make_variant(stock=5)
    token = fill_cart(store_api, v, 600)
    r = store_api.post(f"{BASE}/{token}/lines", {"variant_id": v.pk, "quantity": 600})
    assert r.status_code == 422
    assert r.json()["error"]["code"] == "invalid_quantity"
    assert lines_state(token)[0][1] == 600


def test_unknown_and_inactive_variants_are_refused(store_api, warehouse):
    draft = make_variant(stock=5, status="draft")
    off = make_variant(stock=5)
    catalog.update_variant(variant=off, is_active=False)
    token = new_cart(store_api)
    for variant_id, code in [
        (999_999, "unknown_variant"),
        (draft.pk, "inactive_variant"),
        (off.pk, "inactive_variant"),
    ]:
        r = store_api.post(f"{BASE}/{token}/lines", {"variant_id": variant_id, "quantity": 1})
        assert r.status_code == 422
        assert r.json()["error"]["code"] == code
        assert r.json()["error"]["details"]["field"] == "variant_id"
    assert lines_state(token) == []


def test_unknown_token_and_foreign_line_are_404(store_api, warehouse):
    v = make_variant(stock=5)
    mine, other = fill_cart(store_api, v, 1), fill_cart(store_api, v, 1)
    assert store_api.get(f"{BASE}/nope-not-a-cart").status_code == 404
    r = store_api.post(f"{BASE}/nope/lines", {"variant_id": v.pk, "quantity": 1})
    assert r.status_code == 404 and r.json()["error"]["code"] == "cart_not_found"
    foreign_line = CartLine.objects.get(cart__token=other).pk
    r = store_api.patch(f"{BASE}/{mine}/lines/{foreign_line}", {"quantity": 3})
    assert r.status_code == 404 and r.json()["error"]["code"] == "line_not_found"
    assert store_api.delete(f"{BASE}/{mine}/lines/{foreign_line}").status_code == 404
    assert lines_state(other)[0][1] == 1


def test_expired_cart_is_404_and_unchanged(store_api, warehouse):
    v = make_variant(stock=5)
    token = fill_cart(store_api, v, 1)
    Cart.objects.filter(token=token).update(created_at=timezone.now() - timedelta(days=31))
    r = store_api.get(f"{BASE}/{token}")
    assert r.status_code == 404 and r.json()["error"]["code"] == "cart_expired"
    r = store_api.post(f"{BASE}/{token}/lines", {"variant_id": v.pk, "quantity": 1})
    assert r.status_code == 404
    assert lines_state(token)[0][1] == 1


def test_live_price_shown_and_change_flagged(store_api, warehouse):
    v = make_variant(price="500.00", stock=5)
    token = fill_cart(store_api, v, 1)
    set_variant_prices(variant=v, prices=[PriceInput(Money.from_decimal("550.00", "INR"))])
    (line,) = store_api.get(f"{BASE}/{token}").json()["lines"]
    assert line["unit_price"]["amount"] == 55000
    assert line["price_changed"] is True


def test_cart_api_needs_a_publishable_key(client):
    assert client.post(BASE, {}, content_type="application/json").status_code == 401


def test_revoked_publishable_key_stops_working_at_once(
    store_api, django_capture_on_commit_callbacks
):
    assert store_api.post("/api/v1/store/carts", {}).status_code == 201  # now cached
    key = ApiKey.objects.get(public_key=store_api.headers["X-Publishable-Key"])
    with django_capture_on_commit_callbacks(execute=True):
        revoke_api_key(key_id=key.pk)
    r = store_api.post("/api/v1/store/carts", {})
    assert r.status_code == 401
