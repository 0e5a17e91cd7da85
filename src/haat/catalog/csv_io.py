"""Catalog CSV export and import (one row per variant; rows sharing `product_slug`
are the variants of one product).

The import reads the whole file, validates every row (collecting `RowError`s with the
row numbers a spreadsheet shows, header = row 1) and only then writes — all or nothing,
or with `partial=True` every product whose rows are all valid. Writing goes through the
catalog services, so the same rules, audit entries and events apply as in the editor.

A blank cell, or a column the file does not have, leaves the value as it is: a file with
only `product_slug,title,sku,price_INR` changes titles and INR prices and nothing else, and
a short or half-filled sheet can never wipe data. To remove a value, write `-` (CLEAR) in
its cell: a price in that currency, a compare-at price, the description, brand, SEO texts,
expected days, categories, weight, HSN code, barcode or cost. Required values (title,
status, availability, SKU, options) cannot be cleared; `-` there is an error.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, BinaryIO, TextIO

from django.conf import settings
from django.db.models import Prefetch

from haat.catalog.error_codes import CatalogError
from haat.catalog.models import Product, Variant, VariantPrice
from haat.core import csv_files
from haat.core.errors import ValidationError
from haat.core.models import Currency
from haat.core.money import Money

PRODUCT_COLUMNS = [
    "product_slug",
    "title",
    "description",
    "brand",
    "status",
    "availability",
    "expected_days",
    "seo_title",
    "seo_description",
    "categories",
]
VARIANT_COLUMNS = ["sku", "weight_grams", "hsn_code", "barcode", "cost"]
REQUIRED_COLUMNS = ("product_slug", "title", "sku")
MAX_OPTION_COLUMNS = 3
CATEGORY_SEPARATOR = "|"
CLEAR = "-"  # a cell holding only this removes the value (see the module docstring)


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str


@dataclass
class ImportReport:
    rows: int = 0
    created_products: int = 0
    updated_products: int = 0
    created_variants: int = 0
    updated_variants: int = 0
    errors: list[RowError] = field(default_factory=list)
    applied: bool = False


def option_columns(count: int) -> list[str]:
    cols = []
    for i in range(1, count + 1):
        cols += [f"option{i}_name", f"option{i}_value"]
    return cols


def header(currencies: list[str], option_count: int = 2) -> list[str]:
    price_cols = [c for cur in currencies for c in (f"price_{cur}", f"compare_at_{cur}")]
    return [
        *PRODUCT_COLUMNS,
        *option_columns(option_count),
        *VARIANT_COLUMNS,
        *price_cols,
    ]


def major(amount: int | None, currency: str) -> str:
    return "" if amount is None else f"{Money(amount, currency).to_decimal():f}"


def export_catalog_csv(*, out: TextIO, product_ids: list[int] | None = None) -> int:
    """Write the catalog (or the given products) as CSV; returns the number of data rows.

    A product without variants is written as one row with an empty SKU, so it survives
    a round trip. Option columns widen to option3 only when a product has 3 options.
    """
    currencies = list(Currency.objects.filter(enabled=True).values_list("code", flat=True))
    qs = Product.objects.order_by("id").prefetch_related(
        "categories",
        "options",
        Prefetch(
            "variants",
            queryset=Variant.objects.order_by("position", "id").prefetch_related(
                Prefetch("prices", queryset=VariantPrice.objects.all())
            ),
        ),
    )
    if product_ids is not None:
        qs = qs.filter(pk__in=product_ids)
    products = list(qs)
    width = max([2, *(len(p.options.all()) for p in products)])
    writer = csv_files.writer(out, lineterminator="\n")
    writer.writerow(header(currencies, width))
    count = 0
    for p in products:
        base = [
            p.slug,
            p.title,
            p.description,
            p.brand,
            p.status,
            p.availability,
            "" if p.expected_days is None else str(p.expected_days),
            p.seo_title,
            p.seo_description,
            CATEGORY_SEPARATOR.join(sorted(c.slug for c in p.categories.all())),
        ]
        names = [o.name for o in p.options.all()]
        variants = list(p.variants.all()) or [None]
        for v in variants:
            opts: list[str] = []
            for i in range(width):
                name = names[i] if i < len(names) and v is not None else ""
                opts += [name, v.option_values.get(name, "") if name else ""]
            if v is None:
                writer.writerow(base + opts + [""] * (len(VARIANT_COLUMNS) + 2 * len(currencies)))
                count += 1
                continue
            prices = {vp.currency_id: vp for vp in v.prices.all()}
            cells = []
            for cur in currencies:
                vp = prices.get(cur)
                cells += [
                    major(vp.amount, cur) if vp else "",
                    major(vp.compare_at_amount, cur) if vp else "",
                ]
            weight = "" if v.weight_grams is None else str(v.weight_grams)
            cost = major(v.cost_amount, v.cost_currency) if v.cost_currency else ""
            writer.writerow(base + opts + [v.sku, weight, v.hsn_code, v.barcode, cost] + cells)
            count += 1
    return count


def normalize_column(name: str) -> str:
    """Lowercase names, except the currency in `price_inr` -> `price_INR`."""
    name = name.strip().lower()
    for prefix in ("price_", "compare_at_"):
        if name.startswith(prefix):
            return prefix + name[len(prefix) :].upper()
    return name


def _read_text(file: BinaryIO) -> tuple[str | None, RowError | None]:
    limit = settings.HAAT_MAX_CSV_BYTES
    data = file.read(limit + 1)
    if isinstance(data, str):
        data = data.encode()
    if len(data) > limit:
        raise ValidationError(
            f"The file is larger than {limit // (1024 * 1024)} MB.",
            code=CatalogError.FILE_TOO_LARGE,
            details={"field": "file"},
        )
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        message = "The file is not UTF-8 text; save it as 'CSV UTF-8' and upload again."
        return None, RowError(line, "", message)


def read_rows(file: BinaryIO) -> tuple[list[str], list[tuple[int, dict[str, str]]], list[RowError]]:
    """Header and (spreadsheet row number, cells) pairs; file-level problems as errors."""
    text, error = _read_text(file)
    if error:
        return [], [], [error]
    rows: list[tuple[int, dict[str, str]]] = []
    head: list[str] = []
    try:
        for number, values in csv_files.records(text):
            if number == 1:
                head = [normalize_column(h) for h in values]
                continue
            rows.append((number, dict(zip(head, values, strict=True))))
    except csv_files.CsvRowError as exc:
        return head, rows, [RowError(exc.row, "", exc.reason)]
    if not any(head):
        return [], [], [RowError(1, "", "The file is empty; the first row must be the header.")]
    return head, rows, []


def row_value(cells: dict[str, Any], column: str) -> str:
    return (cells.get(column) or "").strip()
