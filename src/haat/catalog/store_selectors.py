"""Storefront reads: what a shopper may see, priced in one currency.

Every read here is shaped for `/api/v1/store/` and runs a constant number of queries
whatever the page size or variant count: prices come from `ProductPriceRange` (one
indexed join on the currency), never from aggregating `VariantPrice` per request, and
related rows are prefetched with querysets limited to the columns the API returns.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, F, FilteredRelation, OuterRef, Prefetch, Q, QuerySet

from haat.catalog.models import (
    Category,
    Collection,
    CollectionProduct,
    Product,
    ProductImage,
    Variant,
    VariantPrice,
)
from haat.core.currencies import default_currency, get_enabled_currency
from haat.core.errors import NotFound, ValidationError
from haat.core.models import Currency
from haat.core.money import Money

SORTS = {
    "newest": ("-created_at", "-id"),
    "price_asc": ("price_min", "id"),
    "price_desc": ("-price_min", "-id"),
    "title": ("title", "id"),
    # Only when filtering by a collection and no sort was asked for: its own order.
    "collection": ("collection_position", "id"),
}
IMAGE_COLUMNS = (
    "id",
    "product_id",
    "image",
    "alt_text",
    "position",
    "renditions",
    "width",
    "height",
)


def store_currency(code: str | None) -> Currency:
    """The currency a storefront request prices in: the given enabled one, or the default.

    Unknown and disabled codes are refused (422, as in a cart's body): the shopper's client
    asked for something the store does not offer, and it must not silently get prices in
    another currency.
    """
    if not code:
        return default_currency()
    return get_enabled_currency(code)


def parse_price(value: str | None, *, currency: str, field: str) -> int | None:
    """A major-unit bound ("499.50") as minor units; bad input names the field."""
    if value is None or value.strip() == "":
        return None
    try:
        money = Money.from_decimal(value, currency)
    except ValidationError as exc:
        raise ValidationError(
            f"{field}: {exc.message}", code=exc.code, details={"field": field}
        ) from None
    if money.amount < 0:
        raise ValidationError(f"{field} must not be negative.", details={"field": field})
    return money.amount


def category_with_descendants(slug: str) -> list[int]:
    """Ids of the category with this slug and every category below it (one query)."""
    rows = list(Category.objects.values_list("id", "parent_id", "slug"))
    children: dict[int | None, list[int]] = {}
    root_id = None
    for cid, parent_id, cslug in rows:
        children.setdefault(parent_id, []).append(cid)
        if cslug == slug:
            root_id = cid
    if root_id is None:
        return []
    found, stack = [], [root_id]
    while stack:
        cid = stack.pop()
        found.append(cid)
        stack.extend(children.get(cid, ()))
    return found


def _image_prefetch(*, primary_only: bool) -> Prefetch:
    images = ProductImage.objects.only(*IMAGE_COLUMNS).order_by("position", "id")
    if primary_only:
        images = images[:1]  # Django turns a sliced prefetch into a window query
    return Prefetch("images", queryset=images, to_attr="store_images")


def _category_prefetch() -> Prefetch:
    return Prefetch(
        "categories",
        queryset=Category.objects.only("id", "slug", "name").order_by("position", "name"),
        to_attr="store_categories",
    )


def _priced(queryset: QuerySet[Product], currency: Currency) -> QuerySet[Product]:
    """Active products with a price range in `currency`, annotated with its bounds."""
    return (
        queryset.filter(status=Product.Status.ACTIVE)
        .annotate(
            range_in=FilteredRelation(
                "price_ranges", condition=Q(price_ranges__currency_id=currency.code)
            )
        )
        .filter(range_in__isnull=False)
        .annotate(price_min=F("range_in__min_amount"), price_max=F("range_in__max_amount"))
    )


@dataclass(frozen=True)
class ProductFilters:
    category: str = ""
    collection: str = ""
    q: str = ""
    availability: tuple[str, ...] = ()
    min_price: int | None = None
    max_price: int | None = None
    sort: str | None = None


def store_product_list(*, currency: Currency, filters: ProductFilters) -> QuerySet[Product]:
    """The storefront product list; lazy, so the paginator slices it in SQL.

    Compare-at prices are fetched only for the page: active variants priced in the
    currency that carry a compare-at, in one prefetch query.
    """
    qs = _priced(Product.objects.all(), currency)
    sort = filters.sort or "newest"
    if filters.category:
        ids = category_with_descendants(filters.category)
        through = Product.categories.through.objects
        qs = qs.filter(Exists(through.filter(product_id=OuterRef("pk"), category_id__in=ids)))
    if filters.collection:
        members = CollectionProduct.objects.filter(
            product_id=OuterRef("pk"),
            collection__slug=filters.collection,
            collection__is_published=True,
        )
        qs = qs.filter(Exists(members))
        if filters.sort is None:
            sort = "collection"
            qs = qs.annotate(
                collection_position=members.values("position")[:1]  # type: ignore[arg-type]
            )
    if filters.q:
        term = filters.q.strip()
        # icontains scans; fine for thousands of products, see intelligence/search later.
        qs = qs.filter(
            Q(title__icontains=term) | Q(brand__icontains=term) | Q(description__icontains=term)
        )
    if filters.availability:
        qs = qs.filter(availability__in=filters.availability)
    if filters.min_price is not None:
        qs = qs.filter(price_min__gte=filters.min_price)
    if filters.max_price is not None:
        qs = qs.filter(price_min__lte=filters.max_price)
    # Two small indexed lookups (variants by product, then prices by (variant, currency))
    # rather than one join the planner may turn into a scan of every price in the currency.
    compare = Variant.objects.filter(is_active=True).only("id", "product_id")
    compare_prices = VariantPrice.objects.filter(
        currency_id=currency.code, compare_at_amount__isnull=False
    ).only("id", "variant_id", "amount", "compare_at_amount")
    return (
        qs.only(
            "id", "slug", "title", "brand", "availability", "expected_days", "created_at", "status"
        )
        .prefetch_related(
            _image_prefetch(primary_only=True),
            _category_prefetch(),
            Prefetch("variants", queryset=compare, to_attr="compare_candidates"),
            Prefetch(
                "compare_candidates__prices", queryset=compare_prices, to_attr="compare_prices"
            ),
        )
        .order_by(*SORTS[sort])
    )


def compare_at_of(product: Product) -> int | None:
    """The compare-at of the cheapest variant, shown struck through next to "from" price."""
    values = [
        price.compare_at_amount
        for variant in getattr(product, "compare_candidates", [])
        for price in variant.compare_prices
        if price.amount == product.price_min
    ]
    return max(values) if values else None


def store_product_detail(*, slug: str, currency: Currency) -> Product:
    """One active product with its active variants priced in `currency`; else NotFound."""
    variants = (
        Variant.objects.filter(is_active=True, prices__currency_id=currency.code)
        .annotate(p_amount=F("prices__amount"), p_compare=F("prices__compare_at_amount"))
        .only("id", "product_id", "sku", "option_values", "weight_grams", "position")
        .order_by("position", "id")
    )
    collections = Collection.objects.filter(is_published=True).only("id", "slug", "name")
    product = (
        _priced(Product.objects.filter(slug=slug), currency)
        .prefetch_related(
            Prefetch("variants", queryset=variants, to_attr="store_variants"),
            Prefetch("options"),
            _image_prefetch(primary_only=False),
            _category_prefetch(),
            Prefetch("collections", queryset=collections, to_attr="store_collections"),
        )
        .first()
    )
    if product is None:
        raise NotFound(f"No product '{slug}' in {currency.code}.", details={"slug": slug})
    return product


def category_tree() -> list[dict[str, Any]]:
    """Every category as a nested tree of {id, slug, name, description, children}."""
    rows = list(Category.objects.only("id", "parent_id", "slug", "name", "description", "position"))
    nodes = {
        c.id: {
            "id": c.id,
            "slug": c.slug,
            "name": c.name,
            "description": c.description,
            "children": [],
        }
        for c in rows
    }
    roots: list[dict[str, Any]] = []
    for c in rows:
        parent = nodes.get(c.parent_id) if c.parent_id else None
        (parent["children"] if parent else roots).append(nodes[c.id])
    return roots


def published_collections() -> QuerySet[Collection]:
    return Collection.objects.filter(is_published=True).only("id", "slug", "name", "description")


def published_collection(*, slug: str) -> Collection:
    collection = published_collections().filter(slug=slug).first()
    if collection is None:
        raise NotFound(f"No collection '{slug}'.", details={"slug": slug})
    return collection
