"""The issue's "done when": on the demo data, a storefront cart checks out with cash on
delivery over the HTTP API with the printed publishable key, and stock moves."""

import pytest

from haat.catalog.models import Variant
from haat.inventory.ledger import ledger_differences
from haat.inventory.models import StockMovement
from haat.inventory.selectors import available_by_variant
from tests.conftest import JsonClient

pytestmark = pytest.mark.django_db

STORE = "/api/v1/store"
ADDRESS = {
    "name": "Neha Kulkarni",
    "line1": "3 FC Road, Shivajinagar",
    "city": "Pune",
    "state": "Maharashtra",
    "postal_code": "411005",
    "country": "IN",
}


@pytest.fixture
def shop(demo) -> JsonClient:
    result, _ = demo
    return JsonClient({"X-Publishable-Key": result.publishable_key})


def _cart(shop: JsonClient, lines: list[tuple[str, int]]) -> str:
    created = shop.post(f"{STORE}/carts", {"currency": "INR"})
    assert created.status_code == 201, created.content
    token = created.json()["token"]
    ids = dict(Variant.objects.filter(sku__in=[s for s, _ in lines]).values_list("sku", "pk"))
    for sku, quantity in lines:
        added = shop.post(f"{STORE}/carts/{token}/lines", {"variant_id": ids[sku], "quantity": 2})
        assert added.status_code == 201, added.content
        if quantity != 2:
            line = next(x for x in added.json()["lines"] if x["sku"] == sku)
            patched = shop.patch(
                f"{STORE}/carts/{token}/lines/{line['id']}", {"quantity": quantity}
            )
            assert patched.status_code == 200, patched.content
    return token


def _checkout(shop: JsonClient, token: str, key: str):
    body = {
        "email": "neha.k@example.com",
        "phone": "+919822033344",
        "shipping_address": ADDRESS,
        "payment_type": "cod",
    }
    return shop.post(f"{STORE}/carts/{token}/checkout", body, headers={"Idempotency-Key": key})


def test_cart_to_cod_checkout_over_http_moves_stock(shop):
    mug, tee = (Variant.objects.get(sku=s) for s in ("KL-MUG-028-FREE-SIZE", "KL-TEE-014-M"))
    before = available_by_variant([mug.pk, tee.pk])
    token = _cart(shop, [("KL-MUG-028-FREE-SIZE", 2), ("KL-TEE-014-M", 1)])

    options = shop.get(
        f"{STORE}/carts/{token}/payment-options",
        {"state": "MH", "country": "IN", "postal_code": "411005"},
    )
    assert options.status_code == 200, options.content
    by_type = {o["type"]: o for o in options.json()["options"]}
    assert by_type["cod"]["available"] and by_type["cod"]["fee"]["amount"] == 4900
    partial = by_type["partial_cod"]
    assert partial["available"]
    # 2 x ₹649 + ₹799 = ₹2,097: 20 % is ₹419.40, above the ₹99 minimum
    assert partial["pay_now"]["amount"] == 41940
    assert (
        partial["pay_now"]["amount"] + partial["pay_on_delivery"]["amount"]
        == (partial["total"]["amount"])
    )

    placed = _checkout(shop, token, "demo-test-1")
    assert placed.status_code == 201, placed.content
    order = placed.json()
    assert order["number"].startswith("HT-")
    assert (order["status"], order["payment_type"]) == ("confirmed", "cod")
    assert order["subtotal"]["amount"] == 2 * 64900 + 79900

    after = available_by_variant([mug.pk, tee.pk])
    assert after == {mug.pk: before[mug.pk] - 2, tee.pk: before[tee.pk] - 1}
    sold = StockMovement.objects.filter(reference=order["number"], reason="sale")
    assert sorted(m.quantity for m in sold) == [-2, -1]
    assert ledger_differences() == []

    replay = _checkout(shop, token, "demo-test-1")
    assert replay.status_code == 201 and replay["Idempotent-Replayed"] == "true"
    assert replay.json()["number"] == order["number"]
    assert available_by_variant([mug.pk, tee.pk]) == after


def test_out_of_stock_checkout_is_refused_naming_the_line(shop):
    low = Variant.objects.get(sku="KL-TEE-011-XL")
    have = available_by_variant([low.pk])[low.pk]
    token = _cart(shop, [("KL-TEE-011-XL", have + 1), ("KL-MUG-027-FREE-SIZE", 1)])
    refused = _checkout(shop, token, "demo-test-2")
    assert refused.status_code == 409, refused.content
    error = refused.json()["error"]
    assert error["code"] == "out_of_stock"
    assert error["details"]["lines"] == [
        {"variant_id": low.pk, "sku": "KL-TEE-011-XL", "requested": have + 1, "available": have}
    ]
    assert available_by_variant([low.pk])[low.pk] == have


def test_cash_on_delivery_is_offered_in_india_only(shop):
    """As a brand in India would set it: a US address in USD may not pay on delivery (it
    was accepted, with no fee), while an Indian one may."""
    kurta = Variant.objects.get(sku="KL-KUR-004-L")
    abroad = {
        "email": "sam@example.com",
        "phone": "+12025550143",
        "shipping_address": {
            "name": "Sam Lee",
            "line1": "1 Main St",
            "city": "Springfield",
            "state": "IL",
            "postal_code": "62701",
            "country": "US",
        },
        "currency": "USD",
        "lines": [{"variant_id": kurta.pk, "quantity": 1}],
    }
    sold = StockMovement.objects.filter(variant=kurta).count()
    for payment_type in ("cod", "partial_cod"):
        refused = shop.post(f"{STORE}/checkout", {**abroad, "payment_type": payment_type})
        assert refused.status_code == 422, refused.content
        assert refused.json()["error"]["code"] == "payment_type_unavailable"
    assert StockMovement.objects.filter(variant=kurta).count() == sold
    home = {
        "email": "neha.k@example.com",
        "phone": "+919822033344",
        "shipping_address": ADDRESS,
        "lines": [{"variant_id": kurta.pk, "quantity": 1}],
        "payment_type": "cod",
    }
    assert shop.post(f"{STORE}/checkout", home).status_code == 201
