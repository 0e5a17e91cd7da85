"""Safe CSV reading and writing (core.csv_files) and every place Haat reads or writes CSV."""

from __future__ import annotations

import io

import pytest

from haat.catalog.csv_import import import_catalog_csv
from haat.catalog.csv_io import export_catalog_csv
from haat.catalog.models import Product, Variant
from haat.core import csv_files
from haat.core.errors import ValidationError
from haat.inventory.bulk import import_csv
from haat.inventory.models import StockLevel
from haat.payments import cod
from tests.catalog.domain_helpers import make_product, make_variant, price
from tests.inventory.conftest import make_location
from tests.inventory.conftest import make_variant as stock_variant


@pytest.mark.parametrize(
    ("cell", "written"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+91 98765", "'+91 98765"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("-5", "-5"),
        ("+12.50", "+12.50"),
        ("Plain text", "Plain text"),
        (42, 42),
        ("", ""),
    ],
)
def test_neutralize_quotes_formulas_and_leaves_numbers(cell, written):
    assert csv_files.neutralize(cell) == written
    if isinstance(cell, str):
        assert csv_files.unescape(csv_files.neutralize(cell)) == cell


def test_records_refuse_short_and_long_rows_and_unclosed_quotes():
    assert list(csv_files.records("a,b\n1,2\n\n3,4\n")) == [
        (1, ["a", "b"]),
        (2, ["1", "2"]),
        (4, ["3", "4"]),
    ]
    with pytest.raises(csv_files.CsvRowError) as short:
        list(csv_files.records("a,b,c\n1,2,3\n4,5\n"))
    assert short.value.row == 3 and "fewer cells (2) than the header (3)" in short.value.message
    with pytest.raises(csv_files.CsvRowError) as long:
        list(csv_files.records("a,b\n1,2,3\n"))
    assert long.value.row == 2 and "more cells" in long.value.message
    with pytest.raises(csv_files.CsvRowError) as unclosed:
        list(csv_files.records('a,b\n1,"never closed\n2,3\n'))
    assert unclosed.value.row == 2 and "not valid CSV" in unclosed.value.message


@pytest.mark.django_db
def test_catalog_import_refuses_a_short_row_and_keeps_prices_and_hsn():
    product = make_product("Kurta", status="active")
    make_variant(product, "KUR-1", price("1299"), hsn_code="6109")
    full = "product_slug,title,status,sku,hsn_code,price_INR\n"
    short = full + f"{product.slug},Kurta,active,KUR-1\n"
    report = import_catalog_csv(file=io.BytesIO(short.encode()))
    assert not report.applied
    assert [(e.row, e.message) for e in report.errors] == [
        (2, "This row has fewer cells (4) than the header (6).")
    ]
    variant = Variant.objects.get(sku="KUR-1")
    assert variant.hsn_code == "6109"
    assert variant.prices.get(currency="INR").amount == 129900


@pytest.mark.django_db
def test_catalog_import_refuses_an_unclosed_quote_with_its_row():
    text = 'product_slug,title,status,sku,price_INR\np,"Shirt,active,SKU-1,100\nq,Q,active,Q-1,5\n'
    report = import_catalog_csv(file=io.BytesIO(text.encode()))
    assert not report.applied and report.errors[0].row == 2
    assert "not valid CSV" in report.errors[0].message
    assert not Product.objects.exists()


@pytest.mark.django_db
def test_catalog_export_neutralises_formulas_and_imports_back_unchanged():
    product = make_product('=HYPERLINK("http://evil.example","Click")', status="active")
    make_variant(product, "SKU-1", price("10"))
    out = io.StringIO()
    export_catalog_csv(out=out)
    text = out.getvalue()
    assert "'=HYPERLINK" in text
    assert ',"=HYPERLINK' not in text and ",=HYPERLINK" not in text
    report = import_catalog_csv(file=io.BytesIO(text.encode()))
    assert report.errors == [] and report.applied
    assert Product.objects.get().title == '=HYPERLINK("http://evil.example","Click")'


@pytest.mark.django_db
def test_stock_import_refuses_a_short_row_and_changes_nothing():
    make_location("main", 1)
    stock_variant("KURTA-M")
    upload = io.BytesIO(b"sku,location,on_hand\nKURTA-M,main,6\nKURTA-M,main\n")
    with pytest.raises(ValidationError) as err:
        import_csv(file=upload)
    assert err.value.details == {"field": "file", "row": 3}
    assert not StockLevel.objects.filter(on_hand=6).exists()


def test_cod_remittance_refuses_a_short_row():
    text = "order_number,amount,reference,remitted_on\nHT-10001,10.00,R1\n"
    with pytest.raises(ValidationError) as err:
        cod.import_cod_remittance(csv_text=text)
    assert err.value.code == "invalid_csv" and err.value.details["row"] == 2
