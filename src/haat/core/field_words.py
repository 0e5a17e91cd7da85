"""Field names in the merchant's words, for the messages services raise.

A service names a refused value twice: `details["field"]` for API clients, in the code's
spelling (`max_order_value`, `lines[0].quantity`), and the message, which a merchant reads
on a dashboard page. The message says "The maximum order value", never `max_order_value`.
"""

from __future__ import annotations

import re

# Names whose words are not just the name with spaces (acronyms, units, ids that are picks).
WORDS: dict[str, str] = {
    "sku": "SKU",
    "hsn_code": "HSN code",
    "seo_title": "SEO title",
    "seo_description": "SEO description",
    "alt_text": "Alt text",
    "weight_grams": "Weight",
    "expected_days": "Days to dispatch",
    "on_hand": "On hand",
    "variant_id": "Variant",
    "location_id": "Location",
    "from_location_id": "Location to move from",
    "to_location_id": "Location to move to",
    "parent_id": "Parent category",
    "category_id": "Category",
    "product_id": "Product",
    "category_ids": "Categories",
    "collection_ids": "Collections",
    "product_ids": "Products",
    "variant_ids": "Variants",
    "display_order": "Position",
    "min_order_value": "Minimum order value",
    "max_order_value": "Maximum order value",
    "minimum_amount": "Minimum upfront amount",
    "remitted_on": "Remittance date",
    "option_values": "Option values",
    "compare_at": "Compare-at price",
    "cod_fee": "COD fee",
    "url": "URL",
    "cap": "Units that may be sold beyond stock",
    "ships_in_days": "Days until it ships",
}

_LAST_PART = re.compile(r"([A-Za-z_]+)(?:\[\d+\])*$")


def field_label(field: str) -> str:
    """`max_order_value` -> "Maximum order value"; a path names its last part
    (`lines[0].quantity` -> "Quantity"). Sentence case, to start a message."""
    match = _LAST_PART.search(field.rsplit(".", 1)[-1])
    name = match.group(1) if match else field
    words = WORDS.get(name) or name.replace("_", " ").strip()
    return words[:1].upper() + words[1:]
