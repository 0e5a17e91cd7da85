"""Admin catalog API (`/api/v1/admin/`): products, variants, prices, images, bulk edits.

Each endpoint checks the permission, parses a strict schema, calls one catalog service
and shapes the result. Rules live in the services; categories, collections and CSV are
in `api_admin_taxonomy`, images in `api_admin_images`.
"""

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import Field

from haat.accounts.roles import Perm
from haat.api.auth import StaffAuth, require
from haat.api.pagination import Paginated
from haat.catalog import bulk, pricing, selectors, services
from haat.catalog.api_store import image_out
from haat.catalog.models import PriceHistory, Product, Variant
from haat.catalog.schemas import (
    AdminProductItem,
    AdminProductOut,
    AdminVariantOut,
    Availability,
    BulkAssignIn,
    BulkPricesIn,
    BulkStatusIn,
    CountOut,
    OptionsIn,
    PriceHistoryOut,
    PriceIn,
    PriceOut,
    ProductCreateIn,
    ProductStatus,
    ProductUpdateIn,
    VariantCreateIn,
    VariantUpdateIn,
)
from haat.core.currencies import default_currency
from haat.core.errors import NotFound
from haat.core.money import Money, money_json
from haat.core.schemas import MAX_ID, ErrorOut

admin_router = Router(auth=StaffAuth, tags=["admin: catalog"])

READ_ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
WRITE_ERRORS: dict[int, Any] = {**READ_ERRORS, 409: ErrorOut}


def get_or_404(model: type, pk: int) -> Any:
    obj = model.objects.filter(pk=pk).first()
    if obj is None:
        name = model._meta.verbose_name
        raise NotFound(f"No {name} with id {pk}.", details={"id": pk})
    return obj


# --- shaping ------------------------------------------------------------------------
def price_out(price: Any) -> dict[str, Any]:
    money = money_json(price.amount, price.currency_id)
    return {
        "currency": price.currency_id,
        "amount": price.amount,
        "compare_at_amount": price.compare_at_amount,
        "formatted": money["formatted"] if money else "",
    }


def variant_out(variant: Variant) -> dict[str, Any]:
    return {
        "id": variant.id,
        "sku": variant.sku,
        "title": variant.title,
        "option_values": variant.option_values,
        "weight_grams": variant.weight_grams,
        "hsn_code": variant.hsn_code,
        "barcode": variant.barcode,
        "cost_amount": variant.cost_amount,
        "cost_currency": variant.cost_currency,
        "position": variant.position,
        "is_active": variant.is_active,
        "prices": [price_out(p) for p in sorted(variant.prices.all(), key=lambda p: p.currency_id)],
    }


def _refs(rows: Any) -> list[dict[str, Any]]:
    return [{"id": r.id, "slug": r.slug, "name": r.name} for r in rows]


def product_item(product: Product) -> dict[str, Any]:
    count = getattr(product, "variant_count", None)
    return {
        "id": product.id,
        "slug": product.slug,
        "title": product.title,
        "brand": product.brand,
        "status": product.status,
        "availability": product.availability,
        "variant_count": count if count is not None else len(product.variants.all()),
        "categories": _refs(product.categories.all()),
        "created_at": product.created_at,
        "updated_at": product.updated_at,
    }


def product_out(product_id: int) -> dict[str, Any]:
    product = selectors.product_detail(product_id=product_id)
    variants = list(product.variants.all())
    return {
        **product_item(product),
        "variant_count": len(variants),
        "description": product.description,
        "expected_days": product.expected_days,
        "seo_title": product.seo_title,
        "seo_description": product.seo_description,
        "collections": _refs(product.collections.all()),
        "options": [{"name": o.name, "values": o.values} for o in product.options.all()],
        "variants": [variant_out(v) for v in variants],
        "images": [image_out(i) for i in product.images.all()],
    }


def variant_fields(changes: dict[str, Any]) -> dict[str, Any]:
    """Schema keys to service keywords: `cost_amount` is Money in the default currency."""
    if "cost_amount" in changes:
        amount = changes.pop("cost_amount")
        changes["cost"] = None if amount is None else Money(amount, default_currency().code)
    return changes


def price_inputs(prices: list[PriceIn]) -> list[pricing.PriceInput]:
    out = []
    for p in prices:
        compare = None if p.compare_at_amount is None else Money(p.compare_at_amount, p.currency)
        out.append(pricing.PriceInput(amount=Money(p.amount, p.currency), compare_at=compare))
    return out


# --- products -------------------------------------------------------------------------
class ProductFilter(Schema):
    q: str = Field("", max_length=200)
    status: ProductStatus | None = None
    category: int | None = Field(None, ge=1, le=MAX_ID, description="category id")
    collection: int | None = Field(None, ge=1, le=MAX_ID, description="collection id")
    availability: Availability | None = None


@admin_router.get(
    "products",
    response={200: list[AdminProductItem], **READ_ERRORS},
    summary="List products",
    description="All products (any status), newest first, with variant counts.",
)
@paginate(Paginated)
def list_products(request: HttpRequest, filters: Query[ProductFilter]) -> Any:
    require(request, Perm.CATALOG_VIEW)
    queryset = selectors.admin_product_queryset(
        q=filters.q,
        status=filters.status or "",
        category_id=filters.category,
        collection_id=filters.collection,
        availability=filters.availability or "",
    )
    return _Mapped(queryset, product_item)


class _Mapped:
    """Lets `Paginated` count and slice the queryset in SQL, then shapes only the page."""

    def __init__(self, queryset: Any, render: Any) -> None:
        self.queryset, self.render = queryset, render

    def __len__(self) -> int:
        return self.queryset.count()

    def __getitem__(self, page: slice) -> list[dict[str, Any]]:
        return [self.render(row) for row in self.queryset[page]]


@admin_router.post(
    "products",
    response={201: AdminProductOut, **WRITE_ERRORS},
    summary="Create a product",
    description="Creates a product (draft unless `status` says otherwise). A slug is made "
    "from the title when not given; a given slug already in use is 409 `duplicate_slug`.",
)
def create_product(request: HttpRequest, payload: ProductCreateIn) -> Any:
    require(request, Perm.CATALOG_EDIT)
    product = services.create_product(**payload.changes())
    return Status(201, product_out(product.id))


@admin_router.get(
    "products/{product_id}",
    response={200: AdminProductOut, **READ_ERRORS},
    summary="Get a product",
    description="Everything about one product: variants with all prices, options, images.",
)
def get_product(request: HttpRequest, product_id: int) -> Any:
    require(request, Perm.CATALOG_VIEW)
    return product_out(product_id)


@admin_router.patch(
    "products/{product_id}",
    response={200: AdminProductOut, **WRITE_ERRORS},
    summary="Update a product",
    description="Changes only the fields sent. `category_ids`/`collection_ids` replace.",
)
def update_product(request: HttpRequest, product_id: int, payload: ProductUpdateIn) -> Any:
    require(request, Perm.CATALOG_EDIT)
    services.update_product(product=get_or_404(Product, product_id), **payload.changes())
    return product_out(product_id)


@admin_router.delete(
    "products/{product_id}",
    response={204: None, **WRITE_ERRORS},
    summary="Delete a product",
    description="Deletes the product with its variants, prices and images. Products that "
    "orders refer to cannot be deleted (409); archive them instead.",
)
def delete_product(request: HttpRequest, product_id: int) -> Any:
    require(request, Perm.CATALOG_EDIT)
    services.delete_product(product=get_or_404(Product, product_id))
    return Status(204, None)


@admin_router.put(
    "products/{product_id}/options",
    response={200: AdminProductOut, **WRITE_ERRORS},
    summary="Set a product's options",
    description="Replaces the option types and their ordered values (at most 3 options). "
    "A value still used by a variant cannot be dropped (409/422).",
)
def set_options(request: HttpRequest, product_id: int, payload: OptionsIn) -> Any:
    require(request, Perm.CATALOG_EDIT)
    services.set_product_options(
        product=get_or_404(Product, product_id),
        options=[(o.name, list(o.values)) for o in payload.options],
    )
    return product_out(product_id)


# --- variants and prices ------------------------------------------------------------
@admin_router.post(
    "products/{product_id}/variants",
    response={201: AdminVariantOut, **WRITE_ERRORS},
    summary="Add a variant",
    description="Creates a variant; SKUs are unique store-wide (409 `duplicate_sku`). "
    "`prices` needs `prices.edit` as well as `catalog.edit`.",
)
def create_variant(request: HttpRequest, product_id: int, payload: VariantCreateIn) -> Any:
    require(request, Perm.CATALOG_EDIT)
    data = variant_fields(payload.changes())
    if payload.prices:
        require(request, Perm.PRICES_EDIT)
        data["prices"] = price_inputs(payload.prices)
    else:
        data.pop("prices", None)
    variant = services.create_variant(product=get_or_404(Product, product_id), **data)
    return Status(201, variant_out(selectors.variant_with_prices(variant_id=variant.pk)))


@admin_router.patch(
    "variants/{variant_id}",
    response={200: AdminVariantOut, **WRITE_ERRORS},
    summary="Update a variant",
    description="Changes only the fields sent. Prices have their own endpoint.",
)
def update_variant(request: HttpRequest, variant_id: int, payload: VariantUpdateIn) -> Any:
    require(request, Perm.CATALOG_EDIT)
    services.update_variant(
        variant=get_or_404(Variant, variant_id), **variant_fields(payload.changes())
    )
    return variant_out(selectors.variant_with_prices(variant_id=variant_id))


@admin_router.delete(
    "variants/{variant_id}",
    response={204: None, **WRITE_ERRORS},
    summary="Delete a variant",
    description="Deletes the variant and its prices; the product's price ranges follow.",
)
def delete_variant(request: HttpRequest, variant_id: int) -> Any:
    require(request, Perm.CATALOG_EDIT)
    services.delete_variant(variant=get_or_404(Variant, variant_id))
    return Status(204, None)


@admin_router.put(
    "variants/{variant_id}/prices",
    response={200: list[PriceOut], **WRITE_ERRORS},
    summary="Set a variant's prices",
    description="Body: a list of `{currency, amount, compare_at_amount?}` in minor units. "
    "Sets the listed currencies (each must be enabled); other currencies keep their price "
    "(remove one with DELETE `variants/{id}/prices/{currency}`). Returns all prices.",
)
def set_prices(request: HttpRequest, variant_id: int, payload: list[PriceIn]) -> Any:
    require(request, Perm.PRICES_EDIT)
    pricing.set_variant_prices(
        variant=get_or_404(Variant, variant_id), prices=price_inputs(payload), source="api"
    )
    return variant_out(selectors.variant_with_prices(variant_id=variant_id))["prices"]


@admin_router.delete(
    "variants/{variant_id}/prices/{currency}",
    response={200: list[PriceOut], **WRITE_ERRORS},
    summary="Remove a variant's price in one currency",
    description="The variant is then not for sale in that currency. Returns the rest.",
)
def remove_price(request: HttpRequest, variant_id: int, currency: str) -> Any:
    require(request, Perm.PRICES_EDIT)
    pricing.remove_variant_price(
        variant=get_or_404(Variant, variant_id), currency=currency.upper(), source="api"
    )
    return variant_out(selectors.variant_with_prices(variant_id=variant_id))["prices"]


@admin_router.get(
    "variants/{variant_id}/price-history",
    response={200: list[PriceHistoryOut], **READ_ERRORS},
    summary="Price history of a variant",
    description="Every price change, newest first: old and new amounts, who, when, source.",
)
@paginate(Paginated)
def price_history(request: HttpRequest, variant_id: int) -> Any:
    require(request, Perm.CATALOG_VIEW)
    get_or_404(Variant, variant_id)
    return _Mapped(selectors.price_history(variant_id=variant_id), _history_row)


def _history_row(h: PriceHistory) -> dict[str, Any]:
    return {
        "id": h.id,
        "currency": h.currency,
        "old_amount": h.old_amount,
        "new_amount": h.new_amount,
        "old_compare_at_amount": h.old_compare_at_amount,
        "new_compare_at_amount": h.new_compare_at_amount,
        "changed_by": h.changed_by_label,
        "changed_at": h.changed_at,
        "source": h.source,
    }


# --- bulk -----------------------------------------------------------------------------
@admin_router.post(
    "products/bulk/status",
    response={200: CountOut, **WRITE_ERRORS},
    summary="Set the status of many products",
    description="One transaction; returns how many products changed.",
)
def bulk_status(request: HttpRequest, payload: BulkStatusIn) -> Any:
    require(request, Perm.CATALOG_EDIT)
    return {"updated": bulk.bulk_set_status(**payload.model_dump())}


@admin_router.post(
    "products/bulk/assign",
    response={200: CountOut, **WRITE_ERRORS},
    summary="Add or remove categories and collections on many products",
    description="One transaction; returns how many products were affected.",
)
def bulk_assign(request: HttpRequest, payload: BulkAssignIn) -> Any:
    require(request, Perm.CATALOG_EDIT)
    return {"updated": bulk.bulk_assign(**payload.model_dump())}


@admin_router.post(
    "products/bulk/prices",
    response={200: CountOut, **WRITE_ERRORS},
    summary="Change prices of many products in one currency",
    description="`mode` set (value in major units), percent or amount (signed, e.g. "
    '"-10"), optional `rounding`. All or nothing: a result below zero changes nothing.',
)
def bulk_prices(request: HttpRequest, payload: BulkPricesIn) -> Any:
    require(request, Perm.PRICES_EDIT)
    data = payload.model_dump()
    data["currency"] = data["currency"].upper()
    return {"updated": pricing.bulk_change_prices(**data)}
