"""Catalog CSV import: `import_catalog_csv` reads the file (`csv_io.read_rows`), validates
every row, then writes (see `csv_io`'s module docstring)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, BinaryIO

from django.db import transaction
from django.db.models.functions import Lower

from haat.catalog import services
from haat.catalog import validators as v
from haat.catalog.csv_io import (
    CATEGORY_SEPARATOR,
    MAX_OPTION_COLUMNS,
    PRODUCT_COLUMNS,
    REQUIRED_COLUMNS,
    VARIANT_COLUMNS,
    ImportReport,
    RowError,
    option_columns,
    read_rows,
    row_value,
)
from haat.catalog.events import CatalogImported
from haat.catalog.models import Category, Product, Variant
from haat.catalog.pricing import (
    PriceInput,
    check_amount,
    clean_prices,
    remove_variant_price,
    set_variant_prices,
)
from haat.core.audit import record_audit
from haat.core.errors import DomainError, ValidationError
from haat.core.models import Currency
from haat.core.money import Money, known_currencies
from haat.core.outbox import Aggregate, emit

_CHUNK = 900


def import_catalog_csv(*, file: BinaryIO, partial: bool = False) -> ImportReport:
    """Validate every row, then write (see the module docstring). An oversized file
    raises ValidationError(code="file_too_large"); everything else is in the report."""
    head, rows, errors = read_rows(file)
    report = ImportReport(rows=len(rows))
    if errors:
        report.errors = errors
        return report
    groups, errors = validate_rows(head, rows)
    report.errors = sorted(errors, key=lambda e: (e.row, e.column))
    if errors and not partial:
        return report
    apply_import(groups, report, partial=partial)
    return report


@dataclass
class VariantRow:
    row: int
    sku: str
    option_values: dict[str, str]
    fields: dict[str, Any]
    prices: list[PriceInput]
    cleared: list[str]  # currencies whose price cell is blank: remove the price


@dataclass
class ProductGroup:
    slug: str
    first_row: int
    raw: dict[str, str]
    fields: dict[str, Any] = field(default_factory=dict)
    category_slugs: list[str] = field(default_factory=list)
    option_names: list[str] | None = None
    variants: list[VariantRow] = field(default_factory=list)
    rows: list[int] = field(default_factory=list)


class _Rows:
    """Collects errors; `check` runs one field rule and records its message."""

    def __init__(self) -> None:
        self.errors: list[RowError] = []

    def add(self, row: int, column: str, message: str) -> None:
        self.errors.append(RowError(row, column, message))

    def check(self, row: int, column: str, rule: Callable[[], Any]) -> Any:
        try:
            return rule()
        except ValidationError as exc:
            self.add(row, column, exc.message)
            return None


def _check_header(head: list[str]) -> tuple[list[str], list[RowError]]:
    allowed = set(PRODUCT_COLUMNS + VARIANT_COLUMNS + option_columns(MAX_OPTION_COLUMNS))
    errors, currencies, seen = [], [], set()
    for col in head:
        if col in seen:
            errors.append(RowError(1, col, "This column appears twice."))
        seen.add(col)
        prefix, _, cur = col.rpartition("_")
        if prefix in ("price", "compare_at") and cur.upper() in known_currencies():
            if prefix == "price":
                currencies.append(cur.upper())
            continue
        if col not in allowed:
            errors.append(RowError(1, col, f"Unknown column '{col}'."))
    for col in REQUIRED_COLUMNS:
        if col not in seen:
            errors.append(RowError(1, col, f"The required column '{col}' is missing."))
    for col in seen:
        if col.startswith("compare_at_") and f"price_{col[11:]}" not in seen:
            errors.append(RowError(1, col, f"'{col}' needs a 'price_{col[11:]}' column."))
    return currencies, errors


def _existing_skus(skus: list[str]) -> dict[str, tuple[int, str]]:
    """lower(sku) -> (variant id, product slug), a query per 900 SKUs."""
    found: dict[str, tuple[int, str]] = {}
    for start in range(0, len(skus), _CHUNK):
        rows = (
            Variant.objects.annotate(lsku=Lower("sku"))
            .filter(lsku__in=skus[start : start + _CHUNK])
            .values_list("lsku", "pk", "product__slug")
        )
        found.update({lsku: (pk, slug) for lsku, pk, slug in rows})
    return found


def validate_rows(
    head: list[str], rows: list[tuple[int, dict[str, str]]]
) -> tuple[list[ProductGroup], list[RowError]]:
    """Every rule on every row; returns product groups (in file order) and errors."""
    currencies, header_errors = _check_header(head)
    if header_errors:
        return [], header_errors
    out = _Rows()
    enabled = set(Currency.objects.filter(enabled=True).values_list("code", flat=True))
    default = Currency.objects.filter(is_default=True).values_list("code", flat=True).first()
    slugs = {row_value(c, "product_slug") for _, c in rows}
    availability_now = dict(
        Product.objects.filter(slug__in=slugs).values_list("slug", "availability")
    )
    wanted_cats = {
        s.strip()
        for _, c in rows
        for s in row_value(c, "categories").split(CATEGORY_SEPARATOR)
        if s.strip()
    }
    categories = dict(Category.objects.filter(slug__in=wanted_cats).values_list("slug", "pk"))
    existing = _existing_skus(sorted({row_value(c, "sku").lower() for _, c in rows} - {""}))
    groups: dict[str, ProductGroup] = {}
    seen_skus: dict[str, int] = {}
    for n, cells in rows:
        slug = out.check(
            n, "product_slug", lambda c=cells: v.clean_slug(row_value(c, "product_slug"))
        )
        if slug is None:
            continue
        group = groups.get(slug)
        if group is None:
            group = groups[slug] = ProductGroup(slug=slug, first_row=n, raw=cells)
            _product_fields(out, n, cells, group, availability_now.get(slug), categories)
        else:
            for col in PRODUCT_COLUMNS[1:]:
                value = row_value(cells, col)
                if col in cells and value and value != row_value(group.raw, col):
                    out.add(n, col, f"Differs from row {group.first_row} of the same product.")
        group.rows.append(n)
        _variant_row(out, n, cells, group, currencies, enabled, default, seen_skus, existing)
    return list(groups.values()), out.errors


def _product_fields(
    out: _Rows,
    n: int,
    cells: dict[str, str],
    group: ProductGroup,
    current_availability: str | None,
    categories: dict[str, int],
) -> None:
    f = group.fields
    f["title"] = out.check(n, "title", lambda: v.clean_title(row_value(cells, "title")))
    texts = {"description": 100_000, "brand": 120, "seo_title": 70, "seo_description": 160}
    for col, limit in texts.items():
        if col in cells:
            f[col] = out.check(
                n,
                col,
                lambda c=col, m=limit: v.clean_text(row_value(cells, c), field=c, max_length=m),
            )
    for col, choices in (("status", Product.Status), ("availability", Product.Availability)):
        if row_value(cells, col):
            f[col] = out.check(
                n, col, lambda c=col, ch=choices: v.clean_choice(row_value(cells, c), ch, field=c)
            )
    availability = f.get("availability") or current_availability or "in_stock"
    if "expected_days" in cells:
        f["expected_days"] = out.check(
            n,
            "expected_days",
            lambda: v.clean_expected_days(
                row_value(cells, "expected_days"), availability=availability
            ),
        )
    if "categories" in cells:
        wanted = [s.strip() for s in row_value(cells, "categories").split(CATEGORY_SEPARATOR)]
        group.category_slugs = [s for s in wanted if s]
        unknown = [s for s in group.category_slugs if s not in categories]
        if unknown:
            out.add(n, "categories", f"Unknown category slug(s): {', '.join(unknown)}.")
        f["category_ids"] = [categories[s] for s in group.category_slugs if s in categories]


def _money(out: _Rows, n: int, col: str, value: str, currency: str) -> Money | None:
    """Major units -> Money, within the accepted price range; None (with an error) if not."""
    if not value:
        return None
    try:
        money = Money.from_decimal(value, currency)
        check_amount(money.amount, field=col)
    except ValidationError as exc:
        out.add(n, col, exc.message)
        return None
    return money


def _variant_row(
    out: _Rows,
    n: int,
    cells: dict[str, str],
    group: ProductGroup,
    currencies: list[str],
    enabled: set[str],
    default: str,
    seen_skus: dict[str, int],
    existing: dict[str, tuple[int, str]],
) -> None:
    before = len(out.errors)
    names, values = [], {}
    for i in range(1, MAX_OPTION_COLUMNS + 1):
        name, value = row_value(cells, f"option{i}_name"), row_value(cells, f"option{i}_value")
        if bool(name) != bool(value):
            column = f"option{i}_value" if name else f"option{i}_name"
            out.add(n, column, "Give both the option name and its value, or neither.")
        elif name:
            names.append(name)
            values[name] = value
    sku = row_value(cells, "sku")
    variant_cells = [c for c in VARIANT_COLUMNS[1:] if row_value(cells, c)]
    variant_cells += [
        c for c in cells if c.startswith(("price_", "compare_at_")) and row_value(cells, c)
    ]
    if not sku:
        if names or variant_cells:
            out.add(n, "sku", "SKU is required for a variant row.")
        return
    if group.option_names is None:
        group.option_names = names
    elif names != group.option_names:
        out.add(n, "option1_name", f"Option names differ from row {group.first_row}.")
    sku = out.check(n, "sku", lambda: v.clean_sku(sku))
    if sku is None:
        return
    key = sku.lower()
    if key in seen_skus:
        out.add(n, "sku", f"SKU {sku} is also on row {seen_skus[key]}.")
    seen_skus.setdefault(key, n)
    if key in existing and existing[key][1] != group.slug:
        out.add(n, "sku", f"SKU {sku} belongs to product '{existing[key][1]}'.")
    if any(other.option_values == values for other in group.variants) and names:
        out.add(n, "option1_value", "Another row of this product has the same option values.")
    fields = {
        "weight_grams": out.check(
            n, "weight_grams", lambda: v.clean_weight(row_value(cells, "weight_grams"))
        ),
        "hsn_code": out.check(n, "hsn_code", lambda: v.clean_hsn(row_value(cells, "hsn_code"))),
        "barcode": out.check(n, "barcode", lambda: v.clean_barcode(row_value(cells, "barcode"))),
    }
    if "cost" in cells:
        fields["cost"] = _money(out, n, "cost", row_value(cells, "cost"), default)
    prices, cleared = [], []
    for cur in currencies:
        p_col, c_col = f"price_{cur}", f"compare_at_{cur}"
        raw_p, raw_c = row_value(cells, p_col), row_value(cells, c_col)
        if not raw_p and not raw_c:
            cleared.append(cur)
            continue
        if cur not in enabled:
            out.add(n, p_col if raw_p else c_col, f"{cur} is not an enabled currency.")
            continue
        if not raw_p:
            out.add(n, p_col, "A compare-at price needs a price.")
            continue
        amount, compare_at = _money(out, n, p_col, raw_p, cur), _money(out, n, c_col, raw_c, cur)
        if amount is None or (raw_c and compare_at is None):
            continue
        item = PriceInput(amount, compare_at)
        if out.check(n, c_col, lambda i=item: clean_prices([i], enabled)) is not None:
            prices.append(item)
    if len(out.errors) == before:
        group.variants.append(VariantRow(n, sku, values, fields, prices, cleared))
    else:
        group.variants.append(VariantRow(n, sku, values, {}, [], []))


# --- writing -------------------------------------------------------------------------

_FIELD_TO_COLUMN = {
    "slug": "product_slug",
    "category_ids": "categories",
    "options": "option1_name",
    "option_values": "option1_value",
}


def _column(exc: DomainError) -> str:
    """The CSV column of a service error: `prices[i]` errors carry their currency."""
    name = str(exc.details.get("field", ""))
    if name.startswith("prices[") and exc.details.get("currency"):
        prefix = "compare_at" if name.endswith(".compare_at") else "price"
        return f"{prefix}_{exc.details['currency']}"
    return _FIELD_TO_COLUMN.get(name, name)


class _Abort(Exception):
    pass


def apply_import(groups: list[ProductGroup], report: ImportReport, *, partial: bool) -> None:
    bad_rows = {e.row for e in report.errors}
    todo = [g for g in groups if not bad_rows.intersection(g.rows)]
    counts = {
        "created_products": 0,
        "updated_products": 0,
        "created_variants": 0,
        "updated_variants": 0,
    }
    try:
        with transaction.atomic():
            for g in todo:
                try:
                    with transaction.atomic():
                        result = _apply_group(g)
                except DomainError as exc:
                    report.errors.append(RowError(g.first_row, _column(exc), exc.message))
                    if not partial:
                        raise _Abort from exc
                    continue
                for key, value in result.items():
                    counts[key] += value
            if not any(counts.values()):
                return
            record_audit(action="catalog.import", object_type="catalog.import", changes=counts)
            emit(
                CatalogImported(**counts, rows=report.rows),
                aggregate=Aggregate("catalog.import"),
            )
    except _Abort:
        return
    for key, value in counts.items():
        setattr(report, key, value)
    report.applied = True
    report.errors.sort(key=lambda e: (e.row, e.column))


def _apply_group(g: ProductGroup) -> dict[str, int]:
    counts = {
        "created_products": 0,
        "updated_products": 0,
        "created_variants": 0,
        "updated_variants": 0,
    }
    product = Product.objects.filter(slug=g.slug).first()
    fields = dict(g.fields)
    if product is None:
        product = services.create_product(slug=g.slug, **fields)
        counts["created_products"] = 1
    else:
        services.update_product(product=product, **fields)
        counts["updated_products"] = 1
    current = {o.name: list(o.values) for o in product.options.all()}
    names = g.option_names or []
    wanted = []
    for name in names:
        merged = list(current.get(name, []))
        for row in g.variants:
            value = row.option_values.get(name)
            if value is not None and value not in merged:
                merged.append(value)
        wanted.append((name, merged))
    if wanted != list(current.items()) and (wanted or current):
        services.set_product_options(product=product, options=wanted)
    mine = {x.sku.lower(): x for x in product.variants.prefetch_related("prices")}
    for position, row in enumerate(g.variants):
        variant = mine.get(row.sku.lower())
        changes = {**row.fields, "option_values": row.option_values, "position": position}
        if variant is None:
            variant = services.create_variant(product=product, sku=row.sku, **changes)
            counts["created_variants"] += 1
        else:
            variant = services.update_variant(variant=variant, sku=row.sku, **changes)
            counts["updated_variants"] += 1
        set_variant_prices(variant=variant, prices=row.prices, source="import")
        have = set(variant.prices.values_list("currency_id", flat=True))
        for cur in row.cleared:
            if cur in have:
                remove_variant_price(variant=variant, currency=cur, source="import")
    return counts
