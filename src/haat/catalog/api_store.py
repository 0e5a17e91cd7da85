"""Storefront catalog API (`/api/v1/store/`, publishable key): browse what is for sale.

Parse the query, ask `store_selectors`, shape the answer. Prices are always in one
currency per request (`?currency=USD`, default the store's), never converted.
"""

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.pagination import paginate
from pydantic import Field

from haat.api.auth import StorefrontAuth
from haat.api.pagination import Paginated
from haat.catalog import store_selectors as sel
from haat.catalog.images import rendition_url
from haat.catalog.models import Product, ProductImage
from haat.catalog.schemas import (
    AVAILABILITY_LABELS,
    Availability,
    CategoryNode,
    CollectionOut,
    StoreProductDetail,
    StoreProductItem,
)
from haat.catalog.stock_state import UNAVAILABLE, ProductStock, StockState, stock_states
from haat.core.money import money_json
from haat.core.schemas import ErrorOut

store_router = Router(auth=StorefrontAuth, tags=["store: catalog"])

ERRORS: dict[int, Any] = {401: ErrorOut, 422: ErrorOut}
CURRENCY_HELP = "ISO 4217 code of an enabled currency; default: the store's default currency"


class CurrencyQuery(Schema):
    currency: str | None = Field(None, max_length=3, description=CURRENCY_HELP)


class ProductQuery(CurrencyQuery):
    category: str | None = Field(None, max_length=140, description="category slug (+ children)")
    collection: str | None = Field(None, max_length=140, description="published collection slug")
    q: str | None = Field(None, max_length=200, description="text in title, brand, description")
    availability: list[Availability] | None = Field(None, description="repeat for several")
    min_price: str | None = Field(None, max_length=20, description="major units, e.g. 499.50")
    max_price: str | None = Field(None, max_length=20, description="major units, e.g. 1999")
    sort: str | None = Field(
        None,
        pattern="^(newest|price_asc|price_desc|title)$",
        description="newest (default; a collection's own order when filtering by collection), "
        "price_asc, price_desc, title",
    )


def image_out(image: ProductImage) -> dict[str, Any]:
    return {
        "id": image.id,
        "url": image.image.url,
        "alt_text": image.alt_text,
        "width": image.width,
        "height": image.height,
        "renditions": {
            str(w): rendition_url(image, int(w)) for w in sorted(image.renditions or {}, key=int)
        },
    }


def stock_out(state: StockState) -> dict[str, Any]:
    return {
        "status": state.status,
        "message": state.message,
        "available": state.available,
        "max_quantity": state.max_quantity,
        "ships_on": state.ships_on,
        "ships_in_days": state.ships_in_days,
        "purchasable": state.purchasable,
    }


def _item(product: Product, currency: str, stock: ProductStock) -> dict[str, Any]:
    images = getattr(product, "store_images", [])
    return {
        "id": product.id,
        "slug": product.slug,
        "title": product.title,
        "brand": product.brand,
        "availability": product.availability,
        "availability_label": AVAILABILITY_LABELS.get(product.availability, ""),
        "expected_days": product.expected_days,
        "price_min": money_json(product.price_min, currency),
        "price_max": money_json(product.price_max, currency),
        "compare_at": money_json(sel.compare_at_of(product), currency),
        "image": image_out(images[0]) if images else None,
        "categories": [
            {"id": c.id, "slug": c.slug, "name": c.name} for c in product.store_categories
        ],
        "stock": stock_out(stock.product),
    }


@store_router.get(
    "products",
    response={200: list[StoreProductItem], **ERRORS},
    summary="List products for sale",
    description="Active products with at least one active variant priced in the requested "
    "currency. Filters combine with AND; `availability` may repeat. Price bounds are major "
    "units compared with the product's lowest price. Text search is a case-insensitive "
    "substring match.",
)
@paginate(Paginated)
def list_products(request: HttpRequest, filters: Query[ProductQuery]) -> Any:
    currency = sel.store_currency(filters.currency)
    code = currency.code
    queryset = sel.store_product_list(
        currency=currency,
        filters=sel.ProductFilters(
            category=filters.category or "",
            collection=filters.collection or "",
            q=filters.q or "",
            availability=tuple(filters.availability or ()),
            min_price=sel.parse_price(filters.min_price, currency=code, field="min_price"),
            max_price=sel.parse_price(filters.max_price, currency=code, field="max_price"),
            sort=filters.sort,
        ),
    )
    return _Rendered(queryset, lambda p, stock: _item(p, code, stock))


class _Rendered:
    """Wraps a queryset so `Paginated` counts and slices in SQL, then renders the page
    with its products' stock states (one more query for the whole page)."""

    def __init__(self, queryset: Any, render: Any) -> None:
        self.queryset = queryset
        self.render = render

    def count(self) -> int:
        return self.queryset.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, page: slice) -> list[dict[str, Any]]:
        products = list(self.queryset[page])
        stock = stock_states([p.id for p in products])
        return [self.render(p, stock[p.id]) for p in products]


@store_router.get(
    "products/{slug}",
    response={200: StoreProductDetail, 404: ErrorOut, **ERRORS},
    summary="Get one product",
    description="Full product detail with its active variants priced in the requested "
    "currency. Draft, archived and unpriced products are 404.",
)
def get_product(request: HttpRequest, slug: str, params: Query[CurrencyQuery]) -> Any:
    currency = sel.store_currency(params.currency)
    code = currency.code
    product = sel.store_product_detail(slug=slug, currency=currency)
    variants = product.store_variants
    stock = stock_states([product.id])[product.id]
    cheapest = [v.p_compare for v in variants if v.p_amount == product.price_min and v.p_compare]
    return {
        **_item(product, code, stock),
        "compare_at": money_json(max(cheapest) if cheapest else None, code),
        "image": image_out(product.store_images[0]) if product.store_images else None,
        "description": product.description,
        "seo_title": product.seo_title or product.title,
        "seo_description": product.seo_description,
        "options": [{"name": o.name, "values": o.values} for o in product.options.all()],
        "variants": [
            {
                "id": v.id,
                "sku": v.sku,
                "title": v.title,
                "option_values": v.option_values,
                "price": money_json(v.p_amount, code),
                "compare_at": money_json(v.p_compare, code),
                "weight_grams": v.weight_grams,
                "stock": stock_out(stock.variants.get(v.id, UNAVAILABLE)),
            }
            for v in variants
        ],
        "images": [image_out(i) for i in product.store_images],
        "collections": [
            {"id": c.id, "slug": c.slug, "name": c.name} for c in product.store_collections
        ],
    }


@store_router.get(
    "categories",
    response={200: list[CategoryNode], 401: ErrorOut},
    summary="Category tree",
    description="Every category, nested under its parent, in display order.",
)
def list_categories(request: HttpRequest) -> Any:
    return sel.category_tree()


@store_router.get(
    "collections",
    response={200: list[CollectionOut], 401: ErrorOut},
    summary="List published collections",
    description="Published collections by name. List a collection's products with "
    "`GET products?collection=<slug>` (in the collection's own order).",
)
@paginate(Paginated)
def list_collections(request: HttpRequest) -> Any:
    return sel.published_collections()


@store_router.get(
    "collections/{slug}",
    response={200: CollectionOut, 404: ErrorOut, 401: ErrorOut},
    summary="Get one published collection",
    description="Unpublished and unknown collections are 404.",
)
def get_collection(request: HttpRequest, slug: str) -> Any:
    return sel.published_collection(slug=slug)
