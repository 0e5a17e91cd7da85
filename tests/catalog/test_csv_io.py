"""CSV export/import: round trip, validation report, all-or-nothing and partial."""

from __future__ import annotations

import io

import pytest
from django.test import override_settings

from haat.catalog import services, taxonomy
from haat.catalog.csv_import import import_catalog_csv
from haat.catalog.csv_io import RowError, export_catalog_csv
from haat.catalog.models import PriceHistory, Product, Variant, VariantPrice
from haat.core.errors import ValidationError
from haat.core.models import OutboxEvent

from .domain_helpers import inr, make_product, make_variant, price

pytestmark = pytest.mark.django_db

HEAD = "product_slug,title,status,option1_name,option1_value,sku,price_INR,compare_at_INR"


def run(text: str, partial: bool = False, encoding: str = "utf-8"):
    return import_catalog_csv(file=io.BytesIO(text.encode(encoding)), partial=partial)


def export(**kw) -> str:
    out = io.StringIO()
    export_catalog_csv(out=out, **kw)
    return out.getvalue()


def build_catalog(currencies):
    currencies("USD")
    cat = taxonomy.create_category(name="Kurtas")
    sub = taxonomy.create_category(name="Cotton", parent_id=cat.pk)
    p = make_product(
        'Block Print Kurta, "Indigo"',
        sizes=("S", "M"),
        description="Hand block printed.\nSecond line, with comma.",
        brand="Haat",
        status="active",
        availability="pre_order",
        expected_days=12,
        seo_title="Kurta",
        category_ids=[cat.pk, sub.pk],
    )
    services.set_product_options(
        product=p, options=[("Size", ["S", "M"]), ("Colour", ["Indigo", "Red"])]
    )
    make_variant(
        p,
        "KUR-S",
        price("1299.00", compare_at="1599.50"),
        price("19.99", "USD"),
        option_values={"Size": "S", "Colour": "Indigo"},
        weight_grams=350,
        hsn_code="6109",
        barcode="8901234567890",
        cost=inr("400.25"),
    )
    make_variant(p, "KUR-M", price("1399"), option_values={"Size": "M", "Colour": "Red"})
    plain = make_product("Tote Bag", status="draft")
    make_variant(plain, "TOTE-1", price("499"))
    make_product("Empty Product")
    return p


def test_export_format(currencies):
    build_catalog(currencies)
    lines = export().splitlines()
    assert lines[0] == (
        "product_slug,title,description,brand,status,availability,expected_days,seo_title,"
        "seo_description,categories,option1_name,option1_value,option2_name,option2_value,"
        "sku,weight_grams,hsn_code,barcode,cost,price_INR,compare_at_INR,price_USD,compare_at_USD"
    )
    text = export()
    assert "cotton|kurtas" in text
    assert "KUR-S,350,6109,8901234567890,400.25,1299.00,1599.50,19.99," in text


def test_round_trip_is_lossless(currencies):
    build_catalog(currencies)
    first = export()
    Product.objects.all().delete()
    report = run(first)
    assert report.errors == []
    assert report.applied
    assert (report.created_products, report.created_variants) == (3, 3)
    assert export() == first
    # Importing the same file again changes nothing.
    history = PriceHistory.objects.count()
    again = run(first)
    assert (again.updated_products, again.updated_variants, again.created_products) == (3, 3, 0)
    assert PriceHistory.objects.count() == history
    assert export() == first


def test_import_updates_existing_and_writes_history(currencies):
    build_catalog(currencies)
    text = export().replace("1399.00", "1450.00").replace("Tote Bag", "Tote Bag Large")
    report = run(text)
    assert report.errors == [] and report.updated_variants == 3
    assert Variant.objects.get(sku="KUR-M").prices.get(currency="INR").amount == 145000
    h = PriceHistory.objects.filter(variant__sku="KUR-M").first()
    assert (h.old_amount, h.new_amount, h.source) == (139900, 145000, "import")
    assert Product.objects.get(slug="tote-bag").title == "Tote Bag Large"
    assert OutboxEvent.objects.filter(event_type="catalog.imported").count() == 1


def _kur_s() -> Variant:
    return Variant.objects.select_related("product").get(sku="KUR-S")


def _snapshot() -> dict:
    v = _kur_s()
    p = v.product
    return {
        "product": (p.description, p.brand, p.seo_title, p.expected_days, p.availability),
        "categories": sorted(c.slug for c in p.categories.all()),
        "options": [(o.name, list(o.values)) for o in p.options.all()],
        "variant": (v.option_values, v.weight_grams, v.hsn_code, v.barcode, v.cost_amount),
        "prices": sorted((x.currency_id, x.amount, x.compare_at_amount) for x in v.prices.all()),
    }


def test_blank_price_cell_keeps_the_price(currencies):
    build_catalog(currencies)
    before = _snapshot()
    text = export().replace(",19.99,", ",,")
    report = run(text)
    assert report.errors == [] and report.applied
    assert _snapshot() == before


def test_blank_cells_and_missing_columns_change_nothing(currencies):
    """A price-only sheet (or one whose other cells are blank) updates the price and
    leaves every other value of the product and variant as it was."""
    build_catalog(currencies)
    before = _snapshot()
    thin = "product_slug,title,sku,price_INR\nblock-print-kurta-indigo,Kurta,KUR-S,1199\n"
    assert run(thin).errors == []
    after = _snapshot()
    assert after["prices"] == [("INR", 119900, 159950), ("USD", 1999, None)]
    assert {**after, "prices": before["prices"]} == before
    blank = (
        f"{HEAD},description,brand,categories,expected_days,weight_grams,hsn_code,barcode,cost,"
        "price_USD,compare_at_USD\n"
        "block-print-kurta-indigo,Block Print Kurta,,,,KUR-S,,,,,,,,,,,,\n"
    )
    report = run(blank)
    assert report.errors == [] and report.applied
    assert _snapshot() == after


def test_a_dash_clears_a_value(currencies):
    build_catalog(currencies)
    text = (
        "product_slug,title,description,brand,seo_title,categories,expected_days,sku,"
        "weight_grams,hsn_code,barcode,cost,price_INR,compare_at_INR,price_USD,compare_at_USD\n"
        "block-print-kurta-indigo,Block Print Kurta,-,-,-,-,-,KUR-S,-,-,-,-,1299,-,-,\n"
    )
    report = run(text)
    assert report.errors == [] and report.applied
    after = _snapshot()
    assert after["product"] == ("", "", "", None, "pre_order")
    assert after["categories"] == []
    assert after["variant"] == ({"Size": "S", "Colour": "Indigo"}, None, "", "", None)
    assert after["prices"] == [("INR", 129900, None)]
    assert not VariantPrice.objects.filter(variant__sku="KUR-S", currency="USD").exists()


def test_a_new_price_keeps_its_compare_at_price_unless_cleared(currencies):
    build_catalog(currencies)
    assert run("product_slug,title,sku,price_INR\nblock-print-kurta-indigo,K,KUR-S,1399\n").applied
    assert _snapshot()["prices"][0] == ("INR", 139900, 159950)
    # A price at or above the kept compare-at price is refused, naming the cell.
    report = run("product_slug,title,sku,price_INR\nblock-print-kurta-indigo,K,KUR-S,1700\n")
    assert not report.applied
    assert [(e.row, e.column) for e in report.errors] == [(2, "compare_at_INR")]
    assert _snapshot()["prices"][0] == ("INR", 139900, 159950)


@pytest.mark.parametrize("column", ["title", "sku", "status", "option1_value"])
def test_a_dash_in_a_required_column_is_an_error(currencies, column):
    build_catalog(currencies)
    before = _snapshot()
    cells = {
        "product_slug": "block-print-kurta-indigo",
        "title": "Block Print Kurta",
        "status": "active",
        "option1_name": "Size",
        "option1_value": "S",
        "sku": "KUR-S",
        "price_INR": "1299",
        "compare_at_INR": "",
    }
    cells[column] = "-"
    report = run(f"{HEAD}\n" + ",".join(cells[c] for c in HEAD.split(",")) + "\n")
    assert not report.applied
    assert (2, column) in [(e.row, e.column) for e in report.errors]
    assert _snapshot() == before


BAD_ROWS = [
    ("p,Shirt,active,Size,S,SKU-1,abc,", "price_INR"),
    ("p,Shirt,active,Size,S,SKU-1,1.234,", "price_INR"),
    ("p,Shirt,active,Size,S,SKU-1,-5,", "price_INR"),
    ("p,Shirt,active,Size,S,SKU-1,100000000000000,", "price_INR"),
    ("p,Shirt,active,Size,S,SKU-1,100,90", "compare_at_INR"),
    ("p,Shirt,live,Size,S,SKU-1,100,", "status"),
    ("p,,active,Size,S,SKU-1,100,", "title"),
    ("P Q,Shirt,active,Size,S,SKU-1,100,", "product_slug"),
    ("p,Shirt,active,Size,,SKU-1,100,", "option1_value"),
    ("p,Shirt,active,Size,S,bad sku,100,", "sku"),
    ("p,Shirt,active,,,,100,", "sku"),
]


@pytest.mark.parametrize(("row", "column"), BAD_ROWS)
def test_bad_rows_are_reported_and_nothing_written(row, column):
    report = run(f"{HEAD}\nok,Fine,active,Size,S,OK-1,10,\n{row}\n")
    assert not report.applied
    assert [(e.row, e.column) for e in report.errors] == [(3, column)]
    assert not Product.objects.exists()


def test_file_level_and_cross_row_errors(currencies):
    currencies("USD")
    taxonomy.create_category(name="Kurtas")
    head = "product_slug,title,sku,categories,price_USD,weight_grams,colour"
    report = run(f"{head}\na,A,X,kurtas,1,10,\n")
    assert report.errors == [RowError(1, "colour", "Unknown column 'colour'.")]
    report = run("product_slug,title\na,A\n")
    assert [e.column for e in report.errors] == ["sku"]
    head = "product_slug,title,sku,categories,price_USD,price_EUR,weight_grams,availability"
    text = (
        f"{head}\n"
        "a,A,X-1,kurtas,1.00,,10,in_stock\n"
        "a,A,x-1,,,,10,\n"  # duplicate SKU (case-insensitive)
        "b,B,Y-1,shoes,,,ten,\n"  # unknown category, bad number
        "c,C,Z-1,,,5,,soon\n"  # disabled currency, bad availability
        "a,Other title,X-2,,,,,\n"  # conflicts with row 2
    )
    report = run(text)
    assert [(e.row, e.column) for e in report.errors] == [
        (3, "sku"),
        (4, "categories"),
        (4, "weight_grams"),
        (5, "availability"),
        (5, "price_EUR"),
        (6, "title"),
    ]
    assert not Product.objects.exists()


def test_partial_import_writes_only_fully_valid_products():
    text = (
        f"{HEAD}\n"
        "good,Good,active,Size,S,G-S,100,\n"
        "good,Good,active,Size,M,G-M,120,150\n"
        "half,Half,active,Size,S,H-S,100,\n"
        "half,Half,active,Size,M,H-M,oops,\n"
    )
    report = run(text, partial=True)
    assert report.applied
    assert (report.created_products, report.created_variants) == (1, 2)
    assert [(e.row, e.column) for e in report.errors] == [(5, "price_INR")]
    assert list(Product.objects.values_list("slug", flat=True)) == ["good"]
    p = Product.objects.get()
    assert [o.values for o in p.options.all()] == [["S", "M"]]
    assert p.price_ranges.get().max_amount == 12000
    assert not run(text).applied


def test_sku_of_another_product_is_an_error():
    make_variant(make_product("Other"), "TAKEN")
    report = run(f"{HEAD}\nnew,New,active,,,taken,10,\n")
    assert [(e.row, e.column) for e in report.errors] == [(2, "sku")]


def test_encoding_bom_and_size():
    report = run(f"{HEAD}\nchai,Chai ☕,active,,,CH-1,10,\n", encoding="utf-8-sig")
    assert report.errors == [] and Product.objects.get().title == "Chai ☕"
    bad = import_catalog_csv(file=io.BytesIO(f"{HEAD}\n".encode() + b"x,\xff\xfe,active\n"))
    assert bad.errors[0].row == 2 and "UTF-8" in bad.errors[0].message
    with override_settings(HAAT_MAX_CSV_BYTES=10), pytest.raises(ValidationError) as exc:
        run(f"{HEAD}\n")
    assert exc.value.code == "file_too_large"
