"""Field rules for catalog input, shared by services, bulk edits and the CSV import.

Each `clean_*` returns the normalised value or raises `ValidationError` whose
`details["field"]` names the offending field, so API, dashboard and CSV report alike.
"""

from __future__ import annotations

import re
from typing import Any

from django.db.models import Model
from django.utils.text import slugify

from haat.catalog.error_codes import CatalogError
from haat.catalog.models import Product
from haat.core.error_codes import CoreError, ErrorCode
from haat.core.errors import ValidationError
from haat.core.field_words import field_label

SLUG_RE = re.compile(r"^[a-z0-9-]+$")
SKU_RE = re.compile(r"^[A-Za-z0-9._-]+$")
HSN_RE = re.compile(r"^(\d{4}|\d{6}|\d{8})$")
MAX_WEIGHT_GRAMS = 1_000_000
MAX_EXPECTED_DAYS = 365
MAX_POSITION = 2**31 - 1  # a sort position: the column's limit
# Availabilities where "days until dispatch" means something to the customer.
DAYS_AVAILABILITIES = frozenset(
    {
        Product.Availability.SHIPS_2_3_DAYS,
        Product.Availability.SHIPS_4_7_DAYS,
        Product.Availability.PRE_ORDER,
    }
)


def invalid(
    field: str, message: str, code: ErrorCode = CoreError.INVALID, **extra: Any
) -> ValidationError:
    return ValidationError(message, code=code, details={"field": field, **extra})


def clean_text(value: Any, *, field: str, max_length: int, required: bool = False) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise invalid(field, f"{field_label(field)} must be text.")
    value = value.strip()
    if required and not value:
        raise invalid(field, f"{field_label(field)} is required.", code=CoreError.REQUIRED)
    if len(value) > max_length:
        raise invalid(field, f"{field_label(field)} must be at most {max_length:,} characters.")
    return value


def clean_title(value: Any, *, field: str = "title", max_length: int = 200) -> str:
    return clean_text(value, field=field, max_length=max_length, required=True)


def clean_slug(value: Any, *, field: str = "slug", max_length: int = 220) -> str:
    value = clean_text(value, field=field, max_length=max_length, required=True)
    if not SLUG_RE.match(value):
        raise invalid(field, f"{field} may only contain lowercase letters, digits and hyphens.")
    return value


def clean_sku(value: Any, *, field: str = "sku") -> str:
    value = clean_text(value, field=field, max_length=64, required=True)
    if not SKU_RE.match(value):
        raise invalid(field, "SKU may only contain letters, digits, '.', '_' and '-'.")
    return value


def clean_hsn(value: Any, *, field: str = "hsn_code") -> str:
    value = clean_text(value, field=field, max_length=8)
    if value and not HSN_RE.match(value):
        raise invalid(field, "HSN code must be 4, 6 or 8 digits.")
    return value


def gtin_is_valid(code: str) -> bool:
    """GS1 check digit: weights 3,1,3,… from the right, excluding the check digit."""
    if not code.isdigit() or len(code) not in (8, 12, 13, 14):
        return False
    digits = [int(c) for c in code]
    body, check = digits[:-1], digits[-1]
    total = sum(d * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return (10 - total % 10) % 10 == check


def clean_barcode(value: Any, *, field: str = "barcode") -> str:
    value = clean_text(value, field=field, max_length=14)
    if value and not gtin_is_valid(value):
        raise invalid(field, "Barcode must be a GTIN-8, 12, 13 or 14 with a valid check digit.")
    return value


def clean_int(
    value: Any, *, field: str, minimum: int, maximum: int, allow_none: bool = True
) -> int | None:
    if value is None or value == "":
        if allow_none:
            return None
        raise invalid(field, f"{field_label(field)} is required.", code=CoreError.REQUIRED)
    if isinstance(value, bool):
        raise invalid(field, f"{field_label(field)} must be a whole number.")
    if isinstance(value, str):
        value = value.strip()
        if not re.fullmatch(r"-?\d+", value):
            raise invalid(field, f"{field_label(field)} must be a whole number.")
        value = int(value)
    if not isinstance(value, int):
        raise invalid(field, f"{field_label(field)} must be a whole number.")
    if not minimum <= value <= maximum:
        raise invalid(field, f"{field_label(field)} must be from {minimum:,} to {maximum:,}.")
    return value


def clean_weight(value: Any, *, field: str = "weight_grams") -> int | None:
    return clean_int(value, field=field, minimum=0, maximum=MAX_WEIGHT_GRAMS)


def clean_choice(value: Any, choices: type, *, field: str) -> str:
    allowed = [c.value for c in choices]
    if value not in allowed:
        raise invalid(
            field, f"{field_label(field)} must be one of: {', '.join(allowed)}.", choices=allowed
        )
    return str(value)


def clean_expected_days(
    value: Any, *, availability: str, field: str = "expected_days"
) -> int | None:
    days = clean_int(value, field=field, minimum=1, maximum=MAX_EXPECTED_DAYS)
    if days is not None and availability not in DAYS_AVAILABILITIES:
        raise invalid(field, "Expected days only apply to 'ships in …' and pre-order availability.")
    return days


def clean_bool(value: Any, *, field: str) -> bool:
    if not isinstance(value, bool):
        raise invalid(field, f"{field_label(field)} must be true or false.")
    return value


def clean_ids(value: Any, *, field: str) -> list[int]:
    """A list of distinct integer ids, order kept."""
    if value is None:
        return []
    if isinstance(value, str | bytes) or not hasattr(value, "__iter__"):
        raise invalid(field, f"{field_label(field)} must be a list of ids.")
    seen: dict[int, None] = {}
    for item in value:
        if isinstance(item, bool) or not isinstance(item, int):
            raise invalid(field, f"{field_label(field)} must be a list of ids.")
        seen[item] = None
    return list(seen)


def require_existing(model: type[Model], ids: list[int], *, field: str) -> None:
    """One query; names the missing ids so the caller can fix them."""
    if not ids:
        return
    found = set(model._default_manager.filter(pk__in=ids).values_list("pk", flat=True))
    missing = [i for i in ids if i not in found]
    if missing:
        raise invalid(
            field,
            f"Unknown {field_label(field).lower()}: {missing}.",
            code=CatalogError.UNKNOWN_ID,
            missing=missing,
        )


def unique_slug(
    model: type[Model], text: str, *, max_length: int, exclude_pk: int | None = None
) -> str:
    """`slugify(text)`, made unique with -2, -3… using one query for the taken ones."""
    base = slugify(text)[: max_length - 6].strip("-") or model._meta.model_name or "item"
    qs = model._default_manager.filter(slug__startswith=base)
    if exclude_pk is not None:
        qs = qs.exclude(pk=exclude_pk)
    taken = set(qs.values_list("slug", flat=True))
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"
