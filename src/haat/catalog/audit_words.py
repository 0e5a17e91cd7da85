"""How the audit log reads the catalog's actions and names its objects (see
`haat.core.audit_words`): products by title, variants by SKU, both linked to the product
editor; price changes as "Price of KL-KUR-004-L in INR: ₹2,499.00 → ₹2,299.00"."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.urls import reverse

from haat.catalog.models import Category, Collection, Product, Variant
from haat.core.audit_words import AuditWords, Entry, Named, ObjectKind, Phrase, field_changes

PRODUCT = "catalog.product"
VARIANT = "catalog.variant"
CATEGORY = "catalog.category"
COLLECTION = "catalog.collection"


def _products(ids: list[str]) -> Mapping[str, Named]:
    rows = Product.objects.filter(pk__in=_ints(ids)).values_list("pk", "title")
    return {str(pk): Named(title, reverse("catalog:product_edit", args=[pk])) for pk, title in rows}


def _variants(ids: list[str]) -> Mapping[str, Named]:
    rows = Variant.objects.filter(pk__in=_ints(ids)).values_list(
        "pk", "sku", "product_id", "product__title"
    )
    return {
        str(pk): Named(sku, reverse("catalog:product_edit", args=[product_id]), {"product": title})
        for pk, sku, product_id, title in rows
    }


def _categories(ids: list[str]) -> Mapping[str, Named]:
    rows = Category.objects.filter(pk__in=_ints(ids)).values_list("pk", "name")
    return {str(pk): Named(name, reverse("catalog:category_edit", args=[pk])) for pk, name in rows}


def _collections(ids: list[str]) -> Mapping[str, Named]:
    rows = Collection.objects.filter(pk__in=_ints(ids)).values_list("pk", "name")
    return {
        str(pk): Named(name, reverse("catalog:collection_edit", args=[pk])) for pk, name in rows
    }


def _ints(ids: Iterable[str]) -> list[int]:
    return [int(i) for i in ids if str(i).isdigit()]


# --- prices ---------------------------------------------------------------------------------
def _price_changes(changes: dict[str, Any]) -> list[dict[str, Any]]:
    prices = changes.get("prices")
    return [c for c in prices if isinstance(c, dict)] if isinstance(prices, list) else []


def _price_refs(changes: dict[str, Any]) -> Iterable[tuple[str, object]]:
    return [(VARIANT, c.get("variant_id")) for c in _price_changes(changes)]


def _one_price(label: str, sku: str, cur: str, old: Any, new: Any, e: Entry) -> str | None:
    if old == new:
        return None
    if old is None:
        return f"{label} of {sku} in {cur} set to {e.money(new, cur)}"
    if new is None:
        return f"{label} of {sku} in {cur} removed (was {e.money(old, cur)})"
    return f"{label} of {sku} in {cur}: {e.money(old, cur)} → {e.money(new, cur)}"


def price_sentences(e: Entry) -> list[str]:
    """One sentence per changed price or compare-at price."""
    own_sku = e.object.label if e.object else "a variant"
    rows = []
    for c in _price_changes(e.changes):
        sku = e.names.label(VARIANT, c.get("variant_id"), own_sku)
        cur = str(c.get("currency", ""))
        for label, key in (("Price", "amount"), ("Compare-at price", "compare_at_amount")):
            line = _one_price(label, sku, cur, c.get(f"old_{key}"), c.get(f"new_{key}"), e)
            if line:
                rows.append(line)
    return rows


def _bulk_prices(e: Entry) -> list[str]:
    return price_sentences(e) or field_changes(e.changes, hidden={"prices"})


# --- products and variants --------------------------------------------------------------------
_PRODUCT_FIELDS = {
    "category_ids": "Categories",
    "collection_ids": "Collections",
    "slug": "URL",
    "seo_title": "SEO title",
    "seo_description": "SEO description",
    "expected_days": "Ships in (days)",
}
_PRODUCT_CHOICES = {"status": Product.Status, "availability": Product.Availability}


def _choice_words(key: str, value: Any) -> Any:
    """A status or availability code as its label ("in_stock" -> "In stock")."""
    choices = _PRODUCT_CHOICES.get(key)
    if choices is None:
        return value
    if isinstance(value, list) and len(value) == 2:
        return [_choice_words(key, v) for v in value]
    try:
        return str(choices(value).label)
    except ValueError:
        return value


def _member_refs(changes: dict[str, Any]) -> Iterable[tuple[str, object]]:
    for key, kind in (("category_ids", CATEGORY), ("collection_ids", COLLECTION)):
        value = changes.get(key)
        pairs = value if isinstance(value, list) and len(value) == 2 else [value]
        for ids in pairs:
            if isinstance(ids, list):
                yield from ((kind, i) for i in ids)
    yield from _price_refs(changes)


def _member_names(e: Entry, key: str, kind: str, value: Any) -> str:
    if not isinstance(value, list) or not value:
        return "none"
    return ", ".join(e.names.label(kind, i, f"#{i}") for i in value)


def _product_details(e: Entry) -> list[str]:
    rows = []
    plain = {}
    for key, value in e.changes.items():
        if key in ("category_ids", "collection_ids"):
            kind = CATEGORY if key == "category_ids" else COLLECTION
            label = _PRODUCT_FIELDS[key]
            old, new = value if isinstance(value, list) and len(value) == 2 else ([], value)
            if old and isinstance(old, list):
                rows.append(
                    f"{label}: {_member_names(e, key, kind, old)} → "
                    f"{_member_names(e, key, kind, new)}"
                )
            else:
                rows.append(f"{label}: {_member_names(e, key, kind, new)}")
        elif key != "prices":
            plain[key] = _choice_words(key, value)
    return field_changes(plain, _PRODUCT_FIELDS) + rows + price_sentences(e)


def _variant_details(e: Entry) -> list[str]:
    plain = {k: v for k, v in e.changes.items() if k not in ("prices", "cost_currency")}
    cost = plain.pop("cost_amount", None)
    rows = field_changes(
        plain,
        {
            "sku": "SKU",
            "option_values": "Options",
            "hsn_code": "HSN code",
            "weight_grams": "Weight (g)",
            "is_active": "On sale",
        },
    )
    if cost is not None:
        currency = e.changes.get("cost_currency")
        cur = currency[1] if isinstance(currency, list) else (currency or "")
        old, new = cost if isinstance(cost, list) and len(cost) == 2 else (None, cost)
        if old is None:
            rows.append(f"Cost: {e.money(new, cur)}")
        else:
            rows.append(f"Cost: {e.money(old, cur)} → {e.money(new, cur)}")
    return rows + price_sentences(e)


def _no_details(e: Entry) -> list[str]:
    return []


WORDS = AuditWords(
    phrases={
        "product.create": Phrase(
            "added the product {object}", _product_details, _member_refs, _PRODUCT_FIELDS
        ),
        "product.update": Phrase(
            "edited the product {object}", _product_details, _member_refs, _PRODUCT_FIELDS
        ),
        "product.delete": Phrase("deleted the product {object}", _no_details),
        "product.options": Phrase("changed the options of {object}"),
        "product.image_add": Phrase("added a photo to {object}", _no_details),
        "product.image_update": Phrase(
            "edited a photo of {object}", hidden=frozenset({"image"}), fields={"alt": "Alt text"}
        ),
        "product.image_delete": Phrase("removed a photo from {object}", _no_details),
        "product.image_reorder": Phrase("reordered the photos of {object}", _no_details),
        "product.prices_bulk": Phrase(
            "changed prices in bulk on {object}", _bulk_prices, _price_refs
        ),
        "variant.create": Phrase("added the variant {object}", _variant_details, _price_refs),
        "variant.update": Phrase("edited the variant {object}", _variant_details, _price_refs),
        "variant.delete": Phrase("deleted the variant {object}", _no_details),
        "variant.prices": Phrase("changed the prices of {object}", price_sentences, _price_refs),
        "category.create": Phrase("added the category {object}", fields={"parent_id": "Parent"}),
        "category.update": Phrase("edited the category {object}", fields={"parent_id": "Parent"}),
        "category.delete": Phrase("deleted the category {object}", _no_details),
        "collection.create": Phrase(
            "added the collection {object}", fields={"product_ids": "Products"}
        ),
        "collection.update": Phrase(
            "edited the collection {object}", fields={"product_ids": "Products"}
        ),
        "collection.delete": Phrase("deleted the collection {object}", _no_details),
        "catalog.import": Phrase(
            "imported a catalog file",
            fields={
                "created_products": "Products added",
                "updated_products": "Products updated",
                "created_variants": "Variants added",
                "updated_variants": "Variants updated",
            },
        ),
    },
    kinds=(
        ObjectKind(PRODUCT, "product", _products),
        ObjectKind(VARIANT, "variant", _variants),
        ObjectKind(CATEGORY, "category", _categories),
        ObjectKind(COLLECTION, "collection", _collections),
        ObjectKind("catalog.import", "catalog import"),
    ),
)
