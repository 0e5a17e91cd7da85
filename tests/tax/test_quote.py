"""`tax.quote.gst_for`: the store's state and GSTIN, each variant's rate and the
inclusive-pricing setting, together."""

from __future__ import annotations

import pytest

from haat.catalog.taxonomy import create_category
from haat.core.store import update_store
from haat.tax import services
from haat.tax.gst import Treatment
from haat.tax.quote import TaxableLine, gst_for
from tests.catalog.domain_helpers import make_product, make_variant

pytestmark = pytest.mark.django_db


def _store(state: str = "Maharashtra", gstin: str = "27AAPFU0939F1ZV") -> None:
    update_store(
        data={"name": "Kesari Lane", "country": "IN", "state": state, "gstin": gstin,
              "time_zone": "Asia/Kolkata"}
    )  # fmt: skip


@pytest.fixture
def lines():
    apparel = create_category(name="Apparel")
    services.set_category_rate(category_id=apparel.id, rate=5)
    kurta = make_variant(make_product("Kurta", category_ids=[apparel.id]), "K-1")
    mug = make_variant(make_product("Mug"), "M-1")  # the default, 18 %
    return [TaxableLine(kurta.id, 105000, 2, discount=10500), TaxableLine(mug.id, 59000, 1)]


def test_intra_and_inter_state_from_the_store_and_the_address(lines, django_assert_num_queries):
    _store()
    inv = gst_for(lines, currency="INR", place_of_supply="maharashtra")
    assert inv.treatment is Treatment.INTRA_STATE
    # Kurta: ₹1,995.00 at 5 % -> ₹1,900.00 + ₹47.50 + ₹47.50; mug ₹590.00 at 18 %.
    assert [(x.taxable, x.cgst, x.sgst) for x in inv.lines] == [
        (190000, 4750, 4750), (50000, 4500, 4500)
    ]  # fmt: skip
    assert inv.total == 199500 + 59000
    with django_assert_num_queries(2):  # the rates, and the settings stamp
        inv = gst_for(lines, currency="INR", place_of_supply="KA")
    assert inv.treatment is Treatment.INTER_STATE and inv.place_of_supply == "Karnataka"
    assert [x.igst for x in inv.lines] == [9500, 9000]


def test_exclusive_prices_add_gst(lines):
    _store()
    services.update_tax_settings(prices_include_tax=False, default_rate=18)
    inv = gst_for(lines, currency="INR", place_of_supply=None)
    assert inv.prices_include_tax is False and inv.place_of_supply == "Maharashtra"
    assert inv.taxable == 199500 + 59000
    # 5 % of ₹1,995.00 is ₹99.75: CGST and SGST ₹49.875 each, each head rounded on its own.
    assert [(x.cgst, x.sgst) for x in inv.lines] == [(4988, 4988), (5310, 5310)]
    assert inv.total == 199500 + 2 * 4988 + 59000 + 10620


def test_export_and_unregistered_stores_charge_none(lines):
    _store()
    assert gst_for(lines, currency="USD", place_of_supply="Karnataka").treatment == "export"
    _store(gstin="")
    inv = gst_for(lines, currency="INR", place_of_supply="Karnataka")
    assert inv.treatment is Treatment.NOT_REGISTERED and inv.tax == 0
