"""Request and response shapes of the catalog API.

Requests are strict (`extra="forbid"`, no coercion: an amount sent as `12.5`, `"1250"` or
`true` is rejected) so an integrator's mistake is a 422 naming the field, never a guess.
Amounts are integers in minor units; responses add a `formatted` string for display.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from haat.catalog.models import Product
from haat.catalog.pricing import MAX_PRICE_MINOR
from haat.catalog.validators import MAX_EXPECTED_DAYS, MAX_POSITION, MAX_WEIGHT_GRAMS
from haat.core.schemas import Id, MoneyOut, checked_range

ProductStatus = Literal["draft", "active", "archived"]
Availability = Literal["in_stock", "ships_2_3_days", "ships_4_7_days", "pre_order", "unavailable"]
Slug = Annotated[str, StringConstraints(min_length=1, max_length=220, pattern=r"^[a-z0-9-]+$")]
CurrencyCode = Annotated[str, StringConstraints(pattern=r"^[A-Za-z]{3}$")]
# Prices and costs: negative is refused here, too large by `pricing.check_amount`
# (`price_too_large`), whose bound the schema shows.
MinorUnits = Annotated[int, Field(ge=0), checked_range(0, MAX_PRICE_MINOR)]
Position = Annotated[int, Field(ge=0, le=MAX_POSITION)]
IdList = Annotated[list[Id], Field(max_length=1000)]


class Out(BaseModel):
    """Base for responses: reads dicts and model attributes. A plain pydantic model, not
    ninja.Schema, so big pages skip ninja's per-object attribute wrapper."""

    model_config = ConfigDict(from_attributes=True)


# --- shared output --------------------------------------------------------------------
class CategoryRef(Out):
    id: int
    slug: str
    name: str


class ImageOut(Out):
    id: int
    url: str
    alt_text: str
    width: int | None = None
    height: int | None = None
    renditions: dict[str, str] = Field(description="WebP rendition URL by width in pixels")


class OptionOut(Out):
    name: str
    values: list[str]


class CountOut(Out):
    updated: int = Field(description="how many rows the operation changed")


# --- storefront output ----------------------------------------------------------------
StockStatus = Literal[
    "in_stock", "low_stock", "pre_order", "backorder", "out_of_stock", "unavailable"
]


class StockStateOut(Out):
    """Computed from stock, with the same numbers checkout takes by (`max_quantity`
    units of a variant are accepted now; more is a 409 `out_of_stock`). Separate from the
    merchant's `availability` tag."""

    status: StockStatus = Field(
        description="in_stock; low_stock (fewer than HAAT_ONLY_N_LEFT on the shelves); "
        "pre_order or backorder (none on the shelves, sold beyond stock up to a cap, see "
        "ships_on / ships_in_days); out_of_stock; unavailable (not for sale now)"
    )
    message: str = Field(
        description='for display: "In stock", "Only 3 left", "Pre-order: ships by 15 Jan '
        '2027", "Ships in 10 days", "Out of stock", "Unavailable"'
    )
    available: int = Field(ge=0, description="units on the shelves that can still be bought")
    max_quantity: int = Field(
        ge=0,
        description="the most one checkout accepts now: the shelves plus the units that may "
        "still be sold beyond stock (for a product: the most any one variant accepts)",
    )
    ships_on: date | None = Field(
        None, description="pre-order/backorder: the date promised for units beyond stock"
    )
    ships_in_days: int | None = Field(
        None,
        description="pre-order/backorder: units beyond stock ship this many days after the "
        "order (when the promise is a lead time rather than a date)",
    )
    purchasable: bool = Field(description="max_quantity > 0: add-to-cart can be offered")


class StoreProductItem(Out):
    id: int
    slug: str
    title: str
    brand: str
    availability: str = Field(
        description="the merchant's own tag (a promise such as ships_2_3_days), not stock; "
        "see `stock`"
    )
    availability_label: str
    expected_days: int | None
    price_min: MoneyOut
    price_max: MoneyOut
    compare_at: MoneyOut | None = Field(None, description="struck-through price, if any")
    image: ImageOut | None
    categories: list[CategoryRef]
    stock: StockStateOut = Field(
        description="the product's stock, rolled up from its active variants: the best "
        "state any of them offers"
    )


class StoreVariantOut(Out):
    id: int
    sku: str
    title: str
    option_values: dict[str, str]
    price: MoneyOut
    compare_at: MoneyOut | None
    weight_grams: int | None
    stock: StockStateOut = Field(description="this variant's stock")


class CollectionRef(Out):
    id: int
    slug: str
    name: str


class StoreProductDetail(StoreProductItem):
    description: str
    seo_title: str
    seo_description: str
    options: list[OptionOut]
    variants: list[StoreVariantOut]
    images: list[ImageOut]
    collections: list[CollectionRef]


class CategoryNode(Out):
    id: int
    slug: str
    name: str
    description: str
    children: list[CategoryNode]


class CollectionOut(Out):
    id: int
    slug: str
    name: str
    description: str


# --- admin input ----------------------------------------------------------------------
class StrictIn(BaseModel):  # not ninja.Schema: no attribute reading for input
    """Base for request bodies: unknown keys and type coercion are errors.

    Fields listed in `nullable` accept an explicit null; for the others `null` is
    rejected, so a PATCH cannot blank a required field by accident.
    """

    model_config = ConfigDict(extra="forbid", strict=True)
    nullable: ClassVar[frozenset[str]] = frozenset()

    @field_validator("*", mode="before")
    @classmethod
    def _no_null(cls, value: Any, info: Any) -> Any:
        if value is None and info.field_name not in cls.nullable:
            raise ValueError("may not be null")
        return value

    def changes(self) -> dict[str, Any]:
        """Only the keys the caller sent (PATCH semantics)."""
        return self.model_dump(exclude_unset=True)


class ProductFields(StrictIn):
    slug: Slug | None = None
    description: Annotated[str, StringConstraints(max_length=20_000)] | None = None
    brand: Annotated[str, StringConstraints(max_length=120)] | None = None
    status: ProductStatus | None = None
    availability: Availability | None = None
    expected_days: Annotated[int, Field(ge=1, le=MAX_EXPECTED_DAYS)] | None = None
    seo_title: Annotated[str, StringConstraints(max_length=70)] | None = None
    seo_description: Annotated[str, StringConstraints(max_length=160)] | None = None
    category_ids: IdList | None = None
    collection_ids: IdList | None = None
    nullable: ClassVar[frozenset[str]] = frozenset({"expected_days", "slug"})


class ProductCreateIn(ProductFields):
    title: Annotated[str, StringConstraints(min_length=1, max_length=200)]


class ProductUpdateIn(ProductFields):
    title: Annotated[str, StringConstraints(min_length=1, max_length=200)] | None = None
    nullable: ClassVar[frozenset[str]] = frozenset({"expected_days"})


class OptionIn(StrictIn):
    name: Annotated[str, StringConstraints(min_length=1, max_length=50)]
    values: Annotated[
        list[Annotated[str, StringConstraints(min_length=1, max_length=100)]],
        Field(min_length=1, max_length=100),
    ]


class OptionsIn(StrictIn):
    options: Annotated[list[OptionIn], Field(max_length=3)]


class PriceIn(StrictIn):
    currency: CurrencyCode
    amount: MinorUnits
    compare_at_amount: MinorUnits | None = None
    nullable: ClassVar[frozenset[str]] = frozenset({"compare_at_amount"})


class VariantFields(StrictIn):
    option_values: (
        dict[
            Annotated[str, StringConstraints(max_length=50)],
            Annotated[str, StringConstraints(max_length=100)],
        ]
        | None
    ) = None
    weight_grams: Annotated[int, Field(ge=0, le=MAX_WEIGHT_GRAMS)] | None = None
    hsn_code: Annotated[str, StringConstraints(max_length=8)] | None = None
    barcode: Annotated[str, StringConstraints(max_length=14)] | None = None
    cost_amount: MinorUnits | None = Field(
        None, description="cost in the store's default currency, minor units"
    )
    is_active: bool | None = None
    position: Position | None = None
    nullable: ClassVar[frozenset[str]] = frozenset({"weight_grams", "cost_amount"})


SkuStr = Annotated[str, StringConstraints(min_length=1, max_length=64)]


class VariantCreateIn(VariantFields):
    sku: SkuStr
    prices: Annotated[list[PriceIn], Field(max_length=50)] | None = None


class VariantUpdateIn(VariantFields):
    sku: SkuStr | None = None


class ImageUpdateIn(StrictIn):
    alt_text: Annotated[str, StringConstraints(max_length=200)] | None = None
    position: Position | None = None


class ImageOrderIn(StrictIn):
    image_ids: Annotated[list[Id], Field(min_length=1, max_length=200)]


class BulkStatusIn(StrictIn):
    product_ids: Annotated[list[Id], Field(min_length=1, max_length=1000)]
    status: ProductStatus


class BulkAssignIn(StrictIn):
    product_ids: Annotated[list[Id], Field(min_length=1, max_length=1000)]
    add_category_ids: IdList = []
    remove_category_ids: IdList = []
    add_collection_ids: IdList = []
    remove_collection_ids: IdList = []


class BulkPricesIn(StrictIn):
    product_ids: Annotated[list[Id], Field(min_length=1, max_length=1000)]
    currency: CurrencyCode
    mode: Literal["set", "percent", "amount"]
    value: Annotated[str, StringConstraints(pattern=r"^[+-]?\d{1,13}(\.\d{1,4})?$")] = Field(
        description='"499.00" for set (major units); "+10" / "-5" for percent or amount'
    )
    rounding: Literal["none", "whole", "end_99", "end_49_99"] = "none"


class CategoryFields(StrictIn):
    slug: Slug | None = None
    parent_id: Id | None = None
    description: Annotated[str, StringConstraints(max_length=5_000)] | None = None
    position: Position | None = None
    nullable: ClassVar[frozenset[str]] = frozenset({"slug", "parent_id"})


class CategoryCreateIn(CategoryFields):
    name: Annotated[str, StringConstraints(min_length=1, max_length=120)]


class CategoryUpdateIn(CategoryFields):
    name: Annotated[str, StringConstraints(min_length=1, max_length=120)] | None = None
    nullable: ClassVar[frozenset[str]] = frozenset({"parent_id"})


class CollectionFields(StrictIn):
    slug: Slug | None = None
    description: Annotated[str, StringConstraints(max_length=5_000)] | None = None
    is_published: bool | None = None
    nullable: ClassVar[frozenset[str]] = frozenset({"slug"})


class CollectionCreateIn(CollectionFields):
    name: Annotated[str, StringConstraints(min_length=1, max_length=120)]
    product_ids: IdList | None = None


class CollectionUpdateIn(CollectionFields):
    name: Annotated[str, StringConstraints(min_length=1, max_length=120)] | None = None
    nullable: ClassVar[frozenset[str]] = frozenset()


class ProductIdsIn(StrictIn):
    product_ids: Annotated[list[Id], Field(max_length=5000)]


# --- admin output ---------------------------------------------------------------------
class PriceOut(Out):
    currency: str
    amount: int
    compare_at_amount: int | None
    formatted: str


class AdminVariantOut(Out):
    id: int
    sku: str
    title: str
    option_values: dict[str, str]
    weight_grams: int | None
    hsn_code: str
    barcode: str
    cost_amount: int | None
    cost_currency: str
    position: int
    is_active: bool
    prices: list[PriceOut]


class AdminProductItem(Out):
    id: int
    slug: str
    title: str
    brand: str
    status: str
    availability: str
    variant_count: int
    categories: list[CategoryRef]
    created_at: datetime
    updated_at: datetime


class AdminProductOut(AdminProductItem):
    description: str
    expected_days: int | None
    seo_title: str
    seo_description: str
    collections: list[CollectionRef]
    options: list[OptionOut]
    variants: list[AdminVariantOut]
    images: list[ImageOut]


class PriceHistoryOut(Out):
    id: int
    currency: str
    old_amount: int | None
    new_amount: int | None
    old_compare_at_amount: int | None
    new_compare_at_amount: int | None
    changed_by: str
    changed_at: datetime
    source: str


class AdminCategoryOut(Out):
    id: int
    slug: str
    name: str
    description: str
    parent_id: int | None
    position: int
    product_count: int | None = None
    children: list[AdminCategoryOut] = []


class AdminCollectionOut(Out):
    id: int
    slug: str
    name: str
    description: str
    is_published: bool
    product_ids: list[int]


class RowErrorOut(Out):
    row: int
    column: str
    message: str


class ImportReportOut(Out):
    rows: int
    created_products: int
    updated_products: int
    created_variants: int
    updated_variants: int
    applied: bool
    errors: list[RowErrorOut]


class ImportInvalidBody(BaseModel):
    code: Literal["import_invalid"]
    message: str
    details: ImportReportOut = Field(description="the report: every row error, nothing applied")


class ImportInvalidOut(BaseModel):
    """422 of a catalog import with row errors: the error body, its details the report."""

    error: ImportInvalidBody


AVAILABILITY_LABELS = {c.value: str(c.label) for c in Product.Availability}
