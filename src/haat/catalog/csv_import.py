"""Catalog CSV import: `import_catalog_csv` reads the file (`csv_io.read_rows`), validates
every row, then writes (see `csv_io`'s module docstring). A blank cell leaves the value as
it is; only the explicit `-` (csv_io.CLEAR) removes one."""

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
    CLEAR,
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
    option_values: dict[str, str] | None  # None: the row names no options, keep them
    fields: dict[str, Any]
    prices: list[PriceInput]
    cleared: list[str]  # currencies whose price cell is `-`: remove the price
    # currencies with a new price and a blank compare-at cell: keep the compare-at price
    keep_compare_at: set[str] = field(default_factory=set)


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


# Columns whose value must stay: `-` (CLEAR) in them is an error, not a removal.
_REQUIRED = (
    "product_slug",
    "title",
    "status",
    "availability",
    "sku",
    *option_columns(MAX_OPTION_COLUMNS),
)


def _cannot_clear(out: _Rows, n: int, cells: dict[str, str]) -> None:
    for col in _REQUIRED:
        if row_value(cells, col) == CLEAR:
            out.add(n, col, f"'{CLEAR}' removes a value, and {col} cannot be removed.")


def _product_fields(
    out: _Rows,
    n: int,
    cells: dict[str, str],
    group: ProductGroup,
    current_availability: str | None,
    categories: dict[str, int],
) -> None:
    """The product's fields from its first row: a blank cell is left out (kept as it is),
    `-` clears the value."""
    f = group.fields
    f["title"] = out.check(n, "title", lambda: v.clean_title(row_value(cells, "title")))
    texts = {"description": 100_000, "brand": 120, "seo_title": 70, "seo_description": 160}
    for col, limit in texts.items():
        raw = row_value(cells, col)
        if raw == CLEAR:
            f[col] = ""
        elif raw:
            f[col] = out.check(
                n, col, lambda c=col, m=limit, r=raw: v.clean_text(r, field=c, max_length=m)
            )
    for col, choices in (("status", Product.Status), ("availability", Product.Availability)):
        raw = row_value(cells, col)
        if raw and raw != CLEAR:
            f[col] = out.check(
                n, col, lambda c=col, ch=choices, r=raw: v.clean_choice(r, ch, field=c)
            )
    availability = f.get("availability") or current_availability or "in_stock"
    days = row_value(cells, "expected_days")
    if days == CLEAR:
        f["expected_days"] = None
    elif days:
        f["expected_days"] = out.check(
            n, "expected_days", lambda: v.clean_expected_days(days, availability=availability)
        )
    if row_value(cells, "categories") == CLEAR:
        f["category_ids"] = []
    elif row_value(cells, "categories"):
        wanted = [s.strip() for s in row_value(cells, "categories").split(CATEGORY_SEPARATOR)]
        group.category_slugs = [s for s in wanted if s]
        unknown = [s for s in group.category_slugs if s not in categories]
        if unknown:
            out.add(n, "categories", f"Unknown category slug(s): {', '.join(unknown)}.")
        f["category_ids"] = [categories[s] for s in group.category_slugs if s in categories]


def _money(out: _Rows, n: int, col: str, value: str, currency: str) -> Money | None:
    """Major units -> Money, within the accepted price range; None (with an error) if not."""
    if not value or value == CLEAR:
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
    _cannot_clear(out, n, cells)
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
    # A row without option cells keeps its variant's options; rows that name options must
    # name the same ones.
    if names and group.option_names is None:
        group.option_names = names
    elif names and names != group.option_names:
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
    fields: dict[str, Any] = {}
    rules = (("weight_grams", v.clean_weight), ("hsn_code", v.clean_hsn))
    for col, rule in (*rules, ("barcode", v.clean_barcode)):
        raw = row_value(cells, col)
        if raw == CLEAR:
            fields[col] = None if col == "weight_grams" else ""
        elif raw:
            fields[col] = out.check(n, col, lambda r=rule, x=raw: r(x))
    if row_value(cells, "cost"):
        fields["cost"] = _money(out, n, "cost", row_value(cells, "cost"), default)
    prices, cleared, keep = [], [], set()
    for cur in currencies:
        p_col, c_col = f"price_{cur}", f"compare_at_{cur}"
        raw_p, raw_c = row_value(cells, p_col), row_value(cells, c_col)
        if not raw_p and not raw_c:
            continue  # blank: the price stays as it is
        if cur not in enabled:
            out.add(n, p_col if raw_p else c_col, f"{cur} is not an enabled currency.")
            continue
        if raw_p == CLEAR:
            if raw_c and raw_c != CLEAR:
                out.add(n, c_col, "A compare-at price needs a price; this row removes it.")
            else:
                cleared.append(cur)
            continue
        if not raw_p:
            out.add(n, p_col, "A compare-at price needs a price in the same row.")
            continue
        amount, compare_at = _money(out, n, p_col, raw_p, cur), _money(out, n, c_col, raw_c, cur)
        if amount is None or (raw_c and raw_c != CLEAR and compare_at is None):
            continue
        if not raw_c:
            keep.add(cur)
        item = PriceInput(amount, compare_at)
        if out.check(n, c_col, lambda i=item: clean_prices([i], enabled)) is not None:
            prices.append(item)
    options = values if names else None
    if len(out.errors) == before:
        group.variants.append(VariantRow(n, sku, options, fields, prices, cleared, keep))
    else:
        group.variants.append(VariantRow(n, sku, options, {}, [], []))


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
    if g.option_names:  # no row names an option: the product's options stay as they are
        wanted = []
        for name in g.option_names:
            merged = list(current.get(name, []))
            for row in g.variants:
                value = (row.option_values or {}).get(name)
                if value is not None and value not in merged:
                    merged.append(value)
            wanted.append((name, merged))
        if wanted != list(current.items()):
            services.set_product_options(product=product, options=wanted)
    mine = {x.sku.lower(): x for x in product.variants.prefetch_related("prices")}
    for position, row in enumerate(g.variants):
        variant = mine.get(row.sku.lower())
        changes = {**row.fields, "position": position}
        if row.option_values is not None:
            changes["option_values"] = row.option_values
        if variant is None:
            changes.setdefault("option_values", {})
            variant = services.create_variant(product=product, sku=row.sku, **changes)
            counts["created_variants"] += 1
            prices = row.prices
        else:
            prices = _keeping_compare_at(row, {p.currency_id: p for p in variant.prices.all()})
            variant = services.update_variant(variant=variant, sku=row.sku, **changes)
            counts["updated_variants"] += 1
        set_variant_prices(variant=variant, prices=prices, source="import")
        have = set(variant.prices.values_list("currency_id", flat=True))
        for cur in row.cleared:
            if cur in have:
                remove_variant_price(variant=variant, currency=cur, source="import")
    return counts


def _keeping_compare_at(row: VariantRow, current: dict[str, Any]) -> list[PriceInput]:
    """A new price with a blank compare-at cell keeps the compare-at price it had."""
    out = []
    for item in row.prices:
        cur = item.amount.currency
        had = current.get(cur)
        if cur in row.keep_compare_at and had is not None and had.compare_at_amount is not None:
            item = PriceInput(item.amount, Money(had.compare_at_amount, cur))
        out.append(item)
    return out
