"""The catalog's error codes (products, variants, prices, categories, images, CSV import)."""

from __future__ import annotations

from haat.core.error_codes import ErrorCode


class CatalogError(ErrorCode):
    DUPLICATE_SLUG = "duplicate_slug", 409, "Another product, category or collection has this slug."
    DUPLICATE_SKU = "duplicate_sku", 409, "Another variant already uses this SKU."
    DUPLICATE_VARIANT = "duplicate_variant", 409, "Another variant already has these option values."
    PRODUCT_IN_USE = "product_in_use", 409, "The product is on orders; archive it instead."
    VARIANT_IN_USE = "variant_in_use", 409, "The variant is on orders or has stock history."
    OPTION_VALUE_IN_USE = (
        "option_value_in_use",
        409,
        "An option value cannot be removed while a variant uses it.",
    )
    CATEGORY_HAS_CHILDREN = (
        "category_has_children",
        409,
        "A category with child categories cannot be deleted.",
    )
    UNKNOWN_FIELD = "unknown_field", 422, "The change names a field that cannot be updated."
    UNKNOWN_ID = "unknown_id", 422, "An id that names nothing; `details.missing` lists them."
    CYCLE = "cycle", 422, "A category cannot be moved under itself or its children."
    CURRENCY = "currency", 422, "A variant's cost is kept in the store's default currency."
    NEGATIVE_PRICE = "negative_price", 422, "A price cannot be negative."
    PRICE_TOO_LARGE = "price_too_large", 422, "The price is unrealistically large."
    COMPARE_AT_NOT_HIGHER = (
        "compare_at_not_higher",
        422,
        "A compare-at price must be higher than the price.",
    )
    UNKNOWN_VARIANT = "unknown_variant", 422, "No variant with this id."
    INACTIVE_VARIANT = "inactive_variant", 422, "The variant (or its product) is not for sale."
    FILE_TOO_LARGE = "file_too_large", 422, "The uploaded file is larger than the limit."
    INVALID_IMAGE = "invalid_image", 422, "The file is not an image Haat can read."
    IMAGE_TOO_LARGE = "image_too_large", 422, "The image has more than 40 megapixels."
    IMPORT_INVALID = (
        "import_invalid",
        422,
        "A CSV import had row errors, so nothing was written; `details` lists them.",
    )
