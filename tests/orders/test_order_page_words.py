"""The order page names the delivery country and writes phone numbers as people do."""

from __future__ import annotations

import pytest

from tests.checkout.helpers import ADDRESS, checkout_body, fill_cart, make_variant

pytestmark = pytest.mark.django_db


def test_addresses_show_the_country_by_name_and_a_readable_phone(
    store_api, staff_client, warehouse
):
    variant = make_variant(stock=3)
    token = fill_cart(store_api, variant)
    address = {**ADDRESS, "phone": "9845012345"}
    r = store_api.post(
        f"/api/v1/store/carts/{token}/checkout", checkout_body(shipping_address=address)
    )
    assert r.status_code == 201, r.content
    html = staff_client("support").get(f"/dashboard/orders/{r.json()['number']}/").content
    page = html.decode()
    shipping = page.split("<h3>Shipping</h3>", 1)[1].split("</address>", 1)[0]
    assert "Bengaluru, Karnataka 560025<br>India · +91 98450 12345" in shipping
    assert "<br>IN" not in shipping and "+919845012345" not in shipping
