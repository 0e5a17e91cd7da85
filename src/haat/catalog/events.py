"""The events the catalog emits: products, variants, prices, categories, collections, imports.

Payloads carry ids and what changed, not whole rows: a consumer that needs more reads the
catalog's selectors (the row may have changed again since).
"""

from __future__ import annotations

from typing import Literal

from haat.catalog.models import Product
from haat.core.events import Event, Part

PriceSource = Literal["editor", "api", "import", "bulk"]


class ProductCreated(Event):
    """A product was created (in the editor, the API or a catalogue import)."""

    event_type = "catalog.product_created"
    example = {"id": 7, "slug": "indigo-kurta", "status": "draft"}

    id: int
    """The product's id."""
    slug: str
    """Its URL slug."""
    status: Product.Status
    """Its status when created."""


class ProductUpdated(Event):
    """Fields of a product changed, or its images, options, categories or collections."""

    event_type = "catalog.product_updated"
    example = {"id": 7, "slug": "indigo-kurta", "fields": ["status", "title"]}

    id: int
    """The product's id."""
    slug: str
    """Its URL slug after the change."""
    fields: list[str]
    """What changed, sorted: field names, or `images`, `options`, `category_ids`,
    `collection_ids`."""


class ProductDeleted(Event):
    """A product was deleted with its variants, prices and images."""

    event_type = "catalog.product_deleted"
    example = {"id": 7, "slug": "indigo-kurta"}

    id: int
    """The id the product had."""
    slug: str
    """The slug it had."""


class VariantCreated(Event):
    """A variant was added to a product."""

    event_type = "catalog.variant_created"
    example = {"id": 31, "product_id": 7, "sku": "KURTA-M"}

    id: int
    """The variant's id."""
    product_id: int
    """Its product."""
    sku: str
    """Its SKU."""


class VariantUpdated(Event):
    """Fields of a variant changed (its prices too: see also `catalog.price_changed`)."""

    event_type = "catalog.variant_updated"
    example = {"id": 31, "product_id": 7, "sku": "KURTA-M", "fields": ["prices", "weight_grams"]}

    id: int
    """The variant's id."""
    product_id: int
    """Its product."""
    sku: str
    """Its SKU after the change."""
    fields: list[str]
    """Names of the fields that changed, sorted (`prices` when a price did)."""


class VariantDeleted(Event):
    """A variant and its prices were deleted."""

    event_type = "catalog.variant_deleted"
    example = {"id": 31, "product_id": 7, "sku": "KURTA-M"}

    id: int
    """The id the variant had."""
    product_id: int
    """Its product."""
    sku: str
    """The SKU it had."""


class PriceChange(Part):
    """One currency's price of one variant, before and after (minor units; null: none)."""

    variant_id: int
    """The variant."""
    product_id: int
    """Its product."""
    currency: str
    """ISO 4217 code of the price."""
    old_amount: int | None
    """Price before, in minor units; null when there was none."""
    new_amount: int | None
    """Price after, in minor units; null when the price was removed."""
    old_compare_at_amount: int | None
    """Compare-at (struck-through) price before; null when none."""
    new_compare_at_amount: int | None
    """Compare-at price after; null when none."""


class PriceChanged(Event):
    """Prices of a product's variants changed. One event per product, also in bulk edits."""

    event_type = "catalog.price_changed"
    example = {
        "source": "editor",
        "sku": "KURTA-M",
        "changes": [
            {
                "variant_id": 31,
                "product_id": 7,
                "currency": "INR",
                "old_amount": 129900,
                "new_amount": 119900,
                "old_compare_at_amount": None,
                "new_compare_at_amount": 129900,
            }
        ],
    }

    source: PriceSource
    """Where the change came from: the dashboard editor, the admin API, a catalogue
    import or a bulk price edit."""
    sku: str | None = None
    """The variant's SKU when one variant changed; null for a bulk edit."""
    changes: list[PriceChange]
    """Every price that changed."""


class CategoryState(Event):
    """A category's fields (base of its created and deleted events)."""

    example = {
        "id": 3,
        "name": "Kurtas",
        "slug": "kurtas",
        "parent_id": None,
        "description": "",
        "position": 0,
    }

    id: int
    """The category's id."""
    name: str
    """Its name."""
    slug: str
    """Its URL slug."""
    parent_id: int | None
    """Its parent category; null for a top-level one."""
    description: str
    """Its description."""
    position: int
    """Its place among its siblings."""


class CategoryCreated(CategoryState):
    """A category was created."""

    event_type = "catalog.category_created"


class CategoryUpdated(Event):
    """Fields of a category changed."""

    event_type = "catalog.category_updated"
    example = {"id": 3, "fields": ["name", "slug"]}

    id: int
    """The category's id."""
    fields: list[str]
    """Names of the fields that changed, sorted."""


class CategoryDeleted(CategoryState):
    """A category was deleted (products simply lose it). Its last state."""

    event_type = "catalog.category_deleted"


class CollectionState(Event):
    """A collection's fields (base of its created and deleted events)."""

    example = {
        "id": 5,
        "name": "Festive",
        "slug": "festive",
        "description": "",
        "is_published": True,
    }

    id: int
    """The collection's id."""
    name: str
    """Its name."""
    slug: str
    """Its URL slug."""
    description: str
    """Its description."""
    is_published: bool
    """Whether shoppers can see it."""


class CollectionCreated(CollectionState):
    """A collection was created, with its products in order."""

    event_type = "catalog.collection_created"
    example = {**CollectionState.example, "product_ids": [7, 9]}

    product_ids: list[int]
    """Its products, in display order."""


class CollectionDeleted(CollectionState):
    """A collection was deleted (its products stay). Its last state."""

    event_type = "catalog.collection_deleted"


class CollectionUpdated(Event):
    """Fields or members of a collection changed."""

    event_type = "catalog.collection_updated"
    example = {"id": 5, "fields": ["is_published", "product_ids"]}

    id: int
    """The collection's id."""
    fields: list[str]
    """Names of the fields that changed, sorted (`product_ids` when the members did)."""


class CatalogImported(Event):
    """A catalogue CSV import was applied (only when it changed something)."""

    event_type = "catalog.imported"
    example = {
        "created_products": 2,
        "updated_products": 1,
        "created_variants": 6,
        "updated_variants": 3,
        "rows": 9,
    }

    created_products: int
    """Products the import created."""
    updated_products: int
    """Products it updated."""
    created_variants: int
    """Variants it created."""
    updated_variants: int
    """Variants it updated."""
    rows: int
    """Data rows in the file."""
