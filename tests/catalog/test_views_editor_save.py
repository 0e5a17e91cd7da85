"""The product editor's one save (product, variants and prices together, all or nothing)
and its read-only stock panel, which inventory fills in through `catalog.editor_stock`."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from haat.catalog.models import Product, Variant, VariantPrice
from tests.catalog.domain_helpers import make_product, make_variant, price
from tests.inventory.conftest import make_location, receive

pytestmark = pytest.mark.django_db

FIELDS = {
    "title": "Indigo Kurta",
    "slug": "indigo-kurta",
    "description": "Cotton.",
    "brand": "",
    "status": "active",
    "availability": "in_stock",
    "expected_days": "",
    "seo_title": "",
    "seo_description": "",
}


@pytest.fixture
def kurta(currencies):
    product = make_product("Indigo Kurta", sizes=("S", "M"))
    make_variant(product, "KUR-S", price("1299.00"), option_values={"Size": "S"})
    make_variant(product, "KUR-M", price("1399.00"), option_values={"Size": "M"})
    return product


def url(product: Product) -> str:
    return f"/dashboard/catalog/products/{product.pk}/"


def whole_editor(product: Product, **changes: str) -> dict[str, str]:
    """Everything the editor's one form posts, as stored, with `changes` applied."""
    data = dict(FIELDS)
    for v in product.variants.order_by("position", "id"):
        p = f"v{v.pk}"
        data |= {
            f"{p}-sku": v.sku,
            f"{p}-opt_0": v.option_values["Size"],
            f"{p}-weight_grams": str(v.weight_grams or ""),
            f"{p}-hsn_code": v.hsn_code,
            f"{p}-barcode": v.barcode,
            f"{p}-cost": "",
            f"{p}-is_active": "on",
        }
        for vp in v.prices.all():
            data[f"price-{v.pk}-{vp.currency_id}"] = f"{vp.amount / 100:.2f}"
            data[f"compare-{v.pk}-{vp.currency_id}"] = ""
    return data | changes


def test_one_save_writes_product_variants_and_prices_together(staff_client, kurta):
    s, m = kurta.variants.order_by("sku")[1], kurta.variants.order_by("sku")[0]
    assert (s.sku, m.sku) == ("KUR-S", "KUR-M")
    data = whole_editor(
        kurta,
        title="Indigo Kurta, hand-block",
        **{f"v{s.pk}-weight_grams": "310", f"price-{m.pk}-INR": "1199.00"},
    )
    r = staff_client("manager").post(url(kurta), data)
    assert r.status_code == 302
    kurta.refresh_from_db()
    s.refresh_from_db()
    assert kurta.title == "Indigo Kurta, hand-block" and s.weight_grams == 310
    assert VariantPrice.objects.get(variant=m, currency_id="INR").amount == 119900
    page = staff_client("manager").get(url(kurta)).content.decode()
    assert page.count('type="submit" form="product-form"') == 1  # one save button
    assert "Save prices" not in page and ">Save</button>" not in page


def test_an_error_in_one_variant_saves_nothing_and_is_shown_next_to_its_field(staff_client, kurta):
    s, m = kurta.variants.order_by("sku")[1], kurta.variants.order_by("sku")[0]
    data = whole_editor(
        kurta,
        title="Renamed",
        **{f"v{s.pk}-weight_grams": "-5", f"price-{m.pk}-INR": "999.00"},
    )
    r = staff_client("manager").post(url(kurta), data)
    html = r.content.decode()
    assert r.status_code == 422
    assert "Nothing was saved: fix the fields marked below." in html
    assert "Ensure this value is greater than or equal to 0." in html
    assert 'value="Renamed"' in html and 'value="999.00"' in html  # typed values kept
    assert "data-unsaved" in html  # the page says the changes are not saved yet
    kurta.refresh_from_db()
    assert kurta.title == "Indigo Kurta"
    assert VariantPrice.objects.get(variant=m, currency_id="INR").amount == 139900


def test_a_service_refusal_after_the_product_was_written_rolls_it_back(staff_client, kurta):
    s, m = kurta.variants.order_by("sku")[1], kurta.variants.order_by("sku")[0]
    data = whole_editor(
        kurta,
        title="Renamed",
        **{f"v{s.pk}-sku": "KUR-M", f"price-{m.pk}-INR": "999.00"},  # SKU taken by M
    )
    r = staff_client("manager").post(url(kurta), data)
    assert r.status_code == 422 and "already" in r.content.decode()
    kurta.refresh_from_db()
    assert kurta.title == "Indigo Kurta"
    assert set(Variant.objects.values_list("sku", flat=True)) == {"KUR-S", "KUR-M"}
    assert VariantPrice.objects.get(variant=m, currency_id="INR").amount == 139900
    data = whole_editor(
        kurta, title="Renamed", **{f"compare-{m.pk}-INR": "100.00"}
    )  # compare-at below the price: refused by pricing after the product update
    r = staff_client("manager").post(url(kurta), data)
    assert r.status_code == 422
    assert "Compare-at price must be higher than the price." in r.content.decode()
    kurta.refresh_from_db()
    assert kurta.title == "Indigo Kurta"


def test_cells_and_rows_not_posted_are_left_alone(staff_client, kurta):
    r = staff_client("manager").post(url(kurta), dict(FIELDS, title="Only the title"))
    assert r.status_code == 302
    assert VariantPrice.objects.count() == 2
    assert set(Variant.objects.values_list("sku", flat=True)) == {"KUR-S", "KUR-M"}


def test_stock_panel_shows_each_variant_per_location_read_only(staff_client, kurta):
    main = make_location("main", 1, name="Jaipur warehouse")
    shop = make_location("shop", 2, name="Johari Bazaar shop")
    s = Variant.objects.get(sku="KUR-S")
    receive(s, main, 7)
    receive(s, shop, 3)
    html = staff_client("support").get(url(kurta)).content.decode()
    panel = html[html.index('id="variant-stock"') :]
    panel = panel[: panel.index("</table>")]
    assert "Jaipur warehouse" in panel and "Johari Bazaar shop" in panel
    assert '<td class="num"><strong>10</strong></td>' in panel  # all locations
    assert "No stock anywhere yet." in panel  # KUR-M
    assert f'href="/dashboard/inventory/stock/variants/{s.pk}/"' in panel
    assert "<input" not in panel


def test_editor_queries_do_not_grow_with_variants_and_stock(staff_client, kurta):
    client = staff_client("manager")
    main = make_location("main", 1)
    # Both products have the same kinds of activity (product, variant, stock), so the
    # activity panel resolves the same kinds of names; only the number of rows differs.
    one = make_product("Cap", sizes=("S",))
    receive(make_variant(one, "CAP-S", price("299.00"), option_values={"Size": "S"}), main, 2)
    client.get(url(one))
    with CaptureQueriesContext(connection) as few:
        client.get(url(one))
    more = make_product("Tee", sizes=("S", "M", "L", "XL", "XXL"))
    for size in ("S", "M", "L", "XL", "XXL"):
        receive(
            make_variant(more, f"TEE-{size}", price("499.00"), option_values={"Size": size}),
            main,
            2,
        )
    client.get(url(more))
    with CaptureQueriesContext(connection) as many:
        r = client.get(url(more))
    assert r.status_code == 200 and "TEE-XXL" in r.content.decode()
    assert len(many) == len(few)


def test_editor_inputs_carry_the_validators_bounds(staff_client, kurta):
    html = staff_client("manager").get(url(kurta)).content.decode()
    s = Variant.objects.get(sku="KUR-S")

    def tag(name: str) -> str:
        start = html.index(f'name="{name}"')
        return html[html.rindex("<", 0, start) : html.index(">", start)]

    assert 'min="0"' in tag(f"v{s.pk}-weight_grams")
    assert 'max="1000000"' in tag(f"v{s.pk}-weight_grams")
    assert 'maxlength="64"' in tag(f"v{s.pk}-sku") and "pattern=" in tag(f"v{s.pk}-sku")
    assert 'maxlength="8"' in tag(f"v{s.pk}-hsn_code")
    assert 'min="1"' in tag("expected_days") and 'max="365"' in tag("expected_days")
    assert 'maxlength="70"' in tag("seo_title") and 'maxlength="160"' in tag("seo_description")
