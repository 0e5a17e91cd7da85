"""Admin API for GST: the store's tax settings, rates on categories and products, and the
rate that applies to given variants."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from haat.accounts.roles import Perm
from haat.api.auth import StaffAuth, require
from haat.core.schemas import Id, errors
from haat.tax import selectors, services
from haat.tax.gst import GST_SLABS, MAX_CESS

admin_router = Router(auth=StaffAuth, tags=["admin: tax (GST)"])

_SLABS = ", ".join(str(s) for s in GST_SLABS)
RATE_FIELD = Field(
    ..., ge=0, le=max(GST_SLABS), description=f"GST rate in percent: one of {_SLABS}"
)
CESS_FIELD = Field(
    Decimal(0),
    ge=0,
    le=MAX_CESS,
    description="compensation cess in percent of the taxable value (at most two decimals)",
)


class TaxSettingsOut(Schema):
    prices_include_tax: bool = Field(
        description="true: prices are shown and charged with GST in them (the default); "
        "false: GST is added at checkout"
    )
    default_rate: int = Field(description="rate of products no product or category rate covers")
    default_cess: Decimal
    default_label: str = Field(description='the default in words, e.g. "18 % GST"')


class TaxSettingsIn(Schema):
    prices_include_tax: bool
    default_rate: int = RATE_FIELD
    default_cess: Decimal = CESS_FIELD


class RateIn(Schema):
    rate: int = RATE_FIELD
    cess: Decimal = CESS_FIELD


class RateOut(Schema):
    applies_to: Literal["category", "product"]
    category_id: int | None
    product_id: int | None
    name: str = Field(description='the category\'s path ("Apparel / Kurtas") or product title')
    rate: int
    cess: Decimal
    label: str = Field(description='the rate in words, e.g. "28 % GST + 12 % cess"')


class RatesOut(Schema):
    categories: list[RateOut]
    products: list[RateOut]


class EffectiveRateOut(Schema):
    variant_id: int
    rate: int
    cess: Decimal
    source: Literal["product", "category", "default"]
    category_id: int | None = Field(description="the category whose rate applies, if one")
    label: str


class VariantIds(Schema):
    variant_id: list[Id] = Field(..., min_length=1, max_length=100)


def _settings_out() -> dict[str, Any]:
    config = selectors.tax_config()
    return {
        "prices_include_tax": config.prices_include_tax,
        "default_rate": config.default_rate,
        "default_cess": config.default_cess,
        "default_label": config.default_label,
    }


def _rate_out(rate: selectors.AssignedRate) -> dict[str, Any]:
    return {
        "applies_to": rate.kind,
        "category_id": rate.target_id if rate.kind == "category" else None,
        "product_id": rate.target_id if rate.kind == "product" else None,
        "name": rate.name,
        "rate": rate.rate,
        "cess": rate.cess,
        "label": rate.label,
    }


def _one(kind: str, target_id: int) -> dict[str, Any]:
    rows = selectors.category_rates() if kind == "category" else selectors.product_rates()
    return _rate_out(next(r for r in rows if r.target_id == target_id))


@admin_router.get(
    "tax/settings", response={200: TaxSettingsOut, **errors(401, 403)}, summary="Tax settings"
)
def get_tax_settings(request: HttpRequest) -> Any:
    """Whether prices include GST, and the store's default rate."""
    require(request, Perm.CATALOG_VIEW)
    return _settings_out()


@admin_router.put(
    "tax/settings",
    response={200: TaxSettingsOut, **errors(401, 403, 422)},
    summary="Change the tax settings",
)
def put_tax_settings(request: HttpRequest, payload: TaxSettingsIn) -> Any:
    """`prices_include_tax` (true by default, as Indian shoppers expect) and the default rate
    and cess. A rate other than a GST slab is a 422 `invalid_gst_rate`; a cess with more
    than two decimals a 422 `invalid_cess`."""
    require(request, Perm.TAX_MANAGE)
    services.update_tax_settings(
        prices_include_tax=payload.prices_include_tax,
        default_rate=payload.default_rate,
        default_cess=payload.default_cess,
    )
    return _settings_out()


@admin_router.get(
    "tax/rates", response={200: RatesOut, **errors(401, 403)}, summary="List GST rates"
)
def list_rates(request: HttpRequest) -> Any:
    """Every category and product that has its own rate. A product's own rate wins; else its
    nearest category's (its categories, then their parents; the higher rate when two are
    equally near); else the store's default."""
    require(request, Perm.CATALOG_VIEW)
    return {
        "categories": [_rate_out(r) for r in selectors.category_rates()],
        "products": [_rate_out(r) for r in selectors.product_rates()],
    }


@admin_router.put(
    "tax/categories/{category_id}/rate",
    response={200: RateOut, **errors(401, 403, 404, 422)},
    summary="Set a category's GST rate",
)
def put_category_rate(request: HttpRequest, category_id: int, payload: RateIn) -> Any:
    """The rate of the category's products and its subcategories' products (unless a nearer
    category or the product has its own)."""
    require(request, Perm.TAX_MANAGE)
    services.set_category_rate(category_id=category_id, rate=payload.rate, cess=payload.cess)
    return _one("category", category_id)


@admin_router.delete(
    "tax/categories/{category_id}/rate",
    response={204: None, **errors(401, 403, 404)},
    summary="Remove a category's GST rate",
)
def delete_category_rate(request: HttpRequest, category_id: int) -> Any:
    """Its products fall back to a parent category's rate or the default. 204 also when the
    category had no rate."""
    require(request, Perm.TAX_MANAGE)
    services.clear_category_rate(category_id=category_id)
    return Status(204, None)


@admin_router.put(
    "tax/products/{product_id}/rate",
    response={200: RateOut, **errors(401, 403, 404, 422)},
    summary="Set a product's own GST rate",
)
def put_product_rate(request: HttpRequest, product_id: int, payload: RateIn) -> Any:
    """The rate of all the product's variants, over its categories' rates."""
    require(request, Perm.TAX_MANAGE)
    services.set_product_rate(product_id=product_id, rate=payload.rate, cess=payload.cess)
    return _one("product", product_id)


@admin_router.delete(
    "tax/products/{product_id}/rate",
    response={204: None, **errors(401, 403, 404)},
    summary="Remove a product's own GST rate",
)
def delete_product_rate(request: HttpRequest, product_id: int) -> Any:
    """The product falls back to its categories' rate or the default. 204 also when it had
    no rate of its own."""
    require(request, Perm.TAX_MANAGE)
    services.clear_product_rate(product_id=product_id)
    return Status(204, None)


@admin_router.get(
    "tax/variants",
    response={200: list[EffectiveRateOut], **errors(401, 403, 422)},
    summary="The GST rate of variants",
)
def variant_rates(request: HttpRequest, query: Query[VariantIds]) -> Any:
    """The rate checkout applies to each variant (`?variant_id=1&variant_id=2`, up to 100),
    and where it comes from. Unknown ids get the default."""
    require(request, Perm.CATALOG_VIEW)
    rates = selectors.effective_rates(query.variant_id)
    return [
        {
            "variant_id": vid,
            "rate": r.rate,
            "cess": r.cess,
            "source": r.source,
            "category_id": r.category_id,
            "label": selectors.rate_label(r.rate, r.cess),
        }
        for vid, r in rates.items()
    ]
