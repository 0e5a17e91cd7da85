"""Reserve & pay with GST: lines staff cannot source leave the order with their tax, so
the order's GST and total stay those of the lines it keeps (prices excluding tax here,
where the tax is part of what is paid)."""

from __future__ import annotations

import pytest

from haat.core.store import update_store
from haat.orders.models import Order
from haat.tax import services as tax
from tests.checkout.helpers import make_variant
from tests.flows.helpers import enable
from tests.flows.test_reserve import answer, reserve

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("inclusive", [True, False])
def test_removed_lines_take_their_gst_with_them(store_api, admin_api, warehouse, inclusive):
    enable(reserve_and_pay_enabled=True, reserve_window_hours=48)
    update_store(
        data={"name": "Kesari Lane", "country": "IN", "state": "Maharashtra",
              "gstin": "27AAPFU0939F1ZV", "time_zone": "Asia/Kolkata"}
    )  # fmt: skip
    tax.update_tax_settings(prices_include_tax=inclusive, default_rate=12)
    a = make_variant(price="1200.00", stock=3, location=warehouse)
    b = make_variant(price="300.00", stock=3, location=warehouse)
    body = reserve(store_api, [(a, 1), (b, 2)])
    order = Order.objects.get(token=body["token"])
    assert order.tax_treatment == "inter_state"  # delivered to Karnataka
    assert order.tax_amount > 0
    admin = admin_api("manager")
    ids = [
        line["id"] for line in admin.get(f"/api/v1/admin/orders/{body['number']}").json()["lines"]
    ]
    answer(admin, body["number"], ids[0], True)
    assert answer(admin, body["number"], ids[1], False).json()["outcome"] == "payment_requested"
    order.refresh_from_db()
    (kept,) = order.lines.all()
    assert order.tax_amount == kept.tax_amount > 0
    assert order.tax_added_amount == (0 if inclusive else kept.tax_amount)
    assert order.total_amount == 120000 + order.tax_added_amount + order.cod_fee_amount
    assert order.amount_due_online + order.amount_due_on_delivery == order.total_amount
